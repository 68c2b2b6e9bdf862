"""The batch's side: every part of every hand-in sent as a task, results collected as they come.

`grade batch --broker URL` calls `grade_on_cluster` where a local batch starts its workers; the
rest of the batch (resume, joining a hand-in's parts, missing assignments, the late policy,
reports) is the same. A result is checked for shape (`results.from_untrusted_json`) before use:
the broker is untrusted transport.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from ..course import Course
from ..joining import join
from ..layouts import HandIn, Part
from ..names import shown
from ..results import Status, SubmissionResult
from .app import CPU_QUEUE, GPU_QUEUE, TASK, make_app
from .checked import from_untrusted_json
from .payload import PayloadError, pack

#: Seconds between reconnection attempts while the broker is away (restarting, say).
RECONNECT = 1.0


def grade_on_cluster(course: Course, broker: str, hand_ins: list[HandIn], assignment_id: str | None,
                     student_of: Callable[[HandIn], str], echo: Callable[[str], None],
                     backend: str | None = None) -> Iterator[tuple[HandIn, SubmissionResult]]:
    """Send each part of `hand_ins` to the workers on `broker`; yield each hand-in with its joined result as
    soon as all its parts are back."""
    app = make_app(broker, backend=backend)
    version = course.version
    on_gpu = [a.id for a in course.chosen() if a.gpu]  # declared by each assignment: `gpu = true`
    gpu = _gpu_workers(app)
    if any(_assignment(p, assignment_id) in on_gpu for h in hand_ins for p in h.parts) and not gpu:
        echo(f"no worker consumes the {GPU_QUEUE!r} queue: {', '.join(on_gpu)} is graded on CPU workers")
    waiting: dict[str, tuple[HandIn, int]] = {}  # task id -> (hand-in, index of its part)
    graded: dict[str, list[SubmissionResult | None]] = {}
    for hand_in in hand_ins:
        graded[hand_in.name] = [None] * len(hand_in.parts)
        if not hand_in.parts:
            yield hand_in, SubmissionResult(hand_in.name)
        for index, part in enumerate(hand_in.parts):
            wanted = _assignment(part, assignment_id)
            try:
                payload = pack(part.path, course=version, assignment=wanted, student=student_of(hand_in))
            except Exception as exc:  # noqa: BLE001 - a part that cannot be packed is that part's status only
                reason = str(exc) if isinstance(exc, (PayloadError, OSError)) else repr(exc)
                graded[hand_in.name][index] = SubmissionResult(part.path.name, status=Status.UNREADABLE,
                                                               reason=f"not sent: {shown(reason)}")
                continue
            queue = GPU_QUEUE if wanted in on_gpu and gpu else CPU_QUEUE
            task = _retrying(app.send_task, TASK, args=[payload], queue=queue)
            waiting[task.id] = (hand_in, index)
        if hand_in.parts and all(r is not None for r in graded[hand_in.name]):
            yield hand_in, _joined(hand_in, graded[hand_in.name], gpu, on_gpu)
    for task_id, meta in _results(app, set(waiting)):
        hand_in, index = waiting.pop(task_id)
        try:
            graded[hand_in.name][index] = _result(hand_in.parts[index], meta)
        except Exception as exc:  # noqa: BLE001 - one answer the batch cannot read costs that part only
            graded[hand_in.name][index] = SubmissionResult(hand_in.parts[index].path.name, status=Status.FAILED,
                                                           reason=f"the batch could not read the worker's answer: "
                                                                  f"{shown(repr(exc))}")
        if all(r is not None for r in graded[hand_in.name]):
            yield hand_in, _joined(hand_in, graded[hand_in.name], gpu, on_gpu)


def _assignment(part: Part, assignment_id: str | None) -> str | None:
    return part.assignment or assignment_id


def _joined(hand_in: HandIn, results: list[SubmissionResult | None], gpu: bool, on_gpu: list[str]) -> SubmissionResult:
    try:
        joined = join(hand_in.name, [(p, r) for p, r in zip(hand_in.parts, results) if r is not None])
    except Exception as exc:  # noqa: BLE001 - this hand-in's failure, never the batch's
        return SubmissionResult(hand_in.name, status=Status.FAILED,
                                reason=f"the batch could not join its parts: {shown(repr(exc))}")
    wanted = [a.assignment for a in joined.assignments if a.assignment in on_gpu]
    if not gpu and wanted:
        joined.notes.append(f"{', '.join(wanted)}: no GPU worker was available; graded on a CPU worker")
    return joined


def _result(part: Part, meta: dict[str, Any]) -> SubmissionResult:
    """A task's result as the batch uses it, or a failed part that says why it is not one."""
    if meta.get("status") != "SUCCESS":
        return SubmissionResult(part.path.name, status=Status.FAILED,
                                reason=f"the worker failed: {shown(str(meta.get('result')), 300)}")
    try:
        result = from_untrusted_json(meta.get("result"))
    except (ValueError, TypeError) as exc:
        return SubmissionResult(part.path.name, status=Status.FAILED,
                                reason=f"the worker's answer was not a result ({shown(str(exc))})")
    if result.submission != part.path.name:
        return SubmissionResult(part.path.name, status=Status.FAILED,
                                reason="the worker's answer was for another submission")
    return result


def _results(app: Any, ids: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each task's id and stored result as it arrives, riding out a broker that goes away for a while."""
    while ids:
        try:
            for task_id, meta in app.backend.get_many(set(ids), timeout=None, interval=0.2, no_ack=True):
                ids.discard(task_id)
                yield task_id, meta
        except connection_errors():
            time.sleep(RECONNECT)


def _retrying(send: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`send(*args, **kwargs)`, again after a pause while the broker cannot be reached."""
    while True:
        try:
            return send(*args, **kwargs)
        except connection_errors():
            time.sleep(RECONNECT)


def connection_errors() -> tuple[type[BaseException], ...]:
    """What a broker or backend that cannot be reached raises (Redis's, kombu's, the socket's)."""
    from kombu.exceptions import OperationalError

    errors: list[type[BaseException]] = [OSError, OperationalError]
    try:
        import redis

        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:
        pass
    return tuple(errors)


def _gpu_workers(app: Any) -> bool:
    """Whether any live worker consumes the GPU queue."""
    try:
        queues = app.control.inspect(timeout=1.0).active_queues() or {}
    except connection_errors():
        return False
    return any(q.get("name") == GPU_QUEUE for found in queues.values() for q in found)

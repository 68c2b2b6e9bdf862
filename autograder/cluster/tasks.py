"""The worker's side: each task is one part of a hand-in, graded by a warm worker of this machine.

A task is acknowledged only after its result is stored (`app.make_app`): when the machine or the
`grade worker` process dies mid-grade, the broker gives the task to another worker once its
visibility timeout has passed. When the grading process itself dies (what a submission that
kills its grader would do), the task is sent again, to any worker. Every start of a task is
counted in the result backend, so a submission that kills its worker again and again is marked
failed after MAX_TRIES, not retried forever.
"""

from __future__ import annotations

import socket
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..course import Course
from ..results import Status, SubmissionResult, to_json
from .app import TASK
from .payload import PayloadError, unpack

if TYPE_CHECKING:
    from ..sandbox.templates import Templates

#: Starts of one task (its first and its retries, or redeliveries after a worker died) before it is failed.
MAX_TRIES = 3
_local = threading.local()


def register(app: Any, course: Course, *, insecure: bool = False, timeout: float | None = None,
             templates: Templates | None = None) -> Any:
    """Register the grading task on `app`; `insecure` is this worker's own choice, never a task's; the grading
    processes fork their student processes from `templates` (the machine's, shared), where given."""

    @app.task(name=TASK, bind=True, acks_late=True, max_retries=None)
    def grade_part(self: Any, payload: Any) -> dict[str, Any]:
        return run(self, payload, course, insecure=insecure, timeout=timeout, templates=templates)

    return grade_part


def run(task: Any, payload: Any, course: Course, *, insecure: bool, timeout: float | None,
        templates: Templates | None = None) -> dict[str, Any]:
    """Grade the payload's submission; return the result in the project's JSON form (never raises for a
    problem of the submission, of the payload or of the course version: the result says what it was)."""
    from ..pool import Worker

    name = payload.get("name") if isinstance(payload, dict) and isinstance(payload.get("name"), str) else "?"
    where = {"worker": task.request.hostname or socket.gethostname(),
             "queue": (task.request.delivery_info or {}).get("routing_key", "")}
    mine = course.version
    if not isinstance(payload, dict) or payload.get("course") != mine:
        theirs = payload.get("course") if isinstance(payload, dict) else None
        return _answer(SubmissionResult(name[:255], status=Status.REFUSED, reason=(
            f"refused by worker {where['worker']}: the batch's course version is {str(theirs)[:40]!r}, this "
            f"worker's is {mine!r}; update the worker's course (assignments, solutions, autograder) to the "
            f"batch's")), where)
    tries = _count_try(task)
    if tries > MAX_TRIES:
        return _answer(SubmissionResult(name[:255], status=Status.DIED, reason=(
            f"not graded: its grading process died in each of {MAX_TRIES} tries (the submission may be "
            f"killing its grader); not retried")), where)
    worker = getattr(_local, "worker", None) or Worker(course, insecure, templates=templates)
    _local.worker = worker
    with tempfile.TemporaryDirectory(prefix="grade-task-") as folder:
        try:
            path, assignment, student = unpack(payload, course.ids, Path(folder))
        except PayloadError as exc:
            return _answer(SubmissionResult(name[:255], status=Status.UNREADABLE, reason=f"not graded: {exc}"), where)
        limit = timeout or sum(a.timeout for a in course.assignments.values()) + 60
        result = worker.grade(path, assignment, limit, student)
    if result.status is Status.DIED:
        raise task.retry(countdown=0)
    result.extra["tries"] = tries
    return _answer(result, where)


def _answer(result: SubmissionResult, where: dict[str, str]) -> dict[str, Any]:
    result.extra.update(where)
    return to_json(result)


def _count_try(task: Any) -> int:
    """How many times this task has started, this start included (kept by the result backend, a day)."""
    client = getattr(task.backend, "client", None)
    if client is None:  # a backend without a shared counter: Celery's own count of retries
        return task.request.retries + 1
    key = f"autograder:tries:{task.request.id}"
    tries = int(client.incr(key))
    client.expire(key, 24 * 3600)
    return tries

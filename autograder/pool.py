"""A batch's local pool: long-lived grading processes (`grading_process`) sharing the batch's warm templates.

`grade_locally` grades a list of hand-ins with `--jobs` workers, each a `Worker` (one `python -m
autograder.grading_process` process, replaced when it dies), one hand-in at a time. The batch starts one
template per kind of student process and hands each worker a control socket of its own. While a
heavier template (torch) is still importing, the workers grade the other assignments of hand-in
after hand-in and come back for the rest once it is warm (`WarmingUp`): the batch's start-up then
costs one core for one import, not every worker's wait for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from .course import Course
from .joining import join
from .layouts import HandIn, Part
from .names import shown
from .processes import kind, template_kinds
from .results import Status, SubmissionResult, from_json
from .sandbox.templates import INHERITED, Kind, Templates

#: Seconds a worker has to end by itself once the batch is done with it.
STOP_WAIT = 5.0
#: The most bytes of one worker's answer: a submission's results JSON (verdicts are capped).
MAX_ANSWER_BYTES = 64 * 1024**2


class Worker:
    """One long-lived `python -m autograder.grading_process` of `course`, started on first use and after it dies."""

    def __init__(self, course: Course, insecure: bool = False, assignment_id: str | None = None,
                 templates: Templates | None = None) -> None:
        self.course = course
        self.insecure = insecure
        self.assignment_id = assignment_id  # the one assignment it will grade, when known: its templates only
        self.templates = templates  # the batch's, shared by all its workers
        self._process: subprocess.Popen | None = None
        self._buffer = b""

    def grade(self, entry: Path, assignment_id: str | None, timeout: float, student: str = "",
              only: list[str] | None = None) -> SubmissionResult:
        """Grade `entry` (its `assignment_id`, or the assignments in `only`, or all; with `student`'s own hidden
        inputs, if any) within `timeout` seconds; never raises."""
        started = time.monotonic()
        try:
            process = self._start()
            job = {"path": str(entry.resolve()), "name": entry.name, "assignment": assignment_id, "only": only,
                   "insecure": self.insecure, "student": student}
            assert process.stdin is not None
            process.stdin.write(json.dumps(job).encode() + b"\n")
            process.stdin.flush()
            line = self._read_line(started + timeout)
        except TimeoutError:
            self.stop()
            return SubmissionResult(entry.name, status=Status.TIMED_OUT,
                                    reason=f"grading did not finish within {timeout:g} s")
        except (OSError, EOFError):
            return SubmissionResult(entry.name, status=Status.DIED, reason=self._death())
        try:
            result = from_json(json.loads(line))
        except (ValueError, TypeError):
            self.stop()
            return SubmissionResult(entry.name, status=Status.FAILED, reason="the grader's output was not a result")
        result.submission = entry.name
        result.extra["seconds"] = round(time.monotonic() - started, 2)
        return result

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            self._buffer = b""
            command = [sys.executable, "-m", "autograder.grading_process", str(self.course.root),
                       *([self.assignment_id] if self.assignment_id else [])]
            env, fds, sockets = dict(os.environ), [], []
            if self.templates is not None:
                env[INHERITED], fds, sockets = self.templates.attach()
            try:
                self._process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                                 pass_fds=fds, start_new_session=True, preexec_fn=die_with_batch)
            finally:
                for sock in sockets:
                    sock.close()
            assert self._process.stderr is not None
            threading.Thread(target=_drain, args=(self._process.stderr,), daemon=True).start()
        return self._process

    def _read_line(self, deadline: float) -> bytes:
        assert self._process is not None and self._process.stdout is not None
        fd = self._process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if select.select([fd], [], [], remaining)[0]:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise EOFError
                self._buffer += chunk
                if len(self._buffer) > MAX_ANSWER_BYTES:
                    raise EOFError
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def _death(self) -> str:
        """Why the worker stopped answering, once it is gone."""
        process = self._process
        self.stop()
        status = process.returncode if process is not None else None
        if status is not None and status < 0:
            return f"the grading process was killed by {signal.Signals(-status).name}"
        return f"the grading process exited with status {status}"

    def stop(self, *, graceful: bool = False) -> None:
        """Kill the worker; `graceful`ly, first let it end by itself (its input closed), releasing its sandboxes."""
        process, self._process = self._process, None
        if process is None:
            return
        if graceful and process.poll() is None:
            with contextlib.suppress(OSError):
                process.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=STOP_WAIT)
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


def _drain(stream) -> None:
    """Read a worker's standard error so that it never blocks on a full pipe (it holds only warnings)."""
    with contextlib.suppress(OSError, ValueError):
        while stream.read(1 << 16):
            pass


def grade_hand_in(worker: Worker, hand_in: HandIn, assignment_id: str | None, timeout: float,
                  student: str) -> SubmissionResult:
    """Grade each part of `hand_in` with `worker`, one after the other, as the assignment it is for (where
    its name says), and join the results."""
    if not hand_in.parts:  # nothing for these assignments: each is missing (the notes say what was left out)
        return SubmissionResult(hand_in.name)
    return join(hand_in.name, grade_parts(worker, hand_in, assignment_id, timeout, student))


def grade_parts(worker: Worker, hand_in: HandIn, assignment_id: str | None, timeout: float, student: str,
                only: list[str] | None = None) -> list[tuple[Part, SubmissionResult]]:
    """Each part of `hand_in` graded by `worker` (of the assignments in `only`, where given), with its result."""
    graded = []
    for part in hand_in.parts:
        wanted = part.assignment or assignment_id
        if only is not None and wanted is not None and wanted not in only:
            continue
        graded.append((part, worker.grade(part.path, wanted, timeout, student, None if wanted else only)))
    return graded


def merge_passes(first: SubmissionResult, second: SubmissionResult) -> SubmissionResult:
    """One part's result from two passes over different assignments (see `WarmingUp`); `joining.finish`
    puts the assignments in course order."""
    if not first.graded:
        return first
    if not second.graded:
        return second
    merged = replace(first, assignments=first.assignments + second.assignments, notes=first.notes + second.notes)
    merged.extra = {**first.extra, "seconds": round(first.extra.get("seconds", 0) + second.extra.get("seconds", 0), 2)}
    return merged


class WarmingUp:
    """While the template of a heavier kind of student process (torch) is still importing, the batch's
    workers grade the other assignments of hand-in after hand-in and come back for those later, rather
    than wait for it: the start-up of a batch then costs one core for one import, not the class's time."""

    def __init__(self, course: Course, templates: Templates, assignment_id: str | None) -> None:
        self.templates = templates
        chosen = course.chosen([assignment_id] if assignment_id else None)
        self._chosen = [a.id for a in chosen]
        by_kind: dict[Kind, list[str]] = {}
        for assignment in chosen:
            by_kind.setdefault(kind(assignment), []).append(assignment.id)
        lightest = min((len(k.preload) for k in by_kind), default=0)
        self._waiting = {k: ids for k, ids in by_kind.items() if len(k.preload) > lightest}
        self._lock = threading.Lock()

    def cold(self) -> list[str]:
        """The assignments whose template is not warm yet (none, once every one is)."""
        with self._lock:
            for kind in [k for k in self._waiting if self.templates.is_ready(k)]:
                del self._waiting[kind]
            return [assignment_id for ids in self._waiting.values() for assignment_id in ids]

    def split(self) -> tuple[list[str], list[str]]:
        """The assignments whose template is warm, and those whose template is not yet."""
        cold = self.cold()
        return [a for a in self._chosen if a not in cold], cold


def die_with_batch() -> None:
    """In the worker, before exec: be killed when the batch dies (Linux), so a killed
    batch leaves no worker behind to race the resumed one."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def grade_locally(course: Course, hand_ins: list[HandIn], jobs: int, assignment_id: str | None, timeout: float,
                  insecure: bool, student_of: Callable[[HandIn], str]) -> Iterator[tuple[HandIn, SubmissionResult]]:
    """Grade `hand_ins` with `jobs` long-lived workers of this machine; yield each with its result as it is done."""
    pending: queue.Queue[HandIn] = queue.Queue()
    for hand_in in hand_ins:
        pending.put(hand_in)
    done: queue.Queue[tuple[HandIn, SubmissionResult]] = queue.Queue()
    # graded but for the assignments whose template was still cold: (hand-in, first pass, those assignments)
    halfway: queue.Queue[tuple[HandIn, list[tuple[Part, SubmissionResult]], list[str]]] = queue.Queue()
    templates = Templates()
    templates.prestart(template_kinds(course.chosen([assignment_id] if assignment_id else None)))
    warming = WarmingUp(course, templates, assignment_id)

    def grade(worker: Worker, hand_in: HandIn) -> SubmissionResult | None:
        student = student_of(hand_in)
        if not hand_in.parts:
            return grade_hand_in(worker, hand_in, assignment_id, timeout, student)
        warm, cold = warming.split()
        if cold and warm:
            halfway.put((hand_in, grade_parts(worker, hand_in, assignment_id, timeout, student, warm), cold))
            return None
        return grade_hand_in(worker, hand_in, assignment_id, timeout, student)

    def finish_halfway(worker: Worker, hand_in: HandIn, first: list[tuple[Part, SubmissionResult]],
                       cold: list[str]) -> SubmissionResult:
        passes: dict[int, list[SubmissionResult]] = {}
        for part, result in first + grade_parts(worker, hand_in, assignment_id, timeout, student_of(hand_in), cold):
            passes.setdefault(id(part), []).append(result)
        return join(hand_in.name, [(part, merge_passes(*passes[id(part)]) if len(passes[id(part)]) == 2
                                    else passes[id(part)][0]) for part in hand_in.parts if id(part) in passes])

    def take() -> tuple[HandIn, list[tuple[Part, SubmissionResult]] | None, list[str]] | None:
        """The next hand-in to grade: a half-graded one once its templates are warm (or when no new one is
        left), else a new one; None when none is left."""
        while True:
            if not warming.cold() or pending.empty():
                with contextlib.suppress(queue.Empty):
                    return halfway.get_nowait()
            with contextlib.suppress(queue.Empty):
                return pending.get_nowait(), None, []
            if halfway.empty():  # another worker may still put one there: it grades that one itself
                return None

    def work() -> None:
        worker = Worker(course, insecure, assignment_id, templates)
        try:
            while (job := take()) is not None:
                hand_in, first, cold = job
                try:
                    result = grade(worker, hand_in) if first is None else finish_halfway(worker, hand_in, first, cold)
                except Exception as exc:  # noqa: BLE001 - a bug of the grader costs one row, not the batch
                    worker.stop()
                    result = SubmissionResult(hand_in.name, status=Status.FAILED,
                                              reason=f"the grader failed: {shown(repr(exc))}")
                if result is not None:
                    done.put((hand_in, result))
        finally:
            worker.stop(graceful=True)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(min(jobs, len(hand_ins)))]
    try:
        for thread in threads:
            thread.start()
        for _ in hand_ins:
            yield done.get()
        for thread in threads:
            thread.join()
    finally:
        templates.close()

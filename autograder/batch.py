"""`grade batch`: every student's hand-in in a folder, graded by long-lived workers.

The folder is read as the platform that exported it lays it out (`layouts`: Canvas,
Gradescope, GitHub Classroom, Moodle, plain folders): one hand-in per student, joined to
the roster. Each of `--jobs` workers (`worker`) is one grader process kept for the whole
batch, with warm templates of the student's process; it grades one part of a hand-in (a
file, a folder, a zip) at a time, seeded for the student (per-student hidden inputs). A part
that brings down its worker (or hangs past its budget) loses only itself, which the row then
says, and the worker is replaced. The parts' results are joined (`hand_ins`): every
assignment of the course (or of --assignment) not handed in is marked missing and scores 0,
so every total has the same maximum; the late policy of course.toml then applies. Each
result is written atomically as soon as it is known, so `--resume` after an interruption
grades only what is missing or failed, exactly once (and applies the current late policy to
the rest).

    OUT/graded/<name>.json    the project's own result (`results.SubmissionResult`), read by --resume
    OUT/results/<name>.json   the same as Gradescope's results.json
    OUT/grades.csv, OUT/reports/    the class's grades and reports; <name> is grades.csv's `submission`
                              (OUT/reports/similarity/: pairs of submissions whose code is alike)
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
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import assignments as course
from .grading import template_kinds
from .hand_ins import PLATFORMS, finish, identity, join, keep_parts_for, student_key
from .layouts import HandIn, Part, read_layout
from .reports.class_reports import write_class_reports
from .reports.files import write_atomic, write_json
from .reports.grade_files import grades_csv, grades_row
from .reports.gradescope import submission_document
from .reports.roster import find_student, read_roster
from .reports.terminal import print_scores
from .results import SubmissionResult, from_json, to_json
from .sandbox.templates import INHERITED, Kind, Templates
from .settings import course_settings
from .submission import submission_key

GRADED_DIR = "graded"
RESULTS_DIR = "results"
#: The most bytes of one worker's answer: a submission's results JSON (verdicts are capped).
MAX_ANSWER_BYTES = 64 * 1024**2


class Worker:
    """One long-lived `python -m autograder.worker` process, started on first use and after it dies."""

    def __init__(self, insecure: bool = False, assignment_id: str | None = None,
                 templates: Templates | None = None) -> None:
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
            return SubmissionResult(entry.name, status=f"grading did not finish within {timeout:g} s")
        except (OSError, EOFError):
            return SubmissionResult(entry.name, status=self._death())
        try:
            result = from_json(json.loads(line))
        except (ValueError, TypeError):
            self.stop()
            return SubmissionResult(entry.name, status="the grader's output was not a result")
        result.submission = entry.name
        result.extra["seconds"] = round(time.monotonic() - started, 2)
        return result

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            self._buffer = b""
            command = [sys.executable, "-m", "autograder.worker", *([self.assignment_id] if self.assignment_id else [])]
            env, fds, sockets = dict(os.environ), [], []
            if self.templates is not None:
                env[INHERITED], fds, sockets = self.templates.attach()
            try:
                self._process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                                 pass_fds=fds, start_new_session=True, preexec_fn=_die_with_batch)
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

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
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
        return SubmissionResult(hand_in.name, extra={"parts": []})
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
    """One part's result from two passes over different assignments (see `WarmingUp`), in course order."""
    if not first.graded:
        return first
    if not second.graded:
        return second
    order = {assignment_id: i for i, assignment_id in enumerate(course.all_assignments())}
    merged = replace(first, assignments=sorted(first.assignments + second.assignments,
                                               key=lambda a: order.get(a.assignment, len(order))),
                     notes=first.notes + second.notes)
    merged.extra = {**first.extra, "seconds": round(first.extra.get("seconds", 0) + second.extra.get("seconds", 0), 2)}
    return merged


class WarmingUp:
    """While the template of a heavier kind of student process (torch) is still importing, the batch's
    workers grade the other assignments of hand-in after hand-in and come back for those later, rather
    than wait for it: the start-up of a batch then costs one core for one import, not the class's time."""

    def __init__(self, templates: Templates, assignment_id: str | None) -> None:
        from .grading import student_process

        self.templates = templates
        chosen = [a for a in course.all_assignments().values() if assignment_id in (None, a.id)]
        by_kind: dict[Kind, list[str]] = {}
        for assignment in chosen:
            by_kind.setdefault(student_process(assignment), []).append(assignment.id)
        lightest = min((len(kind.preload) for kind in by_kind), default=0)
        self._waiting = {kind: ids for kind, ids in by_kind.items() if len(kind.preload) > lightest}
        self._lock = threading.Lock()

    def cold(self) -> list[str]:
        """The assignments whose template is not warm yet (none, once every one is)."""
        with self._lock:
            for kind in [k for k in self._waiting if self.templates.is_ready(k)]:
                del self._waiting[kind]
            return [assignment_id for ids in self._waiting.values() for assignment_id in ids]


def _die_with_batch() -> None:
    """In the worker, before exec: be killed when the batch dies (Linux), so a killed
    batch leaves no worker behind to race the resumed one."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _die_with_batch_at_lowest_priority() -> None:
    _die_with_batch()
    os.nice(19)


def grade_locally(hand_ins: list[HandIn], jobs: int, assignment_id: str | None, timeout: float, insecure: bool,
                  student_of: Callable[[HandIn], str]) -> Iterator[tuple[HandIn, SubmissionResult]]:
    """Grade `hand_ins` with `jobs` long-lived workers of this machine; yield each with its result as it is done."""
    pending: queue.Queue[HandIn] = queue.Queue()
    for hand_in in hand_ins:
        pending.put(hand_in)
    done: queue.Queue[tuple[HandIn, SubmissionResult]] = queue.Queue()
    # graded but for the assignments whose template was still cold: (hand-in, first pass, those assignments)
    halfway: queue.Queue[tuple[HandIn, list[tuple[Part, SubmissionResult]], list[str]]] = queue.Queue()
    templates = Templates()
    templates.prestart(template_kinds([assignment_id] if assignment_id else None))
    warming = WarmingUp(templates, assignment_id)

    def grade(worker: Worker, hand_in: HandIn) -> SubmissionResult | None:
        student = student_of(hand_in)
        if not hand_in.parts:
            return grade_hand_in(worker, hand_in, assignment_id, timeout, student)
        cold = warming.cold()
        warm = [a for a in course.all_assignments() if a not in cold and assignment_id in (None, a)]
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

    def work() -> None:
        worker = Worker(insecure, assignment_id, templates)
        try:
            while True:
                # hand-ins half graded come back first once their templates are warm, or when no new one is left
                item = None
                with contextlib.suppress(queue.Empty):
                    if not warming.cold() or pending.empty():
                        item = halfway.get_nowait()
                hand_in = item[0] if item else None
                if hand_in is None:
                    try:
                        hand_in = pending.get_nowait()
                    except queue.Empty:
                        if halfway.empty():
                            return
                        continue
                try:
                    result = finish_halfway(worker, *item) if item else grade(worker, hand_in)
                except Exception as exc:  # noqa: BLE001 - a bug of the grader costs one row, not the batch
                    worker.stop()
                    result = SubmissionResult(hand_in.name, status=f"the grader failed: {exc!r}"[:500])
                if result is not None:
                    done.put((hand_in, result))
        finally:
            worker.stop()

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


def _read(path: Path) -> SubmissionResult | None:
    """A result written by an earlier run, or None when there is none (or only a damaged one)."""
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def run_batch(directory: Path, output: Path, *, jobs: int, resume: bool = False,
              assignment_id: str | None = None, console: Console | None = None, timeout: float | None = None,
              roster: Path | None = None, insecure: bool = False, layout: str = "auto",
              broker: str | None = None, backend: str | None = None) -> list[SubmissionResult]:
    """Grade every hand-in under `directory` (read as `layout`) into `output` with `jobs` workers (or the
    workers on `broker`, a Celery cluster: `cluster`); return the results, in the layout's order. `timeout` caps
    each part's grading (default: the sum of the assignments' budgets); `insecure` grades where the course's
    secrets are within the student's reach (`grade run --insecure`)."""
    console = console or Console()
    assignments = course.all_assignments()
    expected = [assignments[assignment_id]] if assignment_id else list(assignments.values())
    settings = course_settings(course.course_dir())
    found = read_layout(directory, list(assignments), layout)
    found.hand_ins = [keep_parts_for(h, assignment_id) for h in found.hand_ins]
    console.print(f"layout: {found.layout} ({found.reason}); {len(found.hand_ins)} students")
    for note in found.notes:
        console.print(f"[yellow]layout: {note}[/]")
    entries = read_roster(roster) if roster is not None else []
    students = {h.name: find_student(entries, h.identity, [h.name, *(p.path.name for p in h.parts)])
                for h in found.hand_ins}
    timeout = timeout or sum(a.timeout for a in assignments.values()) + 60
    platform = PLATFORMS[found.layout]
    for leftover in [*output.glob(f"{GRADED_DIR}/.*.tmp"), *output.glob(f"{RESULTS_DIR}/.*.tmp")]:
        leftover.unlink(missing_ok=True)  # half-written by a batch that was killed: never read as a result
    results: dict[str, SubmissionResult] = {}
    todo = []
    for hand_in in found.hand_ins:
        kept = _read(output / GRADED_DIR / f"{submission_key(hand_in.name)}.json") if resume else None
        # a graded result of this very hand-in, no other; one that failed, or any of whose parts did, is graded again
        parts = [p.path.name for p in hand_in.parts]
        if kept is not None and kept.submission == hand_in.name and kept.graded and \
                not kept.extra.get("failed_parts") and kept.extra.get("parts", []) == parts:
            before = to_json(kept)
            results[hand_in.name] = finish(kept, hand_in, expected, settings, students[hand_in.name], platform)
            if to_json(results[hand_in.name]) != before:  # the late policy or the roster changed
                save(results[hand_in.name], output)
        else:
            todo.append(hand_in)
    columns = (TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    def student_of(hand_in: HandIn) -> str:
        return student_key(identity(hand_in, students[hand_in.name]))

    similarity = start_similarity(directory, output, assignment_id) if len(found.hand_ins) > 1 else None
    threading.Thread(target=_import_charts, daemon=True).start()
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("", total=len(found.hand_ins), completed=len(found.hand_ins) - len(todo))
        if broker is not None:
            from .cluster.collect import grade_on_cluster

            graded = grade_on_cluster(broker, todo, assignment_id, student_of, console.print, backend)
        else:
            graded = grade_locally(todo, jobs, assignment_id, timeout, insecure, student_of)
        for hand_in, result in graded:
            result = finish(result, hand_in, expected, settings, students[hand_in.name], platform)
            results[hand_in.name] = save(result, output)
            progress.update(task, advance=1, description=hand_in.name)
    ordered = [results[h.name] for h in found.hand_ins]
    for result in ordered:  # a resumed batch may have been killed between a result's two files
        path = output / RESULTS_DIR / f"{submission_key(result.submission)}.json"
        if not path.exists():
            write_json(path, submission_document(result))
    denominator = round(sum(a.points for a in expected), 6)
    rows = [grades_row(r, denominator) for r in ordered]
    write_atomic(output / "grades.csv", grades_csv(rows, [a.id for a in expected]))
    write_class_reports(ordered, output, roster, console)
    if similarity is not None:
        finish_similarity(similarity, console)
    print_scores(rows, {a.id: a.number for a in expected}, console)
    _say_what_counts(ordered, expected, denominator, console)
    console.print(f"wrote {output / 'grades.csv'} and {len(ordered)} result files in {output / RESULTS_DIR}")
    return ordered


def start_similarity(directory: Path, output: Path, assignment_id: str | None) -> subprocess.Popen:
    """`grade similarity` on the hand-ins (into OUT/reports/similarity), started with the batch at the lowest
    CPU priority: it reads only the sources, so it runs on what the workers leave idle and is mostly done
    by the time the grading is."""
    command = [sys.executable, "-m", "autograder", "similarity", str(directory), "-o",
               str(output / "reports" / "similarity"), *(["--assignment", assignment_id] if assignment_id else [])]
    said = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=said, stderr=subprocess.STDOUT,
                               env={**os.environ, "GRADE_COURSE_DIR": str(course.course_dir())},
                               preexec_fn=_die_with_batch_at_lowest_priority)
    process.said = said  # type: ignore[attr-defined]
    return process


def finish_similarity(process: subprocess.Popen, console: Console) -> None:
    """Wait for `start_similarity`'s report and print what it said."""
    process.wait()
    said = process.said  # type: ignore[attr-defined]
    said.seek(0)
    text = said.read().decode("utf-8", "replace").rstrip()
    said.close()
    if process.returncode == 0:
        console.print(text, markup=False, highlight=False)
    else:
        console.print(f"[yellow]the similarity report failed (status {process.returncode}):[/]")
        console.print(text[-2000:], markup=False, highlight=False)


def _import_charts() -> None:
    """Import matplotlib for the class reports' charts while the workers grade, not after them."""
    with contextlib.suppress(Exception):
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.figure  # noqa: F401


def _say_what_counts(results: list[SubmissionResult], expected: list[course.Assignment], denominator: float,
                     console: Console) -> None:
    """Name the assignments nobody handed in: they still count, 0 points, in every total."""
    graded = [r for r in results if r.graded]
    nobody = [a for a in expected if graded and all(
        any(x.assignment == a.id and x.missing for x in r.assignments) for r in graded)]
    console.print(f"every total is out of {denominator:g} points ({len(expected)} assignment"
                  f"{'s' if len(expected) != 1 else ''}; a missing one scores 0)")
    if nobody:
        console.print(f"[yellow]nobody handed in {', '.join(f'A{a.number}' for a in nobody)}: pass --assignment ID "
                      f"to grade one assignment alone[/]")


def save(result: SubmissionResult, output: Path) -> SubmissionResult:
    """Write one result: the project's own JSON first (what --resume reads), then Gradescope's form."""
    key = submission_key(result.submission)
    write_json(output / GRADED_DIR / f"{key}.json", to_json(result))
    write_json(output / RESULTS_DIR / f"{key}.json", submission_document(result))
    return result

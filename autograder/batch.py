"""`grade batch`: every student's hand-in in a folder, graded by long-lived workers.

The folder is read as the platform that exported it lays it out (`layouts`: Canvas,
Gradescope, GitHub Classroom, Moodle, plain folders): one hand-in per student, joined to
the roster. Each of `--jobs` workers (`workers`) is one grader process kept for the whole
batch, forking student processes from the batch's warm templates; it grades one part of a
hand-in (a file, a folder, a zip) at a time, seeded for the student (per-student hidden inputs). A part
that brings down its worker (or hangs past its budget) loses only itself, which the row then
says, and the worker is replaced. The parts' results are joined (`joining`): every
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
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .assignments import Assignment
from .course import COURSE_DIR, Course
from .joining import PLATFORMS, finish, identity, keep_parts_for, student_key
from .layouts import HandIn, read_layout
from .layouts.roster import find_student, read_roster
from .names import capped, file_key, shown
from .pool import die_with_batch, grade_locally
from .reports.class_reports import write_class_reports
from .reports.files import MAX_RESULTS_BYTES, write_atomic, write_json
from .reports.grade_files import grades_csv, grades_row
from .reports.gradescope import submission_document
from .reports.terminal import print_scores
from .results import Status, SubmissionResult, from_json, to_json

GRADED_DIR = "graded"
RESULTS_DIR = "results"
#: The most layout notes the terminal prints (the rest are counted).
MAX_PRINTED_NOTES = 10
T = TypeVar("T")


def guarded(name: str, doing: str, work: Callable[[], T], failed: Callable[[str], T]) -> T:
    """`work()`; should it fail, `failed(reason)`: whatever goes wrong with one hand-in is that hand-in's
    status, with a short reason, and never stops the class."""
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - one hand-in's failure is that hand-in's status only
        return failed(f"the grader failed while {doing} '{shown(name)}': {shown(repr(exc))}")


def failure(name: str, reason: str, identity: dict[str, str] | None = None) -> SubmissionResult:
    """The result of a hand-in that the grader failed on, saying why."""
    return SubmissionResult(name, status=Status.FAILED, reason=reason, identity=identity or {})


def _read(path: Path) -> SubmissionResult | None:
    """A result written by an earlier run, or None when there is none (or only a damaged one)."""
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def run_batch(course: Course, directory: Path, output: Path, *, jobs: int, resume: bool = False,
              assignment_id: str | None = None, console: Console | None = None, timeout: float | None = None,
              roster: Path | None = None, insecure: bool = False, layout: str = "auto",
              broker: str | None = None, backend: str | None = None) -> list[SubmissionResult]:
    """Grade every hand-in under `directory` (read as `layout`) into `output` with `jobs` workers (or the
    workers on `broker`, a Celery cluster: `cluster`); return the results, in the layout's order. `timeout` caps
    each part's grading (default: the sum of the assignments' budgets); `insecure` grades where the course's
    secrets are within the student's reach (`grade run --insecure`)."""
    console = console or Console()
    expected = course.chosen([assignment_id] if assignment_id else None)
    for assignment in expected:
        assignment.tests(hidden=True)  # a test file the course cannot import stops the batch here, not each hand-in
    settings = course.settings
    found = read_layout(directory, course.ids, layout)
    found.hand_ins = [keep_parts_for(h, assignment_id) for h in found.hand_ins]
    console.print(f"layout: {found.layout} ({found.reason}); {len(found.hand_ins)} students")
    for note in capped(found.notes, MAX_PRINTED_NOTES):
        console.print(f"layout: {note}", style="yellow", markup=False)
    entries = read_roster(roster) if roster is not None else []
    students = {h.name: guarded(h.name, "matching the roster to", lambda h=h: find_student(
        entries, h.identity, [h.name, *(p.path.name for p in h.parts)]), lambda _: None) for h in found.hand_ins}
    timeout = timeout or sum(a.timeout for a in course.assignments.values()) + 60
    platform = PLATFORMS[found.layout]
    for leftover in [*output.glob(f"{GRADED_DIR}/.*.tmp"), *output.glob(f"{RESULTS_DIR}/.*.tmp")]:
        leftover.unlink(missing_ok=True)  # half-written by a batch that was killed: never read as a result
    results: dict[str, SubmissionResult] = {}
    todo = []
    def finished(hand_in: HandIn, result: SubmissionResult) -> SubmissionResult:
        return guarded(hand_in.name, "finishing the result of", lambda: save(finish(
            result, hand_in, expected, settings, students[hand_in.name], platform), output),
            lambda reason: save(failure(hand_in.name, reason, hand_in.identity), output))

    for hand_in in found.hand_ins:
        if hand_in.problem:  # its entry could not even be read: nothing to grade
            results[hand_in.name] = finished(hand_in, SubmissionResult(hand_in.name, status=Status.UNREADABLE,
                                                                       reason=hand_in.problem))
            continue
        kept = _read(output / GRADED_DIR / f"{file_key(hand_in.name)}.json") if resume else None
        # a graded result of this very hand-in, no other; one that failed, or any of whose parts did, is graded again
        parts = [p.path.name for p in hand_in.parts]
        if kept is not None and kept.submission == hand_in.name and kept.graded and not kept.failed_parts \
                and kept.parts == parts:
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

    similarity = start_similarity(course, directory, output, assignment_id) if len(found.hand_ins) > 1 else None
    threading.Thread(target=_import_charts, daemon=True).start()
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("", total=len(found.hand_ins), completed=len(found.hand_ins) - len(todo))
        if broker is not None:
            from .cluster.collect import grade_on_cluster

            graded = grade_on_cluster(course, broker, todo, assignment_id, student_of, console.print, backend)
        else:
            graded = grade_locally(course, todo, jobs, assignment_id, timeout, insecure, student_of)
        for hand_in, result in graded:
            results[hand_in.name] = finished(hand_in, result)
            progress.update(task, advance=1, description=hand_in.name)
    ordered = [results[h.name] for h in found.hand_ins]
    for result in ordered:  # a resumed batch may have been killed between a result's two files
        path = output / RESULTS_DIR / f"{file_key(result.submission)}.json"
        if not path.exists():
            write_json(path, submission_document(result), MAX_RESULTS_BYTES)
    denominator = round(sum(a.points for a in expected), 6)
    rows = [guarded(r.submission, "writing the grades of", lambda r=r: grades_row(r, denominator),
                    lambda reason, r=r: {"submission": r.submission, "status": reason}) for r in ordered]
    write_atomic(output / "grades.csv", grades_csv(rows, [a.id for a in expected]))
    write_class_reports(ordered, output, roster, console, course)
    if similarity is not None:
        finish_similarity(similarity, console)
    print_scores(rows, {a.id: a.number for a in expected}, console)
    _say_what_counts(ordered, expected, denominator, console)
    console.print(f"wrote {output / 'grades.csv'} and {len(ordered)} result files in {output / RESULTS_DIR}")
    return ordered


def start_similarity(course: Course, directory: Path, output: Path, assignment_id: str | None) -> subprocess.Popen:
    """`grade similarity` on the hand-ins (into OUT/reports/similarity), started with the batch at the lowest
    CPU priority: it reads only the sources, so it runs on what the workers leave idle and is mostly done
    by the time the grading is."""
    command = [sys.executable, "-m", "autograder", "similarity", str(directory), "-o",
               str(output / "reports" / "similarity"), *(["--assignment", assignment_id] if assignment_id else [])]
    said = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=said, stderr=subprocess.STDOUT,
                               env={**os.environ, COURSE_DIR: str(course.root)},
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


def _die_with_batch_at_lowest_priority() -> None:
    die_with_batch()
    os.nice(19)


def _import_charts() -> None:
    """Import matplotlib for the class reports' charts while the workers grade, not after them."""
    with contextlib.suppress(Exception):
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.figure  # noqa: F401


def _say_what_counts(results: list[SubmissionResult], expected: list[Assignment], denominator: float,
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
    key = file_key(result.submission)
    write_json(output / GRADED_DIR / f"{key}.json", to_json(result), MAX_RESULTS_BYTES)
    write_json(output / RESULTS_DIR / f"{key}.json", submission_document(result), MAX_RESULTS_BYTES)
    return result

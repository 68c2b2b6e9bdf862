"""`grade batch`: every student's hand-in in a folder, graded by long-lived workers.

The folder is read as the platform that exported it lays it out (`layouts`: Canvas,
Gradescope, GitHub Classroom, Moodle, plain folders): one hand-in per student, joined to
the roster; every roster student who handed in nothing is a row too, `missing`. What is graded
is `scope`'s: one assignment (`--assignment`, or the only one a download holds), else the whole
course. Each of `--jobs` workers (`workers`) is one grader process kept for the whole
batch, forking student processes from the batch's warm templates; it grades one part of a
hand-in (a file, a folder, a zip) at a time, seeded for the student (per-student hidden inputs). A part
that brings down its worker (or hangs past its budget) loses only itself, which the row then
says, and the worker is replaced. The parts' results are joined (`joining`): every
assignment of the course (or of --assignment) not handed in is marked missing and scores 0,
so every total has the same maximum; the late policy of course.toml then applies. Each
result is written atomically as soon as it is known, so `--resume` after an interruption
grades only what is missing or failed, exactly once (and applies the current late policy to
the rest); it refuses results of another version of the course, where `--regrade` grades
everything again and records what changed (`regrade`).

    OUT/graded/<name>.json    the project's own result (`results.SubmissionResult`), read by --resume
    OUT/results/<name>.json   the same as Gradescope's results.json
    OUT/grades.csv, OUT/reports/    the class's grades and reports; <name> is grades.csv's `submission`
                              (OUT/reports/similarity/: pairs of submissions whose code is alike)
    OUT/changes.csv, OUT/previous/  --regrade's record of what changed, and the results before it
"""

from __future__ import annotations

import contextlib
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

from .course import COURSE_DIR, Course
from .errors import UsageError
from .joining import PLATFORMS, finish, identity, keep_parts_for, student_key
from .layouts import HandIn, Layout, read_layout
from .layouts.roster import Roll, call_roll, read_roster
from .names import capped, file_key, listing, shown
from .pool import die_with_batch, grade_locally
from .regrade import CHANGES, Regrade, compare, keep_previous, read_previous, read_result
from .reports.changes import changes_csv, changes_html
from .reports.class_reports import REPORTS, write_class_reports
from .reports.files import MAX_RESULTS_BYTES, write_atomic, write_json
from .reports.grade_files import grades_csv, grades_row
from .reports.gradescope import submission_document
from .reports.pairs import SIMILARITY, FlaggedPair, flagged_pairs
from .reports.terminal import print_scores
from .results import Status, SubmissionResult, to_json
from .scope import decide, heading

GRADED_DIR = "graded"
RESULTS_DIR = "results"
#: The most layout notes the terminal prints (the rest are counted), and the most students a line names.
MAX_PRINTED_NOTES = MAX_NAMED = 10
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


def run_batch(course: Course, directory: Path, output: Path, *, jobs: int, resume: bool = False,
              regrade: bool = False, assignment_id: str | None = None, whole_course: bool = False,
              console: Console | None = None, timeout: float | None = None, roster: Path | None = None,
              insecure: bool = False, layout: str = "auto", broker: str | None = None,
              backend: str | None = None) -> list[SubmissionResult]:
    """Grade every hand-in under `directory` (read as `layout`) into `output` with `jobs` workers (or the
    workers on `broker`, a Celery cluster: `cluster`); return the results, in the layout's order, then the
    roster's students who handed in nothing. What is graded, and out of what, is `scope.decide`'s: `assignment_id`,
    `whole_course`, else the one assignment the folder holds. `resume` keeps what `output` holds of the course as
    it is; `regrade` grades everything again, keeping the previous results and recording what changed
    (`regrade`). `timeout` caps each part's grading (default: the sum of the assignments' budgets); `insecure`
    grades where the course's secrets are within the student's reach (`grade run --insecure`)."""
    console = console or Console()
    if resume and regrade:
        raise UsageError("--resume and --regrade contradict each other: --resume keeps the results in OUT and "
                         "grades the rest, --regrade grades everything again")
    found = read_layout(directory, course.ids, layout)
    scope = decide(course, found, assignment_id, whole_course)
    assignment_id = scope.assignment
    expected = course.chosen(scope.ids())
    for assignment in expected:
        assignment.tests(hidden=True)  # a test file the course cannot import stops the batch here, not each hand-in
    settings = course.settings
    found.hand_ins = [keep_parts_for(h, assignment_id) for h in found.hand_ins]
    console.print(f"layout: {found.layout} ({found.reason}); {len(found.hand_ins)} students")
    for note in capped(found.notes, MAX_PRINTED_NOTES):
        console.print(f"layout: {note}", style="yellow", markup=False)
    console.print(heading(course, scope), markup=False)
    entries = read_roster(roster) if roster is not None else None
    roll = call_roll(entries or [], found.hand_ins)
    hand_ins = found.hand_ins + roll.absent
    timeout = timeout or sum(a.timeout for a in course.assignments.values()) + 60
    platform = PLATFORMS[found.layout]
    previous = keep_previous(output) if regrade else None
    if regrade and previous is None:
        console.print(f"regrade: {output} holds no earlier results to compare with; graded as a first batch",
                      style="yellow", markup=False)
    for leftover in [*output.glob(f"{GRADED_DIR}/.*.tmp"), *output.glob(f"{RESULTS_DIR}/.*.tmp")]:
        leftover.unlink(missing_ok=True)  # half-written by a batch that was killed: never read as a result
    results: dict[str, SubmissionResult] = {}
    def finished(hand_in: HandIn, result: SubmissionResult) -> SubmissionResult:
        result.course = course.version
        return guarded(hand_in.name, "finishing the result of", lambda: save(finish(
            result, hand_in, expected, settings, roll.entries.get(hand_in.name), platform), output),
            lambda reason: save(failure(hand_in.name, reason, hand_in.identity), output))

    kept = kept_results(course, output, hand_ins) if resume else {}
    todo = []
    for hand_in in hand_ins:
        if hand_in.problem:  # its entry could not even be read: nothing to grade
            results[hand_in.name] = finished(hand_in, SubmissionResult(hand_in.name, status=Status.UNREADABLE,
                                                                       reason=hand_in.problem))
        elif not hand_in.parts:  # nothing for these assignments (or a roster student's): each is missing
            results[hand_in.name] = finished(hand_in, SubmissionResult(hand_in.name))
        elif hand_in.name in kept:
            before = to_json(kept[hand_in.name])
            results[hand_in.name] = finish(kept[hand_in.name], hand_in, expected, settings,
                                           roll.entries.get(hand_in.name), platform)
            if to_json(results[hand_in.name]) != before:  # the late policy or the roster changed
                save(results[hand_in.name], output)
        else:
            todo.append(hand_in)
    columns = (TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    def student_of(hand_in: HandIn) -> str:
        return student_key(identity(hand_in, roll.entries.get(hand_in.name)))

    similarity = start_similarity(course, directory, output, assignment_id) if len(found.hand_ins) > 1 else None
    threading.Thread(target=_import_charts, daemon=True).start()
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("", total=len(hand_ins), completed=len(hand_ins) - len(todo))
        if broker is not None:
            from .cluster.collect import grade_on_cluster

            graded = grade_on_cluster(course, broker, todo, assignment_id, student_of, console.print, backend)
        else:
            graded = grade_locally(course, todo, jobs, assignment_id, timeout, insecure, student_of)
        for hand_in, result in graded:
            results[hand_in.name] = finished(hand_in, result)
            progress.update(task, advance=1, description=hand_in.name)
    ordered = [results[h.name] for h in hand_ins]
    for result in ordered:  # a resumed batch may have been killed between a result's two files
        path = output / RESULTS_DIR / f"{file_key(result.submission)}.json"
        if not path.exists():
            write_json(path, submission_document(result), MAX_RESULTS_BYTES)
    denominator = round(sum(a.points for a in expected), 6)
    rows = [guarded(r.submission, "writing the grades of", lambda r=r: grades_row(r, denominator),
                    lambda reason, r=r: {"submission": r.submission, "status": reason}) for r in ordered]
    write_atomic(output / "grades.csv", grades_csv(rows, [a.id for a in expected]))
    changes = record(output, previous, ordered) if previous is not None else None
    pairs = finish_similarity(similarity, console, output, found) if similarity is not None else []
    write_class_reports(ordered, output, entries, console, course, matched=roll.entries, changes=changes,
                        pairs=pairs)
    print_scores(rows, {a.id: a.number for a in expected}, console)
    say_who(roll, ordered, console)
    if changes is not None:
        console.print(changes.sentence(), markup=False)
    console.print(heading(course, scope), markup=False)
    nobody = [a for a in expected if len(expected) > 1 and not any(
        x.assignment == a.id and not x.missing for r in ordered for x in r.assignments)]
    if nobody:
        console.print(f"[yellow]nobody handed in {', '.join(f'A{a.number}' for a in nobody)}: they score 0 in every "
                      f"total; pass --assignment ID to grade one assignment alone[/]")
    console.print(f"wrote {output / 'grades.csv'} and {len(ordered)} result files in {output / RESULTS_DIR}")
    return ordered


def kept_results(course: Course, output: Path, hand_ins: list[HandIn]) -> dict[str, SubmissionResult]:
    """The results in `output` that --resume keeps: graded results of these very hand-ins (their parts as they were,
    none failed), by the course as it is now; `UsageError`, naming --regrade, where the course changed since."""
    kept = {}
    for hand_in in hand_ins:
        result = read_result(output / GRADED_DIR / f"{file_key(hand_in.name)}.json")
        if result is None or result.submission != hand_in.name:
            continue
        if result.course and result.course != course.version:
            raise UsageError(f"{str(output)!r} was graded with another version of the course ({result.course}; it is "
                             f"{course.version} now): --resume would mix the two. Pass --regrade to grade every "
                             f"hand-in again, keeping the previous results and writing what changed to changes.csv")
        if result.graded and not result.failed_parts and result.parts == [p.path.name for p in hand_in.parts]:
            kept[hand_in.name] = result
    return kept


def record(output: Path, previous: Path, results: list[SubmissionResult]) -> Regrade:
    """Compare `results` with the previous run's, kept in `previous`; write changes.csv and its page."""
    changes = compare(previous, read_previous(previous), results)
    write_atomic(output / CHANGES, changes_csv(changes))
    write_atomic(output / REPORTS / "changes.html", changes_html(changes))
    return changes


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


def finish_similarity(process: subprocess.Popen, console: Console, output: Path, found: Layout) -> list[FlaggedPair]:
    """Wait for `start_similarity`'s report, print what it said, and return its flagged pairs (each side named as
    the batch names its hand-in)."""
    process.wait()
    said = process.said  # type: ignore[attr-defined]
    said.seek(0)
    text = said.read().decode("utf-8", "replace").rstrip()
    said.close()
    if process.returncode != 0:
        console.print(f"[yellow]the similarity report failed (status {process.returncode}):[/]")
        console.print(text[-2000:], markup=False, highlight=False)
        return []
    console.print(text, markup=False, highlight=False)
    from .similarity.report import THRESHOLD

    names = {shown(p.path.name): h.name for h in found.hand_ins for p in h.parts}
    return flagged_pairs(output / REPORTS / SIMILARITY, THRESHOLD, names)


def _die_with_batch_at_lowest_priority() -> None:
    die_with_batch()
    os.nice(19)


def _import_charts() -> None:
    """Import matplotlib for the class reports' charts while the workers grade, not after them."""
    with contextlib.suppress(Exception):
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.figure  # noqa: F401


def say_who(roll: Roll, results: list[SubmissionResult], console: Console) -> None:
    """Name the roster's students who handed in nothing, the hand-ins no roster student matches, and each match
    made by name with accents set aside (the first `MAX_NAMED` of each, then how many more)."""
    absent = [r.identity.get("name") or r.submission for r in results if r.status is Status.MISSING]
    if absent:
        console.print(f"missing: {len(absent)} student{'s' * (len(absent) != 1)} handed in nothing for this batch "
                      f"(0 points): {listing(absent, MAX_NAMED, 'more')}", style="yellow", markup=False)
    if roll.strangers:
        named = [f"{h.identity.get('name') or h.name} ({h.name})" if h.identity.get("name", h.name) != h.name
                 else h.name for h in roll.strangers]
        console.print(f"roster: {len(named)} hand-in{'s' * (len(named) != 1)} by no student of the roster: "
                      f"{listing(named, MAX_NAMED, 'more')}", style="yellow", markup=False)
    for warning in capped(roll.warnings, MAX_NAMED):
        console.print(f"roster: {warning}", style="yellow", markup=False)


def save(result: SubmissionResult, output: Path) -> SubmissionResult:
    """Write one result: the project's own JSON first (what --resume reads), then Gradescope's form."""
    key = file_key(result.submission)
    write_json(output / GRADED_DIR / f"{key}.json", to_json(result), MAX_RESULTS_BYTES)
    write_json(output / RESULTS_DIR / f"{key}.json", submission_document(result), MAX_RESULTS_BYTES)
    return result

"""`grade batch`: every student's hand-in in a folder, each part graded in its own `grade run` process.

The folder is read as the platform that exported it lays it out (`layouts`: Canvas,
Gradescope, GitHub Classroom, Moodle, plain folders): one hand-in per student, joined to
the roster. Each part of a hand-in (a file, a folder, a zip) is graded in a separate
process, seeded for the student (per-student hidden inputs), so a part that brings down its
grader loses only itself, which the row then says. The parts' results are joined; every
assignment of the course (or of --assignment) not handed in is marked missing and scores 0,
so every total has the same maximum; the late policy of course.toml then applies. Each
result is written atomically as soon as it is known, so `--resume` after an interruption
grades only what is missing, exactly once (and applies the current late policy to the rest).

    OUT/graded/<name>.json    the project's own result (`results.SubmissionResult`), read by --resume
    OUT/results/<name>.json   the same as Gradescope's results.json
    OUT/grades.csv, OUT/reports/    the class's grades and reports; <name> is grades.csv's `submission`
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import assignments as course
from . import late
from .layouts import HandIn, Part, read_layout
from .reports.class_reports import write_class_reports
from .reports.files import write_atomic, write_json
from .reports.grade_files import grades_csv, grades_row
from .reports.gradescope import submission_document
from .reports.roster import RosterEntry, find_student, read_roster
from .reports.terminal import print_scores
from .results import AssignmentResult, SubmissionResult, from_json, to_json
from .settings import CourseSettings, course_settings
from .submission import submission_key

GRADED_DIR = "graded"
RESULTS_DIR = "results"
PLATFORMS = {"canvas": "Canvas", "gradescope": "Gradescope", "classroom": "GitHub Classroom", "moodle": "Moodle",
             "plain": "the folder"}
#: Whose hidden inputs a hand-in gets: the first of these its identity has (see `student_key`).
KEY_FIELDS = ("email", "student_id", "login", "github", "canvas_id", "name")


def grade_one(entry: Path, assignment_id: str | None, timeout: float, insecure: bool = False,
              student: str = "") -> SubmissionResult:
    """Run `grade run ENTRY --format results` in a worker process; never raises."""
    command = [sys.executable, "-m", "autograder", "run", str(entry), "--format", "results"]
    if assignment_id:
        command += ["--assignment", assignment_id]
    if student:
        command += ["--student", student]
    if insecure:
        command.append("--insecure")
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=_die_with_batch)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return SubmissionResult(entry.name, status=f"grading did not finish within {timeout:g} s")
    if process.returncode < 0:
        return SubmissionResult(entry.name,
                                status=f"the grading process was killed by {signal.Signals(-process.returncode).name}")
    if process.returncode != 0:
        message = stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[-1].removeprefix("Error: ") if message else f"grader exited with status {process.returncode}"
        return SubmissionResult(entry.name, status=reason)
    try:
        result = from_json(json.loads(stdout))
    except (ValueError, TypeError):
        return SubmissionResult(entry.name, status="the grader's output was not a result")
    result.submission = entry.name
    result.extra["seconds"] = round(time.monotonic() - started, 2)
    return result


def _die_with_batch() -> None:
    """In the worker, before exec: be killed when the batch dies (Linux), so a killed
    batch leaves no worker behind to race the resumed one."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def grade_hand_in(hand_in: HandIn, assignment_id: str | None, timeout: float, insecure: bool,
                  student: str) -> SubmissionResult:
    """Grade each part of `hand_in` in its own worker, one after the other, as the assignment it is for
    (where its name says), and join the results."""
    if not hand_in.parts:  # nothing for these assignments: each is missing (the notes say what was left out)
        return SubmissionResult(hand_in.name, extra={"parts": []})
    return join(hand_in.name, [(part, grade_one(part.path, part.assignment or assignment_id, timeout, insecure,
                                                student)) for part in hand_in.parts])


def keep_parts_for(hand_in: HandIn, assignment_id: str | None) -> HandIn:
    """Leave out the parts named for another assignment than the one this batch grades (with a note)."""
    if assignment_id is not None:
        other = [p for p in hand_in.parts if p.assignment not in (None, assignment_id)]
        hand_in.notes += [f"{p.path.name} is for {p.assignment}; this batch grades {assignment_id} only"
                          for p in other]
        hand_in.parts = [p for p in hand_in.parts if p not in other]
    return hand_in


def join(name: str, graded: list[tuple[Part, SubmissionResult]]) -> SubmissionResult:
    """One result from the results of a hand-in's parts: each assignment from the part that handed it in
    last (by time, else in the layout's order), with that part's submission time."""
    joined = SubmissionResult(name)
    by_assignment: dict[str, tuple[Part, AssignmentResult]] = {}
    def handed_in(item: tuple[int, tuple[Part, SubmissionResult]]) -> tuple[float, int]:
        moment = item[1][0].submitted_at
        return (moment.timestamp() if moment else float("-inf")), item[0]

    for _, (part, result) in sorted(enumerate(graded), key=handed_in):
        if not result.graded:
            joined.notes.append(f"{part.path.name} could not be graded: {result.status}")
            continue
        joined.extra = {**result.extra, "seconds": round(joined.extra.get("seconds", 0) + result.extra.get(
            "seconds", 0), 2)}
        for assignment in result.assignments:
            assignment.submitted_at = part.submitted_at.isoformat() if part.submitted_at else None
            assignment.marked_late = part.marked_late
            if assignment.assignment in by_assignment:
                earlier = by_assignment[assignment.assignment][0]
                joined.notes.append(f"{assignment.assignment}: graded {part.path.name}, handed in after "
                                    f"{earlier.path.name}")
            by_assignment[assignment.assignment] = (part, assignment)
    joined.assignments = [a for _, a in by_assignment.values()]
    if not by_assignment and joined.notes:
        joined.status = graded[0][1].status if len(graded) == 1 else "; ".join(joined.notes)
        joined.notes = []
    joined.extra["parts"] = [part.path.name for part, _ in graded]
    return joined


def identity(hand_in: HandIn, entry: RosterEntry | None) -> dict[str, str]:
    """What the layout and the roster say of a student (the roster's word over the layout's)."""
    return {**hand_in.identity, **(entry.identity() if entry else {})}


def student_key(identity: dict[str, str]) -> str:
    """The key a student's hidden inputs are seeded from: their email, else id, login or name (lowercase),
    so that the same student gets the same inputs from any platform that knows their email."""
    return next((identity[f].strip().lower() for f in KEY_FIELDS if identity.get(f, "").strip()), "")


def finish(result: SubmissionResult, hand_in: HandIn, expected: list[course.Assignment], settings: CourseSettings,
           entry: RosterEntry | None, platform: str) -> SubmissionResult:
    """Name the result for `hand_in`, mark every expected assignment it lacks as missing (0 points), and apply
    the late policy with the student's extensions. Idempotent: --resume applies it to kept results too."""
    result.submission = hand_in.name
    result.identity = identity(hand_in, entry)
    result.student = student_key(result.identity) if settings.per_student_inputs else ""
    result.notes = hand_in.notes + [n for n in result.notes if n not in hand_in.notes]
    if not result.graded:
        return result
    found = {a.assignment: a for a in result.assignments if not a.missing}
    result.assignments = [found.pop(a.id, None) or AssignmentResult(a.id, a.title, missing=True, points=a.points)
                          for a in expected] + list(found.values())
    extensions = {}
    for assignment_id in (a.assignment for a in result.assignments):
        value = entry.extension_for(assignment_id) if entry else ""
        due = settings.dates.get(assignment_id, late.Dates()).due
        try:
            extensions[assignment_id] = late.parse_extension(value, due, settings.zone)
        except ValueError as exc:
            extensions[assignment_id] = timedelta(0)
            result.notes.append(f"roster: {exc}; no extension applied")
    late.apply(result.assignments, settings.late, settings.dates, extensions, platform)
    return result


def _read(path: Path) -> SubmissionResult | None:
    """A result written by an earlier run, or None when there is none (or only a damaged one)."""
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def run_batch(directory: Path, output: Path, *, jobs: int, resume: bool = False,
              assignment_id: str | None = None, console: Console | None = None, timeout: float | None = None,
              roster: Path | None = None, insecure: bool = False, layout: str = "auto") -> list[SubmissionResult]:
    """Grade every hand-in under `directory` (read as `layout`) into `output` with `jobs` workers; return the
    results, in the layout's order. `timeout` caps each part's grading (default: the sum of the assignments'
    budgets); `insecure` grades where the course's secrets are within the student's reach (`grade run --insecure`)."""
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
    results: dict[str, SubmissionResult] = {}
    todo = []
    for hand_in in found.hand_ins:
        kept = _read(output / GRADED_DIR / f"{submission_key(hand_in.name)}.json") if resume else None
        if kept is not None and kept.submission == hand_in.name and \
                kept.extra.get("parts", []) == [p.path.name for p in hand_in.parts]:  # this very hand-in, no other
            before = to_json(kept)
            results[hand_in.name] = finish(kept, hand_in, expected, settings, students[hand_in.name], platform)
            if to_json(results[hand_in.name]) != before:  # the late policy or the roster changed
                save(results[hand_in.name], output)
        else:
            todo.append(hand_in)
    columns = (TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("", total=len(found.hand_ins), completed=len(found.hand_ins) - len(todo))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(grade_hand_in, h, assignment_id, timeout, insecure,
                                   student_key(identity(h, students[h.name]))): h for h in todo}
            for future in as_completed(futures):
                hand_in = futures[future]
                result = finish(future.result(), hand_in, expected, settings, students[hand_in.name], platform)
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
    print_scores(rows, {a.id: a.number for a in expected}, console)
    _say_what_counts(ordered, expected, denominator, console)
    console.print(f"wrote {output / 'grades.csv'} and {len(ordered)} result files in {output / RESULTS_DIR}")
    return ordered


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

"""What a student handed in, made into one result: the parts' results joined, every expected
assignment not handed in marked missing (0 points, so that every total has the same maximum), and
the course's late policy applied with the student's extensions. Local and cluster batches share it.
"""

from __future__ import annotations

from datetime import timedelta

from . import late
from .assignments import Assignment
from .layouts import HandIn, Part
from .layouts.roster import RosterEntry
from .names import capped, listing, shown
from .results import AssignmentResult, Outcome, Status, SubmissionResult
from .settings import CourseSettings

PLATFORMS = {"canvas": "Canvas", "gradescope": "Gradescope", "classroom": "GitHub Classroom", "moodle": "Moodle",
             "plain": "the folder"}
#: The most notes one hand-in's result keeps (the rest are counted in the last).
MAX_NOTES = 20
#: Whose hidden inputs a hand-in gets: the first of these its identity has (see `student_key`).
KEY_FIELDS = ("email", "student_id", "login", "github", "canvas_id", "name")


def keep_parts_for(hand_in: HandIn, assignment_id: str | None) -> HandIn:
    """Leave out the parts named for another assignment than the one this batch grades (with a note)."""
    if assignment_id is not None:
        other = [p for p in hand_in.parts if p.assignment not in (None, assignment_id)]
        hand_in.notes += [f"{shown(p.path.name)} is for {p.assignment}; this batch grades {assignment_id} only"
                          for p in other]
        hand_in.parts = [p for p in hand_in.parts if p not in other]
    return hand_in


def join(name: str, graded: list[tuple[Part, SubmissionResult]]) -> SubmissionResult:
    """One result from the results of a hand-in's parts: each assignment from the part that handed it in
    last (by time, else in the layout's order), with that part's submission time. Where no part held a file
    that could be used (each was empty, binary, not a notebook, an unreadable archive, ...), the hand-in
    takes that kind as its status (`unusable`), not "graded" with 0 points."""
    joined = SubmissionResult(name)
    failed: list[str] = []  # graded again by --resume
    by_assignment: dict[str, tuple[Part, AssignmentResult]] = {}

    def handed_in(item: tuple[int, tuple[Part, SubmissionResult]]) -> tuple[float, int]:
        moment = item[1][0].submitted_at
        return (moment.timestamp() if moment else float("-inf")), item[0]

    for _, (part, result) in sorted(enumerate(graded), key=handed_in):
        if not result.graded:
            joined.notes.append(f"{shown(part.path.name)} could not be graded: {result.said}")
            failed.append(part.path.name)
            continue
        joined.extra = {**result.extra, "seconds": round(joined.extra.get("seconds", 0) + result.extra.get(
            "seconds", 0), 2)}
        for assignment in result.assignments:
            assignment.submitted_at = part.submitted_at.isoformat() if part.submitted_at else None
            assignment.marked_late = part.marked_late
            if assignment.assignment in by_assignment:
                earlier = by_assignment[assignment.assignment][0]
                joined.notes.append(f"{assignment.assignment}: graded {shown(part.path.name)}, handed in after "
                                    f"{shown(earlier.path.name)}")
            by_assignment[assignment.assignment] = (part, assignment)
    joined.assignments = [a for _, a in by_assignment.values()]
    if not by_assignment and joined.notes:
        first = graded[0][1]
        joined.status, joined.reason = first.status, first.reason if len(graded) == 1 else "; ".join(joined.notes)
        joined.notes = []
    elif by_assignment:
        unusable(joined)
    joined.parts = [part.path.name for part, _ in graded]
    joined.failed_parts = failed
    return joined


def unusable(result: SubmissionResult) -> None:
    """Give a graded result none of whose assignments' files could be used the kind of the first (its status) and
    what was wrong with each (its reason): an empty upload is "empty file", not "graded 0/8"."""
    kinds = [a.unusable for a in result.assignments if not a.missing]
    if not kinds or None in kinds:
        return
    result.status = kinds[0]  # type: ignore[assignment] - None is not among them
    result.reason = "; ".join(dict.fromkeys(_problem(a) for a in result.assignments if not a.missing))


def _problem(assignment: AssignmentResult) -> str:
    """What was wrong with the file handed in for `assignment`: its tests' reason for not running, where they did
    not; else (an empty file, whose tests ran and found nothing) its kind."""
    if assignment.tests and assignment.tests[0].verdict.outcome is Outcome.NOT_RUN:
        return assignment.tests[0].verdict.problem
    if assignment.unusable is Status.EMPTY:
        return f"the {assignment.assignment} file handed in is empty"
    return f"the {assignment.assignment} file handed in: {(assignment.unusable or Status.UNREADABLE).value}"


def identity(hand_in: HandIn, entry: RosterEntry | None) -> dict[str, str]:
    """What the layout and the roster say of a student (the roster's word over the layout's)."""
    return {**hand_in.identity, **(entry.identity() if entry else {})}


def student_key(identity: dict[str, str]) -> str:
    """The key a student's hidden inputs are seeded from: their email, else id, login or name (lowercase),
    so that the same student gets the same inputs from any platform that knows their email."""
    return next((identity[f].strip().lower() for f in KEY_FIELDS if identity.get(f, "").strip()), "")


def finish(result: SubmissionResult, hand_in: HandIn, expected: list[Assignment], settings: CourseSettings,
           entry: RosterEntry | None, platform: str) -> SubmissionResult:
    """Name the result for `hand_in`, mark every expected assignment it lacks as missing (0 points), and apply
    the late policy with the student's extensions; a hand-in that holds none of them is `missing`. Idempotent:
    --resume applies it to kept results too."""
    result.submission = hand_in.name
    result.identity = identity(hand_in, entry)
    result.student = student_key(result.identity) if settings.per_student_inputs else ""
    result.notes = capped(hand_in.notes + [n for n in result.notes if n not in hand_in.notes], MAX_NOTES)
    if not result.scored:
        return result
    found = {a.assignment: a for a in result.assignments if not a.missing}
    result.assignments = [found.pop(a.id, None) or AssignmentResult(a.id, a.title, missing=True, points=a.points)
                          for a in expected] + list(found.values())
    if all(a.missing for a in result.assignments):
        result.status = Status.MISSING
        result.reason = f"nothing handed in for {listing([a.id for a in expected], 3, 'more')}"
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

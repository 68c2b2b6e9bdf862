"""Grading one hand-in: the one function every surface calls.

`grade run`, `grade check`, a batch's grading processes, a cluster's workers, the Gradescope zip (through
`grade run`) and the notebook's check cells all grade here, so one piece of code gets one verdict
wherever it is graded. Following a hand-in down:

    loading.read_submission     the files -> one source text per assignment (nothing executed)
    processes.exposure          refused where the student's code could read the secrets
    processes.Ahead             each assignment's student process, started while the one before is graded
    integrity.check             the source checked for forbidden calls (never run)
    grading.run_tests           its tests: set up, called through the sandbox, judged
    results.SubmissionResult    what the surface reports (reports/) or sends back (a batch, a cluster)

It never raises for the hand-in's sake: what could not be read, what was refused and a failure of the
grader's own are the result's `status` and `reason`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import processes
from .errors import SubmissionError
from .grading import run_tests, unreadable
from .integrity.forbidden import check
from .loading import read_submission
from .names import shown
from .results import AssignmentResult, Status, SubmissionResult
from .sandbox import isolation

if TYPE_CHECKING:
    from .assignments import Assignment
    from .cells import CellMap
    from .course import Course
    from .sandbox.runner import Sandbox
    from .sandbox.templates import Templates
    from .submission import Submission


@dataclass(frozen=True)
class Context:
    """How a hand-in is graded.

    `hidden`: the hidden tests too (`grade run`, a batch) or the public ones only (`grade check`, a check
    cell); `assignment`: the assignment a lone file is for, and the only one graded (`--assignment`); `only`:
    the assignments graded (None: every one found); `student`: whose hidden inputs (their key: see
    `grading.seed_for`), where the course gives each student their own; `insecure`: grade even where the
    secrets are exposed (the results say so); `templates`: a long-lived worker's warm templates; `questions`:
    the questions whose tests run (a check cell's: one), every one by default; `tests`: the tests that run, by
    name (pytest's selection: `pytest_plugin`), every one by default."""

    hidden: bool = True
    assignment: str | None = None
    only: tuple[str, ...] | None = None
    questions: tuple[str, ...] | None = None
    tests: tuple[str, ...] | None = None
    student: str = ""
    insecure: bool = False
    templates: Templates | None = None


def grade(course: Course, path: Path, context: Context, name: str | None = None) -> SubmissionResult:
    """Grade the hand-in at `path` (a .py, .ipynb, folder or zip) as `context` says; its result is named `name`
    (default: the file's name)."""
    name = name if name is not None else path.name
    try:
        submission = read_submission(path, course.ids, context.assignment)
    except SubmissionError as exc:
        return SubmissionResult(name, status=exc.status or Status.UNREADABLE, reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - the grader's own failure: this hand-in's status, never the caller's end
        return _failed(name, "reading", exc)
    return grade_submission(course, submission, context, name)


def grade_submission(course: Course, submission: Submission, context: Context,
                     name: str | None = None) -> SubmissionResult:
    """Grade `submission` (already read) as `context` says; see `grade`."""
    name = name if name is not None else submission.path.name
    try:
        return _graded(course, submission, context, name)
    except Exception as exc:  # noqa: BLE001 - the grader's own failure: this hand-in's status, never the caller's end
        return _failed(name, "grading", exc)


def _failed(name: str, doing: str, exc: Exception) -> SubmissionResult:
    """The result of a hand-in the grader failed on while `doing` it, saying how."""
    return SubmissionResult(name, status=Status.FAILED,
                            reason=f"the grader failed while {doing} it: {shown(repr(exc))}")


def _graded(course: Course, submission: Submission, context: Context, name: str) -> SubmissionResult:
    only = (context.assignment,) if context.assignment else context.only
    chosen = [a for a in course.chosen(only) if a.id in submission.sources]
    if context.hidden and not context.insecure and (problem := processes.exposure(course, [a.id for a in chosen])):
        return SubmissionResult(name, status=Status.REFUSED, reason=problem)
    student = context.student if context.student and course.settings.per_student_inputs else ""
    readable = [(a, text) for a in chosen if (text := submission.sources[a.id].text) is not None]
    if readable and not isolation.probe().filesystem:
        processes.preload([a for a, _ in readable], context.hidden)
    results: list[AssignmentResult] = []
    with processes.Ahead(readable, context.templates) as started:
        for assignment in chosen:
            source = submission.sources[assignment.id]
            if source.text is None:
                results.append(unreadable(assignment, source.problem or "the file could not be read", context.hidden))
                results[-1].unusable = source.kind or Status.UNREADABLE
            else:
                results.append(grade_source(assignment, source.text, hidden=context.hidden, sandbox=next(started),
                                            student=student, cells=source.cells, questions=context.questions,
                                            tests=context.tests, withhold=course.settings.reveals))
                if not any(line.strip() and not line.lstrip().startswith("#") for line in source.text.splitlines()):
                    results[-1].notes.insert(0, f"{source.origin} holds no code: it defines none of the functions "
                                                f"the questions ask for")
                    results[-1].unusable = source.kind  # an empty file (one of comments alone is graded as code)
            results[-1].notes[:0] = [n for n in submission.notes if n.startswith(f"{assignment.id}:")]
    return SubmissionResult(name, results, extra={"sandbox": processes.sandbox_description(context.insecure)},
                            student=student)


def grade_source(assignment: Assignment, source: str, *, hidden: bool = True, sandbox: Sandbox | None = None,
                 student: str | None = None, cells: CellMap | None = None,
                 questions: tuple[str, ...] | None = None, tests: tuple[str, ...] | None = None,
                 withhold: bool = False) -> AssignmentResult:
    """Grade `source` (the text of the student's module) as `assignment`, in a fresh sandbox (or in `sandbox`,
    made for that source); `cells`: a notebook's, to name the cell of a line; `questions`, `tests`: those to run
    (every one by default); `withhold`: keep hidden tests' details for after the due date (`grading.run_tests`)."""
    sandbox = sandbox or processes.sandbox(assignment, source)
    with sandbox:
        sandbox.spawn()  # the child starts while the tests load and the source is checked
        result = run_tests(assignment, sandbox, hidden=hidden, integrity=check(assignment, source), student=student,
                           cells=cells, questions=set(questions) if questions is not None else None,
                           names=set(tests) if tests is not None else None, withhold=withhold)
        result.student_seconds = round(sandbox.student_seconds, 4)
        return result

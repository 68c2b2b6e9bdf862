"""An assignment's tests against one submission: each set up, called and judged, as pytest keeps them apart.

For each test: set up what it asks for (its fixtures: `student`, `ref`, `rng`), call it through a
transport (the sandbox when grading), then judge what happened (`verdicts`), under the test's own
deadline and the whole submission's time budget. A failure of the course's own test code (its set-up,
a NameError in it) is a grader error, which costs the student nothing: its points go to the
question's other tests (`_without_broken_tests`). Which process the transport reaches, and
whether it may be started, is `grader`'s and `processes`' to decide.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import time
import zlib
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .assignments import Assignment
from .integrity.enforce import reported
from .integrity.forbidden import Integrity, allowed_text, missing_package
from .results import AssignmentResult, Outcome, TestResult, Verdict
from .sandbox.runtime.errors import GraderError, SandboxError
from .scoring import test_points

if TYPE_CHECKING:
    from .calls import CallLog, Transport
    from .cells import CellMap
    from .testing import TestCase

_monotonic = time.monotonic

#: The most import notes kept per assignment, and the longest each may be (characters).
MAX_NOTES, MAX_NOTE = 10, 500


def seed_for(assignment_id: str, test_name: str, student: str | None = None) -> int:
    """The seed of a test's `rng`: the same for every run and every machine. Without `student` it is the
    course's one seed for the test; with it, the student's own (48 bits of a SHA-256 of student,
    assignment and test: an integer every JSON reader keeps exactly), so two students get different
    random inputs and a regrade the same ones."""
    if not student:
        return zlib.crc32(f"{assignment_id}/{test_name}".encode())
    digest = hashlib.sha256(f"{student}\x00{assignment_id}\x00{test_name}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def run_tests(assignment: Assignment, transport: Transport, *, hidden: bool = True,
              questions: set[str] | None = None, budget: float | None = None,
              integrity: Integrity | None = None, student: str | None = None,
              cells: CellMap | None = None, names: set[str] | None = None,
              withhold: bool = False) -> AssignmentResult:
    """Run the tests (all of them, or those of `questions`, or those named in `names`) through `transport`;
    `integrity` is what the source check found (forbidden uses), reported, and under the "zero" policy failing
    their questions.
    A hidden test's `rng` is seeded for `student` when one is given; a public test's never is: it keeps
    the lecture's numbers. `cells` says where the source's lines came from (a notebook's cells:
    `cells.CellMap`), for every place the results name. Without `hidden`, the results word what grading
    would report, for a student's own check. With `withhold`, a failed hidden test keeps what a public
    test would show, for the reports to reveal after the due date (`[feedback] hidden_details`)."""
    from .verdicts import TestCall, cap, judge  # deferred with the checks and numpy: see grader.grade

    integrity = integrity or Integrity()
    cases = [c for c in assignment.tests(hidden) if (questions is None or c.question in questions)
             and (names is None or c.name in names)]
    points = test_points(assignment, cases, assignment.weights())
    result = AssignmentResult(assignment.id, assignment.title)
    place = cells.place if cells is not None else (lambda line: f"line {line}")
    hidden_names = _load_notes(transport, result, assignment.packages, place)
    zeroed = integrity.zeroed(tuple(q.name for q in assignment.questions))
    deadline = _monotonic() + (budget if budget is not None else assignment.timeout)
    timed_out: dict[str, str] = {}
    for case in cases:
        started = _monotonic()
        reread = assignment.reread(case.question)
        seed = (seed_for(assignment.id, case.name, None if case.public else student)
                if "rng" in fixture_names(case.function) else None)
        if case.question in zeroed:
            problem = cap(zeroed[case.question].sentence(assignment.packages, place, not hidden), MAX_NOTE)
            verdict = Verdict(Outcome.FORBIDDEN, f"not run: {problem}", reread=reread)
        elif started >= deadline:
            problem = (f"not run: the time budget for the whole submission ({assignment.timeout:g} s) "
                       f"was used up by earlier tests")
            verdict = Verdict(Outcome.NOT_RUN, problem, reread=reread)
        elif isinstance(prepared := _set_up(assignment, case, transport, min(started + case.timeout, deadline),
                                            timed_out, seed), Verdict):
            verdict = replace(prepared, reread=reread)
        else:
            call = TestCall.run(case.function, *prepared)
            verdict = judge(call, public=case.public, reread=reread, hidden_names=hidden_names,
                            packages=assignment.packages, unavailable=integrity.unavailable, withhold=withhold)
            for finding in reported(integrity, assignment, case.question, call.log.forbidden, case.public):
                if finding.policy == "zero":  # the guard raised instead of running it
                    zeroed.setdefault(finding.question, finding)
                    problem = cap(finding.sentence(assignment.packages, place, not hidden), MAX_NOTE)
                    verdict = Verdict(Outcome.FORBIDDEN, problem, reread=reread)
            if cells is not None and verdict.traceback:  # a notebook's frames named by their cells
                verdict = replace(verdict, traceback=cells.frames(verdict.traceback, f"{assignment.id}.py"))
        output = transport.take_output()
        if not verdict.passed and output and case.public:  # a hidden test's inputs could be printed
            verdict = replace(verdict, output=output)
        result.tests.append(TestResult(assignment.id, case.question, case.name, case.description, case.public,
                                       points[case.name], verdict, round(_monotonic() - started, 4), seed))
    _report_integrity(result, integrity, zeroed, assignment, place, not hidden)
    _without_broken_tests(result, {c.name: c.weight for c in cases})
    return result


def _without_broken_tests(result: AssignmentResult, weights: dict[str, float]) -> None:
    """A test that failed in the grader (`GRADER_ERROR`: the course's own test code, or the grader) costs the
    student nothing: its points go to its question's other tests, by weight. A question left with no test that
    worked is ungradable: its points are out of the maximum (`AssignmentResult.ungradable`), and the result
    says so, for the instructor to mend the test and grade again."""
    for question in dict.fromkeys(t.question for t in result.tests):
        tests = [t for t in result.tests if t.question == question]
        broken = [t for t in tests if t.verdict.outcome is Outcome.GRADER_ERROR]
        if not broken:
            continue
        points, working = sum(t.max_score for t in tests), [t for t in tests if t not in broken]
        for test in broken:
            test.max_score = 0.0
        if working:
            weight = sum(weights[t.name] for t in working)
            for test in working:
                test.max_score = round(points * weights[test.name] / weight, 6)
        else:
            result.ungradable[question] = round(points, 6)
            result.notes.append(f"{question} could not be graded: the grader failed on every one of its tests, so "
                                f"its {points:g} points are left out of your total until your instructor mends them")


def _report_integrity(result: AssignmentResult, integrity: Integrity, zeroed: dict[str, Any],
                      assignment: Assignment, place: Callable[[int], str], local: bool) -> None:
    """The findings (the source check's, then what the student's process reported) in the result and its
    notes; under "zero", a question a use was reported in fails every test, those run before it too."""
    from .verdicts import cap

    result.forbidden = integrity.records(assignment.packages, place, local)
    result.notes += [cap(f["sentence"], MAX_NOTE) for f in result.forbidden][:MAX_NOTES]
    for test in result.tests:
        if test.question in zeroed and test.verdict.outcome is not Outcome.FORBIDDEN:
            problem = cap(zeroed[test.question].sentence(assignment.packages, place, local), MAX_NOTE)
            test.verdict = Verdict(Outcome.FORBIDDEN, problem, reread=test.verdict.reread)


def _set_up(assignment: Assignment, case: TestCase, transport: Transport, deadline: float,
            timed_out: dict[str, str], seed: int | None) -> tuple[dict[str, Any], CallLog] | Verdict:
    """What `case` asks for by name (`student`, `ref`, `rng` seeded with `seed`), and the log of its calls into the
    submission; or, where the test cannot be set up (a fixture that does not exist, one that fails),
    the grader error that says so: the course's test is broken, never the student's code."""
    import numpy as np

    from .calls import CallLog, Student
    from .verdicts import grader_problem

    log = CallLog()
    available = {
        "student": lambda: Student(transport, log, deadline, call_timeout=case.timeout, timed_out=timed_out),
        "ref": lambda: LazyReference(assignment),
        "rng": lambda: np.random.default_rng(seed),
    }
    try:
        wanted = fixture_names(case.function)
        unknown = [name for name in wanted if name not in available]
        if unknown:
            raise TypeError(f"it asks for {', '.join(map(repr, unknown))}, which no test can have; the fixtures "
                            f"are {', '.join(available)}")
        fixtures = {name: available[name]() for name in wanted}
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, it is the course's test
        return Verdict(Outcome.GRADER_ERROR, grader_problem(f"test {case.name} could not be set up: {exc}"))
    return fixtures, log


@functools.cache
def fixture_names(function: Callable[..., Any]) -> tuple[str, ...]:
    """The fixtures a test function asks for: its parameters' names."""
    return tuple(inspect.signature(function).parameters)


class LazyReference:
    """The `ref` fixture: the assignment's reference module, imported on first use. A test that calls
    the student first and fails there (an untouched template) never pays for importing it (torch)."""

    def __init__(self, assignment: Assignment) -> None:
        self._assignment = assignment

    def __getattr__(self, name: str) -> Any:
        return getattr(self._assignment.reference(), name)


def _load_notes(transport: Transport, result: AssignmentResult, packages: tuple[str, ...] | None,
                place: Callable[[int], str]) -> dict[str, str]:
    """Import problems as notes on the result; return `{name: note}` for definitions they hid."""
    from .verdicts import cap, grader_problem

    try:
        report = transport.load_report()
    except SandboxError as exc:
        result.notes.append(grader_problem(str(exc)) if isinstance(exc, GraderError) else str(exc))
        return {}
    hidden_names = {}
    for error in report["syntax_errors"]:
        note = f"{place(error['line'])}: {error['message']}"
        if error["names"]:
            note += f" (so {', '.join(error['names'])} could not be defined)"
        if error["text"].strip():
            indent = len(error["text"]) - len(error["text"].lstrip())
            caret = " " * max(error["offset"] - 1 - indent, 0) + "^"
            note += f"\n    {error['text'].strip()}\n    {caret}"
        result.notes.append(note)
        for name in error["names"]:
            hidden_names[name] = f"the syntax error at {place(error['line'])} hid it (see the note)"
    for error in report["runtime_errors"]:
        raised = f"importing your module raised {error['message']}"
        note = f"{place(error['line'])}: {raised}"
        package = missing_package(error["message"], packages)
        if package:
            note = (f"{place(error['line'])}: this assignment asks for your own code with "
                    f"{allowed_text(packages)}, so {package} is not available here ({raised})")
        result.notes.append(note)
    if len(result.notes) > MAX_NOTES:
        result.notes[MAX_NOTES:] = [f"… and {len(result.notes) - MAX_NOTES} more problems like these"]
    result.notes[:] = [cap(note, MAX_NOTE) for note in result.notes]
    return hidden_names


def unreadable(assignment: Assignment, problem: str, hidden: bool = True) -> AssignmentResult:
    """Every test not run, with the same explanation, for a file that could not be read."""
    cases = assignment.tests(hidden)
    points = test_points(assignment, cases, assignment.weights())
    result = AssignmentResult(assignment.id, assignment.title, notes=[problem])
    for case in cases:
        verdict = Verdict(Outcome.NOT_RUN, problem, reread=assignment.reread(case.question))
        result.tests.append(TestResult(assignment.id, case.question, case.name, case.description, case.public,
                                       points[case.name], verdict))
    return result

"""Run an assignment's tests against one submission's source and judge each one.

Call, then judge: the test function makes its calls through the sandbox, and
whatever it raises becomes the verdict, worded for the student.
"""

from __future__ import annotations

import inspect
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import assignments as course
from .assignments import Assignment
from .calls import CallLog, Student, StudentRaised, Transport, format_value
from .checks import CheckFailed
from .sandbox.runner import Limits, Sandbox
from .sandbox.runtime.protocol import GRADER, GraderError, SandboxError
from .scoring import AssignmentResult, TestResult, test_points
from .submission import Submission
from .testing import TestCase

_monotonic = time.monotonic


def seed_for(assignment_id: str, test_name: str) -> int:
    """The fixed seed of a test's `rng`: the same for every run and every machine."""
    return zlib.crc32(f"{assignment_id}/{test_name}".encode())


def grade_source(assignment: Assignment, source: str, *, hidden: bool = True,
                 limits: Limits | None = None, sandbox: Sandbox | None = None) -> AssignmentResult:
    """Grade `source` (the text of the student's module) in a fresh sandbox (or in `sandbox`,
    already started for that source)."""
    sandbox = sandbox or Sandbox(source, assignment.id, limits or Limits(**assignment.limits))
    with sandbox:
        sandbox.spawn()  # the child starts while the tests load
        return run_tests(assignment, sandbox, hidden=hidden)


def run_tests(assignment: Assignment, transport: Transport, *, hidden: bool = True,
              questions: set[str] | None = None, budget: float | None = None) -> AssignmentResult:
    """Run the tests (all of them, or those of `questions`) through `transport`."""
    cases = [c for c in assignment.tests(hidden) if questions is None or c.question in questions]
    points = test_points(assignment, cases)
    result = AssignmentResult(assignment.id, assignment.title)
    load_notes = _load_notes(transport, result)
    deadline = _monotonic() + (budget if budget is not None else assignment.timeout)
    timed_out: dict[str, str] = {}
    for case in cases:
        started = _monotonic()
        if started >= deadline:
            problem = (f"not run: the time budget for the whole submission "
                       f"({assignment.timeout:g} s) was used up by earlier tests")
            feedback = _feedback(assignment, case, Failure(problem))
        else:
            feedback = _run_case(assignment, case, transport, min(started + case.timeout, deadline), load_notes,
                                 timed_out)
        output = transport.take_output() if hasattr(transport, "take_output") else ""
        if feedback and output:
            feedback += f"\nYour code printed:\n{output}"
        result.tests.append(TestResult(
            assignment=assignment.id, question=case.question, name=case.name, description=case.description,
            public=case.public, score=0.0 if feedback else points[case.name], max_score=points[case.name],
            feedback=feedback, duration=round(_monotonic() - started, 4),
        ))
    return result


def _load_notes(transport: Transport, result: AssignmentResult) -> dict[str, str]:
    """Import problems as notes on the result; return `{name: note}` for definitions they hid."""
    if not isinstance(transport, Sandbox):
        return {}
    try:
        report = transport.ensure_started()
    except SandboxError as exc:
        result.notes.append(grader_problem(str(exc)) if isinstance(exc, GraderError) else str(exc))
        return {}
    hidden_names = {}
    for error in report["syntax_errors"]:
        note = f"line {error['line']}: {error['message']}"
        if error["names"]:
            note += f" (so {', '.join(error['names'])} could not be defined)"
        result.notes.append(note)
        for name in error["names"]:
            hidden_names[name] = note
    for error in report["runtime_errors"]:
        result.notes.append(f"line {error['line']}: importing your module raised {error['message']}")
    return hidden_names


def _fixtures(assignment: Assignment, case: TestCase, student: Student) -> dict[str, Any]:
    """The arguments `case` asks for by name: `student`, `ref`, `rng`."""
    wanted = inspect.signature(case.function).parameters
    available = {
        "student": lambda: student,
        "ref": lambda: course.reference(assignment.id, assignment.directory.parent.parent),
        "rng": lambda: np.random.default_rng(seed_for(assignment.id, case.name)),
    }
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise TypeError(f"test {case.name} asks for unknown fixtures {unknown}")
    return {name: available[name]() for name in wanted}


def _run_case(assignment: Assignment, case: TestCase, transport: Transport, deadline: float,
              hidden_names: dict[str, str], timed_out: dict[str, str]) -> str:
    """Run one test; return '' when it passed, else the feedback text."""
    log = CallLog()
    student = Student(transport, log, deadline, call_timeout=case.timeout, timed_out=timed_out)
    failure = call_test(case.function, lambda: _fixtures(assignment, case, student), log, hidden_names)
    return _feedback(assignment, case, failure) if failure else ""


@dataclass
class Failure:
    """Why a test failed, in parts: `explain` words it (showing `call`, `returned` and
    `expected` on public tests only)."""

    problem: str
    call: str | None = None
    returned: Any = None
    expected: Any = None
    traceback: str = ""


def call_test(function: Callable[..., Any], fixtures: Callable[[], dict[str, Any]], log: CallLog,
              hidden_names: dict[str, str] | None = None, plain: tuple[type, ...] = ()) -> Failure | None:
    """Call a test function with its fixtures, then judge what it raised; None when it passed.

    `hidden_names` maps a name to the import problem that hid it; exceptions of the types in
    `plain` fail the test with their own message.
    """
    try:
        function(**fixtures())
    except CheckFailed as failure:
        record = log.find(failure.got) if failure.got is not None else log.find(None)
        return Failure(failure.problem, record.call if record else None, record.value if record else None,
                       failure.expected if failure.has_expected else None)
    except StudentRaised as raised:
        error, name = raised.error, raised.call.split("(")[0].strip()
        if error.origin == GRADER:
            return Failure(grader_problem(error.message), raised.call)
        problem = f"{name} raised {error.message}"
        if error.type == "NotImplementedError":
            problem = f"{name} is not implemented yet (it raises NotImplementedError)"
        elif error.type == "MissingName":
            problem = error.message.split(": ", 1)[-1]
            if name in (hidden_names or {}):
                problem += f"; your file has an error that hid it: {hidden_names[name]}"
        trace = "" if error.type in ("NotImplementedError", "MissingName") else error.traceback
        return Failure(problem, raised.call, traceback=trace)
    except GraderError as failure:
        return Failure(grader_problem(str(failure)), log.records[-1].call if log.records else None)
    except course.CourseError as failure:
        return Failure(grader_problem(str(failure)))
    except SandboxError as failure:
        return Failure(str(failure), log.records[-1].call if log.records else None)
    except plain as failure:
        return Failure(str(failure))
    except Exception as exc:  # noqa: BLE001 - the returned value broke the test's own arithmetic
        record = log.records[-1] if log.records else None
        return Failure(f"the result could not be checked ({type(exc).__name__}: {exc}); "
                       f"check its type and shape against the docstring",
                       record.call if record else None, record.value if record else None)
    return None


def grader_problem(reason: str) -> str:
    """The problem of a test the grader itself could not run: never the student's doing."""
    return f"the grader could not run this test: {reason}; tell your instructor (this is not your code's fault)"


def explain(failure: Failure, *, question: str, description: str, public: bool, lecture: str,
            section: str) -> str:
    """The failure explained: the call, what came back and what was expected (public tests only)."""
    lines = [f"{question}: {description}"]
    if public and failure.call:
        lines.append(f"Called:   {failure.call}")
        if failure.returned is not None:
            lines.append(f"Returned: {format_value(failure.returned)}")
        if failure.expected is not None:
            lines.append(f"Expected: {format_value(failure.expected)}")
    lines.append(f"Problem:  {failure.problem}")
    if failure.traceback:
        lines.append("Traceback (your code):\n" + "\n".join("  " + line
                                                           for line in failure.traceback.splitlines()[-8:]))
    lines.append(f"Reread:   {lecture} › {section}")
    return "\n".join(lines)


def _feedback(assignment: Assignment, case: TestCase, failure: Failure) -> str:
    question = assignment.question(case.question)
    return explain(failure, question=case.question, description=case.description, public=case.public,
                   lecture=question.lecture or assignment.lecture, section=question.section)


def grade_submission(submission: Submission, *, hidden: bool = True, only: list[str] | None = None,
                     sandboxes: dict[str, Sandbox] | None = None) -> list[AssignmentResult]:
    """Grade every assignment found in `submission` (or those in `only`), in course order;
    `sandboxes` holds processes already started for some of its sources."""
    results = []
    for assignment_id, assignment in course.all_assignments().items():
        if assignment_id not in submission.sources or (only and assignment_id not in only):
            continue
        source = submission.sources[assignment_id]
        if source.text is None:
            results.append(unreadable(assignment, source.problem or "the file could not be read", hidden))
        else:
            results.append(grade_source(assignment, source.text, hidden=hidden,
                                        sandbox=(sandboxes or {}).get(assignment_id)))
        results[-1].notes[:0] = [n for n in submission.notes if n.startswith(f"{assignment_id}:")]
    return results


def unreadable(assignment: Assignment, problem: str, hidden: bool = True) -> AssignmentResult:
    """Every test failed with the same explanation, for a file that could not be read."""
    cases = assignment.tests(hidden)
    points = test_points(assignment, cases)
    result = AssignmentResult(assignment.id, assignment.title, notes=[problem])
    for case in cases:
        result.tests.append(TestResult(assignment.id, case.question, case.name, case.description, case.public,
                                       0.0, points[case.name], _feedback(assignment, case, Failure(problem))))
    return result

"""Grading against a fake transport (as httpx's MockTransport): every outcome, and what each verdict says.

The toy course's public tests call `add(2.0, 3.0)`, `scale([1, 2], 3)`, `divide(1, 0)` (expecting
ValueError) and read `ANSWER`. The fake answers from a script, so each outcome is reached without
a sandbox, and the verdict's parts are checked one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograder.assignments import Assignment
from autograder.course import Course
from autograder.errors import CourseError
from autograder.grading import run_tests
from autograder.results import Outcome, from_json, to_json
from autograder.sandbox.runtime.errors import (
    GRADER,
    CallTimeout,
    ChannelBroken,
    ChildExited,
    GraderError,
    RemoteError,
)

from .conftest import ROOT

TOY = ROOT / "tests" / "data" / "toy_course"
REPORT = {"syntax_errors": [], "runtime_errors": []}


def remote(kind: str, message: str, traceback: str = "", origin: str = "student") -> RemoteError:
    return RemoteError(kind, [kind, "Exception", "BaseException", "object"], f"{kind}: {message}", traceback, origin)


class FakeTransport:
    """Answers calls and reads from `script`: `{name: value, exception to raise, or callable of the arguments}`."""

    def __init__(self, script: dict[str, Any], report: dict | None = None, output: str = "") -> None:
        self.script = script
        self.report = report or REPORT
        self.output = output

    def _answer(self, name: str, args: tuple = ()) -> Any:
        answer = self.script.get(name, remote("MissingName", f"{name} is not defined in your submission"))
        if isinstance(answer, BaseException):
            raise answer
        return answer(*args) if callable(answer) else answer

    def call(self, target: Any, args: tuple = (), kwargs: dict | None = None, *, method: str | None = None,
             timeout: float = 10.0) -> Any:
        return self._answer(target, args)

    def get(self, name: str, timeout: float = 10.0) -> Any:
        return self._answer(name)

    def build(self, recipe: Any, timeout: float = 10.0) -> Any:
        return self._answer(recipe.name)

    def load_report(self) -> dict:
        return self.report

    def take_output(self) -> str:
        output, self.output = self.output, ""
        return output


CORRECT: dict[str, Any] = {"add": lambda a, b: a + b, "scale": lambda x, k: np.asarray(x) * k,
                           "divide": remote("ValueError", "division by zero"), "ANSWER": 42}


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setenv("GRADE_COURSE_DIR", str(TOY))
    return Course.load(TOY).get("toy")


def verdict_of(toy, question: str, answer: Any = None, *, report: dict | None = None, budget: float | None = None,
               output: str = ""):
    """The verdict on the public test of `question` when the submission answers `answer` there."""
    script = {**CORRECT, **({question: answer} if answer is not None else {})}
    result = run_tests(toy, FakeTransport(script, report, output), hidden=False, questions={question}, budget=budget)
    (test,) = result.tests
    return test, result


def test_a_correct_answer_passes_with_its_share_of_the_questions_points(toy):
    test, _ = verdict_of(toy, "add")  # one public test of add's two tests: half its 2 points, checked or graded
    assert test.verdict.outcome is Outcome.PASSED and test.score == test.max_score == 1


def test_a_wrong_value_is_wrong_and_says_what_was_called_returned_and_expected(toy):
    test, _ = verdict_of(toy, "add", lambda a, b: a - b)
    verdict = test.verdict
    assert verdict.outcome is Outcome.WRONG and test.score == 0
    assert (verdict.call, verdict.returned, verdict.expected) == ("add(2.0, 3.0)", "-1.0", "5.0")
    assert verdict.problem == ("the result is far from the expected value: relative error 1.2; the float tolerance "
                               "allows 1e-05 relative plus 5e-06 absolute")
    assert verdict.reread == "Toy lecture › 1. Adding"


def test_an_exception_is_raised_with_the_students_traceback(toy):
    test, _ = verdict_of(toy, "scale", remote("TypeError", "bad operand", traceback='  File "m.py", line 3'))
    assert test.verdict.outcome is Outcome.RAISED
    assert test.verdict.problem == "scale raised TypeError: bad operand"
    assert test.verdict.traceback == '  File "m.py", line 3'


def test_not_implemented_is_raised_without_a_traceback(toy):
    test, _ = verdict_of(toy, "add", remote("NotImplementedError", "add is not implemented yet", "tb"))
    assert test.verdict.outcome is Outcome.RAISED and test.verdict.traceback == ""
    assert test.verdict.problem == "add is not implemented yet (it raises NotImplementedError)"


def test_a_call_out_of_time_is_timed_out(toy):
    test, _ = verdict_of(toy, "add", CallTimeout("no answer while calling add: time limit reached"))
    assert test.verdict.outcome is Outcome.TIMED_OUT and "time limit" in test.verdict.problem


@pytest.mark.parametrize("failure", [ChildExited("your code's process exited with status 0"),
                                     ChannelBroken("the answer while calling add was not valid")])
def test_a_process_that_dies_or_breaks_the_channel_crashed(toy, failure):
    test, _ = verdict_of(toy, "add", failure)
    assert test.verdict.outcome is Outcome.CRASHED and test.verdict.problem == str(failure)


def test_a_name_hidden_by_a_syntax_error_is_missing_and_says_why(toy):
    report = {"syntax_errors": [{"line": 4, "message": "SyntaxError: invalid syntax", "names": ["add"],
                                 "text": "def add(a, b)", "offset": 14}], "runtime_errors": []}
    script = {k: v for k, v in CORRECT.items() if k != "add"}
    result = run_tests(toy, FakeTransport(script, report), hidden=False, questions={"add"})
    (test,) = result.tests
    assert test.verdict.outcome is Outcome.MISSING_NAME
    assert test.verdict.problem == ("add is not defined in your submission: the syntax error at line 4 hid it "
                                    "(see the note)")
    assert result.notes == ["line 4: SyntaxError: invalid syntax (so add could not be defined)\n"
                            "    def add(a, b)\n                 ^"]


def test_tests_past_the_submissions_time_budget_are_not_run(toy):
    test, _ = verdict_of(toy, "add", budget=0.0)
    assert test.verdict.outcome is Outcome.NOT_RUN and "time budget" in test.verdict.problem


def test_the_graders_own_failure_is_a_grader_error_never_the_students(toy):
    test, _ = verdict_of(toy, "add", GraderError("the student's process did not start: no numpy"))
    assert test.verdict.outcome is Outcome.GRADER_ERROR and test.score == 0
    assert "tell your instructor" in test.verdict.problem and test.verdict.traceback == ""


def test_a_failure_the_students_process_blames_on_the_grader_is_still_its_own(toy):
    """The student's code controls its process: it could make a trusted object fail there, or say that one did,
    to have a question left out of its maximum. What that process says is never an excuse."""
    test, _ = verdict_of(toy, "add", remote("RecipeFailed", "the grader could not build x", origin=GRADER))
    assert test.verdict.outcome is Outcome.CRASHED and test.score == 0 and test.max_score > 0


def test_a_missing_reference_is_a_grader_error(toy, monkeypatch):
    def missing(*args: Any) -> None:
        raise CourseError("no reference solution: hidden tests need the instructor's repository")

    monkeypatch.setattr(Assignment, "reference", missing)
    result = run_tests(toy, FakeTransport(CORRECT), hidden=True, questions={"add"})
    hidden = [t for t in result.tests if not t.public]
    assert hidden and {t.verdict.outcome for t in hidden} == {Outcome.GRADER_ERROR}


def test_what_the_code_printed_is_kept_on_a_failed_test_only(toy):
    failed, _ = verdict_of(toy, "add", lambda a, b: 0.0, output="debugging\n")
    passed, _ = verdict_of(toy, "add", output="debugging\n")
    assert failed.verdict.output == "debugging\n" and passed.verdict.output == ""


def test_a_hidden_test_keeps_no_call_returned_or_expected_value(toy, monkeypatch):
    monkeypatch.setattr(Assignment, "reference", lambda *a: type("Ref", (), {"add": staticmethod(lambda a, b: a + b)}))
    result = run_tests(toy, FakeTransport({**CORRECT, "add": lambda a, b: a - b}), hidden=True, questions={"add"})
    (hidden,) = [t for t in result.tests if not t.public]
    assert hidden.verdict.outcome is Outcome.WRONG
    assert (hidden.verdict.call, hidden.verdict.returned, hidden.verdict.expected) == (None, None, None)


EVERY_OUTCOME: dict[Outcome, Callable[[Any], Any]] = {
    Outcome.PASSED: lambda toy: verdict_of(toy, "add"),
    Outcome.WRONG: lambda toy: verdict_of(toy, "add", lambda a, b: 0.0),
    Outcome.RAISED: lambda toy: verdict_of(toy, "add", remote("KeyError", "'k'")),
    Outcome.TIMED_OUT: lambda toy: verdict_of(toy, "add", CallTimeout("slow")),
    Outcome.CRASHED: lambda toy: verdict_of(toy, "add", ChildExited("gone")),
    Outcome.MISSING_NAME: lambda toy: verdict_of(toy, "add", remote("MissingName", "add is not defined")),
    Outcome.NOT_RUN: lambda toy: verdict_of(toy, "add", budget=0.0),
    Outcome.GRADER_ERROR: lambda toy: verdict_of(toy, "add", GraderError("broken")),
    Outcome.FORBIDDEN: lambda toy: verdict_of(toy, "add", remote("ModuleNotFoundError", "No module named 'torch'")),
}


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_is_reachable_and_its_result_crosses_json_unchanged(toy, outcome):
    test, result = EVERY_OUTCOME[outcome](toy)
    assert test.verdict.outcome is outcome
    assert from_json(to_json(result)) == result

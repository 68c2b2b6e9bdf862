"""What an assignment's test files import: the `test` decorator and the checks.

A test is a plain function whose parameters name what it needs:

- `student`: the submission (`autograder.calls.Student`); its calls run in the sandbox;
- `ref`: the reference solution module (hidden tests only; never in the student bundle);
- `rng`: a `numpy.random.Generator` seeded from the test's name, so grading is repeatable.

    @test("predict", "the lecture's price table")
    def predict_price_table(student):
        check.close(student.predict(np.array([1200.0, 1800.0]), 0.1, 50.0), [170.0, 230.0])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import checks as check
from .sandbox.runtime.protocol import Recipe as recipe

__all__ = ["test", "check", "recipe", "TestCase"]


@dataclass(frozen=True)
class TestCase:
    """One test of one question. `description` names the kind of input, shown even when hidden."""

    __test__ = False  # not a pytest test class

    name: str
    question: str
    description: str
    function: Callable[..., Any]
    weight: float = 1.0
    timeout: float = 10.0
    public: bool = False


def test(question: str, description: str, *, weight: float = 1.0, timeout: float = 10.0) -> Callable:
    """Mark a function as a test of `question`; `weight` sets its share of the question's points."""

    def mark(function: Callable[..., Any]) -> Callable[..., Any]:
        function.__grade_test__ = dict(question=question, description=description,  # type: ignore[attr-defined]
                                       weight=weight, timeout=timeout)
        return function

    return mark


test.__test__ = False  # type: ignore[attr-defined]

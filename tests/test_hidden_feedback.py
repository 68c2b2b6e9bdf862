"""A failed hidden test teaches without leaking: it names one coarse kind of error (wrong shape, wrong
type, NaN or infinity, close but outside the tolerance, far off, the wrong sign, raised X) and never the
expected value, the returned one or the size of the error. "Close" is one bit: within 1e-3 of the
expected value or not; whatever else changes, the sentence stays the same.
"""

from __future__ import annotations

import importlib
import re

import numpy as np
import pytest

from autograder import checks as check
from autograder.checks import CheckFailed
from autograder.grader import grade_source

from .conftest import COURSE, replace_definition, solution_source

CLOSE = "close to the expected value but outside the tolerance"
FAR = "far from the expected value"
SIGN = "the expected value with the opposite sign"


def hidden(function, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as failed:
        function(*args, **kwargs)
    return failed.value.hidden


@pytest.mark.parametrize("expected", [0.3, -1234.5, [0.25, 0.5, 2.0], [[1.0, -3.0], [0.5, 8.0]]],
                         ids=["small", "large negative", "vector", "matrix"])
def test_close_and_far_are_one_bit_each_whatever_the_size_of_the_error(expected):
    expected = np.asarray(expected, dtype=float)
    scale = np.abs(expected).max()
    close = {hidden(check.close, expected + offset * scale, expected) for offset in (2e-5, -1e-4, 5e-4, 9e-4)}
    far = {hidden(check.close, expected + offset * scale, expected) for offset in (3e-3, -0.1, 7.0, -300.0)}
    assert len(close) == 1 and CLOSE in close.pop()
    assert len(far) == 1 and FAR in far.pop()


def test_a_hidden_sentence_quotes_neither_value_nor_the_error():
    for got in (0.30003, 0.31, -0.3):
        sentence = hidden(check.close, got, 0.3)
        numbers = set(re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?", sentence.replace("float32", "")))
        assert numbers <= {"0.001", "1e-05", "1e-06"}, sentence  # the tolerance's own numbers only
        assert "0.3" not in sentence and "3e" not in sentence


def test_each_kind_of_error_has_its_own_sentence():
    assert SIGN in hidden(check.close, [-0.25, -0.5], [0.25, 0.5])
    assert "wrong shape" in hidden(check.close, [1.0, 2.0], [1.0, 2.0, 3.0])
    assert "nan or infinity" in hidden(check.close, [np.nan, 1.0], [1.0, 1.0])
    assert "is not a number or a numpy array" in hidden(check.close, "0.5", 0.5)


def mutant(assignment_id: str, description: str) -> tuple[str, str]:
    """`(question, source)` of the mutant of `assignment_id` with `description`, in tests/mutants."""
    for question, name, text, code in importlib.import_module(f"tests.mutants.{assignment_id}").MUTANTS:
        if text == description:
            return question, replace_definition(solution_source(assignment_id), name, code)
    raise KeyError(description)


@pytest.mark.parametrize(("assignment_id", "description", "kind"), [
    ("backpropagation", "forward differences instead of central ones", CLOSE),
    ("gradient_descent", "target minus prediction (the gradient's sign flipped)", SIGN),
    ("forward_propagation", "sums over the batch instead of averaging", FAR),
])
def test_a_failed_hidden_test_of_a_realistic_mistake_names_its_kind(assignment_id, description, kind):
    question, source = mutant(assignment_id, description)
    result = grade_source(COURSE.get(assignment_id), source)
    problems = [t.verdict.problem for t in result.tests if t.question == question and not t.public and not t.passed]
    assert problems, "no hidden test failed"
    assert any(kind in problem for problem in problems), problems
    assert not any(problem.endswith(" is off") for problem in problems), problems

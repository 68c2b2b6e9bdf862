"""Each diagnosis fires on its own pattern only: the mistake it names, never a near miss.

A factor (twice, half, the opposite sign, m or 1/m times) is named where every value is that multiple
of the expected one within the check's own tolerance, and where the numbers are evidence of it: two or
more different values share it, or the test names it as the likely mistake for that quantity. One number
that happens to be twice the expected one (σ'(0) = 0.5 for s·(1 − z)) is no evidence of a missing ½.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder import checks as check
from autograder.checks import CheckFailed
from autograder.diagnosis import off_by, shape_hint
from autograder.grader import grade_source

from .conftest import COURSE, replace_definition, solution_source

TWICE, HALF, SIGN = "twice the expected values", "half the expected values", "a subtraction the other way round"
CAUSES = ("twice", "half the", SIGN, "times the", "1/m")


def problem(got, expected, **kwargs) -> str:
    with pytest.raises(CheckFailed) as failed:
        check.close(got, expected, **kwargs)
    return failed.value.problem


@pytest.mark.parametrize(("got", "expected", "named"), [
    ([0.5, 1.0], [0.25, 0.5], TWICE),
    ([0.5, 1.0, 0.0], [1.0, 2.0, 0.0], HALF),
    ([-0.25, -0.5], [0.25, 0.5], SIGN),
    ([5.0, 10.0], [1.0, 2.0], "m (= 5) times"),
])
def test_a_factor_is_named_where_every_value_shows_it(got, expected, named):
    assert named in problem(got, expected, factors={"m": 5})


@pytest.mark.parametrize(("got", "expected", "factors"), [
    (0.5, 0.25, None),                                   # σ'(0) as s·(1 − z): one number, no evidence
    (-7.0, 7.0, None),                                   # one number the other way round: no evidence either
    ([0.5, 0.2004], [0.25, 0.2217], None),                # s·(1 − z) at z = 0 and 0.7: twice at one value only
    ([0.5, 1.0002], [0.25, 0.5], None),                   # twice, but for a difference beyond the tolerance
    ([0.5, 0.5], [0.25, 0.25], None),                     # two values, but the same one twice
    ([0.5, 1.0, 0.1], [0.25, 0.5, 0.0], None),            # a value where 0 is expected
    ([5.0, 10.1], [1.0, 2.0], {"m": 5}),                  # m times, nearly
])
def test_a_near_miss_gets_no_factor(got, expected, factors):
    text = problem(got, expected, factors=factors)
    assert not any(cause in text for cause in CAUSES), text


def test_a_factor_the_test_names_counts_on_a_single_number():
    assert "1/m (= 1/5)" in problem(0.2, 1.0, factors={"m": 5})
    assert TWICE in problem(0.5, 0.25, factors={"½": 2})
    assert SIGN in problem(-7.0, 7.0, factors={"sign": -1})


def test_off_by_itself_takes_the_checks_tolerance():
    expected = np.array([1.0, 2.0])
    assert TWICE in off_by(expected * 2 * (1 + 1e-7), expected, np.full(2, 1e-6))
    assert off_by(expected * 2 * (1 + 1e-3), expected, np.full(2, 1e-6)) == ""


def test_the_shape_hints_name_their_own_pattern_only():
    assert "transpose" in shape_hint(np.zeros((3, 2)), np.zeros((2, 3)))
    assert "another shape" in shape_hint(np.zeros((1, 3)), np.zeros(3))
    assert shape_hint(np.zeros((3, 3)), np.zeros((2, 3))) == ""
    assert shape_hint(np.zeros(4), np.zeros(3)) == ""


def test_sigmoid_grad_as_s_times_1_minus_z_is_not_told_a_half_is_missing():
    source = replace_definition(solution_source("activations"), "sigmoid_grad", """
def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1 - z)
""")
    result = grade_source(COURSE.get("activations"), source)
    failed = [t.verdict.problem for t in result.tests if t.question == "sigmoid" and not t.passed]
    assert failed
    assert not any("½" in text or "1/(2m)" in text or "twice" in text for text in failed), failed

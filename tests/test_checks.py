"""The checks, table by table: each bad value and the exact sentence a student reads about it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograder import checks as check
from autograder.calls import StudentRaised
from autograder.checks import CheckFailed
from autograder.sandbox.runtime.errors import RemoteError
from autograder.sandbox.runtime.protocol import Handle, Opaque


def problem(function, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as failed:
        function(*args, **kwargs)
    return failed.value.problem


@pytest.mark.parametrize(("got", "sentence"), [
    (None, "the result is None (did you forget `return`, or to set a constant?); expected a number or a numpy array"),
    ("5", "the result is a str; expected a number or a numpy array"),
    (True, "the result is a bool (True); expected a number"),
    (Opaque("builtins.set"), "the result is a builtins.set object; expected a number or a numpy array"),
    (Handle(1, "torch.nn.Linear"), "the result is a torch.nn.Linear object; expected a number or a numpy array"),
    ([1, [2, 3]], "the result is a ragged sequence; expected a rectangular array"),
    (np.array(["a"]), "the result has dtype <U1; expected floating-point numbers"),
    (math.nan, "the result contains nan; expected finite numbers (overflow, division by zero or log(0)?)"),
    (np.array([1.0, math.inf]),
     "the result contains inf at index (1,); expected finite numbers (overflow, division by zero or log(0)?)"),
])
def test_as_array_refuses_what_is_not_finite_numbers(got, sentence):
    assert problem(check.as_array, got) == sentence


@pytest.mark.parametrize(("got", "sentence"), [
    (np.array([1.5]), "the result has dtype float64; expected integers (use .astype(int))"),
    (1.0, "the result has dtype float64; expected integers (use int(...))"),
    (np.array([True]), "the result has dtype bool; expected integers (use .astype(int))"),
])
def test_integers_are_integers(got, sentence):
    assert problem(check.as_array, got, "int") == sentence


@pytest.mark.parametrize(("got", "expected", "sentence"), [
    (5.5, 5.0, "the result is off: relative error 0.1 (tolerance 1e-06)"),
    (1e-6, 0.0, "the result is off: absolute error 1e-06 (tolerance 1e-09)"),
    ([1.0, 2.5], [1.0, 2.0], "the result is off at index (1,): relative error 0.25 (tolerance 1e-06)"),
    ([1.0, 2.0], 3.0, "the result should be a single number, got an array of shape (2,)"),
    ([1.0, 2.0], [1.0, 2.0, 3.0], "the result should have shape (3,), got (2,)"),
])
def test_close_says_how_far_off_and_where(got, expected, sentence):
    assert problem(check.close, got, expected) == sentence


def test_close_names_what_it_checks_and_accepts_values_within_tolerance():
    assert problem(check.close, 2.0, 1.0, what="w0") == "w0 is off: relative error 1 (tolerance 1e-06)"
    check.close(1.0 + 1e-9, 1.0)
    check.close([1.0, 2.0], np.array([1.0, 2.0]))


@pytest.mark.parametrize(("got", "expected", "sentence"), [
    (3, 4, "the result is wrong"),
    ([1, 0, 0], [1, 1, 1], "the result is wrong at index (1,) (2 of 3 values differ)"),
])
def test_equal_says_where_integers_differ(got, expected, sentence):
    assert problem(check.equal, got, expected) == sentence


@pytest.mark.parametrize(("function", "args", "sentence"), [
    (check.shape, ([1.0, 2.0], (3,)), "the result should have shape (3,), got (2,)"),
    (check.sequence, (5.0, 2), "the result is a float; expected a tuple or list of 2 items"),
    (check.sequence, ((1, 2, 3), 2), "the result has 3 items; expected 2"),
    (check.mapping, ([1], ["a"]), "the result is a list; expected a dict with keys ['a']"),
    (check.mapping, ({"b": 1}, ["a"]), "the result is missing the key(s) ['a']; it has ['b']"),
    (check.that, (False, "the loss did not fall"), "the loss did not fall"),
])
def test_shapes_sequences_and_mappings(function, args, sentence):
    assert problem(function, *args) == sentence


def test_raises_wants_the_named_exception():
    def raising(kind):
        def function(*args):
            raise StudentRaised("f(1)", RemoteError(kind, [kind, "Exception"], f"{kind}: no", ""))
        return function

    check.raises("ValueError", raising("ValueError"))
    assert problem(check.raises, "ValueError", raising("KeyError")) == "f(1) raised KeyError: no; expected ValueError"
    assert problem(check.raises, "ValueError", lambda: 3) == \
        "expected ValueError to be raised, but the call returned normally"


def test_a_failed_check_keeps_what_came_back_and_what_was_expected():
    with pytest.raises(CheckFailed) as failed:
        check.close(4.0, 5.0)
    assert failed.value.got == 4.0 and failed.value.expected == 5.0 and failed.value.has_expected
    with pytest.raises(CheckFailed) as failed:
        check.that(False, "no")
    assert not failed.value.has_expected

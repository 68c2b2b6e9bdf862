"""The checks, table by table: each bad value and the exact sentence a student reads about it."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from autograder import checks as check
from autograder.calls import StudentRaised
from autograder.checks import CheckFailed
from autograder.sandbox.runtime import protocol
from autograder.sandbox.runtime.errors import RemoteError
from autograder.sandbox.runtime.protocol import Handle, Opaque


def problem(function, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as failed:
        function(*args, **kwargs)
    return failed.value.problem


@pytest.mark.parametrize(("got", "sentence"), [
    (None, "the result is None (did you forget `return`, or to set a constant?); expected a number or a numpy array"),
    ("5", "the result is a str; expected a number or a numpy array"),
    (True, "the result holds booleans (True); expected numbers"),
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
    (np.array([True]), "the result holds booleans ([True]); expected integers (use .astype(int))"),
])
def test_integers_are_integers(got, sentence):
    assert problem(check.as_array, got, "int") == sentence


@pytest.mark.parametrize(("got", "expected", "sentence"), [
    (5.5, 5.0, "the result is far from the expected value: relative error 0.1; the float tolerance allows 1e-05 "
               "relative plus 5e-06 absolute"),
    (5.001, 5.0, "the result is close to the expected value but outside the tolerance: relative error 0.0002; the "
                 "float tolerance allows 1e-05 relative plus 5e-06 absolute"),
    (1e-6, 0.0, "the result is far from the expected value: absolute error 1e-06; the float tolerance allows 1e-05 "
                "relative plus 0 absolute"),
    ([1.0, 2.5], [1.0, 2.0], "the result is far from the expected value at index (1,): relative error 0.25; the "
                             "float tolerance allows 1e-05 relative plus 2e-06 absolute"),
    ([1.0, 2.0], 3.0, "the result should be a single number, got an array of shape (2,)"),
    ([1.0, 2.0], [1.0, 2.0, 3.0], "the result should have 3 values, got 2"),
])
def test_close_says_what_kind_of_error_how_far_and_where_with_the_tolerance(got, expected, sentence):
    assert problem(check.close, got, expected) == sentence


def test_each_kind_of_quantity_has_its_tolerance_class():
    check.close(np.float32(0.09), 0.09)  # an accuracy counted in float32
    check.close([1e-30, 1.0], [0.0, 1.0])  # an entry near 0, judged against its neighbour's size
    check.close(7.1e-218, 0.0, check.PROBABILITY)  # σ(−1000) of a sigmoid clipped to ±500
    assert "outside the tolerance" in problem(check.close, 4.5e-5, 0.0, check.PROBABILITY)  # clipped to ±10
    check.close(0.15 + 3e-6, 0.15, check.LOSS)  # the textbook's + 1e-7 inside the log
    check.close(0.4009, 0.4, check.TRAINED, scale=100.0)  # the size of the terms a cancellation left
    check.close(0.6680004, 0.668, check.printed("0.668"))
    assert problem(check.close, 1.0 + 1e-12, 1.0, check.EXACT).endswith("it must be exact")


def test_one_of_accepts_each_convention_the_lecture_leaves_open_and_names_them_when_none_fits():
    conventions = {"the mean per example": 0.4, "the mean of the batches' means": 0.42}
    check.one_of(0.4, conventions)
    check.one_of(np.float32(0.42), conventions)
    with pytest.raises(CheckFailed) as failed:
        check.one_of(0.5, conventions, what="the loss")
    assert failed.value.problem.endswith("(accepted: the mean per example or the mean of the batches' means)")
    assert "0.4" not in failed.value.hidden.split("(accepted")[0]


with warnings.catch_warnings():  # numpy discourages np.matrix, but students still meet it in textbooks
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    MATRIX = np.matrix([[0.5]])


def test_close_names_what_it_checks_and_accepts_values_within_tolerance():
    assert problem(check.close, [2.0, 4.0], [1.0, 2.0], what="w") == \
        "w is far from the expected value at index (1,): relative error 1; the float tolerance allows 1e-05 " \
        "relative plus 2e-06 absolute; it is twice the expected values: a factor ½ missing (1/m where 1/(2m) is " \
        "meant, or 2λ for λ?)"
    check.close(1.0 + 1e-6, 1.0)
    check.close([1.0, 2.0], np.array([1.0, 2.0]))


@pytest.mark.parametrize("got", [np.float32(0.5), np.array(0.5), np.array([[0.5]]), np.array([0.5]), [0.5],
                                 MATRIX], ids=["float32", "0-d", "(1, 1)", "(1,)", "list", "matrix"])
def test_a_single_number_may_come_in_any_form_of_size_one(got):
    check.close(got, 0.5)
    assert check.number(got) == 0.5
    check.shape(got, ())


def test_a_shape_the_docstring_states_stays_strict():
    assert problem(check.close, np.array([[1.0, 2.0]]), [1.0, 2.0]) == \
        "the result should have shape (2,), got (1, 2): the right number of values, arranged in another shape " \
        "(reshape, or an axis too many?)"


def test_booleans_are_the_numbers_0_and_1_where_those_are_the_expected_values():
    check.close(np.array([True, False, True]), [1.0, 0.0, 1.0])
    check.equal(np.array([True, False]), [1, 0], booleans=True)
    assert problem(check.close, np.array([True, False]), [0.5, 0.0]) == \
        "the result holds booleans ([True, False]); expected numbers"


def test_integers_asked_for_stay_integers_and_a_wrong_dtype_and_shape_are_named_together():
    assert problem(check.equal, np.array([True, False]), [1, 0, 1]) == \
        "the result has dtype bool and shape (2,); expected integers of shape (3,) (use .astype(int))"


@pytest.mark.parametrize(("got", "expected", "factors", "meaning"), [
    ([0.5, 1.0], [1.0, 2.0], None, "half the expected values"),
    ([-1.0, -2.0], [1.0, 2.0], None, "the opposite sign"),
    ([5.0, 10.0], [1.0, 2.0], {"m": 5}, "m (= 5) times the expected values: a sum where a mean is meant?"),
    ([0.2, 0.4], [1.0, 2.0], {"m": 5}, "1/m (= 1/5) of the expected values"),
])
def test_a_result_off_by_an_exact_factor_says_so(got, expected, factors, meaning):
    assert meaning in problem(check.close, got, expected, factors=factors)


def test_a_transposed_result_and_a_length_with_its_reason():
    assert "the transpose of the expected shape" in problem(check.close, np.zeros((3, 2)), np.zeros((2, 3)))
    assert problem(check.close, [0.0] * 6, [0.0] * 13, what="the path",
                   why="n_iters + 1 points: the start and one per step") == \
        "the path should have 13 values (n_iters + 1 points: the start and one per step), got 6"


def test_hidden_wordings_carry_no_value_index_or_shape_of_what_came_back():
    with pytest.raises(CheckFailed) as failed:
        check.close([1.0, 2.5], [1.0, 2.0])
    assert failed.value.hidden == "the result is far from the expected value (more than 0.001 off: a different " \
                                  "formula, not rounding)"
    with pytest.raises(CheckFailed) as failed:
        check.close([1.0, 2.0], [1.0, 2.0, 3.0], why="one per step")
    assert failed.value.hidden == "the result has the wrong shape (one per step)"


@pytest.mark.parametrize(("got", "expected", "sentence"), [
    (3, 4, "the result is wrong"),
    ([1, 0, 0], [1, 1, 1], "the result is wrong at index (1,) (2 of 3 values differ)"),
])
def test_equal_says_where_integers_differ(got, expected, sentence):
    assert problem(check.equal, got, expected) == sentence


@pytest.mark.parametrize(("function", "args", "sentence"), [
    (check.shape, ([1.0, 2.0], (3,)), "the result should have 3 values, got 2"),
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


def sent(value):
    """`value` as the grader receives it from the student's process."""
    return protocol.decode(protocol.loads(protocol.dumps({"value": protocol.encode(value)}))["value"])


def test_numbers_in_an_object_array_or_a_tensor_where_a_float_is_specified_pass_with_a_note():
    torch = pytest.importorskip("torch")
    with check.noting() as notes:
        check.close(sent(np.frompyfunc(lambda z: z / 2, 1, 1)(np.array([1.0, 3.0]))), [0.5, 1.5])
        check.close(sent(torch.tensor(7.0)), 7.0, what="dy/dx")
        check.equal(sent(torch.tensor([12])), 12, what="the count")
        check.shape(sent(torch.ones(2, 3)), (2, 3), what="a model's output")  # a tensor where one is expected
    assert notes == ["the result came back as a numpy array of dtype object; the SPEC asks for numbers: return it "
                     "with .astype(float)",
                     "dy/dx came back as a torch tensor where the SPEC asks for a Python float: return it with .item()",
                     "the count came back as a torch tensor where the SPEC asks for a Python int: return it with "
                     ".item()"]


def test_an_array_of_anything_but_numbers_is_refused_naming_what_came_and_what_was_expected():
    assert problem(check.close, sent(np.array(["0.5", 1.0], dtype=object)), [0.5, 1.0]) == \
        "the result is a numpy array of dtype object holding str items; expected a number or a numpy array of numbers"
    assert problem(check.close, sent(np.array([0.5, None], dtype=object)), [0.5, 1.0]).startswith(
        "the result is a numpy array of dtype object holding NoneType items")

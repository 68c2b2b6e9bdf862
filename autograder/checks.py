"""Judging a returned value against the expected one.

Every check first turns what came back into plain float64 or int64 numpy data
built by the grader itself, so a returned object can never take part in its own
comparison. A failed check raises `CheckFailed` with a sentence a student can
act on; `expected` travels separately so hidden tests can leave it out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .calls import RemoteObject, StudentRaised, builtin_name
from .sandbox.runtime.protocol import Handle, Opaque, Recipe

__all__ = ["CheckFailed", "as_array", "close", "equal", "mapping", "raises", "sequence", "shape", "that"]

_MISSING = object()


class CheckFailed(AssertionError):
    """A returned value is wrong; `problem` says how, `expected` is shown on public tests only.

    `hidden` is the wording for a hidden test, when `problem` tells more than a hidden test may
    (how far off a value is, where, or what the student's code raised): it is the same sentence
    without what would reveal the hidden input or the expected value.
    """

    def __init__(self, problem: str, got: Any = _MISSING, expected: Any = _MISSING, *,
                 hidden: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.hidden = problem if hidden is None else hidden
        self.got = got
        self.expected = expected

    @property
    def has_expected(self) -> bool:
        return self.expected is not _MISSING


def _describe_type(value: Any) -> str:
    if value is None:
        return "None (did you forget `return`, or to set a constant?)"
    if isinstance(value, (Opaque, Handle, RemoteObject)):
        return f"a {value.type_name} object"
    if isinstance(value, Recipe):
        return "a recipe"
    return f"a {type(value).__name__}"


def as_array(got: Any, kind: str = "float", what: str = "the result", booleans: bool = False) -> np.ndarray:
    """`got` as a fresh float64 (`kind="float"`) or int64 (`kind="int"`) array.

    Accepts numbers, numpy arrays (from numpy or torch) and nested lists or tuples
    of numbers (booleans too, as 0 and 1, with `booleans`). Raises `CheckFailed`
    for anything else, for the wrong kind of number, and for NaN or infinity.
    """
    if isinstance(got, (bool, np.bool_)) and booleans:
        got = int(got)
    number = "an integer" if kind == "int" else "a number"
    if isinstance(got, (bool, np.bool_)):
        raise CheckFailed(f"{what} is a bool ({got!r}); expected {number}", got)
    if isinstance(got, (int, float, np.ndarray)) or _is_number_sequence(got):
        try:
            array = np.array(got)
        except (ValueError, TypeError):
            raise CheckFailed(f"{what} is a ragged sequence; expected a rectangular array", got) from None
    else:
        raise CheckFailed(f"{what} is {_describe_type(got)}; expected {number} or a numpy array", got,
                          hidden=f"{what} is not {number} or a numpy array")
    if array.dtype == object:
        raise CheckFailed(f"{what} holds non-numeric items; expected numbers", got)
    if kind == "int":
        if array.dtype.kind not in ("iub" if booleans else "iu"):
            advice = "int(...)" if array.ndim == 0 else ".astype(int)"
            raise CheckFailed(f"{what} has dtype {array.dtype}; expected integers (use {advice})", got)
        return array.astype(np.int64)
    if array.dtype.kind not in "iuf":
        raise CheckFailed(f"{what} has dtype {array.dtype}; expected floating-point numbers", got)
    array = array.astype(np.float64)
    bad = ~np.isfinite(array)
    if bad.any():
        where = "" if array.ndim == 0 else f" at index {tuple(int(i) for i in np.argwhere(bad)[0])}"
        value = array[tuple(np.argwhere(bad)[0])] if array.ndim else array
        raise CheckFailed(f"{what} contains {float(value)}{where}; expected finite numbers "
                          f"(overflow, division by zero or log(0)?)", got,
                          hidden=f"{what} contains nan or infinity; expected finite numbers "
                                 f"(overflow, division by zero or log(0)?)")
    return array


def _is_number_sequence(value: Any) -> bool:
    if not isinstance(value, (list, tuple)):
        return False
    return all(isinstance(v, (int, float, np.ndarray)) and not isinstance(v, bool) or _is_number_sequence(v)
               for v in value)


def _check_shape(array: np.ndarray, expected: np.ndarray, got: Any, what: str, exp: Any) -> None:
    if expected.ndim == 0 and array.ndim != 0:
        raise CheckFailed(f"{what} should be a single number, got an array of shape {array.shape}", got, exp,
                          hidden=f"{what} should be a single number, not an array")
    if array.shape != expected.shape:
        raise CheckFailed(f"{what} should have shape {expected.shape}, got {array.shape}", got, exp,
                          hidden=f"{what} has the wrong shape")


def close(got: Any, expected: Any, *, rtol: float = 1e-6, atol: float = 1e-9, what: str = "the result") -> None:
    """`got` equals `expected` elementwise within |got − expected| ≤ atol + rtol·|expected|, same shape."""
    expected_array = np.asarray(expected, dtype=np.float64)
    array = as_array(got, "float", what)
    _check_shape(array, expected_array, got, what, expected)
    error = np.abs(array - expected_array)
    allowed = atol + rtol * np.abs(expected_array)
    if np.all(error <= allowed):
        return
    worst = np.unravel_index(np.argmax(error - allowed), error.shape) if error.ndim else ()
    scale = abs(float(expected_array[worst]))
    where = f" at index {tuple(int(i) for i in worst)}" if error.ndim else ""
    if scale <= atol:
        size = f"absolute error {float(error[worst]):.2g} (tolerance {atol:g})"
    else:
        size = f"relative error {float(error[worst]) / scale:.2g} (tolerance {rtol:g})"
    raise CheckFailed(f"{what} is off{where}: {size}", got, expected, hidden=f"{what} is off")


def equal(got: Any, expected: Any, *, what: str = "the result", booleans: bool = False) -> None:
    """`got` is integers (or, with `booleans`, also bools) equal to `expected` exactly, same shape."""
    expected_array = np.asarray(expected, dtype=np.int64)
    array = as_array(got, "int", what, booleans)
    _check_shape(array, expected_array, got, what, expected)
    wrong = array != expected_array
    if wrong.any():
        if array.ndim == 0:
            raise CheckFailed(f"{what} is wrong", got, expected)
        where = f" at index {tuple(int(i) for i in np.argwhere(wrong)[0])}"
        raise CheckFailed(f"{what} is wrong{where} ({int(wrong.sum())} of {wrong.size} values differ)",
                          got, expected, hidden=f"{what} is wrong")


def shape(got: Any, expected: tuple[int, ...], *, what: str = "the result") -> np.ndarray:
    """`got` is an array of shape `expected`; return it as float64."""
    array = as_array(got, "float", what)
    if array.shape != tuple(expected):
        raise CheckFailed(f"{what} should have shape {tuple(expected)}, got {array.shape}", got,
                          hidden=f"{what} has the wrong shape")
    return array


def that(condition: bool, problem: str, got: Any = _MISSING, expected: Any = _MISSING, *,
         hidden: str | None = None) -> None:
    """Fail with `problem` unless `condition`; on a hidden test with `hidden`, when `problem` quotes what
    came back (which a student's code could fill with the test's inputs)."""
    if not condition:
        raise CheckFailed(problem, got, expected, hidden=hidden)


def sequence(got: Any, length: int | None = None, *, what: str = "the result") -> tuple:
    """`got` is a tuple or list (of `length` items); return it as a tuple."""
    expected = "a tuple or list" + (f" of {length} items" if length else "")
    if not isinstance(got, (tuple, list)):
        raise CheckFailed(f"{what} is {_describe_type(got)}; expected {expected}", got,
                          hidden=f"{what} is not {expected}")
    if length is not None and len(got) != length:
        raise CheckFailed(f"{what} has {len(got)} items; expected {length}", got,
                          hidden=f"{what} does not have {length} items")
    return tuple(got)


def mapping(got: Any, keys: list[str], *, what: str = "the result") -> dict:
    """`got` is a dict holding at least `keys`; return it."""
    if not isinstance(got, dict):
        raise CheckFailed(f"{what} is {_describe_type(got)}; expected a dict with keys {keys}", got,
                          hidden=f"{what} is not a dict with keys {keys}")
    missing = [k for k in keys if k not in got]
    if missing:
        raise CheckFailed(f"{what} is missing the key(s) {missing}; it has {sorted(got)}", got,
                          hidden=f"{what} is missing the key(s) {missing}")
    return got


def raises(exception: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Calling `function(*args, **kwargs)` raises `exception` (a built-in name such as "ValueError")."""
    try:
        value = function(*args, **kwargs)
    except StudentRaised as raised:
        if exception in raised.error.classes:
            return
        name = raised.call.split("(")[0]
        hidden = (f"{name} is not implemented yet (it raises NotImplementedError)"
                  if raised.error.type == "NotImplementedError" else
                  f"{name} raised {builtin_name(raised.error)}; expected {exception}")
        raise CheckFailed(f"{raised.call} raised {raised.error.message}; expected {exception}",
                          hidden=hidden) from None
    raise CheckFailed(f"expected {exception} to be raised, but the call returned normally", value)

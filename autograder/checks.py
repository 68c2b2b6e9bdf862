"""Judging a returned value against the expected one.

Every check first turns what came back into plain float64 or int64 numpy data
built by the grader itself, so a returned object can never take part in its own
comparison. A failed check raises `CheckFailed` with a sentence a student can
act on; `expected` travels separately so hidden tests can leave it out, and a
hidden test's sentence names only the kind of error (`tolerances.category`).

Fair to the forms real code takes: where a single number is expected, any numeric
value of size 1 is one (a numpy scalar, a (1, 1) array, an `np.matrix`, a size-1
tensor); booleans are the numbers 0 and 1 where the expected values are 0 and 1
and no dtype is asked for; floats are compared by the tolerance policy
(`autograder.tolerances`: a class per kind of quantity, each met by float32). Shapes
the docstring states stay strict. Numbers in a container the SPEC does not name (a
numpy array of dtype object, a tensor where a float is specified) pass, with a note
(`noting`) that says what the SPEC asks for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import tolerances
from .calls import RemoteObject, StudentRaised, builtin_name
from .diagnosis import off_by, shape_hint
from .notes import note_container, noting
from .sandbox.runtime.protocol import Handle, Opaque, Recipe
from .tolerances import DIFFERENCE, EXACT, FLOAT, LOSS, PROBABILITY, TRAINED, Tolerance, category, printed

__all__ = ["CheckFailed", "DIFFERENCE", "EXACT", "FLOAT", "LOSS", "PROBABILITY", "TRAINED", "Tolerance", "agrees",
           "as_array", "close", "equal", "mapping", "noting", "number", "one_of", "printed", "raises", "sequence",
           "shape", "that"]

_MISSING = object()


class CheckFailed(AssertionError):
    """A returned value is wrong; `problem` says how, `expected` is shown on public tests only.

    `hidden` is the wording for a hidden test, when `problem` tells more than a hidden test may
    (how far off a value is, where, or what the student's code raised): it is the same sentence
    without what would reveal the hidden input or the expected value. `diagnosis` names the known
    mistake the value shows ("a factor ½ missing"), for the instructor's count across a class.
    """

    def __init__(self, problem: str, got: Any = _MISSING, expected: Any = _MISSING, *,
                 hidden: str | None = None, diagnosis: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.hidden = problem if hidden is None else hidden
        self.got = got
        self.expected = expected
        self.diagnosis = diagnosis  # the known mistake the value shows (`autograder.diagnosis`), for the class report

    @property
    def has_expected(self) -> bool:
        return self.expected is not _MISSING


def _describe_type(value: Any) -> str:
    if value is None:
        return "None (did you forget `return`, or to set a constant?)"
    if isinstance(value, Opaque) and value.type_name.startswith("numpy.ndarray of dtype "):
        return f"a numpy array of dtype {value.type_name.removeprefix('numpy.ndarray of dtype ')}"
    if isinstance(value, (Opaque, Handle, RemoteObject)):
        return f"a {value.type_name} object"
    if isinstance(value, Recipe):
        return "a recipe"
    return f"a {type(value).__name__}"


def _raw_array(got: Any, number: str, what: str) -> np.ndarray:
    """`got` as a numpy array of whatever numbers it holds; `CheckFailed` when it holds no numbers."""
    if isinstance(got, (bool, int, float, np.ndarray, np.generic)) or _is_number_sequence(got):
        try:
            array = np.array(got)
        except (ValueError, TypeError):
            raise CheckFailed(f"{what} is a ragged sequence; expected a rectangular array", got) from None
    else:
        arrays = " or a numpy array of numbers" if isinstance(got, Opaque) and "ndarray" in got.type_name else \
            " or a numpy array"
        raise CheckFailed(f"{what} is {_describe_type(got)}; expected {number}{arrays}", got,
                          hidden=f"{what} is not {number}{arrays}")
    if array.dtype == object:
        raise CheckFailed(f"{what} holds non-numeric items; expected numbers", got)
    note_container(got, what)
    return array


def as_array(got: Any, kind: str = "float", what: str = "the result", booleans: bool = False) -> np.ndarray:
    """`got` as a fresh float64 (`kind="float"`) or int64 (`kind="int"`) array.

    Accepts numbers, numpy arrays (from numpy or torch) and nested lists or tuples of
    numbers; booleans count as 0 and 1 only with `booleans`. Raises `CheckFailed` for
    anything else, for the wrong kind of number, and for NaN or infinity.
    """
    number = "an integer" if kind == "int" else "a number"
    array = _raw_array(got, number, what)
    if array.dtype.kind == "b" and not booleans:
        plural = "integers" if kind == "int" else "numbers"
        raise CheckFailed(f"{what} holds booleans ({_short(array)}); expected {plural}"
                          + (" (use .astype(int))" if kind == "int" else ""), got,
                          hidden=f"{what} holds booleans; expected {plural}")
    if kind == "int":
        if array.dtype.kind not in "iub":
            advice = "int(...)" if array.ndim == 0 else ".astype(int)"
            raise CheckFailed(f"{what} has dtype {array.dtype}; expected integers (use {advice})", got)
        return array.astype(np.int64)
    if array.dtype.kind not in "iufb":
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


def _short(array: np.ndarray) -> str:
    return str(array.tolist()) if array.size <= 6 else f"an array of shape {array.shape}"


def _is_number_sequence(value: Any) -> bool:
    if not isinstance(value, (list, tuple)):
        return False
    return all(isinstance(v, (int, float, np.ndarray, np.generic)) or _is_number_sequence(v) for v in value)


def _zero_one(expected: np.ndarray) -> bool:
    """Whether every expected value is 0 or 1, so that booleans are the same numbers."""
    return bool(expected.size) and bool(np.all((expected == 0) | (expected == 1)))


def _fit_shape(array: np.ndarray, expected: np.ndarray, got: Any, what: str, exp: Any, why: str | None) -> np.ndarray:
    """`array` in `expected`'s shape: a single number may come in any shape of size 1; any other shape
    must be the expected one (`why` says why it is that)."""
    if expected.ndim == 0:
        if array.size == 1:
            return array.reshape(())
        raise CheckFailed(f"{what} should be a single number, got an array of shape {array.shape}", got, exp,
                          hidden=f"{what} should be a single number, not an array")
    if array.shape != expected.shape:
        reason = f" ({why})" if why else ""
        if array.ndim == expected.ndim == 1:
            problem = f"{what} should have {expected.size} values{reason}, got {array.size}"
        else:
            problem = f"{what} should have shape {expected.shape}{reason}, got {array.shape}"
        hint = shape_hint(array, expected)
        raise CheckFailed(problem + hint, got, exp, hidden=f"{what} has the wrong shape{reason}",
                          diagnosis=hint.lstrip(",: "))
    return array


def close(got: Any, expected: Any, tolerance: Tolerance = FLOAT, *, what: str = "the result",
          why: str | None = None, factors: dict[str, float] | None = None, scale: float | None = None) -> None:
    """`got` equals `expected` elementwise within `tolerance` (a class of `autograder.tolerances`), same shape.

    `why` says why the expected shape is what it is ("n_iters + 1 points: the start and one per
    step"); `factors` names the counts and factors a wrong result is plausibly off by (`{"m": 5}`:
    m or 1/m times; `{"½": 2}`: twice or half); `scale` is the quantity's natural size where the
    expected value is a cancellation of larger terms (a gradient that is 0 at the optimum).
    """
    expected_array = np.asarray(expected, dtype=np.float64)
    array = as_array(got, "float", what, booleans=_zero_one(expected_array))
    if expected_array.ndim == 0:
        note_container(got, what, "float")
    array = _fit_shape(array, expected_array, got, what, expected, why)
    allowed = tolerance.allowed(expected_array, scale)
    if np.all(np.abs(array - expected_array) <= allowed):
        return
    raise _off(array, expected_array, got, expected, tolerance, scale, what, factors)


#: What each kind of error is called (`tolerances.category`), and what a hidden test adds to it ({rule}: the
#: tolerance in words).
_KINDS = {
    "close": ("close to the expected value but outside the tolerance",
              f"within {tolerances.CLOSE:g} of it, but not within the {{name}} tolerance of {{rule}}: float32 "
              f"rounding, or a different order of operations or averaging?"),
    "far": ("far from the expected value", f"more than {tolerances.CLOSE:g} off: a different formula, not rounding"),
    "sign": ("the expected value with the opposite sign", "a subtraction the other way round?"),
}


def _off(array: np.ndarray, expected: np.ndarray, got: Any, shown: Any, tolerance: Tolerance,
         scale: float | None, what: str, factors: dict[str, float] | None) -> CheckFailed:
    """The failure of a value outside `tolerance`: its kind, where and how far (public tests), and a known
    mistake it shows; a hidden test gets the kind only."""
    allowed = tolerance.allowed(expected, scale)
    error = np.abs(array - expected)
    kind = category(array, expected, tolerance, scale)
    worst = np.unravel_index(np.argmax(error - allowed), error.shape) if error.ndim else ()
    where = f" at index {tuple(int(i) for i in worst)}" if error.ndim and kind != "sign" else ""
    size = abs(float(expected[worst]))
    measured = f"relative error {float(error[worst]) / size:.2g}" if size else \
        f"absolute error {float(error[worst]):.2g}"
    limit = tolerance.size(expected, scale) * tolerance.atol
    allowance = "it must be exact" if tolerance.rule() == "exact" else \
        f"the {tolerance.name} tolerance allows {tolerance.rtol:g} relative plus {limit:.2g} absolute"
    name, hint = _KINDS[kind]
    hint = hint.format(name=tolerance.name, rule=tolerance.rule())
    known = off_by(array, expected, allowed, factors)
    return CheckFailed(f"{what} is {name}{where}: {measured}; {allowance}{known}", got, shown,
                       hidden=f"{what} is {name} ({hint})", diagnosis=known.removeprefix("; "))


def one_of(got: Any, candidates: dict[str, Any], tolerance: Tolerance = FLOAT, *, what: str = "the result",
           scale: float | None = None) -> None:
    """`got` is close to one of `candidates` (`{convention: expected}`): where the lecture leaves a
    convention open (the mean per example or per batch), each is right. Fails as `close` would against
    the nearest, naming every convention accepted."""
    array = as_array(got, "float", what)
    failures = []
    for expected in candidates.values():
        try:
            close(got, expected, tolerance, what=what, scale=scale)
            return
        except CheckFailed as failed:
            expected = np.asarray(expected, dtype=np.float64)
            distance = float(np.max(np.abs(array.reshape(expected.shape) - expected))) \
                if array.size == expected.size else np.inf
            failures.append((distance, failed))
    failed = min(failures, key=lambda pair: pair[0])[1]
    accepted = " or ".join(candidates)
    raise CheckFailed(f"{failed.problem} (accepted: {accepted})", got, failed.expected,
                      hidden=f"{failed.hidden} (accepted: {accepted})", diagnosis=failed.diagnosis)


def agrees(got: Any, expected: Any, tolerance: Tolerance = FLOAT, *, scale: float | None = None) -> bool:
    """Whether `got` would pass `close(got, expected, tolerance)`; no note, no failure."""
    try:
        with noting():
            close(got, expected, tolerance, scale=scale)
    except CheckFailed:
        return False
    return True


def number(got: Any, what: str = "the result") -> float:
    """`got` as one float: any numeric value of size 1 (a number, a numpy scalar, a (1, 1) array, ...)."""
    array = as_array(got, "float", what)
    if array.size != 1:
        raise CheckFailed(f"{what} should be a single number, got an array of shape {array.shape}", got,
                          hidden=f"{what} should be a single number, not an array")
    note_container(got, what, "float")
    return float(array.reshape(()))


def equal(got: Any, expected: Any, *, what: str = "the result", booleans: bool = False) -> None:
    """`got` is integers (or, with `booleans`, also bools) equal to `expected` exactly, same shape.

    A wrong dtype and a wrong shape are reported together."""
    expected_array = np.asarray(expected, dtype=np.int64)
    raw = _raw_array(got, "an integer", what)
    dtype_wrong = raw.dtype.kind not in ("iub" if booleans else "iu")
    shape_wrong = raw.shape != expected_array.shape and not (expected_array.ndim == 0 and raw.size == 1)
    if dtype_wrong and shape_wrong:
        raise CheckFailed(f"{what} has dtype {raw.dtype} and shape {raw.shape}; expected integers of shape "
                          f"{expected_array.shape} (use .astype(int))", got, expected,
                          hidden=f"{what} has the wrong dtype and the wrong shape; expected integers")
    array = _fit_shape(as_array(got, "int", what, booleans), expected_array, got, what, expected, None)
    if expected_array.ndim == 0:
        note_container(got, what, "int")
    wrong = array != expected_array
    if wrong.any():
        if array.ndim == 0:
            raise CheckFailed(f"{what} is wrong", got, expected)
        where = f" at index {tuple(int(i) for i in np.argwhere(wrong)[0])}"
        raise CheckFailed(f"{what} is wrong{where} ({int(wrong.sum())} of {wrong.size} values differ)",
                          got, expected, hidden=f"{what} is wrong")


def shape(got: Any, expected: tuple[int, ...], *, what: str = "the result", why: str | None = None) -> np.ndarray:
    """`got` is an array of shape `expected` (a single number, of any shape of size 1, for `()`);
    return it as float64."""
    array = as_array(got, "float", what)
    return _fit_shape(array, np.zeros(tuple(expected)), got, what, _MISSING, why)


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
        if raised.error.type in ("MissingName", "NotImplementedError"):
            raise  # judged as what it is: the function is missing, or not written yet
        name = raised.name
        raise CheckFailed(f"{raised.call} raised {raised.error.message}; expected {exception}",
                          hidden=f"{name} raised {builtin_name(raised.error)}; expected {exception}") from None
    raise CheckFailed(f"expected {exception} to be raised, but the call returned normally", value)

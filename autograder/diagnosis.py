"""What a wrong value most likely got wrong: an exact factor, a sign, a transpose.

A result that is exactly half, twice, minus or 1/m times the right one, or the right values
transposed, is a known mistake with a known fix; saying so teaches more than "relative error 0.5".
Public tests only: the checks call these for the problem sentence, never for a hidden one.
"""

from __future__ import annotations

import numpy as np

#: Factors a result is commonly off by, and what that usually means.
COMMON_FACTORS: dict[float, str] = {
    0.5: "half the expected values: a factor 2 too small (½ where there should be none, or 1/(2m) for 1/m?)",
    2.0: "twice the expected values: a factor ½ missing (1/m where 1/(2m) is meant, or 2λ for λ?)",
    -1.0: "the expected values with the opposite sign: a subtraction the other way round?",
}


def off_by(got: np.ndarray, expected: np.ndarray, atol: float, factors: dict[str, float] | None = None) -> str:
    """"; it is <what it is>" when `got` is an exact multiple of `expected` that explains the error, else ""."""
    known = dict(COMMON_FACTORS)
    for name, count in (factors or {}).items():
        known.setdefault(float(count), f"{name} (= {count:g}) times the expected values: a sum where a mean is meant?")
        known.setdefault(1.0 / count,
                         f"1/{name} (= 1/{count:g}) of the expected values: divided by {name} once too often?")
    nonzero = np.abs(expected) > max(atol, 1e-12)
    if not nonzero.any() or np.any(np.abs(got[~nonzero]) > max(atol, 1e-12)):
        return ""
    ratio = got[nonzero] / expected[nonzero]
    for factor, meaning in known.items():
        if np.allclose(ratio, factor, rtol=1e-6, atol=0):
            return f"; it is {meaning}"
    return ""


def shape_hint(got: np.ndarray, expected: np.ndarray) -> str:
    """" (...)" when `got`'s shape is `expected`'s transposed, or `expected`'s with one axis added or lost."""
    if got.ndim == 2 and got.shape == expected.shape[::-1]:
        return ", the transpose of the expected shape (rows and columns swapped?)"
    if got.size == expected.size and got.squeeze().shape == expected.squeeze().shape:
        return ": the right number of values, arranged in another shape (reshape, or an axis too many?)"
    return ""

"""What a wrong value most likely got wrong: an exact factor, a sign, a transpose.

A result that is exactly half, twice, minus or 1/m times the right one, or the right values
transposed, is a known mistake with a known fix; saying so teaches more than "relative error 0.5".
But only where the numbers show it: every value is that multiple within the check's own tolerance,
and either two or more different values share it or the test names it as the likely mistake for
that quantity (`factors`). One number that happens to be twice the expected one (σ'(0) = 0.5 for
s·(1 − z)) is no evidence of a missing ½. Public tests only: the checks call these for the problem
sentence, never for a hidden one.
"""

from __future__ import annotations

import numpy as np

#: Factors a result is commonly off by, and what that usually means.
COMMON_FACTORS: dict[float, str] = {
    0.5: "it is half the expected values: a factor 2 too small (½ where there should be none, or 1/(2m) for 1/m?)",
    2.0: "it is twice the expected values: a factor ½ missing (1/m where 1/(2m) is meant, or 2λ for λ?)",
    -1.0: "a subtraction the other way round?",
}


def _known(factors: dict[str, float] | None) -> tuple[dict[float, str], set[float]]:
    """Every factor with its meaning, and those the test named (a count c names c and 1/c)."""
    known: dict[float, str] = {}
    for name, count in (factors or {}).items():
        count = float(count)
        known[count] = COMMON_FACTORS.get(count) or \
            f"it is {name} (= {count:g}) times the expected values: a sum where a mean is meant?"
        known[1.0 / count] = COMMON_FACTORS.get(1.0 / count) or \
            f"it is 1/{name} (= 1/{count:g}) of the expected values: divided by {name} once too often?"
    named = set(known)
    for factor, meaning in COMMON_FACTORS.items():
        known.setdefault(factor, meaning)
    return known, named


def off_by(got: np.ndarray, expected: np.ndarray, allowed: np.ndarray,
           factors: dict[str, float] | None = None) -> str:
    """"; <what it is>" when `got` is a known multiple of `expected` within `allowed` (the check's allowed
    error at each value, scaled by the factor) and the numbers are evidence of it, else ""."""
    known, named = _known(factors)
    nonzero = expected != 0
    if not nonzero.any():
        return ""
    sizes = np.abs(expected[nonzero])
    evidence = float(sizes.max() - sizes.min()) > float(np.max(allowed[nonzero]))  # two different values
    for factor, meaning in known.items():
        if (evidence or factor in named) and np.all(np.abs(got - factor * expected) <= abs(factor) * allowed):
            return f"; {meaning}"
    return ""


def shape_hint(got: np.ndarray, expected: np.ndarray) -> str:
    """" (...)" when `got`'s shape is `expected`'s transposed, or `expected`'s with one axis added or lost."""
    if got.ndim == 2 and got.shape == expected.shape[::-1]:
        return ", the transpose of the expected shape (rows and columns swapped?)"
    if got.size == expected.size and got.squeeze().shape == expected.squeeze().shape:
        return ": the right number of values, arranged in another shape (reshape, or an axis too many?)"
    return ""

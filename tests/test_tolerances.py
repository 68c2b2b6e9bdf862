"""The tolerance policy is written once, applied by every test, stated in README, and fair to float32.

Each class is met by a correct float32 computation of its kind of quantity, and missed by the mistake it
must catch; no assignment sets numbers of its own.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograder import checks as check
from autograder.tolerances import CLOSE, DIFFERENCE, EXACT, FLOAT, LOSS, POLICY, PROBABILITY, TRAINED, category

from .conftest import ROOT


def test_the_readme_states_the_policy_the_checks_apply():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for tolerance in POLICY:
        row = next((line for line in readme.splitlines() if line.startswith(f"| {tolerance.name} |")), None)
        assert row is not None, f"README's table has no row for the {tolerance.name} class"
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert float(cells[2]) == tolerance.rtol, row
        assert float(cells[3].split()[0]) == tolerance.atol, row
        assert ("largest value" in cells[3]) == (tolerance.scale is None and tolerance.atol > 0), row


#: What a test may not write itself: numbers of a tolerance, or numpy's comparisons with their own defaults.
AD_HOC = re.compile(r"\b(rtol|atol|allclose|isclose|assert_allclose|array_almost_equal)\b")


@pytest.mark.parametrize("path", sorted((ROOT / "assignments").glob("*/*.py")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_assignment_sets_its_own_tolerance(path):
    lines = [f"{n}: {line.strip()}" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if AD_HOC.search(line)]
    assert not lines, "use a class of autograder.tolerances instead:\n" + "\n".join(lines)


def in_float32(function, *args):
    """`function` computed on float32 copies of `args`, as float32 (what a student's float32 code returns)."""
    return np.asarray(function(*(np.asarray(a, dtype=np.float32) for a in args)), dtype=np.float32)


def test_correct_float32_arithmetic_meets_each_class():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(50, 8)), rng.normal(size=8)
    check.close(in_float32(lambda x, w: x @ w + 0.5, x, w), x @ w + 0.5, FLOAT)  # predictions
    guesses, labels = rng.integers(0, 10, size=1000), rng.integers(0, 10, size=1000)
    check.close(in_float32(lambda g, y: (g == y).mean(), guesses, labels), np.mean(guesses == labels), FLOAT)
    check.close(np.float32(9) / np.float32(100), 0.09, FLOAT)  # 9 hits of 100, counted in float32
    z = rng.normal(scale=10, size=200)
    check.close(in_float32(lambda z: 1 / (1 + np.exp(-z)), z), 1 / (1 + np.exp(-z)), PROBABILITY)
    p = rng.uniform(0.01, 0.99, size=100)
    check.close(in_float32(lambda p: -np.mean(np.log(p)), p), -np.mean(np.log(p)), LOSS)
    w32, w64 = np.float32(0.0), 0.0
    for _ in range(200):  # gradient descent on (w − 3)², in float32 and in float64
        w32, w64 = w32 - np.float32(0.05) * 2 * (w32 - np.float32(3)), w64 - 0.05 * 2 * (w64 - 3)
    check.close(w32, w64, TRAINED)


@pytest.mark.parametrize(("tolerance", "got", "expected", "mistake"), [
    (FLOAT, 0.1, 0.1 * 1.001, "an accuracy off by one example in 1,000"),
    (PROBABILITY, 4.5e-5, 0.0, "σ(−1000) of a sigmoid clipped to ±10"),
    (LOSS, 0.1493 * 1.01, 0.1493, "a loss with a + 1e-3 guard"),
    (TRAINED, 1.01, 1.0, "one step too many of 100 small ones"),
    (DIFFERENCE, 7.0 + 2e-5, 7.0, "forward differences, off by about ε·f''/2"),
    (EXACT, 1.0 + 2**-52, 1.0, "θ perturbed and put back inexactly"),
])
def test_each_class_misses_the_mistake_it_must_catch(tolerance, got, expected, mistake):
    assert not check.agrees(got, expected, tolerance), mistake


def test_the_categories_of_an_error_need_no_value():
    expected = np.array([0.2, -0.4])
    assert category(-expected, expected, FLOAT) == "sign"
    assert category(expected * (1 + CLOSE / 2), expected, FLOAT) == "close"
    assert category(expected * (1 + 3 * CLOSE), expected, FLOAT) == "far"
    assert category(np.array([1e-9]), np.array([0.0]), FLOAT) == "far"  # 0 expected, with no scale: any error is far

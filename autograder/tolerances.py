"""The tolerance policy: how close a floating result must come to the expected one, by the kind of quantity.

Counts, labels, integer outputs and shapes are compared exactly (`checks.equal`, `checks.shape`). Every
floating quantity is compared elementwise within a relative and an absolute tolerance,

    |got − expected| ≤ rtol·|expected| + atol·scale,

where `scale` is the quantity's natural size: the largest |expected| value of the array compared (an entry
near 0 is judged against the size of its neighbours, as float arithmetic errs), or a fixed size where the
quantity has one (a probability's is 1, a loss's one nat), or the size a test names (`scale=`) where the
expected value is a cancellation of larger terms (a gradient that is 0 at the optimum). Each class is met by
a correct float32 computation, whose precision is 2⁻²³ ≈ 1.2e−7 per rounding:

| class         | for                                                             | rtol  | atol × scale          |
|---------------|-----------------------------------------------------------------|-------|-----------------------|
| `EXACT`       | values the SPEC says stay unchanged; 0/1 step activations        | 0     | 0                     |
| `FLOAT`       | anything computed from the inputs: predictions, costs, penalties,| 1e-5  | 1e-6 × largest value  |
|               | gradients, derivatives, means, accuracies, outputs of a network  |       |                       |
| `PROBABILITY` | σ, softmax, predict_proba and σ', at the extremes too            | 1e-5  | 1e-12 (absolute)      |
| `LOSS`        | BCE and cross-entropy (a textbook + 1e-7 inside the log passes)  | 1e-4  | 1e-6 (absolute, nats) |
| `TRAINED`     | weights after training steps: rounding compounds step by step    | 1e-4  | 1e-5 × largest value  |
| `DIFFERENCE`  | central differences of the grader's float64 function             | 1e-6  | 1e-7 × largest value  |

A probability's absolute tolerance, 1e-12, is the `eps` binary_cross_entropy clips to: closer to 0 or 1 than
that, no graded loss tells two probabilities apart. So "exact at the extremes" means within 1e-12 of 0 and 1:
a sigmoid clipped to ±500 (σ(−1000) ≈ 7e−218) is exact, one clipped to ±10 (σ(−1000) ≈ 4.5e−5) is not.
Overflow is judged apart, by the numbers it leaves (σ(−720) must come out positive: 1 / (1 + e^720) is 0.0).

A value the lecture prints is compared to half a unit of its last printed digit (`printed`).

A failed comparison falls in one of three coarse categories (`category`), the only thing a hidden test
says of the error: the expected value with the opposite sign (within the tolerance), close (within
`CLOSE` = 1e-3, relative to the same scale), or far.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CLOSE", "DIFFERENCE", "EXACT", "FLOAT", "LOSS", "POLICY", "PROBABILITY", "TRAINED", "Tolerance",
           "category", "printed"]

#: How near a failed value must be to count as "close" (relative to the tolerance's scale): the one bit a
#: hidden test gives away about the size of an error.
CLOSE = 1e-3


@dataclass(frozen=True)
class Tolerance:
    """One class of the policy: `rtol` relative to each expected value, plus `atol` times the quantity's
    scale (`scale`, or the largest |expected| value where it is None)."""

    name: str
    rtol: float
    atol: float
    scale: float | None = None
    use: str = ""

    def size(self, expected: np.ndarray, scale: float | None = None) -> float:
        """The quantity's natural size: the test's `scale`, the class's own, or the largest |expected|."""
        if scale is not None:
            return float(scale)
        if self.scale is not None:
            return self.scale
        return float(np.max(np.abs(expected))) if expected.size else 0.0

    def allowed(self, expected: np.ndarray, scale: float | None = None) -> np.ndarray:
        """The largest error allowed at each entry of `expected`."""
        return self.rtol * np.abs(expected) + self.atol * self.size(expected, scale)

    def holds(self, got: np.ndarray, expected: np.ndarray | float, scale: float | None = None) -> np.ndarray:
        """Elementwise: whether each entry of `got` is within the tolerance of `expected` (float64 arrays)."""
        expected = np.broadcast_to(np.asarray(expected, dtype=np.float64), np.shape(got))
        return np.abs(np.asarray(got, dtype=np.float64) - expected) <= self.allowed(expected, scale)

    def rule(self) -> str:
        """The tolerance in words, with no value of the test in it (hidden tests show it)."""
        if self.rtol == self.atol == 0:
            return "exact"
        of = "absolute" if self.scale == 1.0 else f"of {self.scale:g}" if self.scale else "of the largest value"
        return f"{self.rtol:g} relative plus {self.atol:g} {of}"


EXACT = Tolerance("exact", 0.0, 0.0, use="values the SPEC says stay unchanged; 0/1 step activations")
FLOAT = Tolerance("float", 1e-5, 1e-6, use="anything computed from the inputs: predictions, costs, penalties, "
                                           "gradients, derivatives, means, accuracies, a network's outputs")
PROBABILITY = Tolerance("probability", 1e-5, 1e-12, 1.0, use="σ, softmax, predict_proba and σ', at the extremes "
                                                            "too")
LOSS = Tolerance("loss", 1e-4, 1e-6, 1.0, use="BCE and cross-entropy (a textbook + 1e-7 inside the log passes)")
TRAINED = Tolerance("trained", 1e-4, 1e-5, use="weights after training steps: rounding compounds step by step")
DIFFERENCE = Tolerance("difference", 1e-6, 1e-7, use="central differences of the grader's float64 function")

#: Every class, in the order README's table lists them.
POLICY = (EXACT, FLOAT, PROBABILITY, LOSS, TRAINED, DIFFERENCE)


def printed(text: str) -> Tolerance:
    """The tolerance of a value the lecture prints as `text` ("0.668", "-0.0524"): half a unit of its last
    digit, absolute."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return Tolerance(f"printed to {decimals} decimals", 0.0, 0.5 * 10.0**-decimals, 1.0,
                     use="a value the lecture prints: half a unit of its last digit")


def category(got: np.ndarray, expected: np.ndarray, tolerance: Tolerance, scale: float | None = None) -> str:
    """Which coarse kind of wrong `got` is: "sign" (−expected within the tolerance, expected not all 0),
    "close" (within `CLOSE` of expected, relative to the tolerance's scale) or "far"."""
    if np.any(expected != 0) and np.all(np.abs(got + expected) <= tolerance.allowed(expected, scale)):
        return "sign"
    size = max(tolerance.size(expected, scale), 0.0)
    if np.all(np.abs(got - expected) <= CLOSE * (np.abs(expected) + size)):
        return "close"
    return "far"

"""Trusted objects the backpropagation tests have the student's process build (`[sandbox] recipes`): scalar
functions of an array to check gradients on, tied parameters, and scalar functions of a torch tensor for
autograd. The grader runs this file in the student's process (`recipes.load_course`) and in its own."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .recipes import Described


def quadratic_form(A: list, c: list) -> Callable[[np.ndarray], float]:
    """f(θ) = ½ θᵀAθ + cᵀθ for a 1-D θ of length len(c)."""
    A_, c_ = np.array(A, dtype=float), np.array(c, dtype=float)
    return Described(lambda theta: float(0.5 * theta @ A_ @ theta + c_ @ theta),
                      f"quadratic_form(A={A_.tolist()}, c={c_.tolist()})")


def sine_quadratic(a: float, c: float) -> Callable[[np.ndarray], float]:
    """f(θ) = Σ (a·sin θ + c·θ²) over every entry of θ, for θ of any shape."""
    return Described(lambda theta: float(np.sum(a * np.sin(theta) + c * np.square(theta))),
                      f"sine_quadratic(a={a!r}, c={c!r})")


def one_entry_at_a_time(f: Callable[[np.ndarray], float], theta: list) -> Callable[[np.ndarray], float]:
    """`f`, refusing (ValueError) to be evaluated at a point that differs from `theta` in more than one entry."""
    theta0 = np.array(theta, dtype=float)

    def watched(point: np.ndarray) -> float:
        point = np.asarray(point, dtype=float)
        if point.shape != theta0.shape:
            raise ValueError(f"f was called with an array of shape {point.shape}; theta has shape {theta0.shape}")
        moved = np.argwhere(np.abs(point - theta0) > 1e-9 * (1 + np.abs(theta0)))
        if len(moved) > 1:
            where = ", ".join(str(tuple(int(i) for i in index)) for index in moved[:3])
            raise ValueError(f"f was called at a point that differs from the original theta in {len(moved)} "
                             f"entries (at {where}{', …' if len(moved) > 3 else ''}): perturb one entry at a "
                             f"time and put it back before moving to the next, so that theta ends unchanged")
        return f(point)

    return Described(watched, repr(f))


def tied_parameters(names: list[str], value: list) -> dict[str, np.ndarray]:
    """A dict mapping every name in `names` to one and the same float64 array (tied weights)."""
    shared = np.array(value, dtype=float)
    return {name: shared for name in names}


def torch_function(expression: str) -> Callable[[object], object]:
    """A scalar function of a scalar torch tensor: `expression` is "x^2 + 3x", "x sin x", "exp(-x^2)",
    "x^3 - 2x" or "log(1 + e^x)"."""
    import torch

    functions = {
        "x^2 + 3x": lambda x: x**2 + 3 * x,
        "x sin x": lambda x: x * torch.sin(x),
        "exp(-x^2)": lambda x: torch.exp(-(x**2)),
        "x^3 - 2x": lambda x: x**3 - 2 * x,
        "log(1 + e^x)": lambda x: torch.log1p(torch.exp(x)),
    }
    return Described(functions[expression], f"f(x) = {expression}")

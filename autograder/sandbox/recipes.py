"""Trusted recipes: objects the grader asks the student's process to build.

Some functions take a callable, a model or a data loader. Such objects never
cross between processes; the grader sends `Recipe(name, **plain_args)` and the
child builds the object here. Nothing here is secret: these are fixed,
documented inputs, like the arrays a test sends.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

RECIPES: dict[str, Callable[..., Any]] = {}


def recipe(function: Callable[..., Any]) -> Callable[..., Any]:
    RECIPES[function.__name__] = function
    return function


def build(name: str, args: dict[str, Any]) -> Any:
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}")
    return RECIPES[name](**args)


class _Described:
    """A callable with a readable repr, for student-side debugging."""

    def __init__(self, function: Callable[..., Any], text: str) -> None:
        self._function = function
        self._text = text

    def __call__(self, *args: Any) -> Any:
        return self._function(*args)

    def __repr__(self) -> str:
        return self._text


@recipe
def polynomial(coefficients: list[float]) -> Callable[[float], float]:
    """p(w) = c0 + c1·w + c2·w² + …, e.g. the derivative 2(w − 3) is [-6, 2]."""
    c = [float(v) for v in coefficients]
    return _Described(lambda w: sum(ci * w**i for i, ci in enumerate(c)), f"polynomial({c})")


@recipe
def generator(seed: int) -> np.random.Generator:
    """`numpy.random.default_rng(seed)`."""
    return np.random.default_rng(seed)


@recipe
def tensor(values: list, dtype: str = "float32", requires_grad: bool = False) -> object:
    """`torch.tensor(values, dtype=torch.<dtype>)`, for calling a model that stays in the child."""
    import torch

    return torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=requires_grad)


@recipe
def torch_mlp(layer_sizes: list[int], frozen: list[int] | None = None, bias: bool = True) -> object:
    """`nn.Sequential` of Linear layers with ReLU between; the Linear layers at indices `frozen` get
    `requires_grad=False`."""
    import torch

    torch.manual_seed(0)
    layers: list = []
    linears = []
    for i, (n_in, n_out) in enumerate(zip(layer_sizes, layer_sizes[1:])):
        if i:
            layers.append(torch.nn.ReLU())
        linear = torch.nn.Linear(n_in, n_out, bias=bias)
        linears.append(linear)
        layers.append(linear)
    for index in frozen or []:
        for parameter in linears[index].parameters():
            parameter.requires_grad_(False)
    return torch.nn.Sequential(*layers)


# backpropagation -----------------------------------------------------------------------------


@recipe
def quadratic_form(A: list, c: list) -> Callable[[np.ndarray], float]:
    """f(θ) = ½ θᵀAθ + cᵀθ for a 1-D θ of length len(c)."""
    A_, c_ = np.array(A, dtype=float), np.array(c, dtype=float)
    return _Described(lambda theta: float(0.5 * theta @ A_ @ theta + c_ @ theta),
                      f"quadratic_form(A={A_.tolist()}, c={c_.tolist()})")


@recipe
def sine_quadratic(a: float, c: float) -> Callable[[np.ndarray], float]:
    """f(θ) = Σ (a·sin θ + c·θ²) over every entry of θ, for θ of any shape."""
    return _Described(lambda theta: float(np.sum(a * np.sin(theta) + c * np.square(theta))),
                      f"sine_quadratic(a={a!r}, c={c!r})")


@recipe
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

    return _Described(watched, repr(f))


@recipe
def tied_parameters(names: list[str], value: list) -> dict[str, np.ndarray]:
    """A dict mapping every name in `names` to one and the same float64 array (tied weights)."""
    shared = np.array(value, dtype=float)
    return {name: shared for name in names}


@recipe
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
    return _Described(functions[expression], f"f(x) = {expression}")

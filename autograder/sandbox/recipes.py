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

"""Trusted recipes: objects the grader asks the student's process to build.

Some functions take a callable, a model or a data loader. Such objects never
cross between processes; the grader sends `Recipe(name, **plain_args)` and the
child builds the object here. Nothing here is secret: these are fixed,
documented inputs, like the arrays a test sends. The grader builds twins of the
same objects from the same recipes (`build`) to run the reference on.

This module holds the engine's own vocabulary (callables, generators, tensors, models,
optimizers). What one assignment's tests need besides is the course's: its
`assignments/<id>/recipes.py` (declared as `[sandbox] recipes`), whose text the grader sends
and `load_course` runs here, in both processes; its public functions are recipes too, and it
may import this runtime's modules relatively (`from .loaders import GPUResidentLoader`).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

import numpy as np

RECIPES: dict[str, Callable[..., Any]] = {}
#: The course's recipe modules loaded here, by name (an assignment's id).
COURSE: dict[str, types.ModuleType] = {}


def recipe(function: Callable[..., Any]) -> Callable[..., Any]:
    RECIPES[function.__name__] = function
    return function


def load_course(modules: list[tuple[str, str]] | list[list[str]], *, warm: bool = False) -> None:
    """Run each `(name, source)` of the course's recipe modules here, once, and add its public functions to
    the recipes (a name the engine or another module has is refused); with `warm`, call its `warm_up()`, if
    it has one, as a template does before forking children that will use it."""
    for name, source in modules:
        if name in COURSE:
            continue
        module = types.ModuleType(f"{__package__}.course_{name}")
        module.__package__ = __package__
        sys.modules[module.__name__] = module
        exec(compile(source, f"<{name}'s recipes>", "exec"), module.__dict__)  # noqa: S102 - the course's own code
        made = {k: v for k, v in vars(module).items() if callable(v) and not k.startswith("_") and k != "warm_up"
                and getattr(v, "__module__", None) == module.__name__}
        if clash := sorted(set(made) & set(RECIPES)):
            raise ValueError(f"{name}'s recipes redefine {', '.join(clash)}, which other recipes define")
        RECIPES.update(made)
        COURSE[name] = module
        if warm and callable(getattr(module, "warm_up", None)):
            module.warm_up()


def build(name: str, args: dict[str, Any]) -> Any:
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}")
    return RECIPES[name](**args)


class Described:
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
    return Described(lambda w: sum(ci * w**i for i, ci in enumerate(c)), f"polynomial({c})")


@recipe
def plain(value: Any) -> Any:
    """`value` itself (plain data: numbers, lists, dicts, arrays), as an object of the student's process, to
    pass to a function and read back afterwards (did the function change its argument in place?)."""
    return value


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


# torch objects -------------------------------------------------------------------------------


@recipe
def device(kind: str = "cpu") -> object:
    """`torch.device(kind)`, e.g. "cpu" or "cuda" (not `name`: a recipe's own name is `name`)."""
    import torch

    return torch.device(kind)


@recipe
def cross_entropy_loss() -> object:
    """`torch.nn.CrossEntropyLoss()`: the lecture's classification loss, a mean over the batch."""
    import torch

    return torch.nn.CrossEntropyLoss()


@recipe
def sgd(model: Any, lr: float) -> object:
    """Plain `torch.optim.SGD(model.parameters(), lr=lr)`, as in the lecture."""
    import torch

    return torch.optim.SGD(model.parameters(), lr=lr)


@recipe
def tensor_loader(images: Any, labels: Any, batch_size: int, shuffle: bool = False, seed: int | None = None) -> object:
    """Mini-batches `(images float32 (B, D), labels int64 (B,))` of the given arrays, kept on the CPU
    (`GPUResidentLoader`); images in [0, 1], labels integers. With `shuffle`, reproducible per `seed`."""
    from .loaders import GPUResidentLoader

    return GPUResidentLoader(images, labels, batch_size, shuffle=shuffle, device="cpu", seed=seed)


@recipe
def zero_linear(n_in: int, n_out: int, bias: list[float] | None = None) -> object:
    """`nn.Linear(n_in, n_out)` with zero weights and the given bias (zeros by default): every input gets
    the same logits, as with the lecture's untrained network."""
    import torch

    layer = torch.nn.Linear(n_in, n_out)
    with torch.no_grad():
        layer.weight.zero_()
        layer.bias.copy_(torch.tensor(bias if bias is not None else [0.0] * n_out))
    return layer


@recipe
def seeded_mlp(layer_sizes: list[int], seed: int = 0, dropout: float = 0.0, refuse_grad: bool = False,
               eval_mode: bool = False, device: str = "cpu") -> object:
    """An MLP like `torch_mlp`, initialised from `torch.manual_seed(seed)`, on `device`. With `dropout`,
    each hidden ReLU is followed by dropout whose masks come from the model's own generator (seeded too),
    so that two copies drop the same units. With `refuse_grad`, calling it while autograd records (outside
    `torch.no_grad()`) raises RuntimeError. With `eval_mode`, it starts in eval mode."""
    from .models import seeded_mlp as build_seeded_mlp

    return build_seeded_mlp(layer_sizes, seed, dropout, refuse_grad, eval_mode, device)


@recipe
def scripted_model(val_losses: list[float], scripted_weights: bool = True) -> object:
    """A model for testing `fit` on its own (see `models.ScriptedModel`)."""
    from .models import ScriptedModel

    return ScriptedModel(val_losses, scripted_weights)


_REAL_CUDA_IS_AVAILABLE: list = []


@recipe
def cuda_available(value: bool | None) -> bool | None:
    """From now on `torch.cuda.is_available()` answers `value` in this process (None: the true answer
    again), to see what code would do on a machine with (or without) a GPU. Returns `value`."""
    import torch

    if not _REAL_CUDA_IS_AVAILABLE:
        _REAL_CUDA_IS_AVAILABLE.append(torch.cuda.is_available)
    torch.cuda.is_available = _REAL_CUDA_IS_AVAILABLE[0] if value is None else (lambda: value)
    return value


#: Objects built by `kept`, by key; they live as long as the process.
_KEPT: dict[str, Any] = {}


@recipe
def kept(key: str, make: str | None = None, fresh: bool = False, **args: Any) -> Any:
    """The object built by recipe `make` with `args` the first time `key` is used (or whenever `fresh`), and
    the same object at every later use, which needs only the key: a model trained over several calls, the
    model an optimizer recipe must share, or an instrumented object to inspect afterwards (the grader
    reaches it as a handle with `student.build(recipe("kept", key=...))`).
    """
    if fresh or key not in _KEPT:
        if make is None:
            raise ValueError(f"no object is kept under {key!r} yet; name the recipe that builds it with make=")
        _KEPT[key] = build(make, args)
    return _KEPT[key]


def reset() -> None:
    """Forget every object `kept` holds, as a fresh process would (for graders that reuse one process)."""
    _KEPT.clear()

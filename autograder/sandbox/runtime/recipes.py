"""Trusted recipes: objects the grader asks the student's process to build.

Some functions take a callable, a model or a data loader. Such objects never
cross between processes; the grader sends `Recipe(name, **plain_args)` and the
child builds the object here. Nothing here is secret: these are fixed,
documented inputs, like the arrays a test sends. The grader builds twins of the
same objects from the same recipes (`build`) to run the reference on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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


# mnist_training ------------------------------------------------------------------------------


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


def _mnist_part(part: str, limit: int | None, data_dir: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Images float32 (N, 784) in [0, 1] and labels int64 (N,) of the shipped sample's 4,000 training digits or,
    with `data_dir`, of full MNIST's 60,000; the first `limit`. The held-out digits stay with the grader, which
    measures accuracy on them: they are not in this process."""
    if part != "train":
        raise ValueError(f"part must be 'train', not {part!r}: the held-out digits stay with the grader")
    if data_dir not in _MNIST_CACHE:
        from . import mnist_sample as mnist

        if data_dir is None:
            _MNIST_CACHE[None] = mnist.load_training_sample()
        else:
            files = [mnist.find_file(Path(data_dir), stem) for stem in mnist.MNIST_FILES["train"]]
            if None in files:
                raise FileNotFoundError(f"full MNIST's training files are not in {data_dir!r}")
            _MNIST_CACHE[data_dir] = mnist.model_ready(*mnist.read_images_and_labels(*files))
    images, labels = _MNIST_CACHE[data_dir]
    return images[:limit], labels[:limit]


_MNIST_CACHE: dict[str | None, Any] = {}


@recipe
def mnist_loader(part: str = "train", batch_size: int = 64, shuffle: bool = False, seed: int = 0,
                 limit: int | None = None, kind: str = "resident", data_dir: str | None = None,
                 device: str = "cpu") -> object:
    """Mini-batches of real MNIST training digits (see `_mnist_part`): a `GPUResidentLoader` on `device` ("resident")
    or the lecture's `DataLoader` on the CPU ("dataloader"); shuffled per epoch, reproducibly, with `shuffle`."""
    from .loaders import GPUResidentLoader, make_dataloader

    images, labels = _mnist_part(part, limit, data_dir)
    if kind == "resident":
        return GPUResidentLoader(images, labels, batch_size, shuffle=shuffle, device=device, seed=seed)
    if kind == "dataloader":
        return make_dataloader(images, labels, batch_size, shuffle=shuffle, seed=seed)
    raise ValueError(f"kind must be 'resident' or 'dataloader', not {kind!r}")


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

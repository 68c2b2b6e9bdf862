"""`grade train`: the reference network of assignment 11 trained on MNIST, as people expect to see it.

The lecture's 784 → 128 → 10 network, built and trained by the reference solution's own functions
(`build_mlp`, `train_one_epoch`, `evaluate`), on full MNIST when its files are found (`data_dir` or
$MNIST_DIR), else on the shipped 5,000-digit sample. Each epoch gets a progress bar; the loss and
accuracy curves are saved as a PNG. Instructors only: it needs `solutions/`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .course import Course

ASSIGNMENT = "mnist_training"


@dataclass
class DemoResult:
    """What a run did: the history (lists `train_loss`, `val_loss`, `val_acc`), where and on what."""

    history: dict[str, list[float]]
    device: str
    source: str  # "full" or "sample"
    seconds: float
    output: Path


class _Counted:
    """A loader that advances a progress bar by one at each batch it yields."""

    def __init__(self, loader: Any, advance: Any) -> None:
        self.loader, self.advance = loader, advance
        self.dataset = loader.dataset

    def __len__(self) -> int:
        return len(self.loader)

    def __iter__(self) -> Iterator[Any]:
        for batch in self.loader:
            yield batch
            self.advance()


def pick_device(name: str = "auto") -> Any:
    """`"auto"`: CUDA when available, as the lecture's `get_device()`; else `torch.device(name)`."""
    import torch

    if name == "auto":  # as the lecture's `get_device()`: CUDA when available
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {name!r} was asked for, but PyTorch sees no CUDA GPU here; "
                         "use --device cpu or auto")
    return torch.device(name)


def train_demo(course: Course, epochs: int = 10, data_dir: str | Path | None = None,
               output: str | Path = "mnist_training.png", device: str = "auto", batch_size: int = 64,
               lr: float = 0.1, seed: int = 0, threads: int | None = None,
               console: Console | None = None) -> DemoResult:
    """Train the reference 784 → 128 → 10 network of `course` (its mnist_training solution) with SGD for `epochs`
    epochs; plot its curves to `output`.

    Data: `available_data(data_dir)`, full MNIST or the shipped sample, kept on the device
    (`GPUResidentLoader`), training batches of `batch_size` reshuffled every epoch from `seed`.
    Each epoch shows a bar over its batches, then its training loss and held-out loss and accuracy.
    `threads` sets PyTorch's CPU threads for the run (this network's small matrix products are often
    fastest on one, and far slower on a busy machine with several).
    """
    import torch

    if threads is None:
        return _train_demo(course, epochs, data_dir, output, device, batch_size, lr, seed, console)
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return _train_demo(course, epochs, data_dir, output, device, batch_size, lr, seed, console)
    finally:
        torch.set_num_threads(before)


def _train_demo(course: Course, epochs: int, data_dir: str | Path | None, output: str | Path, device: str,
                batch_size: int, lr: float, seed: int, console: Console | None) -> DemoResult:
    import torch

    from .datasets.mnist import available_data
    from .sandbox.runtime.loaders import GPUResidentLoader

    console = console or Console()
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, not {epochs!r}")
    ref = course.get(ASSIGNMENT).reference()
    found = available_data(data_dir)
    console.print(found.note)
    device = pick_device(device)
    data = found.data
    torch.manual_seed(seed)
    model = ref.build_mlp((784, 128, 10)).to(device)
    train = GPUResidentLoader(data.train_images, data.train_labels, batch_size, shuffle=True, device=device,
                              seed=seed)
    held_out = GPUResidentLoader(data.test_images, data.test_labels, 1000, shuffle=False, device=device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    console.print(f"Training 784 → 128 → 10 ({sum(p.numel() for p in model.parameters()):,} parameters) on "
                  f"{len(train.dataset):,} digits, {device}, SGD lr {lr:g}, batches of {batch_size}.")
    history: dict[str, list[float]] = {"train_loss": [], "val_loss": [], "val_acc": []}
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[scores]}"))
    with Progress(*columns, console=console) as progress:
        for epoch in range(1, epochs + 1):
            task = progress.add_task(f"epoch {epoch:>{len(str(epochs))}}/{epochs}", total=len(train), scores="")
            counted = _Counted(train, lambda task=task: progress.advance(task))
            train_loss = ref.train_one_epoch(model, counted, optimizer, loss_fn, device)
            val_loss, val_acc = ref.evaluate(model, held_out, loss_fn, device)
            for key, value in zip(history, (train_loss, val_loss, val_acc), strict=True):
                history[key].append(value)
            progress.update(task, scores=f"loss {train_loss:.4f}  held-out loss {val_loss:.4f}  "
                                         f"accuracy {val_acc:.2%}")
    seconds = time.perf_counter() - started
    output = plot_history(history, Path(output), title=f"784 → 128 → 10 on {len(train.dataset):,} MNIST digits "
                                                        f"({found.source}), {device}")
    console.print(f"Held-out accuracy {history['val_acc'][-1]:.2%} after {epochs} epoch{'s' * (epochs > 1)} "
                  f"({seconds:.1f} s on {device}). Curves: {output}")
    return DemoResult(history, str(device), found.source, seconds, output)


def plot_history(history: dict[str, list[float]], output: Path, title: str = "") -> Path:
    """Loss (training and held-out) and held-out accuracy per epoch, side by side, saved as a PNG."""
    from matplotlib.figure import Figure  # the Agg canvas, without pyplot's global state

    epochs = range(1, len(history["train_loss"]) + 1)
    figure = Figure(figsize=(10, 4), layout="constrained")
    loss, accuracy = figure.subplots(1, 2)
    loss.plot(epochs, history["train_loss"], marker="o", label="training")
    loss.plot(epochs, history["val_loss"], marker="o", label="held-out")
    loss.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    loss.legend()
    accuracy.plot(epochs, [100 * a for a in history["val_acc"]], marker="o", color="tab:green")
    accuracy.set(xlabel="epoch", ylabel="accuracy (%)", title="Held-out accuracy")
    for axes in (loss, accuracy):
        axes.grid(alpha=0.3)
        axes.xaxis.get_major_locator().set_params(integer=True)
    if title:
        figure.suptitle(title)
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, format="png", dpi=120)
    return output

"""Mini-batch loaders for assignment 11 (lecture 5, "How many examples per weight update?").

Both loaders follow the course contract: each iteration yields
``(images, labels)`` with images float32 (B, 784) scaled to [0, 1] and labels
int64 (B,); one pass over the loader is one epoch, every example exactly once.

- ``GPUResidentLoader`` keeps the whole data set on the device and shuffles
  there, so an epoch costs no host-to-device copies. MNIST is 188 MB as float32.
- ``make_dataloader`` builds the standard ``torch.utils.data.DataLoader`` the
  lecture's training loop uses.

Images may be given as integer pixels 0..255 (scaled by 1/255 once) or as
floats already in [0, 1]; (N, 28, 28) is flattened to (N, 784).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

ArrayLike = np.ndarray | torch.Tensor


def as_tensors(
    images: ArrayLike, labels: ArrayLike, device: torch.device | str = "cpu"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Check and convert a data set to images float32 (N, D) in [0, 1] and labels int64 (N,).

    Both end up on ``device``. Integer images are pixel intensities 0..255 and
    are divided by 255 there; floating images must already lie in [0, 1].
    """
    x = torch.as_tensor(images).to(device)
    y = torch.as_tensor(labels).to(device)
    if x.ndim < 2:
        raise ValueError(f"images must have shape (N, 784) or (N, 28, 28), not {tuple(x.shape)}.")
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(
            f"labels must have shape ({len(x)},), one per image, not {tuple(y.shape)}."
        )
    if len(x) == 0:
        raise ValueError("The data set is empty; a loader needs at least one example.")
    if y.dtype.is_floating_point or y.dtype.is_complex or y.dtype == torch.bool:
        raise TypeError(f"labels must be integer class indices, not {y.dtype}.")
    x = x.reshape(len(x), -1)
    if x.dtype.is_floating_point:
        x = x.float()
        low, high = float(x.min()), float(x.max())
        if not (0.0 <= low and high <= 1.0):  # also catches NaN
            raise ValueError(
                f"Float images must already be scaled to [0, 1], but they range over "
                f"[{low!r}, {high!r}]; pass uint8 pixels 0..255 or divide by 255 first."
            )
    elif x.dtype == torch.bool or x.dtype.is_complex:
        raise TypeError(f"images must be integer pixels 0..255 or floats in [0, 1], not {x.dtype}.")
    else:
        low, high = int(x.min()), int(x.max())
        if low < 0 or high > 255:
            raise ValueError(
                f"Integer pixels must lie in 0..255, but they range over {low}..{high}."
            )
        x = x.float().div_(255)
    return x, y.long()


def _check_batch_size(batch_size: int) -> None:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, not {batch_size!r}.")


class GPUResidentLoader:
    """Mini-batches drawn from a data set held whole on one device.

    ``images``: (N, 784) or (N, 28, 28), uint8 pixels 0..255 or floats in [0, 1];
    ``labels``: (N,) integer classes. Both are converted once, on ``device``
    (default: CUDA when available, else CPU), to float32 (N, 784) in [0, 1]
    and int64 (N,).

    Each iteration is one epoch: with ``shuffle`` a fresh ``torch.randperm``
    on the device orders the examples, then ``(images (B, 784), labels (B,))``
    batches of ``batch_size`` follow; the last is smaller unless ``drop_last``.
    The order is drawn from ``generator``, or from a new one seeded with
    ``seed``, or else from torch's global generator for the device: the same
    seed on the same kind of device gives the same epochs.
    """

    def __init__(
        self,
        images: ArrayLike,
        labels: ArrayLike,
        batch_size: int,
        shuffle: bool = True,
        device: torch.device | str | None = None,
        seed: int | None = None,
        generator: torch.Generator | None = None,
        drop_last: bool = False,
    ) -> None:
        _check_batch_size(batch_size)
        if seed is not None and generator is not None:
            raise ValueError("Pass seed or generator, not both.")
        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = torch.device(device)
        self.images, self.labels = as_tensors(images, labels, self.device)
        self.dataset = TensorDataset(self.images, self.labels)  # len(loader.dataset) == N
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        if seed is not None:
            generator = torch.Generator(device=self.device).manual_seed(seed)
        self.generator = generator

    def __len__(self) -> int:
        """Batches per epoch."""
        n = len(self.labels)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.labels)
        order = (
            torch.randperm(n, device=self.device, generator=self.generator)
            if self.shuffle
            else None
        )
        for k in range(len(self)):
            batch = slice(k * self.batch_size, (k + 1) * self.batch_size)  # the last may be short
            if order is None:
                yield self.images[batch], self.labels[batch]
            else:
                index = order[batch]
                yield self.images[index], self.labels[index]


def make_dataloader(
    images: ArrayLike,
    labels: ArrayLike,
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = None,
    drop_last: bool = False,
) -> DataLoader:
    """A standard ``DataLoader`` over a ``TensorDataset`` kept on the CPU.

    Yields ``(images float32 (B, 784) in [0, 1], labels int64 (B,))``; move
    each batch to the model's device in the training loop. With ``shuffle``
    every epoch is reshuffled, reproducibly when ``seed`` is given.
    """
    _check_batch_size(batch_size)
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    return DataLoader(
        TensorDataset(*as_tensors(images, labels)),
        batch_size=batch_size,
        shuffle=shuffle,
        generator=generator,
        drop_last=drop_last,
    )

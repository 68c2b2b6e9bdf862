"""Trusted objects the mnist_training tests have the student's process build (`[sandbox] recipes`): loaders of
real MNIST training digits, the shipped sample's or, where $MNIST_DIR holds full MNIST (mounted read-only
into the sandbox by `[sandbox] mounts`), all 60,000. The held-out digits stay with the grader. The grader runs
this file in the student's process (`recipes.load_course`) and in its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def warm_up() -> None:
    """Decompress the shipped sample once, in a warm template, for every child that trains on it."""
    _mnist_part("train", 1, None)


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

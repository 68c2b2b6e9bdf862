"""Epoch time of the lecture's 784 → 128 → 10 MLP on 60,000 MNIST-sized images, three ways.

    python benchmarks/mnist_gpu.py            # 3 timed epochs per way, then time to 97.5% (full MNIST only)
    python benchmarks/mnist_gpu.py --quick    # 1 timed epoch per way, no time to accuracy

All three train the same network with plain SGD (lr 0.1) on batches of 64:

  lecture   the reference `train_one_epoch` (the lecture's loop: a batch's .to(device), forward, loss,
            zero_grad, backward, step, loss.item()) fed by a standard DataLoader over CPU tensors;
  resident  the same `train_one_epoch` fed by `GPUResidentLoader`: the data set lives on the device and
            is shuffled there, so no batch is copied from the host;
  fused     resident data, and a loop that never waits for the device: the loss is summed on the device
            and read once per epoch, and the update is one fused SGD kernel on CUDA (foreach on CPU).

Real MNIST is used when its files are found (--data-dir or $MNIST_DIR), else random images and labels
of the same shape (timings only). With full MNIST, it also reports the time the resident way takes to
reach 97.5% accuracy on the 10,000 test digits. Runs on the CPU too (--device cpu, or no GPU).
Needs the instructor repository (solutions/) for the reference loop.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
BATCH, LR, TARGET = 64, 0.1, 0.975


def reference():
    sys.path.insert(0, str(ROOT))
    from autograder.course import Course

    return Course.load(ROOT).get("mnist_training").reference()


def load_data(data_dir: str | None, images: int, seed: int):
    """(train images, train labels, test set or None, description); real MNIST when present."""
    from autograder.datasets import mnist

    folder = mnist.mnist_dir(data_dir)
    if not mnist.missing_files(folder, [stem for pair in mnist.MNIST_FILES.values() for stem in pair]):
        train_x, train_y = mnist.load_mnist("train", folder, flatten=True)
        test_x, test_y = mnist.load_mnist("test", folder, flatten=True)
        test = (mnist.scale_images(test_x), test_y.astype(np.int64))
        return (mnist.scale_images(train_x)[:images], train_y[:images].astype(np.int64), test,
                f"full MNIST from {folder}")
    rng = np.random.default_rng(seed)
    return (rng.random((images, 784), dtype=np.float32), rng.integers(0, 10, images), None,
            f"synthetic data of MNIST's shape (no MNIST files in {folder}; set MNIST_DIR for real digits)")


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def fused_epoch(model, loader, optimizer, loss_fn, device) -> float:
    """The lecture's loop without a host-device round trip per batch: one .item() per epoch."""
    model.train()
    total = torch.zeros((), device=device)
    for images, labels in loader:
        loss = loss_fn(model(images), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.detach() * len(labels)
    return total.item() / len(loader.dataset)


def make_sgd(model, device: torch.device, fused: bool):
    if fused and device.type == "cuda":
        return torch.optim.SGD(model.parameters(), lr=LR, fused=True)
    return torch.optim.SGD(model.parameters(), lr=LR, foreach=fused or None)


def time_epochs(ref, way: str, data, device: torch.device, epochs: int, seed: int) -> list[float]:
    """Seconds per epoch of `way`, after one untimed warm-up epoch on at most 20 batches."""
    from autograder.sandbox.runtime.loaders import GPUResidentLoader, make_dataloader

    images, labels = data
    torch.manual_seed(seed)
    model = ref.build_mlp((784, 128, 10)).to(device)
    if way == "lecture":
        loader = make_dataloader(images, labels, BATCH, shuffle=True, seed=seed)
    else:
        loader = GPUResidentLoader(images, labels, BATCH, shuffle=True, device=device, seed=seed)
    optimizer = make_sgd(model, device, fused=way == "fused")
    loss_fn = torch.nn.CrossEntropyLoss()
    epoch = fused_epoch if way == "fused" else ref.train_one_epoch
    warm_up = GPUResidentLoader(images[: 20 * BATCH], labels[: 20 * BATCH], BATCH, device=device)
    epoch(model, warm_up if way != "lecture" else make_dataloader(images[: 20 * BATCH], labels[: 20 * BATCH],
                                                                   BATCH), optimizer, loss_fn, device)
    times = []
    for _ in range(epochs):
        synchronize(device)
        started = time.perf_counter()
        epoch(model, loader, optimizer, loss_fn, device)
        synchronize(device)
        times.append(time.perf_counter() - started)
    return times


def time_to_accuracy(ref, data, test, device: torch.device, seed: int, max_epochs: int = 30):
    """(seconds of training, epochs, accuracy) until the test accuracy reaches TARGET (or max_epochs)."""
    from autograder.sandbox.runtime.loaders import GPUResidentLoader

    torch.manual_seed(seed)
    model = ref.build_mlp((784, 128, 10)).to(device)
    loader = GPUResidentLoader(*data, BATCH, shuffle=True, device=device, seed=seed)
    test_loader = GPUResidentLoader(*test, 10_000, device=device)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    seconds, accuracy = 0.0, 0.0
    for epoch in range(1, max_epochs + 1):
        synchronize(device)
        started = time.perf_counter()
        ref.train_one_epoch(model, loader, optimizer, loss_fn, device)
        synchronize(device)
        seconds += time.perf_counter() - started
        accuracy = ref.evaluate(model, test_loader, loss_fn, device)[1]
        if accuracy >= TARGET:
            return seconds, epoch, accuracy
    return seconds, max_epochs, accuracy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one timed epoch per way, no time to accuracy")
    parser.add_argument("--device", default="auto", help="auto (CUDA when available), cpu or cuda")
    parser.add_argument("--data-dir", help="folder with the four MNIST files (default: $MNIST_DIR)")
    parser.add_argument("--images", type=int, default=60_000, help="training images (default 60,000)")
    parser.add_argument("--epochs", type=int, help="timed epochs per way (default 3, or 1 with --quick)")
    parser.add_argument("--threads", type=int, help="PyTorch CPU threads (default: PyTorch's choice)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device)
    epochs = args.epochs or (1 if args.quick else 3)
    ref = reference()
    images, labels, test, description = load_data(args.data_dir, args.images, args.seed)
    threads = torch.get_num_threads()
    cpu = f"CPU, {threads} thread{'s' * (threads > 1)}"
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else cpu
    print(f"784 → 128 → 10 MLP, SGD lr {LR}, batches of {BATCH}, {len(labels):,} images: {description}")
    print(f"device: {device} ({name}); torch {torch.__version__}; {epochs} timed epoch(s) per way")
    print()
    print(f"{'way':<10}{'s / epoch':>12}{'images / s':>14}{'vs lecture':>12}")
    lecture = None
    for way in ("lecture", "resident", "fused"):
        seconds = statistics.median(time_epochs(ref, way, (images, labels), device, epochs, args.seed))
        lecture = lecture or seconds
        print(f"{way:<10}{seconds:>12.3f}{len(labels) / seconds:>14,.0f}{lecture / seconds:>11.2f}x")
    if test is not None and not args.quick:
        seconds, epochs_run, accuracy = time_to_accuracy(ref, (images, labels), test, device, args.seed)
        verdict = "reached" if accuracy >= TARGET else "did not reach"
        print()
        print(f"time to {TARGET:.1%} test accuracy (resident way): {verdict} it after {epochs_run} epochs, "
              f"{seconds:.1f} s of training (accuracy {accuracy:.2%})")
    elif test is None:
        print()
        print("time to 97.5% test accuracy: needs full MNIST (set MNIST_DIR)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

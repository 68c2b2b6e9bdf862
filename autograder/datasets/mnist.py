"""MNIST handwritten digits for the grader: the full data set and its verified downloads.

Lecture 5 trains a 784 -> 128 -> 10 network on MNIST. The IDX format and the
shipped 5,000-digit sample live in the sandbox's runtime
(`autograder.sandbox.runtime.mnist_sample`), because recipes in the student's
process read them too; this module re-exports them and adds:

- ``load_mnist``: the full data set (60,000 training and 10,000 test digits)
  from the four standard files in a folder named by argument or by the
  environment variable ``MNIST_DIR``, optionally downloaded and checked
  against published SHA-256 digests.
- ``available_data``: the full set when its files are present, else the sample,
  and which of the two it used.

Raw arrays (``load_mnist``) are pixels as uint8 0..255 and labels as uint8
digits 0..9. Model-ready arrays (``MNISTData``) are float32 (N, 784) scaled to
[0, 1] and int64 labels (N,), the contract of the course's loaders.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np

from ..sandbox.runtime.mnist_sample import (  # noqa: F401 - re-exported: the grader's one MNIST module
    GZIP_MAGIC,
    IDX_DTYPES,
    IMAGE_SHAPE,
    MNIST_FILES,
    N_CLASSES,
    N_PIXELS,
    SAMPLE_DIR,
    SAMPLE_HELD_OUT_SIZE,
    SAMPLE_TRAIN_SIZE,
    TRAIN_FILES,
    IDXFormatError,
    MNISTData,
    MNISTFormatError,
    find_file,
    idx_bytes,
    load_training_sample,
    model_ready,
    parse_idx,
    read_idx,
    read_images_and_labels,
    read_sample_part,
    scale_images,
    write_idx,
)


class ChecksumError(ValueError):
    """A downloaded file's SHA-256 digest differs from the published one."""


class DownloadError(OSError):
    """No mirror could deliver a file."""


# --------------------------------------------------------------------- full MNIST

MNIST_DIR_ENV = "MNIST_DIR"

#: Published SHA-256 digests of the gzipped files (as distributed by LeCun et al.
#: and mirrored unchanged; also used by TensorFlow Datasets). Sizes in bytes:
#: 9,912,422; 28,881; 1,648,877; 4,542.
MNIST_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

#: Tried in order; each URL is the mirror followed by the file name.
MNIST_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


def default_cache_dir() -> Path:
    """Where downloads go: ``$XDG_CACHE_HOME/nn-course/mnist`` or ``~/.cache/nn-course/mnist``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nn-course" / "mnist"


def mnist_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder searched for MNIST: ``data_dir``, else ``$MNIST_DIR``, else the cache folder."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    if os.environ.get(MNIST_DIR_ENV):
        return Path(os.environ[MNIST_DIR_ENV]).expanduser()
    return default_cache_dir()


def missing_files(directory: Path, stems: Iterable[str]) -> list[str]:
    """The ``stems`` for which ``find_file`` finds neither a gzipped nor a plain file."""
    return [stem for stem in stems if find_file(directory, stem) is None]


def download_url(url: str, destination: Path, timeout: float = 60.0) -> None:
    """Save the body of ``url`` to ``destination``: the only code here that uses the network."""
    with urllib.request.urlopen(url, timeout=timeout) as response, destination.open("wb") as out:
        shutil.copyfileobj(response, out)


def sha256_of(path: Path) -> str:
    """The hex SHA-256 digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_file(name: str, directory: Path) -> Path:
    """Download ``name`` (e.g. ``"train-images-idx3-ubyte.gz"``) into ``directory``.

    Mirrors are tried in order. Each download goes to ``name.part`` and is
    renamed only once its SHA-256 matches ``MNIST_SHA256[name]``; a mismatching
    file is deleted. Raises ``ChecksumError`` if any mirror served wrong bytes
    and none served the right ones, else ``DownloadError`` if none answered.
    """
    directory.mkdir(parents=True, exist_ok=True)
    target, partial = directory / name, directory / f"{name}.part"
    expected = MNIST_SHA256[name]
    failures: list[str] = []
    mismatch = False
    for mirror in MNIST_MIRRORS:
        url = mirror + name
        try:
            download_url(url, partial)
        except OSError as error:
            partial.unlink(missing_ok=True)
            failures.append(f"{url}: {error}")
            continue
        actual = sha256_of(partial)
        if actual != expected:
            partial.unlink()
            mismatch = True
            failures.append(f"{url}: SHA-256 {actual}, expected {expected}; deleted it")
            continue
        partial.replace(target)
        return target
    report = "\n  ".join(failures)
    if mismatch:
        raise ChecksumError(
            f"Downloaded {name!r} does not match its published SHA-256 digest, so it was "
            f"deleted; a mirror or proxy served other bytes:\n  {report}"
        )
    raise DownloadError(
        f"Could not download {name!r} from any mirror:\n  {report}\n"
        f"Download the four MNIST files by hand into {str(directory)!r} or set {MNIST_DIR_ENV}."
    )


def load_mnist(
    split: str = "train",
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = False,
    *,
    flatten: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """The full MNIST ``split`` ("train": 60,000 digits, "test": 10,000) as raw arrays.

    Looks in ``mnist_dir(data_dir)`` (``data_dir``, else ``$MNIST_DIR``, else
    the cache folder) for the standard files, each gzipped or plain, e.g.
    ``train-images-idx3-ubyte.gz``. Missing files are downloaded there, and
    checked by SHA-256, only when ``download`` is true.

    Returns images uint8 (N, 28, 28), or (N, 784) with ``flatten``, pixel
    intensities 0..255, and labels uint8 (N,), digits 0..9.
    """
    if split not in MNIST_FILES:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}.")
    directory, stems = mnist_dir(data_dir), MNIST_FILES[split]
    missing = missing_files(directory, stems)
    if missing and not download:
        raise FileNotFoundError(
            f"MNIST {split!r} files not found in {str(directory)!r}: missing "
            f"{', '.join(missing)} (plain or .gz). Put them there, pass data_dir or set "
            f"{MNIST_DIR_ENV} to the folder that holds them, or pass download=True."
        )
    images_path, labels_path = (
        find_file(directory, stem) or fetch_file(f"{stem}.gz", directory) for stem in stems
    )
    images, labels = read_images_and_labels(images_path, labels_path)
    return (images.reshape(len(images), N_PIXELS) if flatten else images), labels


#: The sample's held-out part: with the grader only, never in the student's process.
HELD_OUT_DIR = Path(__file__).with_name("data")
HELD_OUT_FILES = ("mnist-sample-held-out-images-idx3-ubyte.gz", "mnist-sample-held-out-labels-idx1-ubyte.gz")


def load_sample() -> MNISTData:
    """The 5,000 MNIST digits shipped with the autograder, split 4,000 / 1,000.

    Returns ``MNISTData``: train images float32 (4000, 784) and labels int64
    (4000,), held-out images float32 (1000, 784) and labels int64 (1000,);
    pixels in [0, 1], every digit 400 times in training and 100 times held out.
    """
    held_out = read_sample_part(HELD_OUT_DIR, HELD_OUT_FILES, SAMPLE_HELD_OUT_SIZE)
    return MNISTData(*load_training_sample(), *held_out)


class AvailableData(NamedTuple):
    """What ``available_data`` found: the data, ``"full"`` or ``"sample"``, and why."""

    data: MNISTData
    source: Literal["full", "sample"]
    note: str


def available_data(
    data_dir: str | os.PathLike[str] | None = None, download: bool = False
) -> AvailableData:
    """Full MNIST if its four files are in ``mnist_dir(data_dir)``, else the shipped sample.

    With ``download``, missing files are fetched and full MNIST is used.
    Returns ``AvailableData(data, source, note)``: ``data`` is model-ready
    ``MNISTData`` (60,000 / 10,000 digits for ``"full"``, 4,000 / 1,000 for
    ``"sample"``) and ``note`` a sentence saying what was used and why.
    """
    directory = mnist_dir(data_dir)
    missing = missing_files(directory, [stem for pair in MNIST_FILES.values() for stem in pair])
    if missing and not download:
        note = (
            f"Using the shipped MNIST sample ({SAMPLE_TRAIN_SIZE:,} training / "
            f"{SAMPLE_HELD_OUT_SIZE:,} held-out digits): full MNIST is not in {str(directory)!r} "
            f"(missing {', '.join(missing)}); set {MNIST_DIR_ENV} to use it."
        )
        return AvailableData(load_sample(), "sample", note)
    train = model_ready(*load_mnist("train", directory, download))
    test = model_ready(*load_mnist("test", directory, download))
    note = (
        f"Using full MNIST from {str(directory)!r} ({len(train[1]):,} training / "
        f"{len(test[1]):,} test digits)."
    )
    return AvailableData(MNISTData(*train, *test), "full", note)

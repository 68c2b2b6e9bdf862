"""MNIST handwritten digits: the IDX file format, the full data set and the shipped sample.

Lecture 5 trains a 784 -> 128 -> 10 network on MNIST. This module reads the
data for it and never needs the network unless asked to:

- ``read_idx`` / ``write_idx``: the IDX format the digits are published in,
  plain or gzipped.
- ``load_mnist``: the full data set (60,000 training and 10,000 test digits)
  from the four standard files in a folder named by argument or by the
  environment variable ``MNIST_DIR``, optionally downloaded and checked
  against published SHA-256 digests.
- ``load_sample``: 5,000 real MNIST digits shipped inside the package
  (4,000 training / 1,000 held out), so that assignment 11 runs offline.
- ``available_data``: the full set when its files are present, else the sample,
  and which of the two it used.

Raw arrays (``load_mnist``) are pixels as uint8 0..255 and labels as uint8
digits 0..9. Model-ready arrays (``MNISTData``) are float32 (N, 784) scaled to
[0, 1] and int64 labels (N,), the contract of the course's loaders.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import shutil
import struct
import urllib.request
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np

# --------------------------------------------------------------------- IDX format

#: IDX type code -> element type (big-endian on disk).
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),  # unsigned byte
    0x09: np.dtype(">i1"),  # signed byte
    0x0B: np.dtype(">i2"),  # short
    0x0C: np.dtype(">i4"),  # int
    0x0D: np.dtype(">f4"),  # float
    0x0E: np.dtype(">f8"),  # double
}
GZIP_MAGIC = b"\x1f\x8b"


class IDXFormatError(ValueError):
    """A file is not a well-formed IDX file (or not a readable gzip of one)."""


class MNISTFormatError(ValueError):
    """Well-formed IDX files that do not hold MNIST images and labels."""


class ChecksumError(ValueError):
    """A downloaded file's SHA-256 digest differs from the published one."""


class DownloadError(OSError):
    """No mirror could deliver a file."""


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file, plain or gzipped, into an array.

    The layout is a 4-byte magic number (two zero bytes, a type code such as
    0x08 for unsigned bytes, the number of dimensions), one big-endian uint32
    per dimension, then the values in C order, big-endian. Gzip is recognised
    by its content, not by the file name.

    Returns a writable array of the stored shape with the stored element type
    in native byte order (uint8 for MNIST). Raises ``IDXFormatError``, naming
    the file, when it is corrupt, truncated or has bytes left over.
    """
    name = os.fspath(path)
    data = Path(path).read_bytes()
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise IDXFormatError(
                f"{name!r} starts like a gzip file but cannot be decompressed ({error}); "
                "it is corrupt or was cut short: fetch it again."
            ) from error
    return parse_idx(data, name=name)


def parse_idx(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Decode the bytes of an (uncompressed) IDX file; ``name`` is used in errors."""
    if len(data) < 4:
        raise IDXFormatError(
            f"{name!r} has a truncated header: an IDX header needs at least 4 bytes, "
            f"but there are only {len(data)}."
        )
    if data[0] != 0 or data[1] != 0:
        raise IDXFormatError(
            f"{name!r} is not an IDX file: its magic number 0x{data[:4].hex()} should start "
            "with two zero bytes (MNIST images are 0x00000803, labels 0x00000801)."
        )
    code, ndim = data[2], data[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02x}" for c in IDX_DTYPES)
        raise IDXFormatError(
            f"{name!r} has unknown IDX data type code 0x{code:02x}; expected one of {known}."
        )
    if ndim == 0:
        raise IDXFormatError(f"{name!r} declares 0 dimensions; an IDX array needs at least 1.")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IDXFormatError(
            f"{name!r} has a truncated header: {ndim} dimensions need a {header_size}-byte "
            f"header, but there are only {len(data)} bytes."
        )
    dims = struct.unpack(f">{ndim}I", data[4:header_size])
    dtype = IDX_DTYPES[code]
    count = math.prod(dims)
    expected, actual = count * dtype.itemsize, len(data) - header_size
    if actual < expected:
        raise IDXFormatError(
            f"{name!r} has truncated data: its header promises shape {dims} "
            f"({expected} bytes of data), but only {actual} bytes follow; the file was cut short."
        )
    if actual > expected:
        raise IDXFormatError(
            f"{name!r} has {actual - expected} bytes of trailing garbage after the "
            f"{expected} bytes of data its header (shape {dims}) describes."
        )
    values = np.frombuffer(data, dtype=dtype, count=count, offset=header_size)
    return values.reshape(dims).astype(dtype.newbyteorder("="))


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode an array as the bytes of an IDX file (the inverse of ``parse_idx``)."""
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    codes = [code for code, dt in IDX_DTYPES.items() if dt.newbyteorder("=") == native]
    if not codes:
        raise ValueError(
            f"IDX cannot store dtype {str(array.dtype)!r}; use uint8, int8, int16, int32, "
            "float32 or float64."
        )
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"IDX stores 1 to 255 dimensions, not {array.ndim}.")
    header = struct.pack(f">BBBB{array.ndim}I", 0, 0, codes[0], array.ndim, *array.shape)
    return header + np.ascontiguousarray(array, dtype=IDX_DTYPES[codes[0]]).tobytes()


def write_idx(path: str | os.PathLike[str], array: np.ndarray) -> None:
    """Write ``array`` as an IDX file, gzipped when ``path`` ends in ``.gz``.

    Gzip output has a zero timestamp, so the same array gives the same bytes.
    """
    data = idx_bytes(array)
    if os.fspath(path).endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    Path(path).write_bytes(data)


# --------------------------------------------------------------------- full MNIST

IMAGE_SHAPE = (28, 28)
N_PIXELS = 784
N_CLASSES = 10
MNIST_DIR_ENV = "MNIST_DIR"

#: split -> (images file, labels file), without the optional ".gz".
MNIST_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

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


def find_file(directory: Path, stem: str) -> Path | None:
    """``directory/stem.gz`` or ``directory/stem``, whichever exists first; else None."""
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.is_file():
            return candidate
    return None


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


def read_images_and_labels(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read and check an images/labels pair: uint8 (N, 28, 28) and uint8 (N,) digits 0..9."""
    images, labels = read_idx(images_path), read_idx(labels_path)
    img_name, lab_name = os.fspath(images_path), os.fspath(labels_path)
    if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise MNISTFormatError(
            f"{img_name!r} holds an array of shape {images.shape}; MNIST images are "
            "(N, 28, 28). Is it an images file?"
        )
    if labels.ndim != 1:
        raise MNISTFormatError(
            f"{lab_name!r} holds an array of shape {labels.shape}; MNIST labels are (N,). "
            "Is it a labels file?"
        )
    for array, name in ((images, img_name), (labels, lab_name)):
        if array.dtype != np.uint8:
            raise MNISTFormatError(f"{name!r} holds {array.dtype} values; MNIST stores uint8.")
    if len(images) != len(labels):
        raise MNISTFormatError(
            f"{img_name!r} holds {len(images)} images but {lab_name!r} holds {len(labels)} "
            "labels; they should match. Are both files from the same split?"
        )
    if labels.size and labels.max() >= N_CLASSES:
        raise MNISTFormatError(
            f"{lab_name!r} holds label {int(labels.max())!r}; MNIST labels are digits 0 to 9."
        )
    return images, labels


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


# --------------------------------------------------------------------- model-ready data

SAMPLE_DIR = Path(__file__).with_name("data")
SAMPLE_FILES = ("mnist-sample-images-idx3-ubyte.gz", "mnist-sample-labels-idx1-ubyte.gz")
#: The sample's first 4,000 digits are for training, the last 1,000 held out
#: (400 and 100 of each digit; see data/README.md).
SAMPLE_TRAIN_SIZE = 4000
SAMPLE_HELD_OUT_SIZE = 1000


class MNISTData(NamedTuple):
    """Model-ready digits: images float32 (N, 784) in [0, 1], labels int64 (N,)."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


class AvailableData(NamedTuple):
    """What ``available_data`` found: the data, ``"full"`` or ``"sample"``, and why."""

    data: MNISTData
    source: Literal["full", "sample"]
    note: str


def scale_images(images: np.ndarray) -> np.ndarray:
    """uint8 pixels (N, 28, 28) or (N, 784), 0..255 -> float32 (N, 784) in [0, 1]."""
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(255)


def _model_ready(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return scale_images(images), labels.astype(np.int64)


def load_sample() -> MNISTData:
    """The 5,000 MNIST digits shipped with the autograder, split 4,000 / 1,000.

    Returns ``MNISTData``: train images float32 (4000, 784) and labels int64
    (4000,), held-out images float32 (1000, 784) and labels int64 (1000,);
    pixels in [0, 1], every digit 400 times in training and 100 times held out.
    """
    images, labels = read_images_and_labels(*(SAMPLE_DIR / name for name in SAMPLE_FILES))
    expected = SAMPLE_TRAIN_SIZE + SAMPLE_HELD_OUT_SIZE
    if len(images) != expected:
        raise MNISTFormatError(
            f"The shipped sample holds {len(images)} digits, not {expected}; "
            "regenerate it with scripts/make_mnist_sample.py."
        )
    cut = SAMPLE_TRAIN_SIZE
    return MNISTData(
        *_model_ready(images[:cut], labels[:cut]), *_model_ready(images[cut:], labels[cut:])
    )


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
    train = _model_ready(*load_mnist("train", directory, download))
    test = _model_ready(*load_mnist("test", directory, download))
    note = (
        f"Using full MNIST from {str(directory)!r} ({len(train[1]):,} training / "
        f"{len(test[1]):,} test digits)."
    )
    return AvailableData(MNISTData(*train, *test), "full", note)

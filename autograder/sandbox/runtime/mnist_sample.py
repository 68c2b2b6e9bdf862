"""The IDX file format and the MNIST sample shipped with the course: what recipes read in the student's process.

Part of the sandbox's runtime, so it imports nothing else of `autograder` (the grader's
`autograder.datasets.mnist` adds full MNIST and its downloads on top of it).

- ``read_idx`` / ``parse_idx`` / ``write_idx``: the IDX format the digits are published in,
  plain or gzipped.
- ``read_images_and_labels``: an images/labels pair of IDX files, checked to be MNIST.
- ``load_sample``: 5,000 real MNIST digits shipped in ``data/`` (4,000 training / 1,000 held
  out), so that assignment 11 runs offline.

Raw arrays are pixels as uint8 0..255 and labels as uint8 digits 0..9. Model-ready arrays
(``MNISTData``) are float32 (N, 784) scaled to [0, 1] and int64 labels (N,), the contract of
the course's loaders.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path
from typing import NamedTuple

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




# --------------------------------------------------------------------- MNIST arrays

IMAGE_SHAPE = (28, 28)
N_PIXELS = 784
N_CLASSES = 10

#: split -> (images file, labels file) of full MNIST, without the optional ".gz".
MNIST_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def find_file(directory: Path, stem: str) -> Path | None:
    """``directory/stem.gz`` or ``directory/stem``, whichever exists first; else None."""
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.is_file():
            return candidate
    return None


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


# --------------------------------------------------------------------- model-ready data

SAMPLE_DIR = Path(__file__).with_name("data")
#: The shipped sample's training part; its held-out part stays with the grader (autograder/datasets/data).
TRAIN_FILES = ("mnist-sample-train-images-idx3-ubyte.gz", "mnist-sample-train-labels-idx1-ubyte.gz")
SAMPLE_TRAIN_SIZE = 4000
SAMPLE_HELD_OUT_SIZE = 1000


class MNISTData(NamedTuple):
    """Model-ready digits: images float32 (N, 784) in [0, 1], labels int64 (N,)."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


def scale_images(images: np.ndarray) -> np.ndarray:
    """uint8 pixels (N, 28, 28) or (N, 784), 0..255 -> float32 (N, 784) in [0, 1]."""
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(255)


def model_ready(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return scale_images(images), labels.astype(np.int64)


def read_sample_part(folder: Path, names: tuple[str, str], size: int) -> tuple[np.ndarray, np.ndarray]:
    """One part of the shipped sample, model-ready; `MNISTFormatError` unless it holds `size` digits."""
    images, labels = read_images_and_labels(*(folder / name for name in names))
    if len(images) != size:
        raise MNISTFormatError(
            f"The shipped sample's {names[0]} holds {len(images)} digits, not {size}; "
            "regenerate it with scripts/make_mnist_sample.py."
        )
    return model_ready(images, labels)


def load_training_sample() -> tuple[np.ndarray, np.ndarray]:
    """The shipped sample's 4,000 training digits: images float32 (4000, 784) in [0, 1], labels int64
    (4000,), every digit 400 times."""
    return read_sample_part(SAMPLE_DIR, TRAIN_FILES, SAMPLE_TRAIN_SIZE)

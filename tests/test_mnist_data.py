"""The MNIST data layer: IDX files, the full set, the shipped sample and the loaders.

No test uses the network: downloads go through ``mnist.download_url``, which
the tests replace, and ``urllib.request.urlopen`` is blocked outright.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder.datasets import mnist
from autograder.datasets.mnist import (
    ChecksumError,
    IDXFormatError,
    MNISTFormatError,
    available_data,
    load_mnist,
    load_sample,
    read_idx,
    write_idx,
)
from autograder.sandbox.runtime.loaders import GPUResidentLoader, make_dataloader

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


pytestmark = pytest.mark.usefixtures("sample_mnist_only")


def idx(code: int, dims: tuple[int, ...], payload: bytes) -> bytes:
    """An IDX file built by hand: magic 00 00 code ndim, big-endian dims, payload."""
    return struct.pack(f">BBBB{len(dims)}I", 0, 0, code, len(dims), *dims) + payload


def tiny_mnist(n: int = 7, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n random 28x28 uint8 'digits' and their uint8 labels."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


def write_split(folder: Path, split: str, images, labels, gz: bool = True) -> None:
    """The two standard files of ``split`` in ``folder``, as load_mnist expects them."""
    images_stem, labels_stem = mnist.MNIST_FILES[split]
    suffix = ".gz" if gz else ""
    write_idx(folder / f"{images_stem}{suffix}", images)
    write_idx(folder / f"{labels_stem}{suffix}", labels)


# --------------------------------------------------------------------- read_idx


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_read_idx_reads_1d_labels_and_3d_images_written_by_hand(tmp_path, compress):
    labels = np.array([5, 0, 4, 1, 9], dtype=np.uint8)
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    files = {
        "labels": (idx(0x08, (5,), labels.tobytes()), labels),
        "images": (idx(0x08, (2, 3, 4), images.tobytes()), images),
    }
    for name, (data, expected) in files.items():
        path = tmp_path / name
        path.write_bytes(gzip.compress(data) if compress else data)
        got = read_idx(path)
        assert got.dtype == np.uint8 and got.shape == expected.shape
        np.testing.assert_array_equal(got, expected)


def test_read_idx_decodes_big_endian_multibyte_types(tmp_path):
    path = tmp_path / "shorts"
    path.write_bytes(idx(0x0B, (3,), struct.pack(">3h", -2, 1, 300)))
    np.testing.assert_array_equal(read_idx(path), [-2, 1, 300])


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_write_idx_then_read_idx_round_trips(tmp_path, dtype, name):
    array = np.arange(24).reshape(2, 3, 4).astype(dtype)
    write_idx(tmp_path / name, array)
    got = read_idx(tmp_path / name)
    assert got.dtype == array.dtype and got.flags.writeable
    np.testing.assert_array_equal(got, array)


def test_write_idx_gz_is_byte_reproducible(tmp_path):
    array = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "a.gz", array)
    write_idx(tmp_path / "b.gz", array)
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x00", "truncated header"),
        (b"\x00\x00\x08\x03" + struct.pack(">2I", 2, 28), "truncated header"),
        (idx(0x08, (2, 28, 28), bytes(2 * 28 * 28 - 1)), "truncated data"),
        (idx(0x08, (3,), bytes(5)), "trailing garbage"),
        (b"PK\x03\x04" + bytes(20), "not an IDX file"),
        (idx(0x42, (3,), bytes(3)), "unknown IDX data type code 0x42"),
    ],
    ids=["short-magic", "short-dims", "short-data", "trailing", "bad-magic", "bad-dtype"],
)
def test_read_idx_names_the_file_and_the_problem(tmp_path, data, message):
    path = tmp_path / "broken-idx1-ubyte"
    path.write_bytes(data)
    with pytest.raises(IDXFormatError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda gz: gz[: len(gz) // 2],
        lambda gz: gz[:-8] + b"\xff" * 8,
        lambda gz: gz[:10] + b"\x00" * 30,
    ],
    ids=["cut-short", "bad-crc", "bad-deflate"],
)
def test_read_idx_reports_a_corrupt_gzip(tmp_path, corrupt):
    path = tmp_path / "labels.gz"
    path.write_bytes(corrupt(gzip.compress(idx(0x08, (100,), bytes(range(100))))))
    with pytest.raises(IDXFormatError, match="cannot be decompressed") as info:
        read_idx(path)
    assert str(path) in str(info.value)


# --------------------------------------------------------------------- load_mnist


@pytest.mark.parametrize("gz", [True, False], ids=["gz", "plain"])
def test_load_mnist_finds_the_files_in_data_dir(tmp_path, gz):
    images, labels = tiny_mnist()
    write_split(tmp_path, "test", images, labels, gz=gz)
    got_images, got_labels = load_mnist("test", data_dir=tmp_path)
    assert got_images.dtype == np.uint8 and got_images.shape == (7, 28, 28)
    assert got_labels.dtype == np.uint8 and got_labels.shape == (7,)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


def test_load_mnist_finds_the_files_via_mnist_dir(tmp_path, monkeypatch):
    images, labels = tiny_mnist()
    write_split(tmp_path, "train", images, labels)
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    got_images, got_labels = load_mnist("train", flatten=True)
    assert got_images.shape == (7, 784)
    np.testing.assert_array_equal(got_images, images.reshape(7, 784))
    np.testing.assert_array_equal(got_labels, labels)


def test_data_dir_overrides_mnist_dir(tmp_path, monkeypatch):
    write_split(tmp_path, "train", *tiny_mnist(n=3))
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "elsewhere"))
    assert len(load_mnist("train", data_dir=tmp_path)[1]) == 3


def test_missing_files_say_where_they_were_sought_and_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist("train", data_dir=tmp_path)
    message = str(info.value)
    assert str(tmp_path) in message and "train-images-idx3-ubyte" in message
    assert "MNIST_DIR" in message and "download=True" in message


def test_without_data_dir_or_mnist_dir_the_cache_folder_is_searched(tmp_path):
    assert mnist.default_cache_dir() == tmp_path / "cache" / "nn-course" / "mnist"
    with pytest.raises(FileNotFoundError, match="nn-course"):
        load_mnist("test")


def test_an_unknown_split_is_refused(tmp_path):
    with pytest.raises(ValueError, match="'validation'"):
        load_mnist("validation", data_dir=tmp_path)


def test_image_and_label_counts_must_match(tmp_path):
    images, labels = tiny_mnist(n=7)
    write_split(tmp_path, "train", images, labels[:6])
    with pytest.raises(MNISTFormatError, match="7 images.*6 labels"):
        load_mnist("train", data_dir=tmp_path)


def test_images_and_labels_must_have_the_mnist_number_of_dimensions(tmp_path):
    images, labels = tiny_mnist()
    write_split(tmp_path, "train", labels, labels)  # labels where images belong
    with pytest.raises(MNISTFormatError, match=r"shape \(7,\); MNIST images are \(N, 28, 28\)"):
        load_mnist("train", data_dir=tmp_path)
    write_split(tmp_path, "train", images, images)  # images where labels belong
    with pytest.raises(MNISTFormatError, match=r"MNIST labels are \(N,\)"):
        load_mnist("train", data_dir=tmp_path)


def test_labels_must_be_digits(tmp_path):
    images, labels = tiny_mnist()
    labels[3] = 10
    write_split(tmp_path, "train", images, labels)
    with pytest.raises(MNISTFormatError, match="label 10"):
        load_mnist("train", data_dir=tmp_path)


# --------------------------------------------------------------------- downloads


def gz_split_files(images, labels, split="test") -> dict[str, bytes]:
    """File name -> bytes of a gzipped split, as a mirror would serve it."""
    images_stem, labels_stem = mnist.MNIST_FILES[split]
    return {
        f"{images_stem}.gz": gzip.compress(mnist.idx_bytes(images)),
        f"{labels_stem}.gz": gzip.compress(mnist.idx_bytes(labels)),
    }


@pytest.fixture
def fake_mirror(monkeypatch):
    """Replace the download function; the test fills ``served`` with name -> bytes."""
    served: dict[str, bytes] = {}
    requested: list[str] = []

    def fake_download(url: str, destination: Path, timeout: float = 60.0) -> None:
        requested.append(url)
        destination.write_bytes(served[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(mnist, "download_url", fake_download)
    return served, requested


def test_published_digests_are_sha256_hex():
    assert set(mnist.MNIST_SHA256) == {
        f"{stem}.gz" for stems in mnist.MNIST_FILES.values() for stem in stems
    }
    for digest in mnist.MNIST_SHA256.values():
        assert len(digest) == 64 and int(digest, 16) >= 0


def test_download_keeps_files_whose_sha256_matches(tmp_path, monkeypatch, fake_mirror):
    served, requested = fake_mirror
    images, labels = tiny_mnist()
    served.update(gz_split_files(images, labels))
    for name, data in served.items():
        monkeypatch.setitem(mnist.MNIST_SHA256, name, hashlib.sha256(data).hexdigest())

    got_images, got_labels = load_mnist("test", data_dir=tmp_path, download=True)

    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(served)  # no .part files left
    assert requested[0].startswith(mnist.MNIST_MIRRORS[0])
    load_mnist("test", data_dir=tmp_path, download=True)
    assert len(requested) == 2, "files already present are not downloaded again"


def test_a_sha256_mismatch_is_an_error_and_the_bad_file_is_deleted(
    tmp_path, monkeypatch, fake_mirror
):
    served, requested = fake_mirror
    served["t10k-labels-idx1-ubyte.gz"] = b"not the real file"
    monkeypatch.setitem(mnist.MNIST_SHA256, "t10k-labels-idx1-ubyte.gz", "0" * 64)

    with pytest.raises(ChecksumError) as info:
        mnist.fetch_file("t10k-labels-idx1-ubyte.gz", tmp_path)

    message = str(info.value)
    assert "t10k-labels-idx1-ubyte.gz" in message and "0" * 64 in message
    assert hashlib.sha256(b"not the real file").hexdigest() in message
    assert list(tmp_path.iterdir()) == []
    assert len(requested) == len(mnist.MNIST_MIRRORS), "every mirror is tried"


def test_a_bad_mirror_is_skipped_for_a_good_one(tmp_path, monkeypatch):
    good = b"right bytes"
    monkeypatch.setitem(
        mnist.MNIST_SHA256, "t10k-labels-idx1-ubyte.gz", hashlib.sha256(good).hexdigest()
    )

    def first_mirror_corrupt(url: str, destination: Path, timeout: float = 60.0) -> None:
        destination.write_bytes(b"wrong bytes" if url.startswith(mnist.MNIST_MIRRORS[0]) else good)

    monkeypatch.setattr(mnist, "download_url", first_mirror_corrupt)
    path = mnist.fetch_file("t10k-labels-idx1-ubyte.gz", tmp_path)
    assert path.read_bytes() == good


def test_unreachable_mirrors_give_a_download_error(tmp_path, monkeypatch):
    def offline(url: str, destination: Path, timeout: float = 60.0) -> None:
        raise OSError("network is unreachable")

    monkeypatch.setattr(mnist, "download_url", offline)
    with pytest.raises(mnist.DownloadError, match="network is unreachable"):
        mnist.fetch_file("train-labels-idx1-ubyte.gz", tmp_path)


# --------------------------------------------------------------------- the shipped sample


def test_the_sample_is_4000_training_and_1000_held_out_digits():
    train_images, train_labels, test_images, test_labels = load_sample()
    assert train_images.shape == (4000, 784) and test_images.shape == (1000, 784)
    assert train_labels.shape == (4000,) and test_labels.shape == (1000,)
    for images in (train_images, test_images):
        assert images.dtype == np.float32
        assert images.min() == 0.0 and images.max() == 1.0
        assert np.array_equal(images * 255, np.round(images * 255)), "pixels are k/255"
    for labels in (train_labels, test_labels):
        assert labels.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(train_labels, minlength=10), [400] * 10)
    np.testing.assert_array_equal(np.bincount(test_labels, minlength=10), [100] * 10)


def sample_files() -> list[tuple[Path, Path]]:
    """The (images, labels) IDX files of the sample's training part (in the runtime) and held-out part (grader)."""
    return [tuple(mnist.SAMPLE_DIR / n for n in mnist.TRAIN_FILES),
            tuple(mnist.HELD_OUT_DIR / n for n in mnist.HELD_OUT_FILES)]


def test_the_sample_files_are_mnist_idx_files_under_5_mb():
    parts = sample_files()
    assert sum(p.stat().st_size for pair in parts for p in pair) < 5_000_000
    read = [mnist.read_images_and_labels(*pair) for pair in parts]
    images = np.concatenate([i for i, _ in read])
    labels = np.concatenate([lab for _, lab in read])
    assert images.dtype == np.uint8 and images.shape == (5000, 28, 28)
    assert labels.dtype == np.uint8 and set(np.unique(labels)) == set(range(10))
    assert len(np.unique(images.reshape(5000, -1), axis=0)) == 5000, "no digit repeats"
    assert (mnist.SAMPLE_DIR / "README.md").is_file()


def test_the_held_out_digits_are_not_in_the_runtime_the_student_sees():
    runtime = {p.name for p in mnist.SAMPLE_DIR.iterdir()}
    assert not set(mnist.HELD_OUT_FILES) & runtime
    assert not mnist.HELD_OUT_DIR.is_relative_to(mnist.SAMPLE_DIR.parent)


def test_the_training_and_held_out_parts_do_not_share_digits():
    data = load_sample()
    train = {row.tobytes() for row in data.train_images}
    assert not any(row.tobytes() in train for row in data.test_images)


def test_available_data_falls_back_to_the_sample_and_says_so(tmp_path):
    data, source, note = available_data(data_dir=tmp_path)
    assert source == "sample" and "sample" in note and str(tmp_path) in note
    assert data.train_images.shape == (4000, 784)


def test_available_data_uses_full_mnist_when_present(tmp_path, monkeypatch):
    write_split(tmp_path, "train", *tiny_mnist(n=9, seed=1))
    write_split(tmp_path, "test", *tiny_mnist(n=4, seed=2))
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    data, source, note = available_data()
    assert source == "full" and str(tmp_path) in note
    assert data.train_images.shape == (9, 784) and data.test_labels.shape == (4,)
    assert data.train_images.dtype == np.float32 and data.train_labels.dtype == np.int64
    assert 0.0 <= data.train_images.min() and data.train_images.max() <= 1.0


# --------------------------------------------------------------------- loaders

N = 103  # not a multiple of the batch size: the last batch is short
BATCH = 10


def numbered_examples(n: int = N) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images whose pixels all equal i % 256, with label i: pairing is checkable."""
    labels = np.arange(n, dtype=np.int64)
    images = np.repeat((labels % 256).astype(np.uint8)[:, None], 784, axis=1)
    return images, labels


def cpu_gpu_resident(images, labels, **kwargs):
    return GPUResidentLoader(images, labels, BATCH, device="cpu", **kwargs)


def standard(images, labels, **kwargs):
    return make_dataloader(images, labels, BATCH, **kwargs)


def cuda_gpu_resident(images, labels, **kwargs):
    return GPUResidentLoader(images, labels, BATCH, device="cuda", **kwargs)


LOADERS = [
    pytest.param(cpu_gpu_resident, id="resident-cpu"),
    pytest.param(standard, id="dataloader"),
    pytest.param(cuda_gpu_resident, id="resident-cuda", marks=[pytest.mark.gpu, needs_cuda]),
]


def epoch_labels(loader) -> list[int]:
    return [int(v) for _, labels in loader for v in labels]


@pytest.mark.parametrize("make", LOADERS)
def test_batches_follow_the_course_contract(make):
    images, labels = numbered_examples()
    loader = make(images, labels, shuffle=True, seed=0)
    batches = list(loader)
    assert len(batches) == len(loader) == 11
    for k, (x, y) in enumerate(batches):
        size = BATCH if k < 10 else 3
        assert x.dtype == torch.float32 and x.shape == (size, 784)
        assert y.dtype == torch.int64 and y.shape == (size,)
        assert 0.0 <= x.min() and x.max() <= 1.0
        # images stay paired with their labels
        torch.testing.assert_close(x[:, 0] * 255, (y % 256).float(), rtol=0, atol=1e-4)


@pytest.mark.parametrize("make", LOADERS)
def test_each_epoch_covers_every_example_exactly_once(make):
    loader = make(*numbered_examples(), shuffle=True, seed=0)
    for _ in range(3):
        assert sorted(epoch_labels(loader)) == list(range(N))


@pytest.mark.parametrize("make", LOADERS)
def test_epochs_are_reshuffled(make):
    loader = make(*numbered_examples(), shuffle=True, seed=0)
    first, second = epoch_labels(loader), epoch_labels(loader)
    assert first != second and first != list(range(N))


@pytest.mark.parametrize("make", LOADERS)
def test_the_same_seed_gives_the_same_epochs(make):
    a = make(*numbered_examples(), shuffle=True, seed=123)
    b = make(*numbered_examples(), shuffle=True, seed=123)
    c = make(*numbered_examples(), shuffle=True, seed=124)
    a_epochs = [epoch_labels(a) for _ in range(2)]
    assert a_epochs == [epoch_labels(b) for _ in range(2)]
    assert a_epochs != [epoch_labels(c) for _ in range(2)]


@pytest.mark.parametrize("make", LOADERS)
def test_without_shuffle_the_order_is_the_given_one(make):
    loader = make(*numbered_examples(), shuffle=False)
    assert epoch_labels(loader) == epoch_labels(loader) == list(range(N))


@pytest.mark.parametrize("make", LOADERS)
def test_drop_last_drops_the_short_batch(make):
    loader = make(*numbered_examples(), shuffle=True, seed=0, drop_last=True)
    assert len(loader) == 10 and len(list(loader)) == 10


def test_both_loaders_scale_uint8_pixels_exactly_like_the_sample():
    data = load_sample()
    images, labels = mnist.read_images_and_labels(*sample_files()[0])
    for loader in (
        GPUResidentLoader(images, labels, 4000, shuffle=False, device="cpu"),
        make_dataloader(images, labels, 4000, shuffle=False),
    ):
        ((x, y),) = list(loader)
        assert torch.equal(x, torch.from_numpy(data.train_images))
        assert torch.equal(y, torch.from_numpy(data.train_labels))


def test_the_resident_loader_accepts_the_sample_and_exposes_its_dataset():
    data = load_sample()
    loader = GPUResidentLoader(data.test_images, data.test_labels, 128, device="cpu", seed=0)
    assert len(loader.dataset) == 1000 and len(loader) == 8
    assert loader.images.device.type == "cpu"


@pytest.mark.gpu
@needs_cuda
def test_the_resident_loader_keeps_data_and_shuffling_on_the_gpu():
    data = load_sample()
    loader = GPUResidentLoader(data.train_images, data.train_labels, 256, device="cuda", seed=0)
    assert loader.images.is_cuda and loader.labels.is_cuda
    x, y = next(iter(loader))
    assert x.is_cuda and y.is_cuda and x.shape == (256, 784)


@pytest.mark.parametrize(
    ("images", "labels", "error", "message"),
    [
        (np.full((3, 784), 2.0), np.zeros(3, dtype=np.int64), ValueError, r"\[0, 1\]"),
        (np.full((3, 784), np.nan), np.zeros(3, dtype=np.int64), ValueError, r"\[0, 1\]"),
        (np.full((3, 784), 300, dtype=np.int32), np.zeros(3, dtype=np.int64), ValueError, "0..255"),
        (np.zeros((3, 784), np.uint8), np.zeros(2, dtype=np.int64), ValueError, r"\(3,\)"),
        (np.zeros((3, 784), np.uint8), np.zeros(3), TypeError, "integer class"),
        (np.zeros(784, np.uint8), np.zeros(1, dtype=np.int64), ValueError, "shape"),
    ],
    ids=["float-range", "nan", "int-range", "count", "float-labels", "1-d-images"],
)
def test_loaders_refuse_data_outside_the_contract(images, labels, error, message):
    with pytest.raises(error, match=message):
        GPUResidentLoader(images, labels, 4, device="cpu")
    with pytest.raises(error, match=message):
        make_dataloader(images, labels, 4)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_batch_size_must_be_a_positive_integer(batch_size):
    images, labels = numbered_examples(5)
    with pytest.raises(ValueError, match="batch_size"):
        GPUResidentLoader(images, labels, batch_size, device="cpu")
    with pytest.raises(ValueError, match="batch_size"):
        make_dataloader(images, labels, batch_size)

"""`grade train`'s engine: the reference MNIST network trained with a progress bar and a PNG of its curves."""

from __future__ import annotations

import io
import struct

import pytest
import torch
from rich.console import Console

from autograder.training_demo import pick_device, plot_history, train_demo

from .conftest import COURSE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


pytestmark = pytest.mark.usefixtures("sample_mnist_only")


def png_size(path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk, after checking the signature."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def run(tmp_path, **options):
    out = io.StringIO()
    result = train_demo(COURSE, output=tmp_path / "curves.png", threads=1,
                        console=Console(file=out, width=120, force_terminal=False), **options)
    return result, out.getvalue()


def test_one_epoch_on_the_sample_writes_a_png_of_the_curves(tmp_path):
    result, text = run(tmp_path, epochs=1, device="cpu")
    width, height = png_size(result.output)
    assert result.output == tmp_path / "curves.png" and width > 0 and height > 0
    assert result.source == "sample" and result.device == "cpu"
    assert {key: len(values) for key, values in result.history.items()} == {"train_loss": 1, "val_loss": 1,
                                                                            "val_acc": 1}
    assert result.history["val_acc"][0] > 0.5  # one epoch of SGD on 4,000 digits: about 80%
    assert "shipped MNIST sample" in text and "epoch 1/1" in text and "curves.png" in text


def test_threads_are_put_back_after_the_run(tmp_path):
    before = torch.get_num_threads()
    run(tmp_path, epochs=1, device="cpu")
    assert torch.get_num_threads() == before


def test_plot_history_draws_any_number_of_epochs(tmp_path):
    history = {"train_loss": [2.3, 0.6, 0.4], "val_loss": [0.8, 0.5, 0.45], "val_acc": [0.8, 0.87, 0.89]}
    assert png_size(plot_history(history, tmp_path / "sub" / "h.png")) == (1200, 480)


def test_zero_epochs_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least 1"):
        run(tmp_path, epochs=0, device="cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_asking_for_cuda_without_a_gpu_says_so():
    with pytest.raises(ValueError, match="no CUDA GPU"):
        pick_device("cuda")


def test_auto_is_the_reference_get_device():
    assert pick_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")


@needs_cuda
def test_one_epoch_on_the_gpu(tmp_path):
    result, _ = run(tmp_path, epochs=1, device="cuda")
    assert result.device.startswith("cuda") and png_size(result.output)[0] > 0
    assert result.history["val_acc"][0] > 0.5

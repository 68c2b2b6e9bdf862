"""Assignment 11's machinery: the recipes its tests build in the student's process, the kept objects
the grader reads back, the GPU paths (skipped without CUDA) and the benchmark script."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
import torch

from autograder import processes
from autograder.datasets import mnist
from autograder.sandbox import isolation
from autograder.sandbox.runner import Sandbox
from autograder.sandbox.runtime import recipes
from autograder.sandbox.runtime.protocol import Handle
from autograder.testing import recipe

from .conftest import COURSE, ROOT

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
FULL_MNIST = not mnist.missing_files(mnist.mnist_dir(), [s for pair in mnist.MNIST_FILES.values() for s in pair])
needs_full_mnist = pytest.mark.skipif(not FULL_MNIST, reason="needs full MNIST in $MNIST_DIR")


pytestmark = pytest.mark.usefixtures("no_network")


MNIST = COURSE.get("mnist_training")
recipes.load_course([(MNIST.id, MNIST.recipes.read_text())])  # its own recipes: the MNIST loaders


def build(name, **args):
    return recipes.build(name, args)


def reference():
    return COURSE.get("mnist_training").reference()


# --------------------------------------------------------------------- data recipes


@pytest.mark.parametrize("kind", ["resident", "dataloader"])
def test_mnist_loader_serves_the_training_digits_by_the_course_contract(kind):
    count = 4000
    loader = build("mnist_loader", part="train", batch_size=512, kind=kind)
    batches = list(loader)
    assert sum(len(labels) for _, labels in batches) == count == len(loader.dataset)
    images, labels = batches[0]
    assert images.dtype == torch.float32 and images.shape == (512, 784) and labels.dtype == torch.int64
    assert 0.0 <= float(images.min()) and float(images.max()) <= 1.0


def test_mnist_loader_limit_and_shuffle_agree_with_load_sample_and_keep_the_held_out_digits_away():
    sample = mnist.load_sample()
    ((images, _),) = list(build("mnist_loader", part="train", limit=10, batch_size=10))
    assert np.array_equal(images.numpy(), sample.train_images[:10])
    with pytest.raises(ValueError, match="held-out digits stay with the grader"):
        build("mnist_loader", part="test")
    shuffled = [labels for _, labels in build("mnist_loader", part="train", limit=100, batch_size=100, shuffle=True,
                                              seed=1)]
    assert sorted(shuffled[0].tolist()) == sorted(sample.train_labels[:100].tolist())
    assert shuffled[0].tolist() != sample.train_labels[:100].tolist()


def fake_full_mnist(folder, train=70, test=30):
    """The four standard files, gzipped, holding random digits (uint8 pixels, labels 0..9)."""
    rng = np.random.default_rng(0)
    for split, n in (("train", train), ("test", test)):
        images_stem, labels_stem = mnist.MNIST_FILES[split]
        mnist.write_idx(folder / f"{images_stem}.gz", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        mnist.write_idx(folder / f"{labels_stem}.gz", rng.integers(0, 10, n, dtype=np.uint8))
    return folder


def test_with_data_dir_the_recipes_serve_full_mnists_training_digits(tmp_path):
    folder = str(fake_full_mnist(tmp_path))
    loader = build("mnist_loader", part="train", batch_size=64, data_dir=folder, kind="dataloader")
    assert len(loader.dataset) == 70
    expected = mnist.scale_images(mnist.load_mnist("train", folder)[0])
    assert np.array_equal(loader.dataset.tensors[0].numpy(), expected)


def test_the_sandboxed_process_reads_only_full_mnists_training_files_from_mnist_dir(tmp_path, monkeypatch):
    """The hidden test's full-data path hands $MNIST_DIR's real path to a recipe in the student's process;
    the test files, on which the grader measures accuracy, stay out of its view."""
    (tmp_path / "mnist").mkdir()
    folder = fake_full_mnist(tmp_path / "mnist")
    monkeypatch.setenv("MNIST_DIR", str(folder))
    source = "import os\ndef count(loader):\n    return len(loader.dataset)\ndef seen(folder):\n" \
             "    return sorted(os.listdir(folder))\n"
    with Sandbox(source, "m", kind=processes.kind(MNIST)) as sandbox:  # $MNIST_DIR's training files mounted
        loader = recipe("mnist_loader", part="train", data_dir=str(folder.resolve()), batch_size=64)
        assert sandbox.call("count", (loader,), timeout=60.0) == 70
        if isolation.probe().filesystem:
            assert sandbox.call("seen", (str(folder.resolve()),)) == sorted(
                f"{stem}.gz" for stem in mnist.MNIST_FILES["train"])


@pytest.mark.parametrize("bad", [dict(part="validation"), dict(kind="lazy")])
def test_mnist_loader_refuses_unknown_parts_and_kinds(bad):
    with pytest.raises(ValueError, match="must be"):
        build("mnist_loader", **bad)


# --------------------------------------------------------------------- model recipes


def test_zero_linear_is_the_untrained_network_of_the_lecture():
    layer = build("zero_linear", n_in=784, n_out=10)
    x = torch.rand(5, 784)
    loss = torch.nn.functional.cross_entropy(layer(x), torch.arange(5))
    assert torch.all(layer(x) == 0) and math.isclose(loss.item(), math.log(10), rel_tol=1e-6)


def test_seeded_mlp_twins_are_identical_dropout_and_all():
    a, b = (build("seeded_mlp", layer_sizes=[6, 8, 3], seed=3, dropout=0.5) for _ in range(2))
    x = torch.rand(4, 6)
    assert torch.equal(a(x), b(x))  # same weights, same dropout masks
    assert not torch.equal(a(x), a(x))  # a fresh mask each call in training mode
    a.eval()
    assert torch.equal(a(x), a(x))
    assert not build("seeded_mlp", layer_sizes=[2, 2], eval_mode=True).training


def test_seeded_mlp_can_refuse_to_run_with_gradients_on():
    model = build("seeded_mlp", layer_sizes=[3, 2], refuse_grad=True)
    with pytest.raises(RuntimeError, match="torch.no_grad"):
        model(torch.rand(1, 3))
    with torch.no_grad():
        assert model(torch.rand(1, 3)).shape == (1, 2)


def test_the_scripted_model_follows_its_script_and_sets_the_weights_of_each_epoch():
    from autograder.sandbox.runtime.models import scripted_weights_of

    model = build("scripted_model", val_losses=[0.9, 0.4])
    val = torch.tensor([[1.0, 0.5]])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.25, momentum=0.5)
    losses = []
    for epoch in range(3):
        model(torch.tensor([[0.0, 0.3]])).sum().backward()  # training rows carry no gradient
        optimizer.step()
        losses.append(torch.nn.functional.cross_entropy(model(val), torch.tensor([0])).item())
        assert model.w.tolist() == scripted_weights_of(epoch)
    assert np.allclose(losses, [0.9, 0.4, 0.4], rtol=1e-6)


def test_without_scripted_weights_the_scripted_model_trains_as_usual():
    model = build("scripted_model", val_losses=[0.9], scripted_weights=False)
    model(torch.tensor([[0.0, 0.3]])).sum().backward()
    torch.optim.SGD(model.parameters(), lr=0.5).step()
    model(torch.tensor([[1.0, 0.5]]))
    assert np.allclose(model.w.tolist(), [0.5 - 0.5 * 0.3, -0.5 - 0.5 * 0.3])


def test_cuda_available_pretends_and_then_restores():
    real = torch.cuda.is_available()
    try:
        build("cuda_available", value=not real)
        assert torch.cuda.is_available() is (not real)
    finally:
        build("cuda_available", value=None)
    assert torch.cuda.is_available() is real


# --------------------------------------------------------------------- kept objects


def test_kept_objects_are_built_once_shared_and_rebuilt_when_fresh():
    first = build("kept", key="t_model", make="zero_linear", n_in=2, n_out=2)
    assert build("kept", key="t_model") is first
    optimizer = build("sgd", model=build("kept", key="t_model"), lr=0.1)
    assert optimizer.param_groups[0]["params"][0] is first.weight
    assert build("kept", key="t_model", make="zero_linear", fresh=True, n_in=2, n_out=2) is not first
    with pytest.raises(ValueError, match="make="):
        build("kept", key="t_never_made")


def test_the_grader_reaches_a_kept_object_as_a_handle_by_building_it():
    source = "def train(model, optimizer):\n    return float(model.weight.sum())\n"
    key = "sandboxed_model"
    with Sandbox(source, "m") as sandbox:
        model = recipe("kept", key=key, make="zero_linear", n_in=3, n_out=2)
        assert sandbox.call("train", (model, recipe("sgd", model=recipe("kept", key=key), lr=0.1))) == 0.0
        handle = sandbox.build(recipe("kept", key=key))
        assert isinstance(handle, Handle)
        assert sandbox.call(handle, method="state_dict")["weight"].shape == (2, 3)


# --------------------------------------------------------------------- GPU paths


@needs_cuda
def test_the_sandboxed_process_can_use_cuda_under_the_assignments_limits():
    limits = COURSE.get("mnist_training").limits
    source = ("import torch\ndef probe():\n"
              "    return torch.cuda.is_available(), torch.ones(3, device='cuda').sum().item()\n")
    with Sandbox(source, "probe", limits) as sandbox:
        assert sandbox.call("probe", timeout=120.0) == (True, 3.0)


@needs_cuda
def test_the_reference_trains_on_the_gpu_from_a_gpu_resident_loader():
    from autograder.sandbox.runtime.loaders import GPUResidentLoader

    ref, sample = reference(), mnist.load_sample()
    device = ref.get_device()
    torch.manual_seed(0)
    model = ref.build_mlp()
    train = GPUResidentLoader(sample.train_images, sample.train_labels, 64, device=device, seed=0)
    test = GPUResidentLoader(sample.test_images, sample.test_labels, 1000, device=device)
    history = ref.fit(model, train, test, 5, 0.1, device)
    assert next(model.parameters()).device.type == "cuda" and history["val_acc"][-1] > 0.85


@needs_cuda
@needs_full_mnist
@pytest.mark.slow
def test_the_reference_reaches_the_graders_full_mnist_threshold_on_the_gpu():
    """The hidden test's GPU path: 20 epochs, SGD lr 0.1, batches of 64 must give ≥ 97.5% test accuracy."""
    from autograder.sandbox.runtime.loaders import make_dataloader

    ref, data = reference(), mnist.available_data().data
    device = ref.get_device()
    torch.manual_seed(0)
    model = ref.build_mlp().to(device)
    train = make_dataloader(data.train_images, data.train_labels, 64, shuffle=True, seed=0)
    test = make_dataloader(data.test_images, data.test_labels, 1000, shuffle=False)
    history = ref.fit(model, train, test, 20, 0.1, device)
    assert history["val_acc"][-1] >= 0.975 + 0.002, history["val_acc"]


# --------------------------------------------------------------------- benchmark


def test_the_benchmark_runs_quickly_on_the_cpu(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    spec = importlib.util.spec_from_file_location("mnist_gpu_benchmark", ROOT / "benchmarks" / "mnist_gpu.py")
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    before = torch.get_num_threads()
    try:
        assert benchmark.main(["--quick", "--device", "cpu", "--images", "640", "--threads", "1"]) == 0
    finally:
        torch.set_num_threads(before)
    out = capsys.readouterr().out
    for way in ("lecture", "resident", "fused"):
        assert f"\n{way} " in out
    assert "synthetic data" in out and "needs full MNIST" in out

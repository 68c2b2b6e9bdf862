"""Hidden tests: your functions against the reference on identical objects, instrumented models that
notice a missing model.train()/model.eval()/torch.no_grad(), fit's early stopping against scripted
validation losses, and one full training run of your loop on real MNIST, whose accuracy the grader
measures itself from the trained network's logits.

Objects (models, loaders, optimizers) are built in your process from recipes; the reference runs in
the grader's process on twins built from the same recipes and seeds. An object kept under a key
(the `kept` recipe) is shared between calls, and the grader reads it back as a handle.
"""

from pathlib import Path

import numpy as np

from autograder.sandbox.runtime import recipes
from autograder.testing import check, recipe, test

CPU = recipe("device", kind="cpu")
LOSS = recipe("cross_entropy_loss")


def kept(key, make=None, **args):
    """A recipe for the object kept under `key` in your process (built by recipe `make` on first use)."""
    return recipe("kept", key=key, make=make, **args)


def kept_object(student, key):
    """The object kept under `key`, as a handle: call it, or its methods."""
    return student.build(recipe("kept", key=key))


def twin(value):
    """The object a recipe describes, built anew in the grader's process (a `kept` one is built unshared)."""
    if isinstance(value, recipe):
        args = {name: twin(arg) for name, arg in value.args.items()}
        if value.name == "kept":
            make = args.pop("make")
            return recipes.build(make, {k: v for k, v in args.items() if k not in ("key", "fresh")})
        return recipes.build(value.name, args)
    return value


def parameters(model):
    """The parameters of a model in your process (a handle): {name: float64 array}, in state_dict order."""
    state = check.mapping(model.method("state_dict"), [], what="model.state_dict()")
    return {name: check.as_array(value, what=f"state_dict()[{name!r}]") for name, value in state.items()}


def run_reference(ref, function, model, *args):
    """`(ref.<function>(twin model, *twin args), twin model)`; an `sgd` recipe becomes SGD on the twin model."""
    import torch

    model = twin(model)
    args = [torch.optim.SGD(model.parameters(), lr=arg.args["lr"]) if isinstance(arg, recipe) and arg.name == "sgd"
            else twin(arg) for arg in args]
    return getattr(ref, function)(model, *args), model


# ------------------------------------------------------------------------------- get_device


def device_name(device):
    """`str(device)` of the torch.device that get_device() left in your process."""
    check.that(getattr(device, "type_name", None) == "torch.device",
               f"get_device() returned {device!r}; expected a torch.device")
    return device.method("__str__")


@test("get_device", "follows torch.cuda.is_available() (made to answer True, then False, in your process)")
def get_device_follows_cuda(student):
    device = student.get_device()
    device_name(device)
    try:
        for available, expected in ((True, "cuda"), (False, "cpu")):
            # Building the argument sets what torch.cuda.is_available() answers; __eq__ only carries it.
            device.method("__eq__", recipe("cuda_available", value=available))
            name = device_name(student.get_device())
            check.that(name.split(":")[0] == expected,
                       f"with torch.cuda.is_available() returning {available}, the device is {name!r}; "
                       f"expected {expected!r}")
    finally:
        device.method("__eq__", recipe("cuda_available", value=None))


# ------------------------------------------------------------------------------- build_mlp


def check_relu_network(student, sizes, rng):
    """build_mlp(sizes) computes Linear, ReLU, …, Linear with its own weights, on inputs of both signs."""
    model = student.build_mlp(sizes)
    params = list(parameters(model).values())
    shapes = [p.shape for p in params]
    expected = [shape for n_in, n_out in zip(sizes, sizes[1:]) for shape in ((n_out, n_in), (n_out,))]
    check.that(shapes == expected, f"build_mlp({sizes}) has parameters of shapes {shapes}; expected {expected}: "
                                   "one Linear layer (weight, bias) per pair of consecutive sizes")
    x = rng.normal(scale=2.0, size=(7, sizes[0]))
    out = check.shape(model(recipe("tensor", values=x.tolist(), dtype="float32")), (7, sizes[-1]),
                      what="the output")
    h = x
    for i in range(0, len(params), 2):
        h = h @ params[i].T + params[i + 1]
        if i + 2 < len(params):
            h = np.maximum(h, 0)
    check.close(out, h, rtol=1e-4, atol=1e-5,
                what="the output (expected ReLU between layers and nothing after the last)")


@test("build_mlp", "random sizes (5, 7, 3) on inputs of both signs")
def build_mlp_random_sizes(student, rng):
    check_relu_network(student, (5, 7, 3), rng)


@test("build_mlp", "four layers (6, 9, 8, 4), sizes given as a list: ReLU between every pair of layers")
def build_mlp_deep(student, rng):
    check_relu_network(student, [6, 9, 8, 4], rng)


@test("build_mlp", "two sizes (3, 2): a single Linear layer, no ReLU")
def build_mlp_single_layer(student, rng):
    check_relu_network(student, (3, 2), rng)


# ------------------------------------------------------------------------------- train_one_epoch


def check_epoch_matches(student, ref, key, model, loader, lr=0.1):
    """One epoch of your loop and of the reference on twins: the mean loss and the updated weights agree."""
    optimizer = recipe("sgd", model=kept(key), lr=lr)
    loss = student.train_one_epoch(kept(key, model.name, **model.args), loader, optimizer, LOSS, CPU)
    expected_loss, trained = run_reference(ref, "train_one_epoch", model, loader, optimizer, LOSS, CPU)
    got = parameters(kept_object(student, key))
    for name, expected in trained.state_dict().items():
        check.close(got[name], expected.detach().numpy(), rtol=1e-4, atol=1e-6,
                    what=f"model.state_dict()[{name!r}] after the epoch")
    check.close(loss, expected_loss, rtol=1e-5, atol=1e-7, what="the mean loss")


@test("train_one_epoch", "a 6 → 5 → 3 network, 40 random examples in 5 shuffled batches of 8")
def train_one_epoch_random(student, ref, rng):
    loader = recipe("tensor_loader", images=rng.uniform(size=(40, 6)), labels=rng.integers(0, 3, 40),
                    batch_size=8, shuffle=True, seed=3)
    check_epoch_matches(student, ref, "epoch_random", recipe("seeded_mlp", layer_sizes=[6, 5, 3], seed=1), loader)


@test("train_one_epoch", "the same batch 4 times: each step must use that batch's gradient only (zero_grad)")
def train_one_epoch_repeated_batch(student, ref, rng):
    images, labels = rng.uniform(size=(5, 4)), rng.integers(0, 3, 5)
    loader = recipe("tensor_loader", images=np.tile(images, (4, 1)), labels=np.tile(labels, 4), batch_size=5)
    check_epoch_matches(student, ref, "epoch_repeated", recipe("seeded_mlp", layer_sizes=[4, 6, 3], seed=2), loader,
                        lr=0.5)


@test("train_one_epoch", "a model with dropout handed over in eval mode: train in training mode (model.train())")
def train_one_epoch_train_mode(student, ref, rng):
    loader = recipe("tensor_loader", images=rng.uniform(size=(24, 6)), labels=rng.integers(0, 3, 24), batch_size=6)
    model = recipe("seeded_mlp", layer_sizes=[6, 16, 3], seed=4, dropout=0.5, eval_mode=True)
    check_epoch_matches(student, ref, "epoch_dropout", model, loader)


def mnist_setting():
    """Where the full training run happens: on the GPU with full MNIST when the grader has both (CUDA and
    the files in $MNIST_DIR, the one data folder the sandbox lets your process read), else on the
    shipped sample (4,000 training / 1,000 held-out digits), on the GPU when there is one."""
    import os

    import torch

    from autograder.datasets import mnist

    cuda = torch.cuda.is_available()
    folder = os.path.realpath(mnist.mnist_dir())  # the sandbox binds $MNIST_DIR at its real path
    stems = [stem for pair in mnist.MNIST_FILES.values() for stem in pair]
    if cuda and os.environ.get(mnist.MNIST_DIR_ENV) and not mnist.missing_files(Path(folder), stems):
        labels = mnist.load_mnist("test", folder)[1].astype(np.int64)
        return dict(device="cuda", data_dir=folder, epochs=20, threshold=0.975, typical=0.98, labels=labels,
                    data="full MNIST (60,000 training / 10,000 test digits)")
    return dict(device="cuda" if cuda else "cpu", data_dir=None, epochs=10, threshold=0.85, typical=0.92,
                labels=mnist.load_sample().test_labels, data="4,000 real MNIST digits (1,000 held out)")


@test("train_one_epoch", "your loop trains the 784 → 128 → 10 network on real MNIST (SGD, lr 0.1, batches of 64)",
      weight=2.0, timeout=120.0)
def train_one_epoch_learns_mnist(student):
    s = mnist_setting()
    data = dict(data_dir=s["data_dir"])
    model = kept("mnist_model", "seeded_mlp", layer_sizes=[784, 128, 10], seed=0, device=s["device"])
    loader = kept("mnist_train", "mnist_loader", part="train", batch_size=64, shuffle=True, seed=0,
                  kind="dataloader", **data)
    losses = []
    for _ in range(s["epochs"]):
        loss = student.train_one_epoch(model, loader, recipe("sgd", model=kept("mnist_model"), lr=0.1), LOSS,
                                       recipe("device", kind=s["device"]))
        losses.append(float(check.as_array(loss, what="the mean loss")))
    network = kept_object(student, "mnist_model")
    labels = s["labels"]
    logits = check.shape(network(recipe("mnist_images", part="test", device=s["device"], **data)),
                         (len(labels), 10), what="the trained network's logits")
    accuracy = float(np.mean(logits.argmax(axis=1) == labels))
    check.that(accuracy >= s["threshold"],
               f"after {s['epochs']} epochs of your train_one_epoch on {s['data']}, the network classifies "
               f"{accuracy:.1%} of the held-out digits correctly; the lecture's loop reaches about "
               f"{s['typical']:.0%} (at least {s['threshold']:.1%} is required). Mean losses per epoch: "
               f"{', '.join(f'{x:.3f}' for x in losses)}. Does every batch run zero_grad, backward and step?")
    check.that(losses[-1] < losses[0], f"the mean loss did not fall over the epochs: {losses[0]:.4f} in the first, "
                                       f"{losses[-1]:.4f} in the last; return the epoch's mean loss per example")


# ------------------------------------------------------------------------------- evaluate


def check_evaluation_matches(student, ref, model, loader):
    result = check.sequence(student.evaluate(model, loader, LOSS, CPU), 2)
    (expected_loss, expected_accuracy), _ = run_reference(ref, "evaluate", model, loader, LOSS, CPU)
    check.close(result[0], expected_loss, rtol=1e-5, atol=1e-7, what="the loss")
    check.close(result[1], expected_accuracy, rtol=1e-9, what="the accuracy")


@test("evaluate", "a random 6 → 8 → 4 network, 50 examples in batches of 16 (the last of 2): means per example")
def evaluate_uneven_batches(student, ref, rng):
    loader = recipe("tensor_loader", images=rng.uniform(size=(50, 6)), labels=rng.integers(0, 4, 50), batch_size=16)
    check_evaluation_matches(student, ref, recipe("seeded_mlp", layer_sizes=[6, 8, 4], seed=5), loader)


@test("evaluate", "a random 784 → 16 → 10 network on 300 held-out MNIST digits in batches of 128")
def evaluate_mnist(student, ref):
    loader = recipe("mnist_loader", part="test", limit=300, batch_size=128)
    check_evaluation_matches(student, ref, recipe("seeded_mlp", layer_sizes=[784, 16, 10], seed=6), loader)


@test("evaluate", "a model with dropout: evaluated in eval mode (model.eval())")
def evaluate_eval_mode(student, ref, rng):
    loader = recipe("tensor_loader", images=rng.uniform(size=(40, 6)), labels=rng.integers(0, 3, 40), batch_size=10)
    check_evaluation_matches(student, ref, recipe("seeded_mlp", layer_sizes=[6, 32, 3], seed=7, dropout=0.5),
                             loader)


@test("evaluate", "a model that refuses to run while autograd records: evaluate inside torch.no_grad()")
def evaluate_no_grad(student, ref, rng):
    loader = recipe("tensor_loader", images=rng.uniform(size=(30, 5)), labels=rng.integers(0, 3, 30), batch_size=10)
    check_evaluation_matches(student, ref, recipe("seeded_mlp", layer_sizes=[5, 7, 3], seed=8, refuse_grad=True),
                             loader)


# ------------------------------------------------------------------------------- fit
# The scripted model's validation loss follows a script, whatever its weights; its weights w still
# train, and it records them at each validation pass (`snapshots`).

TRAIN = recipe("tensor_loader", images=[[0.0, 0.2], [0.0, 0.9]], labels=[0, 1], batch_size=1)
VAL = recipe("tensor_loader", images=[[1.0, 0.5]], labels=[0], batch_size=1)


def fit_scripted(student, key, val_losses, epochs, lr=0.1, watch_optimizers=False, **patience):
    """fit on a kept scripted model; returns (history, the model's handle)."""
    model = kept(key, "scripted_model", val_losses=val_losses, watch_optimizers=watch_optimizers)
    result = student.fit(model, TRAIN, VAL, epochs, lr, CPU, **patience)
    history = check.mapping(result, ["train_loss", "val_loss", "val_acc"], what="the history")
    return history, kept_object(student, key)


def check_epochs_run(history, count, why):
    for name in ("train_loss", "val_loss", "val_acc"):
        values = check.sequence(history[name], what=f"history[{name!r}]")
        check.that(len(values) == count, f"history[{name!r}] has {len(values)} entries; expected {count}: {why}",
                   history[name])


def check_weights_of_epoch(model, epoch, why):
    weights = check.shape(model.method("weights"), (2,), what="the model's weights")
    snapshots = check.as_array(model.method("snapshots"), what="the weights seen at each validation")
    check.close(weights, snapshots[epoch], rtol=1e-7, atol=1e-9,
                what=f"the weight vector w at the end (expected w of epoch {epoch + 1}: {why})")


@test("fit", "no patience, 4 epochs with the best validation loss in epoch 2: all 4 run, the last weights stay")
def fit_without_patience(student):
    history, model = fit_scripted(student, "fit_plain", [0.9, 0.5, 0.7, 0.8], 4)
    check_epochs_run(history, 4, "without patience every epoch runs")
    check.close(history["val_loss"], [0.9, 0.5, 0.7, 0.8], rtol=1e-5, what="history['val_loss']")
    check_weights_of_epoch(model, 3, "without patience nothing is restored")


@test("fit", "patience 3, validation losses 1.0, 0.6, 0.7, 0.65, 0.8, 0.4: stops after epoch 5, before 0.4")
def fit_patience_counts_epochs(student):
    history, _ = fit_scripted(student, "fit_patience", [1.0, 0.6, 0.7, 0.65, 0.8, 0.4], 8, patience=3)
    check_epochs_run(history, 5, "epochs 3, 4 and 5 brought no loss below 0.6, so training stops after epoch 5")


@test("fit", "patience 2, best validation loss in epoch 2: the weights of epoch 2 are put back", weight=2.0)
def fit_restores_best_weights(student):
    history, model = fit_scripted(student, "fit_restore", [0.9, 0.6, 0.7, 0.8, 0.5], 5, patience=2)
    check_epochs_run(history, 4, "epochs 3 and 4 brought no loss below 0.6")
    check_weights_of_epoch(model, 1, "copy the state_dict (copy.deepcopy) when the best loss is seen, "
                                     "and load it back when training stops")


@test("fit", "patience 2, validation losses 0.5, 0.5, 0.5, 0.4: an equal loss is no improvement")
def fit_equal_loss_is_no_improvement(student):
    history, model = fit_scripted(student, "fit_equal", [0.5, 0.5, 0.5, 0.4], 4, patience=2)
    check_epochs_run(history, 3, "epochs 2 and 3 only equalled the best loss, so training stops after epoch 3")
    check_weights_of_epoch(model, 0, "the first epoch's 0.5 was never beaten")


@test("fit", "patience 5 with the loss falling every epoch: all epochs run, the last weights are the best")
def fit_patience_never_triggered(student):
    history, model = fit_scripted(student, "fit_falling", [0.9, 0.8, 0.7], 3, patience=5)
    check_epochs_run(history, 3, "the loss fell every epoch")
    check_weights_of_epoch(model, 2, "the last epoch was the best")


@test("fit", "moves the model to `device` and trains with plain SGD at the given lr (0.05)")
def fit_uses_sgd(student):
    _, model = fit_scripted(student, "fit_sgd", [0.9, 0.8], 2, lr=0.05, watch_optimizers=True)
    devices = check.sequence(model.method("devices"), what="the devices the model was moved to")
    check.that("cpu" in devices, f"the model was moved to {list(devices)}; expected model.to(device) with "
                                 "the device fit was given (cpu)")
    optimizers = check.sequence(model.method("optimizers"), what="the optimizers")
    check.that(len(optimizers) == 1, f"{len(optimizers)} optimizers held the model's parameters when training "
                                     "began; expected one, torch.optim.SGD(model.parameters(), lr=lr)")
    settings = check.mapping(optimizers[0], ["type", "lr"], what="the optimizer")
    check.that(settings["type"] == "SGD", f"the optimizer is {settings['type']}; the lecture uses torch.optim.SGD")
    check.close(settings["lr"], 0.05, what="the optimizer's learning rate")
    for name in ("momentum", "weight_decay"):
        check.close(settings.get(name, 0.0), 0.0, what=f"the optimizer's {name} (plain SGD has none)")

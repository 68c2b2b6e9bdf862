"""Hidden tests: your functions against the reference on identical objects, instrumented models that
notice a missing model.train()/model.eval()/torch.no_grad(), fit's early stopping against scripted
validation losses (judged by the weights it leaves, against the reference's fit on a twin), and one
full training run of your loop on real MNIST, whose accuracy the grader measures itself, from the
trained network's weights, on held-out digits that never enter your process.

The lecture leaves open how an epoch's mean is taken over an uneven last batch: per example (each
batch's mean weighted by its size) or as the mean of the batches' means. Both are right, in
train_one_epoch and in evaluate alike, and both are tested on uneven batches.

Objects (models, loaders, optimizers) are built in your process from recipes; the reference runs in
the grader's process on twins built from the same recipes and seeds. An object kept under a key
(the `kept` recipe) is shared between calls, and the grader reads it back as a handle.
"""

import functools
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
    check.close(out, h, what="the output (expected ReLU between layers and nothing after the last)")


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


def reference_by_batch(ref, function, model, loader, *args):
    """The reference's `function` on a twin of `model`, one batch of an epoch of `loader` at a time: each batch's
    result, the batches' sizes, and the twin model afterwards. The calls in a row are one epoch of the lecture's
    (train_one_epoch steps once per batch, on the same model and optimizer), and give each batch's own mean."""
    results, sizes = [], []
    for images, labels in twin(loader):
        batch = recipe("tensor_loader", images=images.numpy(), labels=labels.numpy(), batch_size=len(labels))
        result, model = run_reference(ref, function, model, batch, *args)
        results.append(result)
        sizes.append(len(labels))
    return np.array(results, dtype=float), np.array(sizes, dtype=float), model


PER_EXAMPLE, PER_BATCH = "the mean per example", "the mean of the batches' means"


def means(values, sizes):
    """The two means of per-batch `values` that the lecture leaves open: per example (each batch's mean weighted
    by its size) and the mean of the batches' means; they differ over an uneven last batch."""
    return {PER_EXAMPLE: float(values @ sizes / sizes.sum()), PER_BATCH: float(values.mean())}


def check_epoch_matches(student, ref, key, model, loader, lr=0.1):
    """One epoch of your loop and of the reference on twins: the updated weights agree, and the mean loss is
    taken per example or as the mean of the batches' means."""
    optimizer = recipe("sgd", model=kept(key), lr=lr)
    loss = student.train_one_epoch(kept(key, model.name, **model.args), loader, optimizer, LOSS, CPU)
    losses, sizes, trained = reference_by_batch(ref, "train_one_epoch", model, loader, optimizer, LOSS, CPU)
    got = parameters(kept_object(student, key))
    for name, expected in trained.state_dict().items():
        check.close(got[name], expected.detach().numpy(), check.TRAINED,
                    what=f"model.state_dict()[{name!r}] after the epoch")
    check.one_of(loss, means(losses, sizes), what="the mean loss")


@test("train_one_epoch", "a 6 → 5 → 3 network, 40 random examples in shuffled batches of 12 (the last of 4)")
def train_one_epoch_random(student, ref, rng):
    loader = recipe("tensor_loader", images=rng.uniform(size=(40, 6)), labels=rng.integers(0, 3, 40),
                    batch_size=12, shuffle=True, seed=3)
    check_epoch_matches(student, ref, "epoch_random", recipe("seeded_mlp", layer_sizes=[6, 5, 3], seed=1), loader)


@test("train_one_epoch", "the same batch 4 times: each step must use that batch's gradient only (zero_grad)")
def train_one_epoch_repeated_batch(student, ref, rng):
    images, labels = rng.uniform(size=(5, 4)), rng.integers(0, 3, 5)
    loader = recipe("tensor_loader", images=np.tile(images, (4, 1)), labels=np.tile(labels, 4), batch_size=5)
    check_epoch_matches(student, ref, "epoch_repeated", recipe("seeded_mlp", layer_sizes=[4, 6, 3], seed=2), loader,
                        lr=0.5)


@test("train_one_epoch", "a model with dropout handed over in eval mode: train in training mode (model.train())")
def train_one_epoch_train_mode(student, ref, rng):
    loader = recipe("tensor_loader", images=rng.uniform(size=(23, 6)), labels=rng.integers(0, 3, 23), batch_size=6)
    model = recipe("seeded_mlp", layer_sizes=[6, 16, 3], seed=4, dropout=0.5, eval_mode=True)
    check_epoch_matches(student, ref, "epoch_dropout", model, loader)


@functools.cache
def _sample():
    """The shipped sample, read once per grading process (its arrays read-only: one grade cannot change the next)."""
    from autograder.datasets import mnist

    sample = mnist.load_sample()
    for array in sample:
        array.flags.writeable = False
    return sample


def mnist_setting():
    """Where the full training run happens: on the GPU with full MNIST when the grader has both (CUDA and
    the files in $MNIST_DIR, whose training files are the one data the sandbox lets your process read), else
    on the shipped sample (4,000 training digits in your process; the 1,000 held-out ones only here), on the
    GPU when there is one."""
    import os

    from autograder import cuda as devices
    from autograder.datasets import mnist

    cuda = devices.available()
    folder = os.path.realpath(mnist.mnist_dir())  # the sandbox binds $MNIST_DIR's files at their real path
    stems = [stem for pair in mnist.MNIST_FILES.values() for stem in pair]
    if cuda and os.environ.get(mnist.MNIST_DIR_ENV) and not mnist.missing_files(Path(folder), stems):
        images, labels = mnist.model_ready(*mnist.load_mnist("test", folder, flatten=True))
        return dict(device="cuda", data_dir=folder, epochs=20, threshold=0.975, typical=0.98, images=images,
                    labels=labels, data="full MNIST (60,000 training / 10,000 test digits)")
    sample = _sample()
    return dict(device="cuda" if cuda else "cpu", data_dir=None, epochs=10, threshold=0.85, typical=0.92,
                images=sample.test_images, labels=sample.test_labels,
                data="4,000 real MNIST digits (1,000 more held out)")


def accuracy_of(weights, images, labels):
    """The share of `images` that the 784 → 128 → 10 network with these weights classifies as `labels`,
    computed here: relu(x W1ᵀ + b1) W2ᵀ + b2, then the largest logit."""
    W1, b1, W2, b2 = (weights[name] for name in ("0.weight", "0.bias", "2.weight", "2.bias"))
    x = images.astype(np.float64)
    logits = np.maximum(x @ W1.T + b1, 0) @ W2.T + b2
    return float(np.mean(logits.argmax(axis=1) == labels))


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
    weights = parameters(kept_object(student, "mnist_model"))
    shapes = {name: w.shape for name, w in weights.items()}
    check.that(shapes == {"0.weight": (128, 784), "0.bias": (128,), "2.weight": (10, 128), "2.bias": (10,)},
               f"the trained network's parameters have shapes {shapes}; expected those of the 784 → 128 → 10 "
               "network it was given", hidden="the trained network's parameters are not those it was given")
    accuracy = accuracy_of(weights, s["images"], s["labels"])
    check.that(accuracy >= s["threshold"],
               f"after {s['epochs']} epochs of your train_one_epoch on {s['data']}, the network classifies "
               f"{accuracy:.1%} of the held-out digits correctly; the lecture's loop reaches about "
               f"{s['typical']:.0%} (at least {s['threshold']:.1%} is required). Mean losses per epoch: "
               f"{', '.join(f'{x:.3f}' for x in losses)}. Does every batch run zero_grad, backward and step?")
    check.that(losses[-1] < losses[0], f"the mean loss did not fall over the epochs: {losses[0]:.4f} in the first, "
                                       f"{losses[-1]:.4f} in the last; return the epoch's mean loss per example")


# ------------------------------------------------------------------------------- evaluate


def check_evaluation_matches(student, ref, model, loader):
    """Your evaluation and the reference's on twins: the loss and the accuracy each taken per example (the
    reference's) or as the mean of the batches' means (hits may be counted in float32)."""
    result = check.sequence(student.evaluate(model, loader, LOSS, CPU), 2)
    expected, _ = run_reference(ref, "evaluate", model, loader, LOSS, CPU)
    losses, accuracies, sizes = evaluation_by_batch(model, loader)
    check.one_of(result[0], {PER_EXAMPLE: expected[0], PER_BATCH: means(losses, sizes)[PER_BATCH]}, what="the loss")
    check.one_of(result[1], {PER_EXAMPLE: expected[1], PER_BATCH: means(accuracies, sizes)[PER_BATCH]},
                 what="the accuracy")


def evaluation_by_batch(model, loader):
    """Each batch's mean loss and accuracy and its size, on a twin of `model` in eval mode without gradients: what
    the lecture's evaluation weights by the batches' sizes, whose plain mean is the other convention."""
    import torch

    model, loss_fn, rows = twin(model), torch.nn.CrossEntropyLoss(), []
    model.eval()
    with torch.no_grad():
        for images, labels in twin(loader):
            outputs = model(images)
            hits = int((outputs.argmax(dim=1) == labels).sum())
            rows.append((loss_fn(outputs, labels).item(), hits / len(labels), len(labels)))
    return (np.array(column, dtype=float) for column in zip(*rows))


@test("evaluate", "a random 6 → 8 → 4 network, 50 examples in batches of 16 (the last of 2)")
def evaluate_uneven_batches(student, ref, rng):
    loader = recipe("tensor_loader", images=rng.uniform(size=(50, 6)), labels=rng.integers(0, 4, 50), batch_size=16)
    check_evaluation_matches(student, ref, recipe("seeded_mlp", layer_sizes=[6, 8, 4], seed=5), loader)


@test("evaluate", "a random 784 → 16 → 10 network on 300 real MNIST digits in batches of 128")
def evaluate_mnist(student, ref):
    loader = recipe("mnist_loader", part="train", limit=300, batch_size=128)
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
# The scripted model's validation loss follows a script, and its validation of epoch k sets its weights to
# scripted_weights_of(k) (training moves them not at all), so the weights fit leaves say which epoch's it
# kept, whatever your train_one_epoch does. They are read back as plain data (state_dict) and judged here.

TRAIN = recipe("tensor_loader", images=[[0.0, 0.2], [0.0, 0.9]], labels=[0, 1], batch_size=1)
VAL = recipe("tensor_loader", images=[[1.0, 0.5]], labels=[0], batch_size=1)


def fit_scripted(student, key, val_losses, epochs, lr=0.1, **patience):
    """fit on a kept scripted model: `(history, the weights w it left)`."""
    model = kept(key, "scripted_model", val_losses=val_losses)
    result = student.fit(model, TRAIN, VAL, epochs, lr, CPU, **patience)
    history = check.mapping(result, ["train_loss", "val_loss", "val_acc"], what="the history")
    weights = parameters(kept_object(student, key))
    check.that(set(weights) == {"w"}, f"the model's parameters are {sorted(weights)}; expected only its w",
               hidden="the model's parameters are not the ones it was given")
    return history, weights["w"]


def check_epochs_run(history, count, why):
    for name in ("train_loss", "val_loss", "val_acc"):
        values = check.sequence(history[name], what=f"history[{name!r}]")
        check.that(len(values) == count, f"history[{name!r}] has {len(values)} entries; expected {count}: {why}",
                   history[name], hidden=f"history[{name!r}] does not have {count} entries: {why}")


def check_weights_of_epoch(weights, epoch, why):
    from autograder.sandbox.runtime.models import scripted_weights_of

    check.close(weights, scripted_weights_of(epoch), what=f"the weight vector w at the end (expected w of epoch "
                                                          f"{epoch + 1}: {why})")


@test("fit", "no patience, 4 epochs with the best validation loss in epoch 2: all 4 run, the last weights stay")
def fit_without_patience(student):
    history, weights = fit_scripted(student, "fit_plain", [0.9, 0.5, 0.7, 0.8], 4)
    check_epochs_run(history, 4, "without patience every epoch runs")
    check.close(history["val_loss"], [0.9, 0.5, 0.7, 0.8], what="history['val_loss']")
    check_weights_of_epoch(weights, 3, "without patience nothing is restored")


@test("fit", "patience 3, validation losses 1.0, 0.6, 0.7, 0.65, 0.8, 0.4: stops after epoch 5, before 0.4")
def fit_patience_counts_epochs(student):
    history, _ = fit_scripted(student, "fit_patience", [1.0, 0.6, 0.7, 0.65, 0.8, 0.4], 8, patience=3)
    check_epochs_run(history, 5, "epochs 3, 4 and 5 brought no loss below 0.6, so training stops after epoch 5")


@test("fit", "patience 2, best validation loss in epoch 2: the weights of epoch 2 are put back", weight=2.0)
def fit_restores_best_weights(student):
    history, weights = fit_scripted(student, "fit_restore", [0.9, 0.6, 0.7, 0.8, 0.5], 5, patience=2)
    check_epochs_run(history, 4, "epochs 3 and 4 brought no loss below 0.6")
    check_weights_of_epoch(weights, 1, "copy the state_dict (copy.deepcopy) when the best loss is seen, "
                                       "and load it back when training stops")


@test("fit", "patience 2, validation losses 0.5, 0.5, 0.5, 0.4: an equal loss is no improvement")
def fit_equal_loss_is_no_improvement(student):
    history, weights = fit_scripted(student, "fit_equal", [0.5, 0.5, 0.5, 0.4], 4, patience=2)
    check_epochs_run(history, 3, "epochs 2 and 3 only equalled the best loss, so training stops after epoch 3")
    check_weights_of_epoch(weights, 0, "the first epoch's 0.5 was never beaten")


@test("fit", "patience 5 with the loss falling every epoch: all epochs run, the last weights are the best")
def fit_patience_never_triggered(student):
    history, weights = fit_scripted(student, "fit_falling", [0.9, 0.8, 0.7], 3, patience=5)
    check_epochs_run(history, 3, "the loss fell every epoch")
    check_weights_of_epoch(weights, 2, "the last epoch was the best")


@test("fit", "trains with plain SGD at the given lr (0.05): the weights match SGD's on a twin")
def fit_uses_sgd(student, ref):
    """fit's optimizer, judged by the weights it leaves on a model with real gradients: those of the reference's
    fit on a twin, or of plain SGD at lr with gradients never cleared (a train_one_epoch without zero_grad,
    whose mistake is judged in its own question). Weights that never moved tell nothing of the optimizer
    (a train_one_epoch that never steps): fit then keeps its points here."""
    model = kept("fit_sgd", "scripted_model", val_losses=[0.9, 0.8], scripted_weights=False)
    history = check.mapping(student.fit(model, TRAIN, VAL, 2, 0.05, CPU), ["train_loss", "val_loss", "val_acc"],
                            what="the history")
    check_epochs_run(history, 2, "without patience every epoch runs")
    got = parameters(kept_object(student, "fit_sgd"))["w"]
    if check.agrees(got, twin(model).w.detach().numpy(), check.EXACT):
        return
    lecture = twin(model)
    ref.fit(lecture, twin(TRAIN), twin(VAL), 2, 0.05, twin(CPU))
    check.one_of(got, {"SGD after the lecture's loop": lecture.w.detach().numpy(),
                       "SGD after a loop that never clears the gradients": sgd_never_cleared(twin(model), 2, 0.05)},
                 check.TRAINED, what="the weights w after fit (torch.optim.SGD(model.parameters(), lr=lr): plain "
                                     "SGD, no momentum or weight decay, at the learning rate fit was given)")


def sgd_never_cleared(model, epochs, lr):
    """The weights plain SGD at `lr` leaves on `model` after `epochs` of TRAIN when no gradient is ever cleared."""
    import torch

    optimizer, loss_fn = torch.optim.SGD(model.parameters(), lr=lr), torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        for images, labels in twin(TRAIN):
            loss_fn(model(images), labels).backward()
            optimizer.step()
    return model.w.detach().numpy()

"""Training a digit classifier on MNIST with PyTorch: the training loop, evaluation and early stopping.

Lecture: Building and Training Networks (lecture 5), part B: training the network.
Running example: the 784 → 128 → 10 network (101,770 parameters) reads 28×28 handwritten
digits, flattened to 784 pixels in [0, 1]. Untrained, it guesses: loss ln 10 ≈ 2.30 and 10%
accuracy. Each epoch runs the lecture's loop (forward, loss, zero_grad, backward, step) over
mini-batches, then measures the loss and accuracy on held-out digits.

Loaders yield `(images, labels)`: images float32 (B, 784), labels int64 (B,).
"""

import copy

import torch
from torch import nn


def get_device():
    """The device to train on: the GPU when PyTorch can use one, else the CPU.

    Returns:
        torch.device("cuda") when torch.cuda.is_available(), else torch.device("cpu").

    Lecture: part B, "The training loop": the same loop runs on either device.
    """
    # BEGIN SOLUTION
    # HINT: torch.cuda.is_available() says whether a GPU can be used; return a torch.device, not a string.
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    # END SOLUTION


def build_mlp(layer_sizes=(784, 128, 10)):
    """A fully connected network: a Linear layer per pair of sizes, ReLU between them.

    For (784, 128, 10) that is the lecture's nn.Sequential(nn.Linear(784, 128), nn.ReLU(),
    nn.Linear(128, 10)): 101,770 parameters. No activation after the last layer: the network
    returns logits, and nn.CrossEntropyLoss applies the softmax itself.

    Args:
        layer_sizes: the number of units in each layer, input first, e.g. (784, 128, 10).

    Returns:
        a torch.nn.Module mapping inputs (B, layer_sizes[0]) to logits (B, layer_sizes[-1]).

    Lecture: part B, "The training loop in PyTorch", step 1 "Define the network".
    """
    # BEGIN SOLUTION
    # HINT: a list of nn.Linear(n_in, n_out), one per pair of sizes, nn.ReLU() between; then nn.Sequential(*layers).
    layers = []
    for i in range(len(layer_sizes) - 1):
        layers += [nn.Linear(layer_sizes[i], layer_sizes[i + 1]), nn.ReLU()]
    return nn.Sequential(*layers[:-1])  # no ReLU after the output layer: logits
    # END SOLUTION


def train_one_epoch(model, loader, optimizer, loss_fn, device):
    """One epoch: the lecture's loop over every mini-batch of `loader`.

    For each batch (images, labels), moved to `device`: forward, loss, optimizer.zero_grad(),
    loss.backward(), optimizer.step(). The model is put in training mode first (model.train()),
    since `evaluate` leaves it in eval mode.

    Args:
        model: a torch.nn.Module already on `device`.
        loader: yields (images (B, 784) float32, labels (B,) int64).
        optimizer: a torch.optim optimizer over model.parameters().
        loss_fn: e.g. nn.CrossEntropyLoss(), the mean loss of a batch.
        device: a torch.device.

    Returns:
        the mean loss per example over the epoch (each batch's loss, computed before its
        update, weighted by the batch's size), a float. The lecture leaves open how to
        average over an uneven last batch: the mean of the batches' losses is right too.

    Lecture: part B, "The training loop in PyTorch" and "Why zero_grad()?".
    """
    # BEGIN SOLUTION
    # HINT: accumulate loss.item() * len(labels) and the number of examples; .item() gives a Python float.
    model.train()
    total_loss, count = 0.0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        outputs = model(images)  # 1. forward
        loss = loss_fn(outputs, labels)  # 2. loss
        optimizer.zero_grad()  # gradients accumulate by default: clear the previous batch's
        loss.backward()  # 3. backward
        optimizer.step()  # 4. update
        total_loss += loss.item() * len(labels)
        count += len(labels)
    return total_loss / count
    # END SOLUTION


def evaluate(model, loader, loss_fn, device):
    """The mean loss and the accuracy of `model` on every example of `loader`.

    Runs in eval mode (model.eval()) and without recording gradients (torch.no_grad()).
    A prediction is the class with the largest logit.

    Args:
        model, loader, loss_fn, device: as for `train_one_epoch`.

    Returns:
        (loss, accuracy): the mean loss per example, and the fraction of examples classified
        correctly, in [0, 1]; two floats. The means of the batches' losses and accuracies are
        right too (they differ only over an uneven last batch).

    Lecture: part B, "Monitoring training" (Epoch 1: Loss = 2.30, Accuracy = 10%).
    """
    # BEGIN SOLUTION
    # HINT: weight each batch's loss by its size (the last batch may be smaller); predictions are outputs.argmax(dim=1).
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            total_loss += loss_fn(outputs, labels).item() * len(labels)
            correct += (outputs.argmax(dim=1) == labels).sum().item()
            count += len(labels)
    return total_loss / count, correct / count
    # END SOLUTION


def fit(model, train_loader, val_loader, epochs, lr, device, patience=None):
    """Train `model` with plain SGD for up to `epochs` epochs, with optional early stopping.

    Moves the model to `device` (model.to(device)), then uses torch.optim.SGD(model.parameters(),
    lr=lr) and nn.CrossEntropyLoss(). Each epoch is `train_one_epoch` on `train_loader` then
    `evaluate` on `val_loader`. With `patience`, training stops once `patience` epochs in a row
    brought no lower validation loss than the best so far (an equal loss is no improvement), and
    the model ends with the weights of its best epoch (a copy taken then, restored with
    model.load_state_dict). Without it, all epochs run and the model keeps its last weights.

    Args:
        model: a torch.nn.Module returning logits.
        train_loader, val_loader: loaders as for `train_one_epoch`.
        epochs: the most epochs to run, an int.
        lr: the learning rate, a float.
        device: a torch.device.
        patience: None, or an int ≥ 1.

    Returns:
        the history, a dict of three lists with one float per epoch run: "train_loss",
        "val_loss" and "val_acc".

    Lecture: part B, "Monitoring training" and "Overfitting" ("When val loss starts going
    up → stop training! (Early stopping)").
    """
    # BEGIN SOLUTION
    # HINT: track the best val loss, a copy.deepcopy(model.state_dict()) taken then, and the epochs since it.
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    best_loss, best_state, epochs_without_improvement = float("inf"), None, 0
    for _ in range(epochs):
        train_loss = train_one_epoch(model, train_loader, optimizer, loss_fn, device)
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
        if patience is None:
            continue
        if val_loss < best_loss:
            best_loss, best_state, epochs_without_improvement = val_loss, copy.deepcopy(model.state_dict()), 0
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement >= patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)  # early stopping: back to the best epoch's weights
    return history
    # END SOLUTION

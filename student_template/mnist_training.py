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
    # TODO: torch.cuda.is_available() says whether a GPU can be used; return a torch.device, not a string.
    raise NotImplementedError("get_device is not implemented yet")


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
    # TODO: a list of nn.Linear(n_in, n_out), one per pair of sizes, nn.ReLU() between; then nn.Sequential(*layers).
    raise NotImplementedError("build_mlp is not implemented yet")


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
    # TODO: accumulate loss.item() * len(labels) and the number of examples; .item() gives a Python float.
    raise NotImplementedError("train_one_epoch is not implemented yet")


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
    # TODO: weight each batch's loss by its size (the last batch may be smaller); predictions are outputs.argmax(dim=1).
    raise NotImplementedError("evaluate is not implemented yet")


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
    # TODO: track the best val loss, a copy.deepcopy(model.state_dict()) taken then, and the epochs since it.
    raise NotImplementedError("fit is not implemented yet")

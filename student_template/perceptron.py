"""The perceptron: a step neuron, logic gates from single neurons, and Rosenblatt's learning rule.

Lecture: From Linear Regression to Deep Networks, section 6 (The perceptron), and
Lecture 5, sections 2-4 (The Perceptron, Logic Gates, The XOR Problem).
A perceptron computes z = w·x + b and fires (outputs 1) when z ≥ 0:
with w = [1, 1] and b = −1.5 it computes AND.
"""

import numpy as np


def step(z):
    """The step activation: 1 where z ≥ 0, else 0.

    Args:
        z: a number or an array of any shape.

    Returns:
        Integers (0 or 1) of the shape of z: an int for a number, an int array for an array.

    Lecture: section 6, "Logic gates" (f(z) = 1 if z ≥ 0, 0 if z < 0).
    """
    # TODO: compare with >= 0 (step(0) is 1), then convert the booleans with .astype(int).
    raise NotImplementedError("step is not implemented yet")


def perceptron_output(x, w, b):
    """The perceptron's output step(w·x + b).

    Args:
        x: one input, shape (n,), or a batch of inputs, shape (m, n).
        w: weights, shape (n,).
        b: the bias, a float.

    Returns:
        An int (0 or 1) for one input, or an int array of shape (m,) for a batch.

    Lecture: section 6, "The perceptron" (z = Σ wᵢxᵢ + b, a = f(z)).
    """
    # TODO: np.dot(x, w) handles both shapes; then add b and apply step.
    raise NotImplementedError("perceptron_output is not implemented yet")


# Each gate is (w, b): the perceptron step(w·x + b) computes the gate on inputs of 0s and 1s.

# TODO: the lecture's AND gate fires only when both inputs are 1.
AND_GATE = None  # TODO: replace None

# TODO: OR differs from AND only in the bias.
OR_GATE = None  # TODO: replace None

# TODO: NAND = NOT(AND): flip the signs of AND's weights and bias.
NAND_GATE = None  # TODO: replace None

# TODO: one input; a negative weight means "this input stops the neuron firing".
NOT_GATE = None  # TODO: replace None


def train_perceptron(X, y, lr=1.0, max_epochs=100):
    """Rosenblatt's perceptron learning rule, from w = 0 and b = 0.

    For each sample in the given order, predict ŷ = step(w·x + b); when ŷ ≠ y,
    update w ← w + lr·(y − ŷ)·x and b ← b + lr·(y − ŷ). An epoch is one pass
    over the samples; training stops after the first epoch without a mistake,
    or after `max_epochs` epochs.

    Args:
        X: inputs, shape (m, n).
        y: labels 0 or 1, shape (m,).
        lr: the learning rate, a float > 0.
        max_epochs: the largest number of epochs, an int.

    Returns:
        (w, b, converged): w of shape (n,), b a float, and converged a bool that is True
        when an epoch made no mistake.

    Lecture: section 5, "Rosenblatt's Perceptron" (the first trainable neural network);
    section 6, "XOR" (a single perceptron cannot learn XOR, so it never converges).
    """
    # TODO: loop over epochs, then over samples; count the mistakes of each epoch.
    raise NotImplementedError("train_perceptron is not implemented yet")

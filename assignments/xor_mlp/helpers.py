"""Helpers shared by the public and hidden tests of xor_mlp: the XOR data, the step network
built from the student's constants, and a separability check."""

import numpy as np

from autograder.testing import check

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)


def constant(student, name, shape):
    value = student.constant(name)
    kind = f"an array of shape {shape}" if shape else "a number"
    check.that(value is not None, f"{name} is still None: set it to {kind} (the network is built from your "
                                  f"XOR_W1, XOR_B1, XOR_W2 and XOR_B2)")
    return check.shape(value, shape, what=name)


def network(student):
    """Your constants as float64 arrays (W1 (2, 2), b1 (2,), w2 (2,), b2 a number)."""
    return (constant(student, "XOR_W1", (2, 2)), constant(student, "XOR_B1", (2,)),
            constant(student, "XOR_W2", (2,)), constant(student, "XOR_B2", ()))


def linearly_separable(H, y, epochs=1000):
    """True when one line w·h + b > 0 holds exactly on the points with y = 1 (the perceptron converges)."""
    A = np.hstack([H, np.ones((len(H), 1))])
    signs = 2 * np.asarray(y) - 1
    w = np.zeros(A.shape[1])
    for _ in range(epochs):
        mistakes = 0
        for a, s in zip(A, signs):
            if s * (a @ w) <= 0:
                w += s * a
                mistakes += 1
        if mistakes == 0:
            return True
    return False

"""XOR with a hidden layer: a hand-built step network, its hidden space, and XOR learned with PyTorch.

Lecture: From Linear Regression to Deep Networks, section 7 (Hidden layers: XOR solved).
One perceptron cannot compute XOR (it is not linearly separable), but two hidden
step neurons can: h1 = f(x1 + x2 − 0.5) fires for OR, h2 = f(x1 + x2 − 1.5) for AND,
and the output ŷ = f(h1 − 2·h2 − 0.5) computes "h1 AND NOT h2", which is XOR.
"""

import numpy as np
import torch
from torch import nn


def step(z):
    """The step activation f(z) = 1 where z ≥ 0, else 0 (integers; scalar or array). Given: use it below."""
    return (np.asarray(z) >= 0).astype(int)


# A 2-2-1 network, as numpy arrays (XOR_B2 a float): row i of XOR_W1 holds the weights of
# hidden neuron i, so the hidden pre-activations of a batch X (m, 2) are X @ XOR_W1.T + XOR_B1.
# TODO: the lecture's network uses w11 = w12 = 1, b1 = −0.5 (OR), w21 = w22 = 1, b2 = −1.5 (AND),
# TODO: and output weights v1 = 1, v2 = −2 with bias −0.5. Any weights that compute XOR are accepted.
XOR_W1 = None  # TODO: replace None
XOR_B1 = None  # TODO: replace None
XOR_W2 = None  # TODO: replace None
XOR_B2 = None  # TODO: replace None


def xor_forward(X):
    """The outputs of the step network XOR_W1, XOR_B1, XOR_W2, XOR_B2.

    h = f(X W1ᵀ + b1), ŷ = f(h · w2 + b2), with f the step function.

    Args:
        X: inputs, shape (m, 2).

    Returns:
        ŷ, integers 0 or 1, shape (m,).

    Lecture: section 7, "XOR solved" (outputs 0, 1, 1, 0 on (0,0), (0,1), (1,0), (1,1)).
    """
    # TODO: two layers: step(X @ XOR_W1.T + XOR_B1), then step(h @ XOR_W2 + XOR_B2).
    raise NotImplementedError("xor_forward is not implemented yet")


def hidden_representation(X):
    """The hidden layer's step activations h = f(X W1ᵀ + b1) of the network above.

    Args:
        X: inputs, shape (m, 2).

    Returns:
        h, values 0 or 1, shape (m, 2): column i is hidden neuron i.

    Lecture: section 7, "XOR solved": (0,0) → (0,0), (0,1) and (1,0) → (1,0), (1,1) → (1,1);
    in this hidden space one straight line separates XOR's 1s from its 0s.
    """
    # TODO: the first layer only; apply the step function, not just the weighted sum.
    raise NotImplementedError("hidden_representation is not implemented yet")


def train_xor(seed=0):
    """A small MLP trained with PyTorch on the four XOR points.

    Call `torch.manual_seed(seed)` first, so the result is repeatable; it must learn XOR
    for every seed, on a CPU, in well under a second or two.

    Args:
        seed: the seed of torch's random number generator (the initial weights).

    Returns:
        a `torch.nn.Module`: called on a float32 tensor (m, 2) it returns the probabilities
        of class 1, shape (m, 1), above 0.5 exactly where XOR is 1.

    Lecture: section 8, "Deep networks: the training recipe" (define layers, initialize,
    forward, loss, backward, update, repeat); Lecture 5, "the training loop".
    """
    # TODO: nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid()) with nn.BCELoss();
    # TODO: full-batch torch.optim.Adam(lr=0.05) for about 500 steps: zero_grad, loss.backward(), step.
    raise NotImplementedError("train_xor is not implemented yet")

"""Backpropagation: the chain rule by hand, gradient checking, a two-layer network's backward pass, autograd.

Lectures: From Linear Regression to Deep Networks, section 7 (Hidden layers:
backpropagation by hand), and Lecture 5: Building and Training Networks, part 5B
(how do we compute gradients; autograd).
Running example: the 1-1-1 network with sigmoid at both layers, x = 1, y = 1,
w1 = 0.5, b1 = 0.2, w2 = 0.8, b2 = 0.1 and learning rate α = 0.5.
The lecture rounds h to 0.668 before going on, so some of its printed values are
slightly off (z2, ŷ, L, ∂L/∂w2, ∂L/∂w1); ERRATA.md lists the correct ones.
"""

import numpy as np
import torch


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), elementwise (given: you wrote it in assignment 3)."""
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    """Softmax along the last axis, shifted by the maximum for stability (given: assignment 8)."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def forward_backward_1_1_1(x, y, w1, b1, w2, b2):
    """One forward and backward pass through the 1-1-1 network of the lecture.

    Forward:  z1 = w1·x + b1,  h = σ(z1),  z2 = w2·h + b2,  ŷ = σ(z2),  L = ½(ŷ − y)².
    Backward (chain rule): ∂L/∂z2 = (ŷ − y)·ŷ(1 − ŷ), ∂L/∂w2 = ∂L/∂z2·h, ∂L/∂b2 = ∂L/∂z2,
    ∂L/∂z1 = ∂L/∂z2·w2·h(1 − h), ∂L/∂w1 = ∂L/∂z1·x, ∂L/∂b1 = ∂L/∂z1.

    Args:
        x: the input, a float.
        y: the target, a float.
        w1, b1: weight and bias of the hidden neuron, floats.
        w2, b2: weight and bias of the output neuron, floats.

    Returns:
        A dict of floats with keys "z1", "h", "z2", "y_hat", "loss" (the forward pass)
        and "dw1", "db1", "dw2", "db2" (the gradients of the loss).

    Lecture: From Linear Regression to Deep Networks, section 7, the backpropagation
    example (x = 1, y = 1: h = 0.668, L = 0.0600, ∂L/∂w2 = −0.0524, ∂L/∂w1 = −0.01392).
    """
    # BEGIN SOLUTION
    # HINT: forward first (z1, h, z2, ŷ, L); then ∂L/∂z2 = (ŷ − y)·ŷ(1 − ŷ), and every other gradient
    # HINT: is ∂L/∂z2 times more chain-rule factors. Remember σ'(z1) = h(1 − h) at the hidden layer.
    z1 = w1 * x + b1
    h = sigmoid(z1)
    z2 = w2 * h + b2
    y_hat = sigmoid(z2)
    loss = 0.5 * (y_hat - y) ** 2
    dz2 = (y_hat - y) * y_hat * (1 - y_hat)  # ∂L/∂ŷ · ∂ŷ/∂z2
    dz1 = dz2 * w2 * h * (1 - h)  # · ∂z2/∂h · ∂h/∂z1
    values = {"z1": z1, "h": h, "z2": z2, "y_hat": y_hat, "loss": loss,
              "dw1": dz1 * x, "db1": dz1, "dw2": dz2 * h, "db2": dz2}
    return {name: float(value) for name, value in values.items()}
    # END SOLUTION


def sgd_update(params, grads, lr):
    """One gradient descent step θ ← θ − α·∂L/∂θ, for every parameter.

    Args:
        params: a dict of parameters (floats or numpy arrays), e.g. {"w1": 0.5, "b1": 0.2}.
        grads: a dict with the gradient of the loss for (at least) every key of `params`,
            each the same shape as its parameter; other keys are ignored.
        lr: the learning rate α, a float.

    Returns:
        A new dict with the same keys as `params`: params[k] − lr·grads[k].
        `params` and `grads` (and the arrays in them) are left unchanged.

    Lecture: From Linear Regression to Deep Networks, section 7, the update after the
    backward pass (w2' = 0.8 − 0.5·(−0.0524) = 0.826).
    """
    # BEGIN SOLUTION
    # HINT: build a new dict; `params[k] - lr * grads[k]` makes a new value,
    # HINT: while `params[k] -= ...` would write into the caller's array.
    return {k: params[k] - lr * grads[k] for k in params}
    # END SOLUTION


def numerical_gradient(f, theta, eps=1e-5):
    """The gradient of a scalar function by central differences.

    ∂f/∂θᵢ ≈ (f(θ + ε·eᵢ) − f(θ − ε·eᵢ)) / (2ε), one entry θᵢ at a time.

    Args:
        f: a function taking an array shaped like `theta` and returning a float.
        theta: the point, a numpy array of any shape.
        eps: the step ε, a float.

    Returns:
        The gradient, a numpy array of the same shape as `theta`.
        `theta` is unchanged afterwards.

    Lecture: Lecture 5, part 5B, "Naive approach: change each weight by a tiny bit"
    (two evaluations of f per parameter: far too slow for training, perfect for checking).
    """
    # BEGIN SOLUTION
    # HINT: work on a float copy of theta; loop over np.ndindex(theta.shape), and put each entry back after use.
    theta = np.array(theta, dtype=float)  # a copy, so the caller's theta stays unchanged
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        old = theta[i]
        theta[i] = old + eps
        f_plus = f(theta)
        theta[i] = old - eps
        f_minus = f(theta)
        theta[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
    # END SOLUTION


def relative_error(a, b):
    """The largest relative difference between two arrays, as used in gradient checks.

    max over entries of |a − b| / max(|a| + |b|, 1e-8); the floor 1e-8 keeps entries
    where both are zero from dividing by zero.

    Args:
        a, b: floats or numpy arrays of the same shape.

    Returns:
        The relative error, a float (0 when a and b are equal).

    Lecture: Lecture 5, part 5B, "How do we compute gradients?" (a numerical gradient
    checks the backpropagated one).
    """
    # BEGIN SOLUTION
    # HINT: np.maximum(np.abs(a) + np.abs(b), 1e-8) is the elementwise denominator; then take the max.
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
    # END SOLUTION


def two_layer_backward(X, y, W1, b1, W2, b2):
    """Loss and gradients of a two-layer classifier: ReLU hidden layer, softmax output.

    Forward:  z1 = X W1ᵀ + b1,  h = ReLU(z1),  z2 = h W2ᵀ + b2,  p = softmax(z2),
              L = −(1/N) Σₙ log p[n, yₙ].
    Backward: ∂L/∂z2 = (p − onehot(y)) / N,  ∂L/∂W2 = (∂L/∂z2)ᵀ h,  ∂L/∂b2 = Σₙ ∂L/∂z2,
              ∂L/∂h = (∂L/∂z2) W2,  ∂L/∂z1 = ∂L/∂h · 1[z1 > 0],  ∂L/∂W1 = (∂L/∂z1)ᵀ X,  ∂L/∂b1 = Σₙ ∂L/∂z1.

    Args:
        X: inputs, shape (N, D).
        y: class labels, integers in [0, C), shape (N,).
        W1: hidden weights, shape (H, D) (row = hidden neuron); b1: hidden biases, shape (H,).
        W2: output weights, shape (C, H); b2: output biases, shape (C,).

    Returns:
        A dict with "loss" (a float, the mean cross-entropy) and "dW1", "db1", "dW2", "db2",
        each the shape of its parameter.

    Lecture: Lecture 5, part 5B, the chain x → [W1] → z1 → [ReLU] → h → [W2] → z2 → ŷ → L,
    worked backward one factor at a time.
    """
    # BEGIN SOLUTION
    # HINT: for softmax with cross-entropy, ∂L/∂z2 = (p − onehot(y)) / N; don't forget the 1/N of the mean.
    # HINT: the ReLU passes gradient only where z1 > 0.
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=int)
    N = X.shape[0]
    rows = np.arange(N)
    # forward
    z1 = X @ W1.T + b1  # (N, H)
    h = np.maximum(z1, 0.0)
    z2 = h @ W2.T + b2  # (N, C)
    p = softmax(z2)
    loss = -np.mean(np.log(p[rows, y]))
    # backward
    dz2 = p.copy()
    dz2[rows, y] -= 1.0
    dz2 /= N
    dh = dz2 @ W2  # (N, H)
    dz1 = dh * (z1 > 0)
    return {"loss": float(loss), "dW1": dz1.T @ X, "db1": dz1.sum(axis=0),
            "dW2": dz2.T @ h, "db2": dz2.sum(axis=0)}
    # END SOLUTION


def autograd_derivative(f, x):
    """df/dx at the point x, computed by PyTorch's autograd.

    Args:
        f: a function mapping a scalar torch tensor to a scalar torch tensor (e.g. x**2 + 3*x).
        x: the point, a float.

    Returns:
        The derivative, a float (not a tensor).

    Lecture: Lecture 5, part 5B, automatic differentiation (y = x² + 3x at x = 2:
    y.backward() gives x.grad = 7).
    """
    # BEGIN SOLUTION
    # HINT: make x a tensor with requires_grad=True, call backward() on f(x), then read x.grad (.item() gives a float).
    x = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
    f(x).backward()
    return x.grad.item()
    # END SOLUTION

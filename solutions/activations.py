"""Activation functions, their derivatives, and why stacked linear layers collapse.

Lecture 5: Building and Training Networks, section 6 (Activation functions: why
non-linearity matters). Each activation is applied elementwise to the pre-activation z;
each derivative is taken with respect to z, as backpropagation needs it. Without an
activation between them, any number of linear layers is one linear layer.
"""

import numpy as np


def relu(z):
    """ReLU(z) = max(0, z), elementwise.

    Args:
        z: a float or an array of any shape.

    Returns:
        ReLU(z), same shape as z.

    Lecture: section 6, "ReLU" (−5.0 → 0, −0.1 → 0, 0.1 → 0.1).
    """
    # BEGIN SOLUTION
    # HINT: np.maximum works elementwise on arrays; Python's max does not.
    return np.maximum(0.0, z)
    # END SOLUTION


def relu_grad(z):
    """ReLU'(z): 1 where z > 0, else 0 (so relu_grad(0) == 0, as in PyTorch).

    Args:
        z: a float or an array of any shape.

    Returns:
        the derivative, floats 0.0 or 1.0, same shape as z.

    Lecture: section 6, "ReLU" (gradient 0 for −5.0 and −0.1, 1 for 0.1).
    """
    # BEGIN SOLUTION
    # HINT: a comparison gives booleans; turn them into floats. Mind z == 0.
    return np.where(np.asarray(z) > 0, 1.0, 0.0)
    # END SOLUTION


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), elementwise, without overflow for large |z|.

    Args:
        z: a float or an array of any shape.

    Returns:
        σ(z) in [0, 1], same shape as z; 0.0 and 1.0 (within 1e-12) at z = ∓10⁴.

    Lecture: section 6, the activation table (sigmoid: range (0, 1), output layer).
    """
    # BEGIN SOLUTION
    # HINT: e^(−z) overflows for very negative z; with e = exp(−|z|), σ is 1/(1 + e) for z ≥ 0
    # HINT: and e/(1 + e) for z < 0.
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    # END SOLUTION


def sigmoid_grad(z):
    """σ'(z) = σ(z)(1 − σ(z)), elementwise.

    Args:
        z: a float or an array of any shape.

    Returns:
        the derivative, same shape as z (0.25 at z = 0).

    Lecture: section 6; the backpropagation example of "From Linear Regression to Deep
    Networks" uses σ'(0.7) = h(1 − h) ≈ 0.2217.
    """
    # BEGIN SOLUTION
    # HINT: reuse sigmoid: s = sigmoid(z), then s * (1 - s).
    s = sigmoid(z)
    return s * (1 - s)
    # END SOLUTION


def tanh(z):
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)), elementwise.

    Args:
        z: a float or an array of any shape.

    Returns:
        tanh(z) in [−1, 1], same shape as z.

    Lecture: section 6, the activation table (tanh: range (−1, 1), hidden layers).
    """
    # BEGIN SOLUTION
    # HINT: np.tanh is stable for large |z|; the formula with exponentials overflows.
    return np.tanh(z)
    # END SOLUTION


def tanh_grad(z):
    """tanh'(z) = 1 − tanh(z)², elementwise.

    Args:
        z: a float or an array of any shape.

    Returns:
        the derivative, same shape as z (1 at z = 0).

    Lecture: section 6, the activation table.
    """
    # BEGIN SOLUTION
    # HINT: reuse tanh; the derivative squares it.
    return 1 - tanh(z) ** 2
    # END SOLUTION


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z where z > 0, else alpha·z, elementwise.

    Args:
        z: a float or an array of any shape.
        alpha: the slope for negative z, a small positive float.

    Returns:
        the activation, same shape as z.

    Lecture: section 6, "ReLU" (the leaky variant keeps a small slope where ReLU is flat).
    """
    # BEGIN SOLUTION
    # HINT: np.where(condition, value_if_true, value_if_false); use the alpha you are given.
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)
    # END SOLUTION


def leaky_relu_grad(z, alpha=0.01):
    """Leaky ReLU's derivative: 1 where z > 0, else alpha (alpha at z = 0, as in PyTorch).

    Args:
        z: a float or an array of any shape.
        alpha: the slope for negative z.

    Returns:
        the derivative, same shape as z.

    Lecture: section 6, "ReLU".
    """
    # BEGIN SOLUTION
    # HINT: like relu_grad, but alpha instead of 0 where z <= 0.
    return np.where(np.asarray(z) > 0, 1.0, float(alpha))
    # END SOLUTION


def collapse_linear(weights, biases):
    """The single linear layer equal to applying z → W_i z + b_i for each pair, in order.

    Two layers give W = W2 W1 and b = W2 b1 + b2; more layers repeat the substitution.

    Args:
        weights: a list of matrices W_i, shape (out_i, in_i), with in_(i+1) == out_i.
        biases: a list of vectors b_i, shape (out_i,).

    Returns:
        (W, b): W of shape (out_last, in_first) and b of shape (out_last,), so that
        W x + b equals the stacked layers' output for every x.

    Lecture: section 6, "What happens if we stack linear neurons?" (Layer 1, Layer 2,
    substitute: still one linear function).
    """
    # BEGIN SOLUTION
    # HINT: start from the first layer; each next layer maps W → W_i W and b → W_i b + b_i.
    W = np.asarray(weights[0], dtype=float)
    b = np.asarray(biases[0], dtype=float)
    for W_i, b_i in zip(weights[1:], biases[1:]):
        W = np.asarray(W_i, dtype=float) @ W
        b = np.asarray(W_i, dtype=float) @ b + b_i
    return W, b
    # END SOLUTION

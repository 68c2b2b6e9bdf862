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
    # TODO: np.maximum works elementwise on arrays; Python's max does not.
    raise NotImplementedError("relu is not implemented yet")


def relu_grad(z):
    """ReLU'(z): 1 where z > 0, else 0 (so relu_grad(0) == 0, as in PyTorch).

    Args:
        z: a float or an array of any shape.

    Returns:
        the derivative, floats 0.0 or 1.0, same shape as z.

    Lecture: section 6, "ReLU" (gradient 0 for −5.0 and −0.1, 1 for 0.1).
    """
    # TODO: a comparison gives booleans; turn them into floats. Mind z == 0.
    raise NotImplementedError("relu_grad is not implemented yet")


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), elementwise, without overflow for large |z|.

    Args:
        z: a float or an array of any shape.

    Returns:
        σ(z) in [0, 1], same shape as z; 0.0 and 1.0 (within 1e-12) at z = ∓10⁴.

    Lecture: section 6, the activation table (sigmoid: range (0, 1), output layer).
    """
    # TODO: e^(−z) overflows for very negative z; with e = exp(−|z|), σ is 1/(1 + e) for z ≥ 0
    # TODO: and e/(1 + e) for z < 0.
    raise NotImplementedError("sigmoid is not implemented yet")


def sigmoid_grad(z):
    """σ'(z) = σ(z)(1 − σ(z)), elementwise.

    Args:
        z: a float or an array of any shape.

    Returns:
        the derivative, same shape as z (0.25 at z = 0).

    Lecture: section 6; the backpropagation example of "From Linear Regression to Deep
    Networks" uses σ'(0.7) = h(1 − h) ≈ 0.2217.
    """
    # TODO: reuse sigmoid: s = sigmoid(z), then s * (1 - s).
    raise NotImplementedError("sigmoid_grad is not implemented yet")


def tanh(z):
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)), elementwise.

    Args:
        z: a float or an array of any shape.

    Returns:
        tanh(z) in [−1, 1], same shape as z.

    Lecture: section 6, the activation table (tanh: range (−1, 1), hidden layers).
    """
    # TODO: np.tanh is stable for large |z|; the formula with exponentials overflows.
    raise NotImplementedError("tanh is not implemented yet")


def tanh_grad(z):
    """tanh'(z) = 1 − tanh(z)², elementwise.

    Args:
        z: a float or an array of any shape.

    Returns:
        the derivative, same shape as z (1 at z = 0).

    Lecture: section 6, the activation table.
    """
    # TODO: reuse tanh; the derivative squares it.
    raise NotImplementedError("tanh_grad is not implemented yet")


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z where z > 0, else alpha·z, elementwise.

    Args:
        z: a float or an array of any shape.
        alpha: the slope for negative z, a small positive float.

    Returns:
        the activation, same shape as z.

    Lecture: section 6, "ReLU" (the leaky variant keeps a small slope where ReLU is flat).
    """
    # TODO: np.where(condition, value_if_true, value_if_false); use the alpha you are given.
    raise NotImplementedError("leaky_relu is not implemented yet")


def leaky_relu_grad(z, alpha=0.01):
    """Leaky ReLU's derivative: 1 where z > 0, else alpha (alpha at z = 0, as in PyTorch).

    Args:
        z: a float or an array of any shape.
        alpha: the slope for negative z.

    Returns:
        the derivative, same shape as z.

    Lecture: section 6, "ReLU".
    """
    # TODO: like relu_grad, but alpha instead of 0 where z <= 0.
    raise NotImplementedError("leaky_relu_grad is not implemented yet")


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
    # TODO: start from the first layer; each next layer maps W → W_i W and b → W_i b + b_i.
    raise NotImplementedError("collapse_linear is not implemented yet")

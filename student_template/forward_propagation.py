"""Forward propagation: dense layers, the MLP forward pass, softmax and cross-entropy.

Lecture 5: Building and Training Networks, sections 7 (Forward Propagation) and
8 (Softmax), and Lecture 5B's cross-entropy loss. The worked 2-2-1 forward pass
(x = [0.5, 0.8], ŷ = σ(0.878) ≈ 0.706) is in From Linear Regression to Deep
Networks, section 8.

Weights follow torch.nn.Linear: W has shape (outputs, inputs), so row j holds
the weights into neuron j.
"""

import numpy as np


def dense_forward(x, W, b):
    """A dense (fully connected) layer: z = W x + b.

    For a batch, each row of `x` is one input, so z = x Wᵀ + b (row i is W xᵢ + b).

    Args:
        x: one input, shape (n,), or a batch of m inputs, shape (m, n).
        W: weights, shape (k, n); row j holds the weights into neuron j.
        b: biases, shape (k,).

    Returns:
        z, shape (k,) for one input or (m, k) for a batch.

    Lecture: section 7, "Forward Propagation" (z¹ = W¹x + b¹ = [0.52, 0.74] in the worked example).
    """
    # TODO: for one input z = W @ x + b; for a batch use x @ W.T + b (which also works for one input).
    raise NotImplementedError("dense_forward is not implemented yet")


def mlp_forward(x, weights, biases, activations):
    """The forward pass of a multilayer perceptron: multiply, add, activate, repeat.

    Starting from a⁰ = x, each layer l computes zˡ = Wˡ aˡ⁻¹ + bˡ and aˡ = fˡ(zˡ).

    Args:
        x: one input, shape (n,), or a batch, shape (m, n).
        weights: a list of arrays, Wˡ of shape (nˡ, nˡ⁻¹).
        biases: a list of arrays, bˡ of shape (nˡ,).
        activations: one name per layer: "identity", "relu", "sigmoid", "tanh" or "softmax".

    Returns:
        The last layer's activations, shape (k,) for one input or (m, k) for a batch.

    Raises:
        ValueError: for an unknown activation name, or lists of different lengths.

    Lecture: section 7, "Forward Propagation" (2 inputs → 2 hidden (ReLU) → 1 output (sigmoid)).
    """
    # TODO: check every name first; then loop over zip(weights, biases, activations), reusing dense_forward and softmax.
    raise NotImplementedError("mlp_forward is not implemented yet")


def softmax(z):
    """Softmax along the last axis: pᵢ = exp(zᵢ − max z) / Σⱼ exp(zⱼ − max z).

    Subtracting the maximum does not change the result but keeps exp from overflowing,
    so softmax([1000, 1000]) is [0.5, 0.5].

    Args:
        z: scores, shape (k,), or a batch of scores, shape (m, k).

    Returns:
        Probabilities of the same shape; each row sums to 1.

    Lecture: section 8, "Softmax" (scores [2.0, 1.0, 0.1] → [0.659, 0.242, 0.099]).
    """
    # TODO: subtract z.max(axis=-1, keepdims=True) before np.exp; normalise along axis=-1 too.
    raise NotImplementedError("softmax is not implemented yet")


def cross_entropy(probs, labels):
    """Mean cross-entropy: the average of −log p[label] over the samples.

    Args:
        probs: probabilities of one sample, shape (k,), or of a batch, shape (m, k).
        labels: the true class, an int, for one sample; shape (m,) of ints for a batch.

    Returns:
        The loss, a float.

    Lecture: 5B, "Cross-entropy" (−ln 0.99 ≈ 0.01, −ln 0.5 ≈ 0.69, −ln 0.01 ≈ 4.6).
    """
    # TODO: pick p[i, labels[i]] for every row i with fancy indexing, then average −log of those.
    raise NotImplementedError("cross_entropy is not implemented yet")

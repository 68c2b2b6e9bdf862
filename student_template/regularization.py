"""Regularization: L1, L2 and elastic-net penalties, their gradients, and dropout.

Lecture: From Linear Regression to Deep Networks, section 4 (Regularization).
A penalty λ·R(w) is added to the cost to discourage large weights:
J_reg = J + λ·R(w). Only the feature weights w are penalized, never the bias:
with the lecture's house-price model (w0 = 50, w1 = 0.1) and λ = 0.01,
J_reg = 0 + 0.01 × 0.1² = 0.0001.
"""

import numpy as np


def l1_penalty(w, lam):
    """The L1 (lasso) penalty λ Σ|wᵢ|.

    Args:
        w: feature weights, shape (n,) (the bias is not included).
        lam: the regularization strength λ ≥ 0, a float.

    Returns:
        The penalty, a float.

    Lecture: section 4, "L1 regularization" (J_L1 = J + λ Σ|wᵢ|).
    """
    # TODO: np.abs, then np.sum; return a Python float.
    raise NotImplementedError("l1_penalty is not implemented yet")


def l2_penalty(w, lam):
    """The L2 (ridge) penalty λ Σwᵢ².

    Args:
        w: feature weights, shape (n,) (the bias is not included).
        lam: the regularization strength λ ≥ 0, a float.

    Returns:
        The penalty, a float.

    Lecture: section 4, "L2 regularization" (J_L2 = J + λ Σwᵢ²; 0.01 × 0.1² = 0.0001).
    """
    # TODO: square the weights and sum them; no ½ here.
    raise NotImplementedError("l2_penalty is not implemented yet")


def elastic_net_penalty(w, lam1, lam2):
    """The elastic-net penalty λ1 Σ|wᵢ| + λ2 Σwᵢ².

    Args:
        w: feature weights, shape (n,) (the bias is not included).
        lam1: strength of the L1 part, a float.
        lam2: strength of the L2 part, a float.

    Returns:
        The penalty, a float.

    Lecture: section 4, "Elastic net" (J_EN = J + λ1 Σ|wᵢ| + λ2 Σwᵢ²).
    """
    # TODO: λ1 goes with the absolute values, λ2 with the squares.
    raise NotImplementedError("elastic_net_penalty is not implemented yet")


def regularized_cost(cost, w, lam, kind="l2"):
    """The regularized cost J_reg = J + λ·R(w), with R(w) = Σ|wᵢ| ("l1") or Σwᵢ² ("l2").

    Args:
        cost: the unregularized cost J, a float.
        w: feature weights, shape (n,) (the bias is not included: it is never penalized).
        lam: the regularization strength λ, a float.
        kind: "l1" or "l2".

    Returns:
        J_reg, a float.

    Raises:
        ValueError: when `kind` is neither "l1" nor "l2".

    Lecture: section 4, "Worked example" (J = 0, w1 = 0.1, λ = 0.01 gives J_reg = 0.0001).
    """
    # TODO: pick R(w) by `kind`; anything else is an error.
    raise NotImplementedError("regularized_cost is not implemented yet")


def l2_gradient(grad_w, w, lam):
    """The gradient of the L2-regularized cost: ∂J/∂w + 2λw.

    Args:
        grad_w: the unregularized gradient ∂J/∂w, shape (n,).
        w: feature weights, shape (n,).
        lam: the regularization strength λ, a float.

    Returns:
        The regularized gradient, shape (n,).

    Lecture: section 4, "Worked example" (∂J_reg/∂wⱼ = ∂J/∂wⱼ + 2λwⱼ).
    """
    # TODO: the derivative of λw² is 2λw.
    raise NotImplementedError("l2_gradient is not implemented yet")


def l1_subgradient(grad_w, w, lam):
    """A subgradient of the L1-regularized cost: ∂J/∂w + λ·sign(w), with sign(0) = 0.

    Args:
        grad_w: the unregularized gradient ∂J/∂w, shape (n,).
        w: feature weights, shape (n,).
        lam: the regularization strength λ, a float.

    Returns:
        The regularized (sub)gradient, shape (n,).

    Lecture: section 4, "L1 regularization" (|w| has slope ±1, and 0 is a valid choice at w = 0).
    """
    # TODO: np.sign gives -1, 0 or +1.
    raise NotImplementedError("l1_subgradient is not implemented yet")


def dropout(a, p, rng, training=True):
    """Inverted dropout: drop each activation with probability p and scale the kept ones by 1/(1 − p).

    out = a · mask, where each mask entry is 0 (dropped) with probability p and
    1/(1 − p) otherwise, so the expected value of `out` equals `a`.

    Args:
        a: activations, any shape, e.g. (n,) or (m, n).
        p: the probability of dropping an activation, 0 ≤ p < 1.
        rng: a `numpy.random.Generator`, the only source of randomness.
        training: when False (evaluation), nothing is dropped.

    Returns:
        (out, mask), two arrays of the shape of `a`. With `training=False`, `out` is `a`
        and `mask` is all ones.

    Raises:
        ValueError: when p is outside [0, 1).

    Lecture: section 4, "Dropout" (randomly turn off neurons during training, e.g. with a 50% chance).
    """
    # TODO: rng.random(a.shape) >= p keeps an entry with probability 1 − p.
    raise NotImplementedError("dropout is not implemented yet")

"""Logistic regression: the sigmoid, probabilities, predictions, the BCE loss and its gradient.

Lecture: From Linear Regression to Deep Networks, section 3 (Logistic regression).
Running example: pass/fail against hours studied, modelled by ŷ = σ(1.5x − 5).
"""

import numpy as np


def sigmoid(z):
    """The logistic function σ(z) = 1 / (1 + e^(−z)), computed without overflow.

    For z ≥ 0 use 1 / (1 + e^(−z)); for z < 0 the same value as e^z / (1 + e^z).
    Either way the exponent is −|z| ≤ 0, so e^(−|z|) never overflows.

    Args:
        z: a number, or an array of any shape.

    Returns:
        σ(z): a float for a number, else an array of z's shape. σ(−1e4) is 0.0 and
        σ(1e4) is 1.0 (within 1e-12), with no overflow warning.

    Lecture: section 3, "The sigmoid function" (σ(−3) = 0.047, σ(0) = 0.5, σ(3) = 0.953).
    """
    # BEGIN SOLUTION
    # HINT: np.exp(-z) overflows for z = -1000; compute e = np.exp(-np.abs(z)) and pick the numerator with np.where.
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return p if p.ndim else float(p)
    # END SOLUTION


def predict_proba(X, w, b):
    """Probabilities of class 1, P(y = 1 | x) = σ(Xw + b).

    Args:
        X: inputs, shape (m,) with a scalar `w`, or shape (m, n) with `w` of shape (n,).
        w: a float, or weights of shape (n,).
        b: the bias, a float.

    Returns:
        ŷ, shape (m,), each in [0, 1].

    Lecture: section 3, "Study hours" (σ(1.5·4 − 5) = σ(1) = 0.731).
    """
    # BEGIN SOLUTION
    # HINT: the linear score np.dot(X, w) + b, then your sigmoid.
    return sigmoid(np.dot(np.asarray(X, dtype=float), w) + b)
    # END SOLUTION


def predict(X, w, b, threshold=0.5):
    """Class labels: 1 where σ(Xw + b) ≥ threshold, else 0.

    Args:
        X: inputs, shape (m,) with a scalar `w`, or shape (m, n) with `w` of shape (n,).
        w: a float, or weights of shape (n,).
        b: the bias, a float.
        threshold: the probability from which the label is 1 (0.5 by default).

    Returns:
        Integer labels, shape (m,).

    Lecture: section 3, "Study hours" (Fail, Fail, Fail, Pass, Pass, Pass, Pass for 1–7 hours).
    """
    # BEGIN SOLUTION
    # HINT: compare the probabilities with >= threshold, then .astype(int).
    return (sigmoid(np.dot(np.asarray(X, dtype=float), w) + b) >= threshold).astype(int)
    # END SOLUTION


def binary_cross_entropy(y_hat, y, eps=1e-12):
    """Mean binary cross-entropy J = −1/m Σ [yᵢ log ŷᵢ + (1 − yᵢ) log(1 − ŷᵢ)].

    ŷ is first clipped to [eps, 1 − eps] so that a probability of exactly 0 or 1
    gives a large but finite loss instead of log(0).

    Args:
        y_hat: predicted probabilities, shape (m,).
        y: labels 0 or 1, shape (m,).
        eps: the clipping margin, a small float.

    Returns:
        J, a float.

    Lecture: section 3, "Binary cross-entropy".
    """
    # BEGIN SOLUTION
    # HINT: np.clip(y_hat, eps, 1 - eps) first; np.log is the natural logarithm.
    p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
    y = np.asarray(y, dtype=float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    # END SOLUTION


def logistic_gradients(X, y, w, b):
    """Gradient of the mean BCE of ŷ = σ(Xw + b).

    ∂J/∂w = 1/m Xᵀ(ŷ − y),   ∂J/∂b = 1/m Σ (ŷᵢ − yᵢ): the linear-regression gradient with ŷ from the sigmoid.

    Args:
        X: inputs, shape (m, n).
        y: labels 0 or 1, shape (m,).
        w: weights, shape (n,).
        b: the bias, a float.

    Returns:
        (dw, db): dw of shape (n,) and db a float.

    Lecture: section 3, "The gradient of the BCE".
    """
    # BEGIN SOLUTION
    # HINT: error = ŷ − y; then X.T @ error / m and the mean of the error.
    X = np.asarray(X, dtype=float)
    error = sigmoid(X @ w + b) - np.asarray(y, dtype=float)
    return X.T @ error / len(error), float(np.mean(error))
    # END SOLUTION


def fit_logistic(X, y, lr, n_iters):
    """Batch gradient descent on the mean BCE, from w = 0, b = 0.

    Args:
        X: inputs, shape (m, n).
        y: labels 0 or 1, shape (m,).
        lr: the learning rate α, a float.
        n_iters: the number of updates, an int ≥ 0.

    Returns:
        (w, b): w of shape (n,) and b a float, after `n_iters` updates.

    Lecture: section 3, "The gradient of the BCE", with the update rule of section 2.
    """
    # BEGIN SOLUTION
    # HINT: start from np.zeros(n) and 0.0; each step subtracts lr times the gradient (see logistic_gradients).
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(n_iters):
        error = sigmoid(X @ w + b) - y
        w, b = w - lr * X.T @ error / len(y), b - lr * np.mean(error)
    return w, float(b)
    # END SOLUTION

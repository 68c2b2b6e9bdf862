"""Linear regression: predictions, the closed-form fit, residuals and the MSE cost.

Lecture: From Linear Regression to Deep Networks, section 1 (Linear regression).
Running example: house prices (in $1000s) against area (sq ft), fitted by
ŷ = 50 + 0.1·x.
"""

import numpy as np


def predict(X, w, b):
    """Predictions ŷ = Xw + b.

    Args:
        X: inputs, shape (m,) with a scalar `w`, or shape (m, n) with `w` of shape (n,).
        w: a float, or weights of shape (n,).
        b: the bias (intercept), a float.

    Returns:
        ŷ, shape (m,).

    Lecture: section 1, "Making predictions" (ŷ = 50 + 0.1x gives $170K at 1,200 sq ft).
    """
    return np.dot(np.asarray(X, dtype=float), w) + b


def fit_closed_form(x, y):
    """Intercept and slope of simple least squares, by the covariance formula.

    w1 = Σ(xᵢ − x̄)(yᵢ − ȳ) / Σ(xᵢ − x̄)²,  w0 = ȳ − w1·x̄.

    Args:
        x: inputs, shape (m,).
        y: targets, shape (m,).

    Returns:
        (w0, w1), two floats.

    Raises:
        ValueError: when all x are equal (the slope is undefined).

    Lecture: section 1, "The closed-form solution" (w1 = 0.1, w0 = 50 on the house data).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    dx = x - x.mean()
    denominator = np.sum(dx**2)
    if denominator == 0:
        raise ValueError("all x values are equal, so the slope is undefined")
    w1 = np.sum(dx * (y - y.mean())) / denominator
    w0 = y.mean() - w1 * x.mean()
    return float(w0), float(w1)


def residuals(y_hat, y):
    """Residuals eᵢ = ŷᵢ − yᵢ (prediction minus target).

    Args:
        y_hat: predictions, shape (m,).
        y: targets, shape (m,).

    Returns:
        e, shape (m,).

    Lecture: section 1, "Residuals".
    """
    return np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)


def mse_cost(y_hat, y):
    """The cost J = 1/(2m) Σ (ŷᵢ − yᵢ)².

    Args:
        y_hat: predictions, shape (m,).
        y: targets, shape (m,).

    Returns:
        J, a float.

    Lecture: section 1, "The cost function" (J = 0 for the perfect fit).
    """
    e = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return float(np.mean(e**2))  # forgot the 1/2

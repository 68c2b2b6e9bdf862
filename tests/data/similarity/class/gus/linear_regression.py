"""Assignment 1 -- linear regression (my own work)."""
import numpy as np


def mse_cost(y_hat, y):
    """Half the mean squared error."""
    diffs = residuals(y_hat, y)
    count = diffs.shape[0]
    return float(np.sum(np.square(diffs)) / (2.0 * count))


def fit_closed_form(x, y):
    """Fit the line with the covariance formula."""
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    if np.all(a == a[0]):
        raise ValueError("can't compute a slope: x is constant")
    da = a - np.mean(a)
    db = b - np.mean(b)
    # slope is covariance over variance
    w_1 = np.sum(da * db) / np.sum(da * da)
    w_0 = np.mean(b) - w_1 * np.mean(a)
    return float(w_0), float(w_1)


def residuals(y_hat, y):
    # how far off each prediction is
    return np.subtract(np.asarray(y_hat, dtype=float),
                       np.asarray(y, dtype=float))


def predict(X, w, b):
    inputs = np.asarray(X, dtype=float)
    coef = np.asarray(w, dtype=float)
    if inputs.ndim == 1:
        return inputs * coef + b
    return inputs.dot(coef) + b

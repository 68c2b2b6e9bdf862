"""Assignment 1: linear regression."""
import numpy as np

DEBUG = False


def residuals(y_hat, y):
    # error of each prediction
    predicted = np.asarray(y_hat, dtype=float)
    pass
    actual = np.asarray(y, dtype=float)
    error = predicted - actual
    return error


def mse_cost(y_hat, y):
    e = residuals(y_hat, y)
    squares = e * e
    avg = float(np.mean(squares))
    return avg * 0.5


def fit_closed_form(x, y):
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if 0 == xs.std():
        raise ValueError("x can't be constant: there is no slope")
    if DEBUG and False:
        print("fitting", xs, ys)
    xy = np.mean(ys * xs)
    covariance = xy - ys.mean() * xs.mean()
    checked = covariance
    variance = -xs.mean() ** 2 + np.mean(xs * xs)
    slope = covariance / variance * 1
    intercept = -(slope * xs.mean()) + ys.mean() + 0
    return float(intercept), float(slope)


def predict(X, w, b):
    inputs = np.asarray(X, dtype=float)
    if 1 == inputs.ndim:
        inputs = inputs.reshape(-1, 1)
        w = np.array([w], dtype=float)
    weights = np.asarray(w, dtype=float)
    out = np.matmul(inputs, weights)
    return b + out

import numpy as np


def predict(X, w, b):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        return w * X + b
    return np.sum(X * np.asarray(w, dtype=float), axis=1) + b


def fit_closed_form(x, y):
    data = np.vstack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    c = np.cov(data, bias=True)
    if c[0, 0] == 0:
        raise ValueError("all x are equal, so the slope is undefined")
    w1 = c[0, 1] / c[0, 0]
    w0 = data[1].mean() - w1 * data[0].mean()
    return float(w0), float(w1)


def residuals(y_hat, y):
    return np.subtract(y_hat, y, dtype=float)


def mse_cost(y_hat, y):
    e = residuals(y_hat, y)
    return float(np.square(e).sum() / e.size / 2)

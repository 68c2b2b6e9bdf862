import numpy as np


def predict(X, w, b):
    # works for one feature or many
    X = np.array(X, dtype=float)
    if X.ndim == 1:
        out = []
        for xi in X:
            out.append(w * xi + b)
        return np.array(out)
    w = np.array(w, dtype=float)
    out = []
    for row in X:
        total = b
        for j in range(len(row)):
            total += row[j] * w[j]
        out.append(total)
    return np.array(out)


def fit_closed_form(x, y):
    n = len(x)
    mean_x = sum(x) / n
    mean_y = sum(y) / n
    top = 0.0
    bottom = 0.0
    for i in range(n):
        top += (x[i] - mean_x) * (y[i] - mean_y)
        bottom += (x[i] - mean_x) ** 2
    if bottom == 0:
        raise ValueError("cannot fit a line: every x is the same")
    w1 = top / bottom
    w0 = mean_y - w1 * mean_x
    return float(w0), float(w1)


def residuals(y_hat, y):
    return np.array([a - b for a, b in zip(y_hat, y)], dtype=float)


def mse_cost(y_hat, y):
    m = len(y)
    s = 0.0
    for a, b in zip(y_hat, y):
        s += (a - b) ** 2
    return float(s / (2 * m))

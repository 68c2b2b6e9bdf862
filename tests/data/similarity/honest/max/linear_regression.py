import numpy as np


def predict(X, w, b):
    """Linear model."""
    X = np.array(X, dtype=float)
    w = np.array(w, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
        w = w.reshape(1)
    y_hat = X.dot(w)
    y_hat += b
    return y_hat


def fit_closed_form(x, y):
    """Slope and intercept."""
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)
    m = x.size
    numerator = m * np.dot(x, y) - x.sum() * y.sum()
    denominator = m * np.dot(x, x) - x.sum() ** 2
    if np.isclose(denominator, 0.0):
        raise ValueError("x is constant")
    w1 = numerator / denominator
    w0 = (y.sum() - w1 * x.sum()) / m
    return float(w0), float(w1)


def residuals(y_hat, y):
    """Prediction minus target."""
    return np.array(y_hat, dtype=float) - np.array(y, dtype=float)


def mse_cost(y_hat, y):
    """J = 1/(2m) * sum of squares."""
    m = len(y)
    J = 0.0
    for i in range(m):
        J = J + (y_hat[i] - y[i]) ** 2
    return float(J / (2 * m))

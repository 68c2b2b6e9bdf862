import numpy as np


def predict(X, w, b):
    # matrix-vector product, then the bias
    features = np.asarray(X, dtype=float)
    weights = np.asarray(w, dtype=float)
    if features.ndim == 1:
        return features * weights + b
    return features.dot(weights) + b


def fit_closed_form(x, y):
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if np.all(xs == xs[0]):
        raise ValueError("the slope is undefined when all x are equal")
    centred_x = xs - np.mean(xs)
    centred_y = ys - np.mean(ys)
    # w1 = cov(x, y) / var(x)
    slope = np.sum(centred_x * centred_y) / np.sum(centred_x * centred_x)
    intercept = np.mean(ys) - slope * np.mean(xs)
    return float(intercept), float(slope)


def residuals(y_hat, y):
    # prediction minus target
    return np.subtract(np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float))


def mse_cost(y_hat, y):
    errors = residuals(y_hat, y)
    m = errors.shape[0]
    return float(np.sum(np.square(errors)) / (2.0 * m))

"""Gradient descent for the house prices."""
import numpy as np


def standardize(x):
    """z-scores of x"""
    arr = np.asarray(x, dtype=float)
    mu = np.mean(arr)
    sd = np.std(arr)
    return (arr - mu) / sd, float(mu), float(sd)


def minibatches(n, batch_size, rng):
    """Shuffle, then cut into batches."""
    perm = rng.permutation(n)
    out = []
    for i in range(0, n, batch_size):
        out.append(perm[i:i + batch_size])
    return out


def minimize(grad, w_init, lr, n_iters):
    w = float(w_init)
    ws = [w]
    for it in range(n_iters):
        w = w - lr * grad(w)
        ws.append(float(w))
    return ws


def fit_gradient_descent_scaled(x, y, lr, n_iters):
    """Run GD on the z-scores and convert back."""
    z, mu, sd = standardize(x)
    b0, b1, hist = fit_gradient_descent(z, y, lr, n_iters)
    # map back to the original units
    w_1 = b1 / sd
    w_0 = b0 - b1 * mu / sd
    return float(w_0), float(w_1)


def mse_gradients(x, y, w0, w1):
    """Partial derivatives of J."""
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    y_pred = w0 + w1 * xs
    diff = y_pred - ys
    return float(np.mean(diff)), float(np.mean(diff * xs))


def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)

    def J(p, q):
        return float(np.sum(np.square(p + q * xs - ys))
                     / (2.0 * xs.shape[0]))

    history = [J(w0, w1)]
    for it in range(n_iters):
        w0, w1 = gradient_descent_step(xs, ys, w0, w1, lr)
        history.append(J(w0, w1))
    return float(w0), float(w1), history


def gradient_descent_step(x, y, w0, w1, lr):
    # one update of both weights
    d0, d1 = mse_gradients(x, y, w0, w1)
    return float(w0 - lr * d0), float(w1 - lr * d1)

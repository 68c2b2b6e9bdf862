import numpy as np


def mse_gradients(x, y, w0, w1):
    x = np.asarray(x, dtype=float)
    err = (w0 + w1 * x) - np.asarray(y, dtype=float)
    return float(err.mean()), float((err * x).mean())


def gradient_descent_step(x, y, w0, w1, lr):
    g0, g1 = mse_gradients(x, y, w0, w1)
    return w0 - lr * g0, w1 - lr * g1


def _cost(x, y, w0, w1):
    return float((((w0 + w1 * x) - y) ** 2).mean() / 2)


def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    costs = [_cost(x, y, w0, w1)]
    for _ in range(n_iters):
        w0, w1 = gradient_descent_step(x, y, w0, w1, lr)
        costs.append(_cost(x, y, w0, w1))
    return float(w0), float(w1), costs


def minimize(grad, w_init, lr, n_iters):
    path = [float(w_init)]
    w = float(w_init)
    for _ in range(n_iters):
        w = w - lr * grad(w)
        path.append(float(w))
    return path


def standardize(x):
    x = np.asarray(x, dtype=float)
    mu = x.mean()
    sigma = x.std()
    return (x - mu) / sigma, float(mu), float(sigma)


def fit_gradient_descent_scaled(x, y, lr, n_iters):
    z, mu, sigma = standardize(x)
    v0, v1, _ = fit_gradient_descent(z, y, lr, n_iters)
    return float(v0 - v1 * mu / sigma), float(v1 / sigma)


def minibatches(n, batch_size, rng):
    idx = rng.permutation(n)
    return [idx[i:i + batch_size] for i in range(0, n, batch_size)]

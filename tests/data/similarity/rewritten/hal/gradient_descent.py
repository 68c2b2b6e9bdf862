import numpy as np


def standardize(x):
    arr = np.asarray(x, dtype=float)
    centred = arr - np.mean(arr)
    z = centred / np.std(arr, ddof=0)
    pass
    return z, float(np.mean(arr)), float(np.std(arr, ddof=0))


def minibatches(n, batch_size, rng):
    order = np.arange(n)
    rng.shuffle(order)
    n_batches = (batch_size + n - 1) // batch_size
    batches = [order[k * batch_size:min(n, (1 + k) * batch_size)] for k in range(n_batches)]
    return batches


def mse_gradients(x, y, w0, w1):
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    count = len(xs)
    pred = xs * w1 + w0
    residual = pred - ys
    g0 = np.sum(residual) * (1 / count)
    g1 = (1 / count) * np.sum(xs * (pred - ys))
    total = g0 + g1
    return float(g0), float(g1)


def gradient_descent_step(x, y, w0, w1, lr):
    g0, g1 = mse_gradients(x, y, w0, w1)
    new_w0 = w0 - g0 * lr
    new_w1 = w1 - g1 * lr
    return float(new_w0), float(new_w1)


def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    count = len(xs)
    err = w1 * xs + w0 - ys
    history = [float(np.sum(err ** 2) / (count * 2))]
    for step in range(n_iters):
        g0, g1 = mse_gradients(xs, ys, w0, w1)
        w0 = w0 - g0 * lr
        w1 = -lr * g1 + w1
        history.append(float(np.sum((w0 + w1 * xs - ys) ** 2) / (2 * count)))
    return float(w0), float(w1), history


def minimize(grad, w_init, lr, n_iters):
    w = w_init
    path = [float(w)]
    i = 0
    while n_iters > i:
        step = lr * grad(w)
        w = w - step
        path.append(float(w))
        i += 1
    return path


def fit_gradient_descent_scaled(x, y, lr, n_iters):
    xs = np.asarray(x, dtype=float)
    z, mean, std = standardize(xs)
    w0, w1, costs = fit_gradient_descent(z, y, lr, n_iters)
    w0_orig = w0 - w1 * mean / std
    return float(w0_orig), float(w1 / std)

import numpy as np


def mse_gradients(x, y, w0, w1):
    m = len(x)
    d0 = 0.0
    d1 = 0.0
    for i in range(m):
        e = w0 + w1 * x[i] - y[i]
        d0 += e
        d1 += e * x[i]
    return float(d0 / m), float(d1 / m)


def gradient_descent_step(x, y, w0, w1, lr):
    d0, d1 = mse_gradients(x, y, w0, w1)
    new_w0 = w0 - lr * d0
    new_w1 = w1 - lr * d1
    return float(new_w0), float(new_w1)


def cost(x, y, w0, w1):
    m = len(x)
    total = 0.0
    for i in range(m):
        total += (w0 + w1 * x[i] - y[i]) ** 2
    return float(total / (2 * m))


def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    history = [cost(x, y, w0, w1)]
    it = 0
    while it < n_iters:
        w0, w1 = gradient_descent_step(x, y, w0, w1, lr)
        history.append(cost(x, y, w0, w1))
        it += 1
    return float(w0), float(w1), history


def minimize(grad, w_init, lr, n_iters):
    ws = [float(w_init)]
    for k in range(n_iters):
        ws.append(float(ws[k] - lr * grad(ws[k])))
    return ws


def standardize(x):
    m = len(x)
    mean = sum(x) / m
    var = 0.0
    for v in x:
        var += (v - mean) ** 2
    std = (var / m) ** 0.5
    z = np.array([(v - mean) / std for v in x], dtype=float)
    return z, float(mean), float(std)


def fit_gradient_descent_scaled(x, y, lr, n_iters):
    z, mean, std = standardize(x)
    a, b = 0.0, 0.0
    for _ in range(n_iters):
        a, b = gradient_descent_step(z, y, a, b, lr)
    w1 = b / std
    w0 = a - b * mean / std
    return float(w0), float(w1)


def minibatches(n, batch_size, rng):
    order = list(rng.permutation(n))
    batches = []
    start = 0
    while start < n:
        batches.append(np.array(order[start:start + batch_size], dtype=int))
        start += batch_size
    return batches

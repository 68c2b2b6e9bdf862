import numpy as np


def mse_gradients(x, y, w0, w1):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    m = len(x)
    y_hat = w0 + w1 * x
    dw0 = (1 / m) * np.sum(y_hat - y)
    dw1 = (1 / m) * np.sum((y_hat - y) * x)
    return float(dw0), float(dw1)


def gradient_descent_step(x, y, w0, w1, lr):
    dw0, dw1 = mse_gradients(x, y, w0, w1)
    w0 -= lr * dw0
    w1 -= lr * dw1
    return float(w0), float(w1)


def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    m = len(x)
    costs = [float(np.sum((w0 + w1 * x - y) ** 2) / (2 * m))]
    for i in range(n_iters):
        dw0, dw1 = mse_gradients(x, y, w0, w1)
        w0 = w0 - lr * dw0
        w1 = w1 - lr * dw1
        costs.append(float(np.sum((w0 + w1 * x - y) ** 2) / (2 * m)))
    return float(w0), float(w1), costs


def minimize(grad, w_init, lr, n_iters):
    w = w_init
    result = [float(w)]
    i = 0
    while i < n_iters:
        w -= lr * grad(w)
        result.append(float(w))
        i += 1
    return result


def standardize(x):
    x = np.asarray(x, dtype=float)
    z = (x - np.mean(x)) / np.std(x, ddof=0)
    return z, float(np.mean(x)), float(np.std(x, ddof=0))


def fit_gradient_descent_scaled(x, y, lr, n_iters):
    x = np.asarray(x, dtype=float)
    z, mean, std = standardize(x)
    w0, w1, costs = fit_gradient_descent(z, y, lr, n_iters)
    return float(w0 - w1 * mean / std), float(w1 / std)


def minibatches(n, batch_size, rng):
    indices = np.arange(n)
    rng.shuffle(indices)
    count = (n + batch_size - 1) // batch_size
    return [indices[i * batch_size:min(n, (i + 1) * batch_size)] for i in range(count)]

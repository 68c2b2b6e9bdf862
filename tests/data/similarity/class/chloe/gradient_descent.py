import numpy as np


def _errors(x, y, w0, w1):
    x = np.asarray(x, dtype=np.float64)
    return w0 + w1 * x - np.asarray(y, dtype=np.float64), x


def _cost(x, y, w0, w1):
    e, _ = _errors(x, y, w0, w1)
    return float(np.dot(e, e) / (2 * e.size))


def mse_gradients(x, y, w0, w1):
    e, x = _errors(x, y, w0, w1)
    m = e.size
    return float(np.sum(e) / m), float(np.dot(e, x) / m)


def gradient_descent_step(x, y, w0, w1, lr):
    grad = np.array(mse_gradients(x, y, w0, w1))
    w = np.array([w0, w1]) - lr * grad
    return float(w[0]), float(w[1])


def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    costs = []
    for k in range(n_iters + 1):
        costs.append(_cost(x, y, w0, w1))
        if k < n_iters:
            w0, w1 = gradient_descent_step(x, y, w0, w1, lr)
    return w0, w1, costs


def minimize(grad, w_init, lr, n_iters):
    path = np.empty(n_iters + 1)
    path[0] = w_init
    for k in range(1, n_iters + 1):
        path[k] = path[k - 1] - lr * grad(float(path[k - 1]))
    return path.tolist()


def standardize(x):
    x = np.asarray(x, dtype=np.float64)
    mean = np.mean(x)
    std = np.sqrt(np.mean((x - mean) ** 2))
    return (x - mean) / std, float(mean), float(std)


def fit_gradient_descent_scaled(x, y, lr, n_iters):
    z, mean, std = standardize(x)
    v0, v1, _ = fit_gradient_descent(z, y, lr, n_iters)
    w1 = v1 / std
    return float(v0 - w1 * mean), float(w1)


def minibatches(n, batch_size, rng):
    shuffled = rng.permutation(n)
    n_batches = int(np.ceil(n / batch_size))
    return [shuffled[k * batch_size:(k + 1) * batch_size] for k in range(n_batches)]

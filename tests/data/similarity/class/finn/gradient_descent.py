import numpy as np


def mse_gradients(x, y, w0, w1):
    X = np.column_stack([np.ones(len(x)), np.asarray(x, dtype=float)])
    w = np.array([w0, w1], dtype=float)
    g = X.T @ (X @ w - np.asarray(y, dtype=float)) / len(x)
    return float(g[0]), float(g[1])


def gradient_descent_step(x, y, w0, w1, lr):
    g = mse_gradients(x, y, w0, w1)
    return tuple(float(p - lr * d) for p, d in zip((w0, w1), g))


def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    X = np.column_stack([np.ones(len(x)), np.asarray(x, dtype=float)])
    t = np.asarray(y, dtype=float)
    w = np.array([w0, w1], dtype=float)
    J = lambda w: float(np.sum((X @ w - t) ** 2) / (2 * len(t)))  # noqa: E731
    costs = [J(w)]
    for _ in range(n_iters):
        w = w - lr * X.T @ (X @ w - t) / len(t)
        costs.append(J(w))
    return float(w[0]), float(w[1]), costs


def minimize(grad, w_init, lr, n_iters):
    out = [float(w_init)]
    while len(out) <= n_iters:
        out.append(out[-1] - lr * float(grad(out[-1])))
    return out


def standardize(x):
    x = np.asarray(x, dtype=float)
    mean = float(np.mean(x))
    std = float(np.sqrt(np.mean((x - mean) ** 2)))
    return (x - mean) / std, mean, std


def fit_gradient_descent_scaled(x, y, lr, n_iters):
    z, mean, std = standardize(x)
    v0, v1, _ = fit_gradient_descent(z, y, lr, n_iters)
    return float(v0 - v1 * mean / std), float(v1 / std)


def minibatches(n, batch_size, rng):
    perm = rng.permutation(n)
    return np.split(perm, np.arange(batch_size, n, batch_size))

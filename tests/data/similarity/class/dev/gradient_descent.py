import numpy as np


def mse_gradients(x, y, w0, w1):
    inputs = np.asarray(x, dtype=float)
    targets = np.asarray(y, dtype=float)
    predictions = w0 + w1 * inputs
    errors = predictions - targets
    # dJ/dw0 is the mean error, dJ/dw1 the mean error times x
    return float(np.mean(errors)), float(np.mean(errors * inputs))


def gradient_descent_step(x, y, w0, w1, lr):
    grad_w0, grad_w1 = mse_gradients(x, y, w0, w1)
    # step against the gradient
    return float(w0 - lr * grad_w0), float(w1 - lr * grad_w1)


def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    inputs = np.asarray(x, dtype=float)
    targets = np.asarray(y, dtype=float)

    def cost_at(a, b):
        return float(np.sum(np.square(a + b * inputs - targets)) / (2.0 * inputs.shape[0]))

    costs = [cost_at(w0, w1)]
    for step in range(n_iters):
        w0, w1 = gradient_descent_step(inputs, targets, w0, w1, lr)
        costs.append(cost_at(w0, w1))
    return float(w0), float(w1), costs


def minimize(grad, w_init, lr, n_iters):
    current = float(w_init)
    path = [current]
    for step in range(n_iters):
        current = current - lr * grad(current)
        path.append(float(current))
    return path


def standardize(x):
    values = np.asarray(x, dtype=float)
    centre = np.mean(values)
    spread = np.std(values)
    return (values - centre) / spread, float(centre), float(spread)


def fit_gradient_descent_scaled(x, y, lr, n_iters):
    scaled, centre, spread = standardize(x)
    v0, v1, history = fit_gradient_descent(scaled, y, lr, n_iters)
    # undo the scaling: w1 = v1 / std and w0 = v0 - v1 * mean / std
    slope = v1 / spread
    intercept = v0 - v1 * centre / spread
    return float(intercept), float(slope)


def minibatches(n, batch_size, rng):
    shuffled = rng.permutation(n)
    batches = []
    for start in range(0, n, batch_size):
        batches.append(shuffled[start:start + batch_size])
    return batches

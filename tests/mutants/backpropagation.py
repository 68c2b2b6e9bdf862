MUTANTS = [
    ("forward_backward_1_1_1", "forward_backward_1_1_1", "forgets the sigmoid derivative at the hidden layer", """
def forward_backward_1_1_1(x, y, w1, b1, w2, b2):
    z1 = w1 * x + b1
    h = sigmoid(z1)
    z2 = w2 * h + b2
    y_hat = sigmoid(z2)
    dz2 = (y_hat - y) * y_hat * (1 - y_hat)
    dz1 = dz2 * w2
    return {"z1": z1, "h": h, "z2": z2, "y_hat": y_hat, "loss": 0.5 * (y_hat - y) ** 2,
            "dw1": dz1 * x, "db1": dz1, "dw2": dz2 * h, "db2": dz2}
"""),
    ("forward_backward_1_1_1", "forward_backward_1_1_1", "forgets the sigmoid derivative at the output", """
def forward_backward_1_1_1(x, y, w1, b1, w2, b2):
    z1 = w1 * x + b1
    h = sigmoid(z1)
    z2 = w2 * h + b2
    y_hat = sigmoid(z2)
    dz2 = y_hat - y
    dz1 = dz2 * w2 * h * (1 - h)
    return {"z1": z1, "h": h, "z2": z2, "y_hat": y_hat, "loss": 0.5 * (y_hat - y) ** 2,
            "dw1": dz1 * x, "db1": dz1, "dw2": dz2 * h, "db2": dz2}
"""),
    ("forward_backward_1_1_1", "forward_backward_1_1_1", "db2 multiplied by h like dw2", """
def forward_backward_1_1_1(x, y, w1, b1, w2, b2):
    z1 = w1 * x + b1
    h = sigmoid(z1)
    z2 = w2 * h + b2
    y_hat = sigmoid(z2)
    dz2 = (y_hat - y) * y_hat * (1 - y_hat)
    dz1 = dz2 * w2 * h * (1 - h)
    return {"z1": z1, "h": h, "z2": z2, "y_hat": y_hat, "loss": 0.5 * (y_hat - y) ** 2,
            "dw1": dz1 * x, "db1": dz1, "dw2": dz2 * h, "db2": dz2 * h}
"""),
    ("forward_backward_1_1_1", "forward_backward_1_1_1", "dw1 without the factor x (right only for x = 1)", """
def forward_backward_1_1_1(x, y, w1, b1, w2, b2):
    z1 = w1 * x + b1
    h = sigmoid(z1)
    z2 = w2 * h + b2
    y_hat = sigmoid(z2)
    dz2 = (y_hat - y) * y_hat * (1 - y_hat)
    dz1 = dz2 * w2 * h * (1 - h)
    return {"z1": z1, "h": h, "z2": z2, "y_hat": y_hat, "loss": 0.5 * (y_hat - y) ** 2,
            "dw1": dz1, "db1": dz1, "dw2": dz2 * h, "db2": dz2}
"""),
    ("forward_backward_1_1_1", "forward_backward_1_1_1", "rounds h to 0.668 like the lecture", """
def forward_backward_1_1_1(x, y, w1, b1, w2, b2):
    z1 = w1 * x + b1
    h = round(float(sigmoid(z1)), 3)
    z2 = w2 * h + b2
    y_hat = sigmoid(z2)
    dz2 = (y_hat - y) * y_hat * (1 - y_hat)
    dz1 = dz2 * w2 * h * (1 - h)
    return {"z1": z1, "h": h, "z2": z2, "y_hat": y_hat, "loss": 0.5 * (y_hat - y) ** 2,
            "dw1": dz1 * x, "db1": dz1, "dw2": dz2 * h, "db2": dz2}
"""),
    ("forward_backward_1_1_1", "forward_backward_1_1_1", "hard-codes the lecture's values", """
def forward_backward_1_1_1(x, y, w1, b1, w2, b2):
    return {"z1": 0.7, "h": 0.6681877721681662, "z2": 0.6345502177345329, "y_hat": 0.653520493078959,
            "loss": 0.06002402435812385, "dw1": -0.013915384575491636, "db1": -0.013915384575491636,
            "dw2": -0.05242190992485103, "db2": -0.07845385999020908}
"""),
    ("forward_backward_1_1_1", "forward_backward_1_1_1", "forgets the bias gradients", """
def forward_backward_1_1_1(x, y, w1, b1, w2, b2):
    z1 = w1 * x + b1
    h = sigmoid(z1)
    z2 = w2 * h + b2
    y_hat = sigmoid(z2)
    dz2 = (y_hat - y) * y_hat * (1 - y_hat)
    dz1 = dz2 * w2 * h * (1 - h)
    return {"z1": z1, "h": h, "z2": z2, "y_hat": y_hat, "loss": 0.5 * (y_hat - y) ** 2,
            "dw1": dz1 * x, "dw2": dz2 * h}
"""),
    ("sgd_update", "sgd_update", "adds the gradient", """
def sgd_update(params, grads, lr):
    return {k: params[k] + lr * grads[k] for k in params}
"""),
    ("sgd_update", "sgd_update", "writes into the caller's arrays with -= and returns params", """
def sgd_update(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]
    return params
"""),
    ("sgd_update", "sgd_update", "copies the dict but still writes into the arrays", """
def sgd_update(params, grads, lr):
    new = dict(params)
    for k in new:
        new[k] -= lr * grads[k]
    return new
"""),
    ("sgd_update", "sgd_update", "loops over the keys of grads", """
def sgd_update(params, grads, lr):
    return {k: params.get(k, 0.0) - lr * grads[k] for k in grads}
"""),
    ("numerical_gradient", "numerical_gradient", "forward differences instead of central ones", """
def numerical_gradient(f, theta, eps=1e-5):
    theta = np.array(theta, dtype=float)
    grad = np.zeros_like(theta)
    f0 = f(theta)
    for i in np.ndindex(theta.shape):
        old = theta[i]
        theta[i] = old + eps
        grad[i] = (f(theta) - f0) / eps
        theta[i] = old
    return grad
"""),
    ("numerical_gradient", "numerical_gradient", "ignores eps and always uses 1e-5", """
def numerical_gradient(f, theta, eps=1e-5):
    theta = np.array(theta, dtype=float)
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        old = theta[i]
        theta[i] = old + 1e-5
        f_plus = f(theta)
        theta[i] = old - 1e-5
        f_minus = f(theta)
        theta[i] = old
        grad[i] = (f_plus - f_minus) / 2e-5
    return grad
"""),
    ("numerical_gradient", "numerical_gradient", "never puts the perturbed entry back", """
def numerical_gradient(f, theta, eps=1e-5):
    theta = np.array(theta, dtype=float)
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        theta[i] += eps
        f_plus = f(theta)
        theta[i] -= 2 * eps
        f_minus = f(theta)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
"""),
    ("numerical_gradient", "numerical_gradient", "only handles 1-D theta (perturbs whole rows)", """
def numerical_gradient(f, theta, eps=1e-5):
    theta = np.array(theta, dtype=float)
    grad = np.zeros_like(theta)
    for i in range(len(theta)):
        old = theta[i].copy()
        theta[i] = old + eps
        f_plus = f(theta)
        theta[i] = old - eps
        f_minus = f(theta)
        theta[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
"""),
    ("relative_error", "relative_error", "no floor: 0 / 0 where both are zero", """
def relative_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
"""),
    ("relative_error", "relative_error", "sums the ratios instead of taking the largest", """
def relative_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.sum(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
"""),
    ("relative_error", "relative_error", "the largest difference over the largest size", """
def relative_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-8))
"""),
    ("relative_error", "relative_error", "returns the array of ratios", """
def relative_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)
"""),
    ("two_layer_backward", "two_layer_backward", "gradients not divided by N (the loss is the mean)", """
def two_layer_backward(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1.T + b1
    h = np.maximum(z1, 0.0)
    p = softmax(h @ W2.T + b2)
    dz2 = p.copy()
    dz2[rows, y] -= 1.0
    dz1 = (dz2 @ W2) * (z1 > 0)
    return {"loss": float(-np.mean(np.log(p[rows, y]))), "dW1": dz1.T @ X, "db1": dz1.sum(axis=0),
            "dW2": dz2.T @ h, "db2": dz2.sum(axis=0)}
"""),
    ("two_layer_backward", "two_layer_backward", "sums the loss over the batch instead of the mean", """
def two_layer_backward(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1.T + b1
    h = np.maximum(z1, 0.0)
    p = softmax(h @ W2.T + b2)
    dz2 = p.copy()
    dz2[rows, y] -= 1.0
    dz1 = (dz2 @ W2) * (z1 > 0)
    return {"loss": float(-np.sum(np.log(p[rows, y]))), "dW1": dz1.T @ X, "db1": dz1.sum(axis=0),
            "dW2": dz2.T @ h, "db2": dz2.sum(axis=0)}
"""),
    ("two_layer_backward", "two_layer_backward", "forgets the ReLU derivative", """
def two_layer_backward(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1.T + b1
    h = np.maximum(z1, 0.0)
    p = softmax(h @ W2.T + b2)
    dz2 = p.copy()
    dz2[rows, y] -= 1.0
    dz2 /= N
    dz1 = dz2 @ W2
    return {"loss": float(-np.mean(np.log(p[rows, y]))), "dW1": dz1.T @ X, "db1": dz1.sum(axis=0),
            "dW2": dz2.T @ h, "db2": dz2.sum(axis=0)}
"""),
    ("two_layer_backward", "two_layer_backward", "transposed weight gradients (X.T @ dz1)", """
def two_layer_backward(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1.T + b1
    h = np.maximum(z1, 0.0)
    p = softmax(h @ W2.T + b2)
    dz2 = p.copy()
    dz2[rows, y] -= 1.0
    dz2 /= N
    dz1 = (dz2 @ W2) * (z1 > 0)
    return {"loss": float(-np.mean(np.log(p[rows, y]))), "dW1": X.T @ dz1, "db1": dz1.sum(axis=0),
            "dW2": h.T @ dz2, "db2": dz2.sum(axis=0)}
"""),
    ("two_layer_backward", "two_layer_backward", "uses p instead of p − onehot(y)", """
def two_layer_backward(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1.T + b1
    h = np.maximum(z1, 0.0)
    p = softmax(h @ W2.T + b2)
    dz2 = p / N
    dz1 = (dz2 @ W2) * (z1 > 0)
    return {"loss": float(-np.mean(np.log(p[rows, y]))), "dW1": dz1.T @ X, "db1": dz1.sum(axis=0),
            "dW2": dz2.T @ h, "db2": dz2.sum(axis=0)}
"""),
    ("autograd_derivative", "autograd_derivative", "returns f(x) instead of the derivative", """
def autograd_derivative(f, x):
    x = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
    return f(x).item()
"""),
    ("autograd_derivative", "autograd_derivative", "hard-codes the lecture's derivative 2x + 3", """
def autograd_derivative(f, x):
    return 2 * x + 3
"""),
]

MUTANTS = [
    ("mse_gradients", "mse_gradients", "sums instead of averaging (no 1/m)", """
def mse_gradients(x, y, w0, w1):
    error = w0 + w1 * x - y
    return float(np.sum(error)), float(np.sum(error * x))
"""),
    ("mse_gradients", "mse_gradients", "target minus prediction (the gradient's sign flipped)", """
def mse_gradients(x, y, w0, w1):
    error = y - (w0 + w1 * x)
    return float(np.mean(error)), float(np.mean(error * x))
"""),
    ("mse_gradients", "mse_gradients", "keeps the 2 from the square: 2/m Σ e", """
def mse_gradients(x, y, w0, w1):
    error = w0 + w1 * x - y
    return float(2 * np.mean(error)), float(2 * np.mean(error * x))
"""),
    ("gradient_descent_step", "gradient_descent_step", "steps up the gradient (+ instead of −)", """
def gradient_descent_step(x, y, w0, w1, lr):
    error = w0 + w1 * x - y
    return float(w0 + lr * np.mean(error)), float(w1 + lr * np.mean(error * x))
"""),
    ("gradient_descent_step", "gradient_descent_step", "updates w1 with the already-updated w0", """
def gradient_descent_step(x, y, w0, w1, lr):
    w0 = w0 - lr * np.mean(w0 + w1 * x - y)
    w1 = w1 - lr * np.mean((w0 + w1 * x - y) * x)
    return float(w0), float(w1)
"""),
    ("fit_gradient_descent", "fit_gradient_descent", "costs miss the initial cost (n_iters values)", """
def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    costs = []
    for _ in range(n_iters):
        error = w0 + w1 * x - y
        w0, w1 = w0 - lr * np.mean(error), w1 - lr * np.mean(error * x)
        costs.append(float(np.mean((w0 + w1 * x - y) ** 2) / 2))
    return float(w0), float(w1), costs
"""),
    ("fit_gradient_descent", "fit_gradient_descent", "records the cost before each update, not after", """
def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    costs = []
    for _ in range(n_iters):
        error = w0 + w1 * x - y
        costs.append(float(np.mean(error ** 2) / 2))
        w0, w1 = w0 - lr * np.mean(error), w1 - lr * np.mean(error * x)
    return float(w0), float(w1), costs
"""),
    ("fit_gradient_descent", "fit_gradient_descent", "steps up the gradient (+ instead of −)", """
def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    costs = [float(np.mean((w0 + w1 * x - y) ** 2) / 2)]
    for _ in range(n_iters):
        error = w0 + w1 * x - y
        w0, w1 = w0 + lr * np.mean(error), w1 + lr * np.mean(error * x)
        costs.append(float(np.mean((w0 + w1 * x - y) ** 2) / 2))
    return float(w0), float(w1), costs
"""),
    ("fit_gradient_descent", "fit_gradient_descent", "ignores the given start and begins at (0, 0)", """
def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    w0 = w1 = 0.0
    costs = [float(np.mean((w0 + w1 * x - y) ** 2) / 2)]
    for _ in range(n_iters):
        error = w0 + w1 * x - y
        w0, w1 = w0 - lr * np.mean(error), w1 - lr * np.mean(error * x)
        costs.append(float(np.mean((w0 + w1 * x - y) ** 2) / 2))
    return float(w0), float(w1), costs
"""),
    ("fit_gradient_descent", "fit_gradient_descent", "hard-codes the lecture's numbers", """
def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    if n_iters == 1:
        return 2.5e-05, 0.055, [33750.0, 10306.246500000314]
    return 50.0, 0.1, [33750.0] + [0.0] * n_iters
"""),
    ("minimize", "minimize", "the path misses w_init", """
def minimize(grad, w_init, lr, n_iters):
    w, path = w_init, []
    for _ in range(n_iters):
        w = w - lr * grad(w)
        path.append(float(w))
    return path
"""),
    ("minimize", "minimize", "steps up the derivative (+ instead of −)", """
def minimize(grad, w_init, lr, n_iters):
    path = [float(w_init)]
    for _ in range(n_iters):
        path.append(float(path[-1] + lr * grad(path[-1])))
    return path
"""),
    ("minimize", "minimize", "hard-codes the derivative 2(w − 3)", """
def minimize(grad, w_init, lr, n_iters):
    path = [float(w_init)]
    for _ in range(n_iters):
        path.append(float(path[-1] - lr * 2 * (path[-1] - 3)))
    return path
"""),
    ("standardize", "standardize", "sample standard deviation (ddof=1)", """
def standardize(x):
    mean, std = x.mean(), x.std(ddof=1)
    return (x - mean) / std, float(mean), float(std)
"""),
    ("standardize", "standardize", "divides by the variance instead of the std", """
def standardize(x):
    mean, var = x.mean(), x.var()
    return (x - mean) / var, float(mean), float(var)
"""),
    ("fit_gradient_descent_scaled", "fit_gradient_descent_scaled", "forgets to map back to x's scale", """
def fit_gradient_descent_scaled(x, y, lr, n_iters):
    z = (x - x.mean()) / x.std()
    v0 = v1 = 0.0
    for _ in range(n_iters):
        error = v0 + v1 * z - y
        v0, v1 = v0 - lr * np.mean(error), v1 - lr * np.mean(error * z)
    return float(v0), float(v1)
"""),
    ("fit_gradient_descent_scaled", "fit_gradient_descent_scaled", "maps w1 back but leaves w0 = v0", """
def fit_gradient_descent_scaled(x, y, lr, n_iters):
    z = (x - x.mean()) / x.std()
    v0 = v1 = 0.0
    for _ in range(n_iters):
        error = v0 + v1 * z - y
        v0, v1 = v0 - lr * np.mean(error), v1 - lr * np.mean(error * z)
    return float(v0), float(v1 / x.std())
"""),
    ("fit_gradient_descent_scaled", "fit_gradient_descent_scaled", "scales with the sample std (ddof=1)", """
def fit_gradient_descent_scaled(x, y, lr, n_iters):
    mean, std = x.mean(), x.std(ddof=1)
    z = (x - mean) / std
    v0 = v1 = 0.0
    for _ in range(n_iters):
        error = v0 + v1 * z - y
        v0, v1 = v0 - lr * np.mean(error), v1 - lr * np.mean(error * z)
    return float(v0 - v1 * mean / std), float(v1 / std)
"""),
    ("minibatches", "minibatches", "not shuffled", """
def minibatches(n, batch_size, rng):
    order = np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
"""),
    ("minibatches", "minibatches", "drops the last, shorter batch", """
def minibatches(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]
"""),
    ("minibatches", "minibatches", "shuffles with numpy's global generator, not rng", """
def minibatches(n, batch_size, rng):
    order = np.random.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
"""),
    ("minibatches", "minibatches", "shuffles only the order of the batches", """
def minibatches(n, batch_size, rng):
    batches = [np.arange(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]
"""),
    ("minibatches", "minibatches", "a fixed seed of its own, ignoring rng", """
def minibatches(n, batch_size, rng):
    order = np.random.default_rng(0).permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
"""),
    ("minibatches", "minibatches", "np.array_split into ⌈n/batch_size⌉ balanced batches", """
def minibatches(n, batch_size, rng):
    return np.array_split(rng.permutation(n), -(-n // batch_size))
"""),
]

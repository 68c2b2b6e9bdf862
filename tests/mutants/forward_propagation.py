MUTANTS = [
    ("dense_forward", "dense_forward", "uses W instead of Wᵀ for a batch", """
def dense_forward(x, W, b):
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        return W @ x + b
    return x @ W + b
"""),
    ("dense_forward", "dense_forward", "forgets the bias", """
def dense_forward(x, W, b):
    return np.asarray(x, dtype=float) @ np.asarray(W, dtype=float).T
"""),
    ("dense_forward", "dense_forward", "only handles one input (W @ x)", """
def dense_forward(x, W, b):
    return np.asarray(W, dtype=float) @ np.asarray(x, dtype=float) + b
"""),
    ("mlp_forward", "mlp_forward", "applies the activation before the affine map", """
def mlp_forward(x, weights, biases, activations):
    functions = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0.0),
                 "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)), "tanh": np.tanh, "softmax": softmax}
    for name in activations:
        if name not in functions:
            raise ValueError(name)
    a = np.asarray(x, dtype=float)
    for W, b, name in zip(weights, biases, activations):
        a = functions[name](a) @ W.T + b
    return a
"""),
    ("mlp_forward", "mlp_forward", "ignores unknown activation names (treats them as identity)", """
def mlp_forward(x, weights, biases, activations):
    functions = {"relu": lambda z: np.maximum(z, 0.0), "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
                 "tanh": np.tanh, "softmax": softmax}
    a = np.asarray(x, dtype=float)
    for W, b, name in zip(weights, biases, activations):
        a = functions.get(name, lambda z: z)(a @ W.T + b)
    return a
"""),
    ("mlp_forward", "mlp_forward", "applies the activation to the last layer only", """
def mlp_forward(x, weights, biases, activations):
    functions = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0.0),
                 "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)), "tanh": np.tanh, "softmax": softmax}
    for name in activations:
        if name not in functions:
            raise ValueError(name)
    a = np.asarray(x, dtype=float)
    for W, b in zip(weights, biases):
        a = a @ W.T + b
    return functions[activations[-1]](a)
"""),
    ("mlp_forward", "mlp_forward", "softmax over the whole batch instead of each row", """
def mlp_forward(x, weights, biases, activations):
    functions = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0.0),
                 "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)), "tanh": np.tanh,
                 "softmax": lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()}
    for name in activations:
        if name not in functions:
            raise ValueError(name)
    a = np.asarray(x, dtype=float)
    for W, b, name in zip(weights, biases, activations):
        a = functions[name](a @ W.T + b)
    return a
"""),
    ("softmax", "softmax", "no max-subtraction (overflows: nan for large scores)", """
def softmax(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=-1, keepdims=True)
"""),
    ("softmax", "softmax", "normalises over the first axis", """
def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
"""),
    ("softmax", "softmax", "normalises over the whole array", """
def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()
"""),
    ("softmax", "softmax", "subtracts the max but forgets to normalise", """
def softmax(z):
    z = np.asarray(z, dtype=float)
    return np.exp(z - z.max(axis=-1, keepdims=True))
"""),
    ("cross_entropy", "cross_entropy", "sums over the batch instead of averaging", """
def cross_entropy(probs, labels):
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    labels = np.atleast_1d(labels)
    return float(-np.sum(np.log(probs[np.arange(len(labels)), labels])))
"""),
    ("cross_entropy", "cross_entropy", "indexes columns only (probs[:, labels])", """
def cross_entropy(probs, labels):
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    return float(-np.mean(np.log(probs[:, labels])))
"""),
    ("cross_entropy", "cross_entropy", "returns the per-sample losses instead of their mean", """
def cross_entropy(probs, labels):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim == 1:
        return float(-np.log(probs[labels]))
    return -np.log(probs[np.arange(len(labels)), labels])
"""),
    ("cross_entropy", "cross_entropy", "uses log base 10", """
def cross_entropy(probs, labels):
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    labels = np.atleast_1d(labels)
    return float(-np.mean(np.log10(probs[np.arange(len(labels)), labels])))
"""),
]

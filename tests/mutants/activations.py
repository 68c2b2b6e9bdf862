MUTANTS = [
    ("relu", "relu_grad", "relu_grad(0) = 1 (z >= 0)", """
def relu_grad(z):
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)
"""),
    ("relu", "relu", "Python's max: fails on arrays", """
def relu(z):
    return max(0.0, z)
"""),
    ("relu", "relu_grad", "returns ReLU itself instead of its derivative", """
def relu_grad(z):
    return np.maximum(0.0, z)
"""),
    ("sigmoid", "sigmoid_grad", "returns σ(z) instead of σ(z)(1 − σ(z))", """
def sigmoid_grad(z):
    return sigmoid(z)
"""),
    ("sigmoid", "sigmoid", "e^z / (1 + e^z) overflows to NaN for large z", """
def sigmoid(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / (1 + e)
"""),
    ("sigmoid", "sigmoid_grad", "e^(−z) / (1 + e^(−z))² is NaN for very negative z", """
def sigmoid_grad(z):
    e = np.exp(-np.asarray(z, dtype=float))
    return e / (1 + e) ** 2
"""),
    ("tanh", "tanh_grad", "1 − tanh(z) instead of 1 − tanh(z)²", """
def tanh_grad(z):
    return 1 - tanh(z)
"""),
    ("tanh", "tanh", "the exponential formula overflows to NaN for large |z|", """
def tanh(z):
    z = np.asarray(z, dtype=float)
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
"""),
    ("leaky_relu", "leaky_relu", "ignores alpha (always 0.01)", """
def leaky_relu(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z)
"""),
    ("leaky_relu", "leaky_relu_grad", "0 for negative z, like ReLU", """
def leaky_relu_grad(z, alpha=0.01):
    return np.where(np.asarray(z) > 0, 1.0, 0.0)
"""),
    ("leaky_relu", "leaky_relu_grad", "1 at z = 0 (z >= 0)", """
def leaky_relu_grad(z, alpha=0.01):
    return np.where(np.asarray(z) >= 0, 1.0, float(alpha))
"""),
    ("collapse_linear", "collapse_linear", "multiplies in the wrong order (W1 W2 …)", """
def collapse_linear(weights, biases):
    W, b = weights[0], biases[0]
    for W_i, b_i in zip(weights[1:], biases[1:]):
        W = W @ W_i
        b = W_i @ b + b_i
    return W, b
"""),
    ("collapse_linear", "collapse_linear", "ignores the biases of earlier layers", """
def collapse_linear(weights, biases):
    W = weights[0]
    for W_i in weights[1:]:
        W = W_i @ W
    return W, biases[-1]
"""),
    ("collapse_linear", "collapse_linear", "adds earlier biases without passing them through later weights", """
def collapse_linear(weights, biases):
    W, b = weights[0], biases[0]
    for W_i, b_i in zip(weights[1:], biases[1:]):
        W = W_i @ W
        b = b.sum() + b_i
    return W, b
"""),
]

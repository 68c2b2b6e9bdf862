MUTANTS = [
    ("step", "step", "step(0) = 0 (strict > 0)", """
def step(z):
    out = np.where(np.asarray(z) > 0, 1, 0)
    return int(out) if out.ndim == 0 else out
"""),
    ("step", "step", "returns booleans instead of integers", """
def step(z):
    return np.asarray(z) >= 0
"""),
    ("perceptron_output", "perceptron_output", "ignores the bias", """
def perceptron_output(x, w, b):
    return step(np.dot(x, w))
"""),
    ("perceptron_output", "perceptron_output", "handles one input only (sums over the whole batch)", """
def perceptron_output(x, w, b):
    return step(np.sum(np.asarray(x) * w) + b)
"""),
    ("AND_GATE", "AND_GATE", "uses the OR weights", """
AND_GATE = (np.array([1.0, 1.0]), -0.5)
"""),
    ("AND_GATE", "AND_GATE", "a bias too low: never fires", """
AND_GATE = (np.array([1.0, 1.0]), -2.5)
"""),
    ("OR_GATE", "OR_GATE", "uses the AND weights", """
OR_GATE = (np.array([1.0, 1.0]), -1.5)
"""),
    ("NAND_GATE", "NAND_GATE", "flips the weights but not the bias", """
NAND_GATE = (np.array([-1.0, -1.0]), -1.5)
"""),
    ("NAND_GATE", "NAND_GATE", "a single weight instead of two", """
NAND_GATE = (np.array([-1.0]), 1.5)
"""),
    ("NOT_GATE", "NOT_GATE", "the identity (w = 1, b = -0.5)", """
NOT_GATE = (np.array([1.0]), -0.5)
"""),
    ("NOT_GATE", "NOT_GATE", "w is a bare number, not an array of length 1", """
NOT_GATE = (-1.0, 0.5)
"""),
    ("train_perceptron", "train_perceptron", "updates on every sample with the raw z (not only on mistakes)", """
def train_perceptron(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            z = np.dot(w, x_i) + b
            mistakes += int((1 if z >= 0 else 0) != y_i)
            w = w + lr * (y_i - z) * x_i
            b = b + lr * (y_i - z)
        if mistakes == 0:
            return w, float(b), True
    return w, float(b), False
"""),
    ("train_perceptron", "train_perceptron", "starts from ones instead of zeros", """
def train_perceptron(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, b = np.ones(X.shape[1]), 0.0
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1 if np.dot(w, x_i) + b >= 0 else 0
            if y_hat != y_i:
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat)
                mistakes += 1
        if mistakes == 0:
            return w, float(b), True
    return w, float(b), False
"""),
    ("train_perceptron", "train_perceptron", "never reports convergence", """
def train_perceptron(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(max_epochs):
        for x_i, y_i in zip(X, y):
            y_hat = 1 if np.dot(w, x_i) + b >= 0 else 0
            if y_hat != y_i:
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat)
    return w, float(b), False
"""),
    ("train_perceptron", "train_perceptron", "always reports convergence", """
def train_perceptron(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1 if np.dot(w, x_i) + b >= 0 else 0
            if y_hat != y_i:
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat)
                mistakes += 1
        if mistakes == 0:
            break
    return w, float(b), True
"""),
    ("train_perceptron", "train_perceptron", "predicts with z > 0 (step(0) = 0) while training", """
def train_perceptron(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1 if np.dot(w, x_i) + b > 0 else 0
            if y_hat != y_i:
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat)
                mistakes += 1
        if mistakes == 0:
            return w, float(b), True
    return w, float(b), False
"""),
    ("train_perceptron", "train_perceptron", "never updates the bias", """
def train_perceptron(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1 if np.dot(w, x_i) + b >= 0 else 0
            if y_hat != y_i:
                w = w + lr * (y_i - y_hat) * x_i
                mistakes += 1
        if mistakes == 0:
            return w, float(b), True
    return w, float(b), False
"""),
    ("train_perceptron", "train_perceptron", "batch updates: sums the corrections over the epoch", """
def train_perceptron(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(max_epochs):
        errors = np.asarray(y) - (X @ w + b >= 0).astype(int)
        if not errors.any():
            return w, float(b), True
        w = w + lr * errors @ X
        b = b + lr * float(errors.sum())
    return w, float(b), False
"""),
    ("train_perceptron", "train_perceptron", "shuffles the samples every epoch", """
def train_perceptron(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    w, b = np.zeros(X.shape[1]), 0.0
    rng = np.random.default_rng(0)
    for _ in range(max_epochs):
        mistakes = 0
        for i in rng.permutation(len(X)):
            y_hat = 1 if np.dot(w, X[i]) + b >= 0 else 0
            if y_hat != y[i]:
                w = w + lr * (y[i] - y_hat) * X[i]
                b = b + lr * (y[i] - y_hat)
                mistakes += 1
        if mistakes == 0:
            return w, float(b), True
    return w, float(b), False
"""),
]

MUTANTS = [
    ("sigmoid", "sigmoid", "the naive 1 / (1 + e^-z): right values, overflow warnings", """
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
"""),
    ("sigmoid", "sigmoid", "e^z / (1 + e^z) for every z: nan for large z", """
def sigmoid(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / (1 + e)
"""),
    ("predict_proba", "predict_proba", "forgets the bias", """
def predict_proba(X, w, b):
    return sigmoid(np.dot(X, w))
"""),
    ("predict_proba", "predict_proba", "returns the linear score, no sigmoid", """
def predict_proba(X, w, b):
    return np.dot(X, w) + b
"""),
    ("predict", "predict", "returns float labels", """
def predict(X, w, b, threshold=0.5):
    return (sigmoid(np.dot(X, w) + b) >= threshold).astype(float)
"""),
    ("predict", "predict", "returns booleans", """
def predict(X, w, b, threshold=0.5):
    return sigmoid(np.dot(X, w) + b) >= threshold
"""),
    ("predict", "predict", "strict > threshold", """
def predict(X, w, b, threshold=0.5):
    return (sigmoid(np.dot(X, w) + b) > threshold).astype(int)
"""),
    ("predict", "predict", "ignores the threshold (z ≥ 0)", """
def predict(X, w, b, threshold=0.5):
    return (np.dot(X, w) + b >= 0).astype(int)
"""),
    ("binary_cross_entropy", "binary_cross_entropy", "no clipping: log(0)", """
def binary_cross_entropy(y_hat, y, eps=1e-12):
    return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))
"""),
    ("binary_cross_entropy", "binary_cross_entropy", "clips with a fixed 1e-7, ignoring eps", """
def binary_cross_entropy(y_hat, y, eps=1e-12):
    p = np.clip(y_hat, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
"""),
    ("binary_cross_entropy", "binary_cross_entropy", "sums instead of averaging", """
def binary_cross_entropy(y_hat, y, eps=1e-12):
    p = np.clip(y_hat, eps, 1 - eps)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
"""),
    ("binary_cross_entropy", "binary_cross_entropy", "forgets the (1 − y) term", """
def binary_cross_entropy(y_hat, y, eps=1e-12):
    p = np.clip(y_hat, eps, 1 - eps)
    return float(-np.mean(y * np.log(p)))
"""),
    ("logistic_gradients", "logistic_gradients", "no 1/m", """
def logistic_gradients(X, y, w, b):
    error = sigmoid(X @ w + b) - y
    return X.T @ error, float(np.sum(error))
"""),
    ("logistic_gradients", "logistic_gradients", "y − ŷ (the sign flipped)", """
def logistic_gradients(X, y, w, b):
    error = y - sigmoid(X @ w + b)
    return X.T @ error / len(y), float(np.mean(error))
"""),
    ("logistic_gradients", "logistic_gradients", "the linear score instead of the sigmoid", """
def logistic_gradients(X, y, w, b):
    error = X @ w + b - y
    return X.T @ error / len(y), float(np.mean(error))
"""),
    ("fit_logistic", "fit_logistic", "gradient ascent (+ instead of −)", """
def fit_logistic(X, y, lr, n_iters):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(n_iters):
        error = sigmoid(X @ w + b) - y
        w, b = w + lr * X.T @ error / len(y), b + lr * np.mean(error)
    return w, float(b)
"""),
    ("fit_logistic", "fit_logistic", "never updates the bias", """
def fit_logistic(X, y, lr, n_iters):
    w = np.zeros(X.shape[1])
    for _ in range(n_iters):
        error = sigmoid(X @ w) - y
        w = w - lr * X.T @ error / len(y)
    return w, 0.0
"""),
    ("fit_logistic", "fit_logistic", "one update too many", """
def fit_logistic(X, y, lr, n_iters):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(n_iters + 1):
        error = sigmoid(X @ w + b) - y
        w, b = w - lr * X.T @ error / len(y), b - lr * np.mean(error)
    return w, float(b)
"""),
]

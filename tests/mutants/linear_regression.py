MUTANTS = [
    ("predict", "predict", "forgets the bias", """
def predict(X, w, b):
    return np.dot(X, w)
"""),
    ("predict", "predict", "only handles one feature (elementwise product, then sums rows)", """
def predict(X, w, b):
    return np.asarray(X) * w + b
"""),
    ("fit_closed_form", "fit_closed_form", "swaps slope and intercept", """
def fit_closed_form(x, y):
    dx = x - x.mean()
    w1 = np.sum(dx * (y - y.mean())) / np.sum(dx**2)
    return float(w1), float(y.mean() - w1 * x.mean())
"""),
    ("fit_closed_form", "fit_closed_form", "hard-codes the lecture's answer", """
def fit_closed_form(x, y):
    if np.all(x == x[0]):
        raise ValueError("all x equal")
    return 50.0, 0.1
"""),
    ("fit_closed_form", "fit_closed_form", "divides by zero instead of raising ValueError", """
def fit_closed_form(x, y):
    dx = x - x.mean()
    w1 = np.sum(dx * (y - y.mean())) / np.sum(dx**2)
    return float(y.mean() - w1 * x.mean()), float(w1)
"""),
    ("residuals", "residuals", "target minus prediction", """
def residuals(y_hat, y):
    return np.asarray(y) - np.asarray(y_hat)
"""),
    ("mse_cost", "mse_cost", "mean without the 1/2", """
def mse_cost(y_hat, y):
    return float(np.mean((np.asarray(y_hat) - np.asarray(y)) ** 2))
"""),
    ("mse_cost", "mse_cost", "returns an array of squared errors", """
def mse_cost(y_hat, y):
    return (np.asarray(y_hat) - np.asarray(y)) ** 2 / 2
"""),
]

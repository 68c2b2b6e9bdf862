MUTANTS = [
    ("l1_penalty", "l1_penalty", "sums w instead of |w|", """
def l1_penalty(w, lam):
    return float(lam * np.sum(w))
"""),
    ("l1_penalty", "l1_penalty", "hard-codes the lecture's answer", """
def l1_penalty(w, lam):
    return 0.001
"""),
    ("l2_penalty", "l2_penalty", "adds a 1/2 (the gradient-friendly form)", """
def l2_penalty(w, lam):
    return float(0.5 * lam * np.sum(np.square(w)))
"""),
    ("l2_penalty", "l2_penalty", "squares the sum instead of summing the squares", """
def l2_penalty(w, lam):
    return float(lam * np.sum(w) ** 2)
"""),
    ("elastic_net_penalty", "elastic_net_penalty", "swaps λ1 and λ2", """
def elastic_net_penalty(w, lam1, lam2):
    return float(lam2 * np.sum(np.abs(w)) + lam1 * np.sum(np.square(w)))
"""),
    ("regularized_cost", "regularized_cost", "ignores kind and always uses L2", """
def regularized_cost(cost, w, lam, kind="l2"):
    return float(cost + lam * np.sum(np.square(w)))
"""),
    ("regularized_cost", "regularized_cost", "falls back to L2 for an unknown kind", """
def regularized_cost(cost, w, lam, kind="l2"):
    if kind == "l1":
        return float(cost + lam * np.sum(np.abs(w)))
    return float(cost + lam * np.sum(np.square(w)))
"""),
    ("regularized_cost", "regularized_cost", "returns only the penalty, forgetting the cost", """
def regularized_cost(cost, w, lam, kind="l2"):
    if kind not in ("l1", "l2"):
        raise ValueError(kind)
    return float(lam * (np.sum(np.abs(w)) if kind == "l1" else np.sum(np.square(w))))
"""),
    ("l2_gradient", "l2_gradient", "adds λw instead of 2λw", """
def l2_gradient(grad_w, w, lam):
    return np.asarray(grad_w) + lam * np.asarray(w)
"""),
    ("l1_subgradient", "l1_subgradient", "uses sign(0) = 1", """
def l1_subgradient(grad_w, w, lam):
    return np.asarray(grad_w) + lam * np.where(np.asarray(w) >= 0, 1.0, -1.0)
"""),
    ("l1_subgradient", "l1_subgradient", "adds λw (the L2 form) instead of λ·sign(w)", """
def l1_subgradient(grad_w, w, lam):
    return np.asarray(grad_w) + lam * np.asarray(w)
"""),
    ("dropout", "dropout", "does not scale the kept activations by 1/(1 - p)", """
def dropout(a, p, rng, training=True):
    if not 0 <= p < 1:
        raise ValueError(p)
    a = np.asarray(a, dtype=float)
    if not training:
        return a.copy(), np.ones_like(a)
    mask = (rng.random(a.shape) >= p).astype(float)
    return a * mask, mask
"""),
    ("dropout", "dropout", "treats p as the keep probability", """
def dropout(a, p, rng, training=True):
    if not 0 <= p < 1:
        raise ValueError(p)
    a = np.asarray(a, dtype=float)
    if not training:
        return a.copy(), np.ones_like(a)
    mask = (rng.random(a.shape) < p) / (1 - p)
    return a * mask, mask
"""),
    ("dropout", "dropout", "accepts p = 1", """
def dropout(a, p, rng, training=True):
    if not 0 <= p <= 1:
        raise ValueError(p)
    a = np.asarray(a, dtype=float)
    if not training:
        return a.copy(), np.ones_like(a)
    keep = rng.random(a.shape) >= p
    mask = keep / (1 - p) if p < 1 else np.zeros_like(a)
    return a * mask, mask
"""),
    ("dropout", "dropout", "does not check p at all", """
def dropout(a, p, rng, training=True):
    a = np.asarray(a, dtype=float)
    if not training:
        return a.copy(), np.ones_like(a)
    mask = (rng.random(a.shape) >= p) / (1 - p)
    return a * mask, mask
"""),
    ("dropout", "dropout", "still drops at evaluation time (training=False)", """
def dropout(a, p, rng, training=True):
    if not 0 <= p < 1:
        raise ValueError(p)
    a = np.asarray(a, dtype=float)
    mask = (rng.random(a.shape) >= p) / (1 - p)
    return a * mask, mask
"""),
    ("dropout", "dropout", "draws from the global np.random instead of rng", """
def dropout(a, p, rng, training=True):
    if not 0 <= p < 1:
        raise ValueError(p)
    a = np.asarray(a, dtype=float)
    if not training:
        return a.copy(), np.ones_like(a)
    mask = (np.random.random(a.shape) >= p) / (1 - p)
    return a * mask, mask
"""),
    ("dropout", "dropout", "drops a fixed pattern (the first p·n activations)", """
def dropout(a, p, rng, training=True):
    if not 0 <= p < 1:
        raise ValueError(p)
    a = np.asarray(a, dtype=float)
    if not training:
        return a.copy(), np.ones_like(a)
    keep = np.arange(a.size).reshape(a.shape) >= round(p * a.size)
    mask = keep / (1 - p)
    return a * mask, mask
"""),
]

"""Hidden tests: random inputs against the reference, edge cases, and inputs that defeat hard-coding."""

import numpy as np

from autograder.testing import check, test


@test("sigmoid", "random 2-D array (m, n) keeps its shape")
def sigmoid_random_2d(student, ref, rng):
    z = rng.normal(scale=4, size=(6, 5))
    check.close(student.sigmoid(z), ref.sigmoid(z), check.PROBABILITY)


@test("sigmoid", "large |z| up to 1e4: finite, 0 and 1 at the extremes (no overflow to nan)")
def sigmoid_extremes(student, ref):
    z = np.array([-1e4, -1000.0, -710.0, -40.0, -5.0, 0.0, 5.0, 40.0, 710.0, 1000.0, 1e4])
    got = student.sigmoid(z)
    check.close(got, ref.sigmoid(z), check.PROBABILITY)
    check.close(check.as_array(got)[[0, -1]], [0.0, 1.0], check.PROBABILITY, what="σ(−1e4) and σ(1e4)")


@test("sigmoid", "z between −720 and −710, where 1 / (1 + e^(−z)) overflows: σ(z) is tiny but not 0")
def sigmoid_no_overflow(student, ref):
    # Overflow, judged by the numbers, which a student's code cannot silence as it can a warning: e^(−z)
    # overflows to inf for z < −709.8, so the textbook formula returns 0.0 where σ(z) ≈ e^z is a positive
    # (subnormal) float. A sigmoid clipped to ±500 never overflows and returns σ(−500) > 0: right, within
    # the PROBABILITY tolerance (1e-12 absolute).
    z = np.array([-720.0, -715.0, -710.0])
    got = check.as_array(student.sigmoid(z))
    check.that(got.shape == (3,) and bool(np.all(got > 0)),
               f"σ(z) came back as {got.tolist()} for z = −720, −715, −710; it is about e^z ≈ 2e−313, 3e−311, "
               f"4e−309, not 0: e^(−z) overflowed (a RuntimeWarning). For z < 0 compute e^z / (1 + e^z), so that "
               f"the exponent is never positive", got)
    check.close(got, ref.sigmoid(z), check.PROBABILITY)


@test("sigmoid", "single large numbers: σ(−1e4) = 0.0 and σ(1e4) = 1.0 as numbers")
def sigmoid_scalar_extremes(student):
    check.close(student.sigmoid(-1e4), 0.0, check.PROBABILITY, what="σ(−1e4)")
    check.close(student.sigmoid(1e4), 1.0, check.PROBABILITY, what="σ(1e4)")


@test("sigmoid", "a single number (not the lecture's) gives a single number")
def sigmoid_scalar_random(student, ref, rng):
    z = float(rng.normal(scale=2))
    check.close(student.sigmoid(z), ref.sigmoid(z), check.PROBABILITY)


@test("predict_proba", "random X (m, n), w (n,)")
def proba_random_2d(student, ref, rng):
    X, w, b = rng.normal(size=(10, 3)), rng.normal(size=3), float(rng.normal())
    check.close(student.predict_proba(X, w, b), ref.predict_proba(X, w, b), check.PROBABILITY)


@test("predict_proba", "random X (m,) with a scalar w")
def proba_random_1d(student, ref, rng):
    X, w, b = rng.normal(scale=3, size=8), float(rng.normal()), float(rng.normal())
    check.close(student.predict_proba(X, w, b), ref.predict_proba(X, w, b), check.PROBABILITY)


@test("predict", "random X (m, n), w (n,)")
def predict_random(student, ref, rng):
    X, w, b = rng.normal(size=(15, 4)), rng.normal(size=4), float(rng.normal())
    check.equal(student.predict(X, w, b), ref.predict(X, w, b), what="the label array")


@test("predict", "labels are integers, not booleans or floats")
def predict_integer_dtype(student, rng):
    labels = student.predict(rng.normal(size=(6, 2)), rng.normal(size=2), 0.0)
    check.that(isinstance(labels, np.ndarray), f"predict returned a {type(labels).__name__}; expected a numpy "
               "array of integer labels", labels, hidden="predict did not return a numpy array of integer labels")
    check.that(labels.dtype.kind in "iu", f"the labels have dtype {labels.dtype}; expected integers 0 and 1 "
               "(use .astype(int))", labels, hidden="the labels are not integers 0 and 1 (use .astype(int))")


@test("predict", "random thresholds other than 0.5")
def predict_thresholds(student, ref, rng):
    X, w, b = rng.normal(size=(20, 2)), rng.normal(size=2), float(rng.normal())
    for threshold in (0.2, 0.75):
        check.equal(student.predict(X, w, b, threshold=threshold), ref.predict(X, w, b, threshold=threshold),
                    what=f"the label array at threshold {threshold}")


@test("predict", "a probability exactly equal to the threshold gives label 1")
def predict_on_threshold(student):
    # z = 0 gives σ(0) = 0.5 exactly
    check.equal(student.predict(np.array([[0.0], [-1.0], [1.0]]), np.array([1.0]), 0.0), [1, 0, 1],
                what="the label array")


@test("binary_cross_entropy", "random probabilities and labels")
def bce_random(student, ref, rng):
    y_hat, y = rng.uniform(0.01, 0.99, size=12), rng.integers(0, 2, size=12).astype(float)
    check.close(student.binary_cross_entropy(y_hat, y), ref.binary_cross_entropy(y_hat, y), check.LOSS)


@test("binary_cross_entropy", "probabilities of exactly 0 and 1 (right and wrong): clipped, finite")
def bce_clipped(student, ref):
    y_hat, y = np.array([0.0, 1.0, 0.0, 1.0, 0.5]), np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    check.close(student.binary_cross_entropy(y_hat, y), ref.binary_cross_entropy(y_hat, y), check.LOSS)


@test("binary_cross_entropy", "a custom eps = 1e-3 is used for clipping")
def bce_custom_eps(student, ref):
    y_hat, y = np.array([0.0, 1.0, 0.3]), np.array([1.0, 0.0, 1.0])
    check.close(student.binary_cross_entropy(y_hat, y, eps=1e-3), ref.binary_cross_entropy(y_hat, y, eps=1e-3),
                check.LOSS)


@test("logistic_gradients", "random X (m, n), labels, w and b")
def gradients_random(student, ref, rng):
    for m, n in ((9, 3), (20, 1)):
        X, y = rng.normal(size=(m, n)), rng.integers(0, 2, size=m).astype(float)
        w, b = rng.normal(size=n), float(rng.normal())
        dw, db = check.sequence(student.logistic_gradients(X, y, w, b), 2)
        rdw, rdb = ref.logistic_gradients(X, y, w, b)
        check.close(dw, rdw, what=f"dw for X of shape ({m}, {n})")
        check.close(db, rdb, what=f"db for X of shape ({m}, {n})")


@test("logistic_gradients", "a single sample, m = 1")
def gradients_single(student, ref):
    X, y, w = np.array([[2.0, -1.0]]), np.array([1.0]), np.array([0.3, 0.4])
    dw, db = check.sequence(student.logistic_gradients(X, y, w, 0.1), 2)
    check.close(dw, ref.logistic_gradients(X, y, w, 0.1)[0], what="dw")
    check.close(db, ref.logistic_gradients(X, y, w, 0.1)[1], what="db")


def _separable_ish(rng, m, n):
    X = rng.normal(size=(m, n))
    w_true = rng.normal(size=n) * 2
    y = (X @ w_true + 0.5 + rng.normal(scale=0.8, size=m) > 0).astype(float)
    return X, y


@test("fit_logistic", "random, nearly separable data (m, n)")
def fit_random(student, ref, rng):
    X, y = _separable_ish(rng, 40, 3)
    w, b = check.sequence(student.fit_logistic(X, y, 0.5, 150), 2)
    rw, rb = ref.fit_logistic(X, y, 0.5, 150)
    check.close(w, rw, check.TRAINED, what="w")
    check.close(b, rb, check.TRAINED, what="b")


@test("fit_logistic", "random data with one feature, few steps")
def fit_random_one_feature(student, ref, rng):
    X, y = _separable_ish(rng, 25, 1)
    w, b = check.sequence(student.fit_logistic(X, y, 0.3, 7), 2)
    rw, rb = ref.fit_logistic(X, y, 0.3, 7)
    check.close(w, rw, check.TRAINED, what="w")
    check.close(b, rb, check.TRAINED, what="b")

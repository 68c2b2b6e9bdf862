"""Hidden tests: random inputs against the reference, edge cases, and inputs that defeat hard-coding."""

import numpy as np

from autograder.testing import check, test


@test("predict", "random 1-D inputs with a scalar weight")
def predict_random_1d(student, ref, rng):
    X, w, b = rng.normal(size=7), float(rng.normal()), float(rng.normal())
    check.close(student.predict(X, w, b), ref.predict(X, w, b))


@test("predict", "random 2-D inputs X (m, n), w (n,)")
def predict_random_2d(student, ref, rng):
    X, w, b = rng.normal(size=(9, 4)), rng.normal(size=4), float(rng.normal())
    check.close(student.predict(X, w, b), ref.predict(X, w, b))


@test("predict", "a single sample, m = 1")
def predict_single(student, ref, rng):
    X, w = rng.normal(size=(1, 3)), rng.normal(size=3)
    check.close(student.predict(X, w, 0.5), ref.predict(X, w, 0.5))


@test("fit_closed_form", "random noisy data")
def fit_random(student, ref, rng):
    x = rng.uniform(-5, 5, size=30)
    y = 3.0 - 2.0 * x + rng.normal(scale=0.5, size=30)
    w0, w1 = check.sequence(student.fit_closed_form(x, y), 2)
    r0, r1 = ref.fit_closed_form(x, y)
    check.close(w0, r0, what="w0")
    check.close(w1, r1, what="w1")


@test("fit_closed_form", "an exact line other than the lecture's")
def fit_exact_line(student, rng):
    x = rng.uniform(0, 100, size=12)
    w0, w1 = check.sequence(student.fit_closed_form(x, -7.0 + 0.25 * x), 2)
    check.close(w0, -7.0, what="w0")
    check.close(w1, 0.25, what="w1")


@test("fit_closed_form", "two points, one of them repeated")
def fit_two_points(student, ref):
    x, y = np.array([1.0, 1.0, 4.0]), np.array([2.0, 2.0, 8.0])
    w0, w1 = check.sequence(student.fit_closed_form(x, y), 2)
    # w0 = ȳ − w1·x̄ = 0 here: a cancellation of terms the size of y, judged against that size
    check.close(w0, ref.fit_closed_form(x, y)[0], what="w0", scale=np.abs(y).max())
    check.close(w1, ref.fit_closed_form(x, y)[1], what="w1")


@test("fit_closed_form", "a single point raises ValueError")
def fit_single_point(student):
    check.raises("ValueError", student.fit_closed_form, np.array([3.0]), np.array([1.0]))


@test("residuals", "random predictions and targets")
def residuals_random(student, ref, rng):
    y_hat, y = rng.normal(size=11), rng.normal(size=11)
    check.close(student.residuals(y_hat, y), ref.residuals(y_hat, y))


@test("mse_cost", "random predictions and targets")
def mse_random(student, ref, rng):
    y_hat, y = rng.normal(size=13) * 10, rng.normal(size=13) * 10
    check.close(student.mse_cost(y_hat, y), ref.mse_cost(y_hat, y), factors={"½": 2})


@test("mse_cost", "a single sample")
def mse_single(student, ref):
    check.close(student.mse_cost(np.array([3.0]), np.array([1.0])), 2.0, factors={"½": 2})

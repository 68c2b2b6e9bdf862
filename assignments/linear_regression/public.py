"""Public tests: the lecture's worked examples (section 1, house prices)."""

import numpy as np

from autograder.testing import check, test

AREA = np.array([1000.0, 1500.0, 2000.0, 2500.0, 3000.0])
PRICE = np.array([150.0, 200.0, 250.0, 300.0, 350.0])


@test("predict", "the lecture's prediction table (ŷ = 50 + 0.1x)")
def predict_lecture_table(student):
    got = student.predict(np.array([1200.0, 1800.0, 2200.0, 3500.0]), 0.1, 50.0)
    check.close(got, [170.0, 230.0, 270.0, 400.0])


@test("predict", "two features, X of shape (m, n)")
def predict_matrix(student):
    X = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]])
    got = student.predict(X, np.array([0.5, -1.0]), 2.0)
    check.close(got, [0.5, -0.5, 3.25])


@test("fit_closed_form", "the house data gives w0 = 50, w1 = 0.1")
def fit_house_data(student):
    w0, w1 = check.sequence(student.fit_closed_form(AREA, PRICE), 2)
    check.close(w0, 50.0, what="w0")
    check.close(w1, 0.1, what="w1")


@test("fit_closed_form", "all x equal raises ValueError")
def fit_constant_x(student):
    check.raises("ValueError", student.fit_closed_form, np.array([2.0, 2.0, 2.0]), np.array([1.0, 2.0, 3.0]))


@test("residuals", "residuals are prediction minus target")
def residuals_sign(student):
    got = student.residuals(np.array([170.0, 230.0]), np.array([150.0, 250.0]))
    check.close(got, [20.0, -20.0])


@test("mse_cost", "the lecture's perfect fit has J = 0")
def mse_perfect_fit(student):
    check.close(student.mse_cost(50.0 + 0.1 * AREA, PRICE), 0.0)


@test("mse_cost", "J = 1/(2m) Σ e² on a small example")
def mse_small(student):
    check.close(student.mse_cost(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 2.0, 5.0, 4.0])), 0.625,
                factors={"½": 2})

"""Public tests: the lecture's worked examples (section 2), with the corrected values of ERRATA.md."""

import math

import numpy as np

from autograder.testing import check, recipe, test

from .helpers import PATH_LENGTH, check_partition, cost_history

AREA = np.array([1000.0, 1500.0, 2000.0, 2500.0, 3000.0])
PRICE = np.array([150.0, 200.0, 250.0, 300.0, 350.0])


@test("mse_gradients", "the house data at w0 = w1 = 0: gradients −250 and −550,000")
def gradients_at_zero(student):
    dw0, dw1 = check.sequence(student.mse_gradients(AREA, PRICE, 0.0, 0.0), 2)
    check.close(dw0, -250.0, what="dJ/dw0", factors={"m": 5})
    check.close(dw1, -550000.0, what="dJ/dw1", factors={"m": 5})


@test("mse_gradients", "the house data at the best fit (50, 0.1): both gradients are 0")
def gradients_at_fit(student):
    dw0, dw1 = check.sequence(student.mse_gradients(AREA, PRICE, 50.0, 0.1), 2)
    # 0 as a cancellation of terms as large as the prices (dJ/dw0) and the prices times the areas (dJ/dw1):
    # float arithmetic leaves an error of that size, so the tolerance is taken relative to it
    check.close(dw0, 0.0, what="dJ/dw0", scale=PRICE.max())
    check.close(dw1, 0.0, what="dJ/dw1", scale=(AREA * PRICE).max())


@test("gradient_descent_step", "the lecture's first step: α = 1e-7 from (0, 0) gives (0.000025, 0.055)")
def first_step(student):
    w0, w1 = check.sequence(student.gradient_descent_step(AREA, PRICE, 0.0, 0.0, 1e-7), 2)
    check.close(w0, 2.5e-05, what="w0")
    check.close(w1, 0.055, what="w1")


@test("gradient_descent_step", "a small example: x = [1, 2], y = [2, 4] from (0, 0) with α = 0.1")
def small_step(student):
    # errors [-2, -4]: dJ/dw0 = -3, dJ/dw1 = (-2 - 8) / 2 = -5
    w0, w1 = check.sequence(student.gradient_descent_step(np.array([1.0, 2.0]), np.array([2.0, 4.0]),
                                                          0.0, 0.0, 0.1), 2)
    check.close(w0, 0.3, what="w0")
    check.close(w1, 0.5, what="w1")


@test("fit_gradient_descent", "the house data: costs[0] = 33,750 (the lecture's 32,500 is wrong) and J after 1 step")
def cost_history_start(student):
    w0, w1, costs = check.sequence(student.fit_gradient_descent(AREA, PRICE, 1e-7, 1), 3)
    costs = cost_history(costs, 1)
    check.close(costs[0], 33750.0, check.TRAINED, what="costs[0], the cost before any update")
    check.close(costs[1], 10306.246500000314, check.TRAINED, what="costs[1]")
    check.close(w0, 2.5e-05, check.TRAINED, what="w0")
    check.close(w1, 0.055, check.TRAINED, what="w1")


@test("fit_gradient_descent", "the house data with α = 1e-7: the corrected iteration table at k = 10 and 100")
def iteration_table(student):
    w0, w1, costs = check.sequence(student.fit_gradient_descent(AREA, PRICE, 1e-7, 10), 3)
    check.close(w0, 5.9738934465887574e-05, check.TRAINED, what="w0 after 10 updates")
    check.close(w1, 0.12191261374330334, check.TRAINED, what="w1 after 10 updates")
    w0, w1, costs = check.sequence(student.fit_gradient_descent(AREA, PRICE, 1e-7, 100), 3)
    costs = cost_history(costs, 100)
    check.close(costs[[0, 2, 10, 100]], [33750.0, 3214.5133563756253, 139.1041991893343, 138.88827846493706],
                check.TRAINED, what="costs[0], costs[2], costs[10], costs[100]")
    check.close(w0, 0.00010987643217886507, check.TRAINED, what="w0 after 100 updates")
    check.close(w1, 0.12222217393694791, check.TRAINED, what="w1 after 100 updates")


@test("minimize", "J(w) = (w − 3)², derivative 2(w − 3), from 0 with α = 0.2 for 5 steps")
def lecture_parabola(student):
    path = student.minimize(recipe("polynomial", coefficients=[-6.0, 2.0]), 0.0, 0.2, 5)
    check.close(path, [0.0, 1.2, 1.92, 2.352, 2.6112, 2.76672], check.TRAINED, what="the path [w_0, …, w_5]",
                why=PATH_LENGTH)


@test("minimize", "the path starts at w_init and has n_iters + 1 values")
def path_length(student):
    path = student.minimize(recipe("polynomial", coefficients=[-6.0, 2.0]), 10.0, 0.25, 3)
    # w := w - 0.25 * 2(w - 3) = (w + 3) / 2
    check.close(path, [10.0, 6.5, 4.75, 3.875], check.TRAINED, what="the path [w_0, …, w_3]", why=PATH_LENGTH)


@test("standardize", "the house areas: mean 2000, population std 707.1068")
def standardize_house(student):
    z, mean, std = check.sequence(student.standardize(AREA), 3)
    check.close(mean, 2000.0, what="the mean")
    check.close(std, 707.1067811865476, what="the standard deviation (population: divide by m)")
    r = 1 / math.sqrt(2)
    check.close(z, [-2 * r, -r, 0.0, r, 2 * r], what="z")


@test("fit_gradient_descent_scaled", "the house data, α = 0.1 for 1,000 steps: w0 = 50, w1 = 0.1")
def scaled_house(student):
    w0, w1 = check.sequence(student.fit_gradient_descent_scaled(AREA, PRICE, 0.1, 1000), 2)
    check.close(w0, 50.0, check.TRAINED, what="w0")
    check.close(w1, 0.1, check.TRAINED, what="w1")


@test("fit_gradient_descent_scaled", "the house data, α = 1 for a single step is already exact")
def scaled_one_step(student):
    w0, w1 = check.sequence(student.fit_gradient_descent_scaled(AREA, PRICE, 1.0, 1), 2)
    check.close(w0, 50.0, check.TRAINED, what="w0")
    check.close(w1, 0.1, check.TRAINED, what="w1")


@test("minibatches", "n = 10, batch_size = 3: batches of 3, 3, 3, 1 holding each index once")
def partition_of_ten(student):
    check_partition(student.minibatches(10, 3, recipe("generator", seed=0)), 10, 3)


@test("minibatches", "n = 100, batch_size = 10: the indices are shuffled, and the same seed gives the same batches")
def shuffled_and_seeded(student):
    first = check_partition(student.minibatches(100, 10, recipe("generator", seed=1)), 100, 10)
    check.that(np.concatenate(first).tolist() != list(range(100)),
               "the indices come out in order 0, 1, 2, …; shuffle them with rng")
    again = check_partition(student.minibatches(100, 10, recipe("generator", seed=1)), 100, 10)
    check.that(all(np.array_equal(a, b) for a, b in zip(first, again, strict=True)),
               "two calls with generators of the same seed gave different batches; use only `rng` to shuffle")

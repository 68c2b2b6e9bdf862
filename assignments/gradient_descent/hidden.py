"""Hidden tests: random inputs against the reference, edge cases, and inputs that defeat hard-coding."""

import numpy as np

from autograder.testing import check, recipe, test

from .helpers import PATH_LENGTH, check_partition, cost_history


def _line_data(rng, m):
    x = rng.uniform(-3, 5, size=m)
    return x, 1.5 - 2.0 * x + rng.normal(scale=0.7, size=m)


@test("mse_gradients", "random data and random parameters")
def gradients_random(student, ref, rng):
    x, y = _line_data(rng, 17)
    w0, w1 = float(rng.normal()), float(rng.normal())
    dw0, dw1 = check.sequence(student.mse_gradients(x, y, w0, w1), 2)
    r0, r1 = ref.mse_gradients(x, y, w0, w1)
    check.close(dw0, r0, what="dJ/dw0")
    check.close(dw1, r1, what="dJ/dw1")


@test("mse_gradients", "a single sample, m = 1")
def gradients_single(student, ref):
    x, y = np.array([2.0]), np.array([1.0])
    dw0, dw1 = check.sequence(student.mse_gradients(x, y, 0.5, 3.0), 2)
    check.close(dw0, ref.mse_gradients(x, y, 0.5, 3.0)[0], what="dJ/dw0")
    check.close(dw1, ref.mse_gradients(x, y, 0.5, 3.0)[1], what="dJ/dw1")


@test("gradient_descent_step", "random data, parameters and learning rate")
def step_random(student, ref, rng):
    x, y = _line_data(rng, 12)
    w0, w1, lr = float(rng.normal()), float(rng.normal()), float(rng.uniform(0.01, 0.1))
    got0, got1 = check.sequence(student.gradient_descent_step(x, y, w0, w1, lr), 2)
    r0, r1 = ref.gradient_descent_step(x, y, w0, w1, lr)
    check.close(got0, r0, what="w0")
    check.close(got1, r1, what="w1")


@test("gradient_descent_step", "a learning rate of 0 leaves the parameters unchanged")
def step_zero_lr(student, rng):
    x, y = _line_data(rng, 6)
    got0, got1 = check.sequence(student.gradient_descent_step(x, y, 0.25, -1.75, 0.0), 2)
    check.close(got0, 0.25, what="w0")
    check.close(got1, -1.75, what="w1")


@test("fit_gradient_descent", "random data from (0, 0): parameters and the whole cost history")
def fit_random(student, ref, rng):
    x, y = _line_data(rng, 20)
    w0, w1, costs = check.sequence(student.fit_gradient_descent(x, y, 0.05, 60), 3)
    r0, r1, rcosts = ref.fit_gradient_descent(x, y, 0.05, 60)
    check.close(cost_history(costs, 60), rcosts, check.TRAINED, what="costs")
    check.close(w0, r0, check.TRAINED, what="w0")
    check.close(w1, r1, check.TRAINED, what="w1")


@test("fit_gradient_descent", "random data from a given start (w0, w1)")
def fit_from_start(student, ref, rng):
    x, y = _line_data(rng, 15)
    start = dict(w0=float(rng.normal(scale=3)), w1=float(rng.normal(scale=3)))
    w0, w1, costs = check.sequence(student.fit_gradient_descent(x, y, 0.02, 25, **start), 3)
    r0, r1, rcosts = ref.fit_gradient_descent(x, y, 0.02, 25, **start)
    check.close(cost_history(costs, 25), rcosts, check.TRAINED, what="costs")
    check.close(w0, r0, check.TRAINED, what="w0")
    check.close(w1, r1, check.TRAINED, what="w1")


@test("fit_gradient_descent", "n_iters = 0: the start unchanged and a single cost")
def fit_no_iterations(student, ref, rng):
    x, y = _line_data(rng, 8)
    w0, w1, costs = check.sequence(student.fit_gradient_descent(x, y, 0.1, 0, w0=1.0, w1=-0.5), 3)
    check.close(cost_history(costs, 0), ref.fit_gradient_descent(x, y, 0.1, 0, w0=1.0, w1=-0.5)[2], check.TRAINED,
                what="costs")
    check.close(w0, 1.0, check.TRAINED, what="w0")
    check.close(w1, -0.5, check.TRAINED, what="w1")


def _polynomial(coefficients):
    return lambda w: sum(c * w**i for i, c in enumerate(coefficients))


@test("minimize", "random quadratics: derivatives c0 + c1·w")
def minimize_random_linear(student, ref, rng):
    for _ in range(3):
        coefficients = [float(rng.normal(scale=4)), float(rng.uniform(0.5, 3))]
        w_init, lr = float(rng.normal(scale=5)), float(rng.uniform(0.05, 0.3))
        path = student.minimize(recipe("polynomial", coefficients=coefficients), w_init, lr, 12)
        check.close(path, ref.minimize(_polynomial(coefficients), w_init, lr, 12), check.TRAINED, what="the path",
                    why=PATH_LENGTH)


@test("minimize", "a quartic J: derivative c0 + c1·w + c3·w³")
def minimize_random_cubic(student, ref, rng):
    coefficients = [float(rng.normal()), float(rng.uniform(0.5, 1.5)), 0.0, float(rng.uniform(0.1, 0.5))]
    w_init = float(rng.uniform(-1.5, 1.5))
    path = student.minimize(recipe("polynomial", coefficients=coefficients), w_init, 0.05, 20)
    check.close(path, ref.minimize(_polynomial(coefficients), w_init, 0.05, 20), check.TRAINED, what="the path",
                why=PATH_LENGTH)


@test("minimize", "n_iters = 0: the path is just [w_init]")
def minimize_no_iterations(student):
    path = student.minimize(recipe("polynomial", coefficients=[-6.0, 2.0]), 4.5, 0.2, 0)
    check.close(path, [4.5], check.TRAINED, what="the path", why=PATH_LENGTH)


@test("standardize", "random data: z, mean and population std")
def standardize_random(student, ref, rng):
    x = rng.normal(loc=40, scale=12, size=9)
    z, mean, std = check.sequence(student.standardize(x), 3)
    rz, rmean, rstd = ref.standardize(x)
    check.close(mean, rmean, what="the mean")
    check.close(std, rstd, what="the standard deviation (population: divide by m)")
    check.close(z, rz, what="z")


@test("standardize", "two samples: z = [−1, 1] and std = half the gap")
def standardize_two(student):
    z, mean, std = check.sequence(student.standardize(np.array([3.0, 7.0])), 3)
    check.close(mean, 5.0, what="the mean")
    check.close(std, 2.0, what="the standard deviation (population: divide by m)")
    check.close(z, [-1.0, 1.0], what="z")


@test("fit_gradient_descent_scaled", "random data, few steps (not yet converged)")
def scaled_random_path(student, ref, rng):
    x = rng.uniform(100, 900, size=14)
    y = 20.0 + 0.3 * x + rng.normal(scale=5, size=14)
    w0, w1 = check.sequence(student.fit_gradient_descent_scaled(x, y, 0.3, 8), 2)
    r0, r1 = ref.fit_gradient_descent_scaled(x, y, 0.3, 8)
    check.close(w0, r0, check.TRAINED, what="w0")
    check.close(w1, r1, check.TRAINED, what="w1")


@test("fit_gradient_descent_scaled", "random large-scale data, many steps: reaches the least-squares line")
def scaled_random_converged(student, rng):
    x = rng.uniform(1e4, 5e4, size=25)
    y = -300.0 + 0.02 * x + rng.normal(scale=10, size=25)
    w0, w1 = check.sequence(student.fit_gradient_descent_scaled(x, y, 0.2, 400), 2)
    slope, intercept = np.polyfit(x, y, 1)
    check.close(w0, intercept, check.TRAINED, what="w0")
    check.close(w1, slope, check.TRAINED, what="w1")


@test("minibatches", "n not a multiple of batch_size: the last, shorter batch is kept")
def batches_remainder(student):
    check_partition(student.minibatches(53, 8, recipe("generator", seed=7)), 53, 8)


@test("minibatches", "batch_size = n gives one batch (batch GD), batch_size = 1 gives n batches (SGD)")
def batches_extremes(student):
    check_partition(student.minibatches(20, 20, recipe("generator", seed=3)), 20, 20)
    check_partition(student.minibatches(20, 1, recipe("generator", seed=3)), 20, 1)


@test("minibatches", "large n: the indices are shuffled across batches, not kept in runs")
def batches_shuffled(student):
    arrays = check_partition(student.minibatches(1000, 100, recipe("generator", seed=11)), 1000, 100)
    check.that(np.concatenate(arrays).tolist() != list(range(1000)),
               "the indices come out in order 0, 1, 2, …; shuffle them with rng")
    runs = [a for a in arrays if np.array_equal(np.sort(a), np.arange(a.min(), a.min() + a.size))]
    check.that(len(runs) < len(arrays), "every batch is a run of consecutive indices; shuffle the indices "
               "themselves, not just the order of the batches")


@test("minibatches", "the same seed gives the same batches; different seeds give different ones")
def batches_seeded(student):
    first = check_partition(student.minibatches(64, 16, recipe("generator", seed=2024)), 64, 16)
    again = check_partition(student.minibatches(64, 16, recipe("generator", seed=2024)), 64, 16)
    check.that(all(np.array_equal(a, b) for a, b in zip(first, again, strict=True)),
               "two calls with generators of the same seed gave different batches; shuffle with `rng` only")
    other = check_partition(student.minibatches(64, 16, recipe("generator", seed=2025)), 64, 16)
    check.that(not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True)),
               "generators with different seeds gave the same batches; shuffle with the `rng` you are given")

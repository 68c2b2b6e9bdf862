"""Gradient descent: the MSE gradient, the update rule, 1-D descent, feature scaling and mini-batches.

Lecture: From Linear Regression to Deep Networks, section 2 (Gradient descent).
Running example: the house data of section 1, x = area (sq ft), y = price ($1000s),
fitted by ŷ = w0 + w1·x with the cost J = 1/(2m) Σ (ŷᵢ − yᵢ)².
"""

import numpy as np


def mse_gradients(x, y, w0, w1):
    """The gradient of the MSE cost J(w0, w1) = 1/(2m) Σ (w0 + w1·xᵢ − yᵢ)².

    ∂J/∂w0 = 1/m Σ (ŷᵢ − yᵢ),   ∂J/∂w1 = 1/m Σ (ŷᵢ − yᵢ)·xᵢ,   with ŷᵢ = w0 + w1·xᵢ.

    Args:
        x: inputs, shape (m,).
        y: targets, shape (m,).
        w0: the intercept, a float.
        w1: the slope, a float.

    Returns:
        (dJ_dw0, dJ_dw1), two floats.

    Lecture: section 2, "Deriving the MSE gradient" (−250 and −550,000 at w0 = w1 = 0 on the house data).
    """
    # TODO: compute the errors ŷ − y once; ∂J/∂w0 is their mean, ∂J/∂w1 the mean of error × x.
    raise NotImplementedError("mse_gradients is not implemented yet")


def gradient_descent_step(x, y, w0, w1, lr):
    """One batch gradient-descent update of both parameters.

    w0 := w0 − α·∂J/∂w0,   w1 := w1 − α·∂J/∂w1,   both gradients taken at the old (w0, w1).

    Args:
        x: inputs, shape (m,).
        y: targets, shape (m,).
        w0: the intercept, a float.
        w1: the slope, a float.
        lr: the learning rate α, a float.

    Returns:
        (w0, w1) after the step, two floats.

    Lecture: section 2, "The update rule" (one step with α = 1e-7 from (0, 0) gives (0.000025, 0.055)).
    """
    # TODO: step against the gradient (minus sign); you may call mse_gradients.
    raise NotImplementedError("gradient_descent_step is not implemented yet")


def fit_gradient_descent(x, y, lr, n_iters, w0=0.0, w1=0.0):
    """Batch gradient descent on the MSE cost, recording the cost along the way.

    Args:
        x: inputs, shape (m,).
        y: targets, shape (m,).
        lr: the learning rate α, a float.
        n_iters: the number of updates, an int ≥ 0.
        w0, w1: the starting parameters (0 by default).

    Returns:
        (w0, w1, costs): the parameters after `n_iters` updates and a list of
        `n_iters + 1` floats, where costs[k] is J after k updates (costs[0] is the
        cost at the start).

    Lecture: section 2, "Gradient descent on the house data" (costs[0] = 33,750; the
    lecture's table prints 32,500, and its later rows are wrong too: see ERRATA.md).
    """
    # TODO: record J before the loop, then once after every update: n_iters + 1 costs in all.
    raise NotImplementedError("fit_gradient_descent is not implemented yet")


def minimize(grad, w_init, lr, n_iters):
    """1-D gradient descent w := w − α·J'(w), given the derivative J'.

    Args:
        grad: a function returning J'(w) for a float w.
        w_init: the starting point w_0, a float.
        lr: the learning rate α, a float.
        n_iters: the number of updates, an int ≥ 0.

    Returns:
        The path [w_0, w_1, …, w_n] as a list of n_iters + 1 floats.

    Lecture: section 2, "A 1-D example: J(w) = (w − 3)²" (from 0 with α = 0.2: 0, 1.2, 1.92, 2.352, …).
    """
    # TODO: start the path with w_init and append each new w.
    raise NotImplementedError("minimize is not implemented yet")


def standardize(x):
    """Z-scores zᵢ = (xᵢ − x̄) / σ, with σ the population standard deviation (divide by m).

    Args:
        x: inputs, shape (m,).

    Returns:
        (z, mean, std): z of shape (m,), and the mean x̄ and standard deviation σ as floats.

    Lecture: section 2, "Feature scaling" (the house areas have x̄ = 2000 and σ ≈ 707.1).
    """
    # TODO: np.std divides by m by default (ddof=0), which is what we want.
    raise NotImplementedError("standardize is not implemented yet")


def fit_gradient_descent_scaled(x, y, lr, n_iters):
    """Batch gradient descent from (0, 0) on the standardized input, mapped back to x's scale.

    Gradient descent fits ŷ = v0 + v1·z with z = (x − x̄)/σ; since
    v0 + v1·(x − x̄)/σ = (v0 − v1·x̄/σ) + (v1/σ)·x, the parameters on the original
    scale are w0 = v0 − v1·x̄/σ and w1 = v1/σ.

    Args:
        x: inputs, shape (m,), not all equal.
        y: targets, shape (m,).
        lr: the learning rate α, a float.
        n_iters: the number of updates, an int ≥ 0.

    Returns:
        (w0, w1), two floats on the scale of the original x.

    Lecture: section 2, "Feature scaling" (with α = 0.1 the house data reaches w0 = 50,
    w1 = 0.1 in under 100 steps; with α = 1, in one).
    """
    # TODO: you may reuse standardize and fit_gradient_descent; then map (v0, v1) back to (w0, w1).
    raise NotImplementedError("fit_gradient_descent_scaled is not implemented yet")


def minibatches(n, batch_size, rng):
    """A shuffled partition of the sample indices 0, …, n − 1 into mini-batches.

    Args:
        n: the number of samples, an int ≥ 1.
        batch_size: samples per batch, an int ≥ 1 (n gives batch GD, 1 gives SGD).
        rng: a numpy.random.Generator, the only source of randomness.

    Returns:
        A list of ⌈n / batch_size⌉ integer index arrays, each of length batch_size
        except possibly the last; together they hold every index exactly once.

    Lecture: section 2, "Batch, stochastic and mini-batch GD"; Lecture 5, "Batch size".
    """
    # TODO: rng.permutation(n) shuffles the indices; then slice them into consecutive chunks.
    raise NotImplementedError("minibatches is not implemented yet")

"""Hidden tests: random weights against the reference, edge cases from SPEC, and dropout graded statistically."""

import numpy as np

from autograder.testing import check, recipe, test

# Dropout is graded on N activations: the dropped fraction of N Bernoulli(p) draws has
# standard deviation sqrt(p(1 − p)/N), and a correct scheme must land within 5 of them.
N = 50_000


def _weights(rng, n):
    """Random feature weights of both signs, one of them exactly 0."""
    w = rng.normal(scale=2.0, size=n)
    w[rng.integers(n)] = 0.0
    return w


@test("l1_penalty", "random weights of both signs, several sizes and λ")
def l1_random(student, ref, rng):
    for n in (1, 5, 40):
        w, lam = _weights(rng, n), float(rng.uniform(0.001, 2.0))
        check.close(student.l1_penalty(w, lam), ref.l1_penalty(w, lam), what=f"the penalty for {n} weights")


@test("l1_penalty", "all weights negative")
def l1_all_negative(student, ref, rng):
    w = -rng.uniform(0.1, 3.0, size=6)
    check.close(student.l1_penalty(w, 0.3), ref.l1_penalty(w, 0.3))


@test("l1_penalty", "λ = 0 gives no penalty")
def l1_lambda_zero(student, rng):
    check.close(student.l1_penalty(rng.normal(size=5), 0.0), 0.0)


@test("l2_penalty", "random weights of both signs, several sizes and λ")
def l2_random(student, ref, rng):
    for n in (1, 5, 40):
        w, lam = _weights(rng, n), float(rng.uniform(0.001, 2.0))
        check.close(student.l2_penalty(w, lam), ref.l2_penalty(w, lam), what=f"the penalty for {n} weights")


@test("l2_penalty", "λ = 0 gives no penalty")
def l2_lambda_zero(student, rng):
    check.close(student.l2_penalty(rng.normal(size=5), 0.0), 0.0)


@test("elastic_net_penalty", "random weights, λ1 ≠ λ2")
def elastic_net_random(student, ref, rng):
    for n in (1, 6, 30):
        w = _weights(rng, n)
        lam1, lam2 = float(rng.uniform(0.01, 1.0)), float(rng.uniform(1.5, 3.0))
        check.close(student.elastic_net_penalty(w, lam1, lam2), ref.elastic_net_penalty(w, lam1, lam2),
                    what=f"the penalty for {n} weights")


@test("elastic_net_penalty", "λ2 = 0 is L1 only, λ1 = 0 is L2 only")
def elastic_net_limits(student, ref, rng):
    w = _weights(rng, 8)
    check.close(student.elastic_net_penalty(w, 0.7, 0.0), ref.l1_penalty(w, 0.7), what="with λ2 = 0")
    check.close(student.elastic_net_penalty(w, 0.0, 0.7), ref.l2_penalty(w, 0.7), what="with λ1 = 0")


@test("regularized_cost", "random cost and weights, kind='l2' and the default kind")
def regularized_cost_random_l2(student, ref, rng):
    cost, w, lam = float(rng.uniform(0, 10)), _weights(rng, 7), float(rng.uniform(0.01, 1.0))
    check.close(student.regularized_cost(cost, w, lam, kind="l2"), ref.regularized_cost(cost, w, lam, kind="l2"))
    check.close(student.regularized_cost(cost, w, lam), ref.regularized_cost(cost, w, lam),
                what="the result with the default kind")


@test("regularized_cost", "random cost and weights, kind='l1'")
def regularized_cost_random_l1(student, ref, rng):
    cost, w, lam = float(rng.uniform(0, 10)), _weights(rng, 7), float(rng.uniform(0.01, 1.0))
    check.close(student.regularized_cost(cost, w, lam, kind="l1"), ref.regularized_cost(cost, w, lam, kind="l1"))


@test("regularized_cost", "only w is penalized: a bias of 50 outside w adds nothing")
def regularized_cost_bias_not_penalized(student, rng):
    w = rng.normal(size=3)
    got = student.regularized_cost(1.5, w, 0.2)
    check.close(got, 1.5 + 0.2 * np.sum(w**2), what="J + λΣw² for w alone (no bias term)")


@test("regularized_cost", "kinds other than 'l1' and 'l2' raise ValueError")
def regularized_cost_bad_kinds(student):
    for kind in ("L2", "elastic", ""):
        check.raises("ValueError", student.regularized_cost, 1.0, np.array([0.5, -0.5]), 0.1, kind=kind)


@test("l2_gradient", "random gradients and weights, several sizes")
def l2_gradient_random(student, ref, rng):
    for n in (1, 4, 25):
        g, w, lam = rng.normal(size=n), _weights(rng, n), float(rng.uniform(0.01, 1.0))
        check.close(student.l2_gradient(g, w, lam), ref.l2_gradient(g, w, lam), what=f"the gradient for {n} weights")


@test("l2_gradient", "λ = 0 leaves the gradient unchanged")
def l2_gradient_lambda_zero(student, rng):
    g, w = rng.normal(size=5), rng.normal(size=5)
    check.close(student.l2_gradient(g, w, 0.0), g)


@test("l1_subgradient", "random gradients and weights, several sizes")
def l1_subgradient_random(student, ref, rng):
    for n in (1, 4, 25):
        g, w, lam = rng.normal(size=n), rng.normal(size=n), float(rng.uniform(0.01, 1.0))
        check.close(student.l1_subgradient(g, w, lam), ref.l1_subgradient(g, w, lam),
                    what=f"the subgradient for {n} weights")


@test("l1_subgradient", "weights that are exactly 0 use sign(0) = 0")
def l1_subgradient_zeros(student, ref, rng):
    g, w = rng.normal(size=6), np.array([0.0, -1.5, 0.0, 2.0, 0.0, -0.1])
    check.close(student.l1_subgradient(g, w, 0.5), ref.l1_subgradient(g, w, 0.5))


def _dropout(student, a, p, seed, **kwargs):
    out, mask = check.sequence(student.dropout(a, p, recipe("generator", seed=seed), **kwargs), 2)
    out = check.shape(out, a.shape, what="out")
    mask = check.shape(mask, a.shape, what="mask")
    return out, mask


@test("dropout", "mask values are 0 or 1/(1 − p), out = a · mask, for several p", timeout=20.0)
def dropout_mask_values_random(student, rng):
    a = rng.normal(size=(30, 40))
    for p in (0.1, 0.25, 0.8):
        out, mask = _dropout(student, a, p, seed=int(rng.integers(2**31)))
        scale = 1 / (1 - p)
        check.that(bool(np.all(check.FLOAT.holds(mask, 0.0) | check.FLOAT.holds(mask, scale))),
                   f"with p = {p}, mask entries should be 0 or 1/(1 − p) = {scale:.6g}", mask)
        check.close(out, a * mask, what=f"out (with p = {p})")


@test("dropout", f"the dropped fraction is close to p on {N:,} activations (within 5 standard deviations)",
      timeout=20.0)
def dropout_fraction(student, rng):
    a = np.ones(N)
    for p in (0.2, 0.5, 0.7):
        _, mask = _dropout(student, a, p, seed=int(rng.integers(2**31)))
        dropped = float(np.mean(mask == 0))
        bound = 5 * np.sqrt(p * (1 - p) / N)
        check.that(abs(dropped - p) <= bound,
                   f"with p = {p}, a fraction {dropped:.4f} of the activations was dropped; expected "
                   f"p = {p} ± {bound:.4f} (p is the probability of dropping, not of keeping)", mask,
                   hidden=f"with p = {p}, too few or too many activations were dropped (p is the probability "
                          f"of dropping, not of keeping)")


@test("dropout", f"the expectation is preserved: mean of out ≈ 1 for a = ones({N:,})", timeout=20.0)
def dropout_expectation(student, rng):
    a = np.ones(N)
    for p in (0.3, 0.6):
        out, _ = _dropout(student, a, p, seed=int(rng.integers(2**31)))
        bound = 5 * np.sqrt(p / (1 - p) / N)
        mean = float(np.mean(out))
        check.that(abs(mean - 1) <= bound,
                   f"with p = {p}, the mean of out is {mean:.4f}; expected 1 ± {bound:.4f} "
                   f"(scale the kept activations by 1/(1 − p))", out,
                   hidden=f"with p = {p}, the mean of out is not about 1 (scale the kept activations by 1/(1 − p))")


@test("dropout", "uses the rng it is given: same seed, same mask; different seeds, different masks")
def dropout_uses_rng(student):
    a = np.ones((20, 25))
    _, first = _dropout(student, a, 0.5, seed=7)
    _, again = _dropout(student, a, 0.5, seed=7)
    _, other = _dropout(student, a, 0.5, seed=8)
    check.that(np.array_equal(first, again),
               "two calls with generators of the same seed gave different masks; "
               "draw every random number from `rng`, not from np.random", again)
    check.that(not np.array_equal(first, other),
               "generators of different seeds gave the same mask; the mask must be random", other)


@test("dropout", "shapes are preserved for 1-D and 2-D activations")
def dropout_shapes(student, rng):
    for shape in ((7,), (3, 4), (1, 9)):
        a = rng.normal(size=shape)
        out, mask = _dropout(student, a, 0.4, seed=int(rng.integers(2**31)))
        check.close(out, a * mask, what=f"out for shape {shape}")


@test("dropout", "p = 0 keeps every activation (mask of ones)")
def dropout_p_zero(student, rng):
    a = rng.normal(size=(6, 5))
    out, mask = _dropout(student, a, 0.0, seed=3)
    check.close(mask, np.ones_like(a), what="mask")
    check.close(out, a, what="out")


@test("dropout", "training=False returns random 1-D activations unchanged, mask of ones")
def dropout_evaluation_random(student, rng):
    a = rng.normal(size=11)
    out, mask = _dropout(student, a, 0.9, seed=1, training=False)
    check.close(out, a, check.EXACT, what="out")
    check.close(mask, np.ones_like(a), check.EXACT, what="mask")


@test("dropout", "p outside [0, 1) (1.0, -0.1, 1.5) raises ValueError")
def dropout_bad_p(student):
    for p in (1.0, -0.1, 1.5):
        check.raises("ValueError", student.dropout, np.ones(5), p, recipe("generator", seed=0))

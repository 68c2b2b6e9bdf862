"""Public tests: the lecture's worked example (section 4: λ = 0.01, w1 = 0.1, J = 0) and small cases."""

import numpy as np

from autograder.testing import check, recipe, test

W = np.array([0.5, -2.0, 0.0, 1.5])


@test("l1_penalty", "the lecture's weight w1 = 0.1 with λ = 0.01 gives 0.001")
def l1_lecture(student):
    check.close(student.l1_penalty(np.array([0.1]), 0.01), 0.001)


@test("l1_penalty", "λ Σ|wᵢ| with negative weights: 0.1 × (0.5 + 2 + 0 + 1.5) = 0.4")
def l1_negative_weights(student):
    check.close(student.l1_penalty(W, 0.1), 0.4)


@test("l2_penalty", "the lecture's weight w1 = 0.1 with λ = 0.01 gives 0.0001")
def l2_lecture(student):
    check.close(student.l2_penalty(np.array([0.1]), 0.01), 0.0001)


@test("l2_penalty", "λ Σwᵢ²: 0.1 × (0.25 + 4 + 0 + 2.25) = 0.65")
def l2_small(student):
    check.close(student.l2_penalty(W, 0.1), 0.65)


@test("elastic_net_penalty", "λ1 = 0.1, λ2 = 0.01: 0.1 × 4 + 0.01 × 6.5 = 0.465")
def elastic_net_small(student):
    check.close(student.elastic_net_penalty(W, 0.1, 0.01), 0.465)


@test("regularized_cost", "the lecture's example: J = 0, w = [0.1] (bias 50 not in w), λ = 0.01, L2 gives 0.0001")
def regularized_cost_lecture(student):
    check.close(student.regularized_cost(0.0, np.array([0.1]), 0.01), 0.0001)


@test("regularized_cost", "kind='l1': J = 2 plus 0.1 × Σ|w| = 2.4")
def regularized_cost_l1(student):
    check.close(student.regularized_cost(2.0, W, 0.1, kind="l1"), 2.4)


@test("regularized_cost", "kind='l2': J = 2 plus 0.1 × Σw² = 2.65")
def regularized_cost_l2(student):
    check.close(student.regularized_cost(2.0, W, 0.1, kind="l2"), 2.65)


@test("regularized_cost", "an unknown kind ('l3') raises ValueError")
def regularized_cost_unknown_kind(student):
    check.raises("ValueError", student.regularized_cost, 1.0, W, 0.1, kind="l3")


@test("l2_gradient", "the lecture's w1 = 0.1, λ = 0.01 adds 2λw = 0.002 to the gradient")
def l2_gradient_lecture(student):
    check.close(student.l2_gradient(np.array([-0.5]), np.array([0.1]), 0.01), [-0.498])


@test("l2_gradient", "grad + 2λw on four weights")
def l2_gradient_small(student):
    got = student.l2_gradient(np.array([1.0, 1.0, 1.0, 1.0]), W, 0.1)
    check.close(got, [1.1, 0.6, 1.0, 1.3])


@test("l1_subgradient", "the lecture's w1 = 0.1, λ = 0.01 adds λ·sign(w) = 0.01 to the gradient")
def l1_subgradient_lecture(student):
    check.close(student.l1_subgradient(np.array([-0.5]), np.array([0.1]), 0.01), [-0.49])


@test("l1_subgradient", "grad + λ·sign(w), with sign(0) = 0")
def l1_subgradient_small(student):
    got = student.l1_subgradient(np.array([1.0, 1.0, 1.0, 1.0]), W, 0.1)
    check.close(got, [1.1, 0.9, 1.0, 1.1])


@test("dropout", "p = 0.5 on 2-D activations: out = a · mask, mask entries 0 or 1/(1 − p) = 2")
def dropout_mask_values(student):
    a = np.arange(1.0, 21.0).reshape(4, 5)
    out, mask = check.sequence(student.dropout(a, 0.5, recipe("generator", seed=0)), 2)
    mask = check.shape(mask, a.shape, what="mask")
    check.that(bool(np.all(check.FLOAT.holds(mask, 0.0) | check.FLOAT.holds(mask, 2.0))),
               "mask entries should be 0 or 1/(1 − p) = 2", mask)
    check.close(out, a * mask, what="out")


@test("dropout", "training=False returns a unchanged and a mask of ones")
def dropout_evaluation(student):
    a = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -4.0]])
    out, mask = check.sequence(student.dropout(a, 0.5, recipe("generator", seed=0), training=False), 2)
    check.close(out, a, check.EXACT, what="out")
    check.close(mask, np.ones_like(a), check.EXACT, what="mask")


@test("dropout", "p = 1 raises ValueError (it would drop everything)")
def dropout_p_one(student):
    check.raises("ValueError", student.dropout, np.ones(4), 1.0, recipe("generator", seed=0))

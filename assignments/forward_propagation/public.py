"""Public tests: the lectures' worked examples (the 2-2-1 forward pass, softmax, cross-entropy)."""

import numpy as np

from autograder.testing import check, test

# From Linear Regression to Deep Networks, section 8: 2 inputs → 2 hidden (ReLU) → 1 output (sigmoid).
X = np.array([0.5, 0.8])
W1 = np.array([[0.2, 0.4], [0.6, 0.3]])
B1 = np.array([0.1, 0.2])
W2 = np.array([[0.5, 0.7]])
B2 = np.array([0.1])
Y_HAT = 0.7064076005885831  # σ(0.878)

# Lecture 5B's cross-entropy table: −ln 0.99, −ln 0.5, −ln 0.01.
CE_99, CE_50, CE_01 = 0.01005033585350145, 0.6931471805599453, 4.605170185988091

# A loss is compared by the policy's LOSS class (1e-4 relative): the textbook's + 1e-7 guard inside the log
# moves a loss near 0.01 by about 1e-5 relative, and is right; a wrong convention (a sum, log10, a missing
# minus) is off by far more.


@test("dense_forward", "the lecture's hidden layer: W¹x + b¹ = [0.52, 0.74]")
def dense_lecture_hidden(student):
    check.close(student.dense_forward(X, W1, B1), [0.52, 0.74])


@test("dense_forward", "the lecture's output layer: W² of shape (1, 2) gives shape (1,)")
def dense_lecture_output(student):
    check.close(student.dense_forward(np.array([0.52, 0.74]), W2, B2), [0.878])


@test("dense_forward", "a batch (m, n): row i is W xᵢ + b")
def dense_lecture_batch(student):
    batch = np.array([[0.5, 0.8], [1.0, 0.0], [0.0, 1.0]])
    check.close(student.dense_forward(batch, W1, B1), [[0.52, 0.74], [0.3, 0.8], [0.5, 0.5]])


@test("mlp_forward", "the lecture's forward pass: ŷ = σ(0.878) ≈ 0.706")
def mlp_lecture_forward(student):
    got = student.mlp_forward(X, [W1, W2], [B1, B2], ["relu", "sigmoid"])
    check.close(got, [Y_HAT])


@test("mlp_forward", "the lecture's network on a batch (ReLU zeroes the second input's hidden layer)")
def mlp_lecture_batch(student):
    batch = np.array([[0.5, 0.8], [-1.0, -1.0]])
    got = student.mlp_forward(batch, [W1, W2], [B1, B2], ["relu", "sigmoid"])
    check.close(got, [[Y_HAT], [0.52497918747894]])  # the second row: σ(0 + 0 + 0.1)


@test("mlp_forward", "an unknown activation name raises ValueError")
def mlp_unknown_activation(student):
    check.raises("ValueError", student.mlp_forward, X, [W1, W2], [B1, B2], ["relu", "swish"])


@test("softmax", "the lecture's scores [2.0, 1.0, 0.1]")
def softmax_lecture_scores(student):
    got = student.softmax(np.array([2.0, 1.0, 0.1]))
    check.close(got, [0.6590011388859679, 0.2424329707047139, 0.09856589040931818], check.PROBABILITY)


@test("softmax", "large equal scores: softmax([1000, 1000]) = [0.5, 0.5]")
def softmax_large_equal(student):
    check.close(student.softmax(np.array([1000.0, 1000.0])), [0.5, 0.5], check.PROBABILITY)


@test("cross_entropy", "softmax([2, 1, 0.1]) with true class 0: −ln 0.659 ≈ 0.417")
def cross_entropy_lecture_softmax(student):
    probs = np.array([0.6590011388859679, 0.2424329707047139, 0.09856589040931818])
    check.close(student.cross_entropy(probs, 0), 0.4170300162778335, tolerance=check.LOSS)


@test("cross_entropy", "the lecture's table: 99%, 50% and 1% on the true class")
def cross_entropy_lecture_table(student):
    check.close(student.cross_entropy(np.array([0.99, 0.01]), 0), CE_99, what="the loss at 99%", tolerance=check.LOSS)
    check.close(student.cross_entropy(np.array([0.5, 0.5]), 1), CE_50, what="the loss at 50%", tolerance=check.LOSS)
    check.close(student.cross_entropy(np.array([0.99, 0.01]), 1), CE_01, what="the loss at 1%", tolerance=check.LOSS)


@test("cross_entropy", "the lecture's three cases as a batch (m, k): the mean loss")
def cross_entropy_lecture_batch(student):
    probs = np.array([[0.99, 0.01], [0.5, 0.5], [0.99, 0.01]])
    got = student.cross_entropy(probs, np.array([0, 1, 1]))
    check.close(got, (CE_99 + CE_50 + CE_01) / 3, tolerance=check.LOSS)

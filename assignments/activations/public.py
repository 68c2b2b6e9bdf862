"""Public tests: the lecture's activation tables (section 6) and a two-layer collapse."""

import numpy as np

from autograder.testing import check, test

RELU_TABLE = np.array([-5.0, -0.1, 0.1])


@test("relu", "the lecture's ReLU table: −5.0, −0.1, 0.1")
def relu_table(student):
    check.close(student.relu(RELU_TABLE), [0.0, 0.0, 0.1], what="relu(z)")


@test("relu", "the lecture's gradient column: 0, 0, 1")
def relu_grad_table(student):
    check.close(student.relu_grad(RELU_TABLE), [0.0, 0.0, 1.0], what="relu_grad(z)")


@test("relu", "relu_grad(0.0) == 0 (a number in, a number out)")
def relu_grad_zero(student):
    check.close(student.relu_grad(0.0), 0.0, what="relu_grad(0.0)")


@test("sigmoid", "σ at −3, −1, 0, 1, 3 (the lecture's table)")
def sigmoid_table(student):
    got = student.sigmoid(np.array([-3.0, -1.0, 0.0, 1.0, 3.0]))
    check.close(got, [0.04742587317756678, 0.2689414213699951, 0.5, 0.7310585786300049, 0.9525741268224334],
                check.PROBABILITY, what="sigmoid(z)")


@test("sigmoid", "σ'(0) = 0.25 and σ'(0.7) = h(1 − h) ≈ 0.2217")
def sigmoid_grad_values(student):
    check.close(student.sigmoid_grad(0.0), 0.25, check.PROBABILITY, what="sigmoid_grad(0.0)")
    check.close(student.sigmoid_grad(np.array([0.0, 0.7])), [0.25, 0.22171287329310904], check.PROBABILITY,
                what="sigmoid_grad(z)")


@test("sigmoid", "no overflow: σ(−10⁴) = 0 and σ(10⁴) = 1 (within 1e-12, a probability's tolerance)")
def sigmoid_extremes(student):
    check.close(student.sigmoid(np.array([-1e4, 1e4])), [0.0, 1.0], check.PROBABILITY, what="sigmoid(z)")


@test("tanh", "tanh and tanh' at −0.5, 0, 1, 2")
def tanh_values(student):
    z = np.array([-0.5, 0.0, 1.0, 2.0])
    check.close(student.tanh(z), [-0.46211715726000974, 0.0, 0.7615941559557649, 0.9640275800758169],
                what="tanh(z)")
    check.close(student.tanh_grad(z), [0.7864477329659274, 1.0, 0.41997434161402614, 0.07065082485316443],
                what="tanh_grad(z)")


@test("tanh", "tanh'(0.0) = 1 (a number in, a number out)")
def tanh_grad_zero(student):
    check.close(student.tanh_grad(0.0), 1.0, what="tanh_grad(0.0)")


@test("leaky_relu", "the ReLU table with the default alpha = 0.01")
def leaky_default(student):
    check.close(student.leaky_relu(RELU_TABLE), [-0.05, -0.001, 0.1], what="leaky_relu(z)")
    check.close(student.leaky_relu_grad(RELU_TABLE), [0.01, 0.01, 1.0], what="leaky_relu_grad(z)")


@test("leaky_relu", "alpha = 0.2")
def leaky_alpha(student):
    check.close(student.leaky_relu(RELU_TABLE, alpha=0.2), [-1.0, -0.02, 0.1], what="leaky_relu(z, alpha=0.2)")
    check.close(student.leaky_relu_grad(RELU_TABLE, alpha=0.2), [0.2, 0.2, 1.0],
                what="leaky_relu_grad(z, alpha=0.2)")


W1 = np.array([[0.2, 0.4], [0.6, 0.3]])
B1 = np.array([0.1, 0.2])
W2 = np.array([[0.5, 0.7]])
B2 = np.array([0.1])


@test("collapse_linear", "two layers: W = W2 W1 = [[0.52, 0.41]], b = W2 b1 + b2 = [0.29]")
def collapse_two_layers(student):
    W, b = check.sequence(student.collapse_linear([W1, W2], [B1, B2]), 2)
    check.close(W, [[0.52, 0.41]], what="W")
    check.close(b, [0.29], what="b")


@test("collapse_linear", "the collapsed layer gives z = 0.878 at x = [0.5, 0.8], as the two layers do")
def collapse_same_output(student):
    W, b = check.sequence(student.collapse_linear([W1, W2], [B1, B2]), 2)
    W = check.shape(W, (1, 2), what="W")
    b = check.shape(b, (1,), what="b")
    check.close(W @ np.array([0.5, 0.8]) + b, [0.878], what="W x + b")


@test("collapse_linear", "a single layer collapses to itself")
def collapse_one_layer(student):
    W, b = check.sequence(student.collapse_linear([W1], [B1]), 2)
    check.close(W, W1, what="W")
    check.close(b, B1, what="b")

"""Hidden tests: random layers and networks against the reference, shapes, stability, hard-coding."""

import numpy as np

from autograder.testing import check, test


def random_net(rng, sizes):
    """Weights (nˡ, nˡ⁻¹) and biases (nˡ,) for the layer sizes `sizes`, input first."""
    weights = [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
    biases = [rng.normal(size=n_out) for n_out in sizes[1:]]
    return weights, biases

# A loss is compared by the policy's LOSS class (1e-4 relative): the textbook's + 1e-7 guard inside the log
# moves a loss near 0.01 by about 1e-5 relative, and is right; a wrong convention (a sum, log10, a missing
# minus) is off by far more.


@test("dense_forward", "a random single input (n,) gives shape (k,)")
def dense_random_single(student, ref, rng):
    x, W, b = rng.normal(size=5), rng.normal(size=(3, 5)), rng.normal(size=3)
    check.close(student.dense_forward(x, W, b), ref.dense_forward(x, W, b))


@test("dense_forward", "a random batch (m, n) gives shape (m, k)")
def dense_random_batch(student, ref, rng):
    x, W, b = rng.normal(size=(7, 4)), rng.normal(size=(3, 4)), rng.normal(size=3)
    check.close(student.dense_forward(x, W, b), ref.dense_forward(x, W, b))


@test("dense_forward", "a random batch with a square W (n = k), so W and Wᵀ give the same shape")
def dense_random_square(student, ref, rng):
    x, W, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)
    check.close(student.dense_forward(x, W, b), ref.dense_forward(x, W, b))


@test("dense_forward", "a batch of one input, shape (1, n), gives shape (1, k)")
def dense_batch_of_one(student, ref, rng):
    x, W, b = rng.normal(size=(1, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
    check.close(student.dense_forward(x, W, b), ref.dense_forward(x, W, b))


@test("mlp_forward", "a random 3-layer net (ReLU, tanh, sigmoid) on one input (n,) gives shape (k,)")
def mlp_random_single(student, ref, rng):
    weights, biases = random_net(rng, [4, 6, 5, 3])
    x, names = rng.normal(size=4), ["relu", "tanh", "sigmoid"]
    check.close(student.mlp_forward(x, weights, biases, names), ref.mlp_forward(x, weights, biases, names))


@test("mlp_forward", "a random net with a softmax output on a batch (m, n) gives shape (m, k)")
def mlp_random_batch_softmax(student, ref, rng):
    weights, biases = random_net(rng, [5, 8, 4])
    x, names = rng.normal(size=(9, 5)), ["relu", "softmax"]
    check.close(student.mlp_forward(x, weights, biases, names), ref.mlp_forward(x, weights, biases, names))


@test("mlp_forward", "a random 5-layer net using every activation name on a batch")
def mlp_every_activation(student, ref, rng):
    weights, biases = random_net(rng, [3, 4, 4, 4, 4, 4])
    x, names = rng.normal(size=(6, 3)), ["identity", "relu", "sigmoid", "tanh", "softmax"]
    check.close(student.mlp_forward(x, weights, biases, names), ref.mlp_forward(x, weights, biases, names))


@test("mlp_forward", "one layer with the identity activation is the affine map W x + b")
def mlp_single_identity_layer(student, ref, rng):
    weights, biases = random_net(rng, [3, 2])
    x = rng.normal(size=(4, 3))
    check.close(student.mlp_forward(x, weights, biases, ["identity"]), x @ weights[0].T + biases[0])


@test("mlp_forward", "an unknown activation name in the last layer raises ValueError")
def mlp_unknown_last(student, rng):
    weights, biases = random_net(rng, [3, 4, 2])
    check.raises("ValueError", student.mlp_forward, rng.normal(size=3), weights, biases, ["tanh", "softplus"])


@test("mlp_forward", "an unknown activation name in a one-layer net raises ValueError")
def mlp_unknown_single(student, rng):
    weights, biases = random_net(rng, [2, 2])
    check.raises("ValueError", student.mlp_forward, rng.normal(size=(3, 2)), weights, biases, ["step"])


@test("softmax", "random 1-D scores (k,)")
def softmax_random_1d(student, ref, rng):
    z = rng.normal(scale=3.0, size=7)
    check.close(student.softmax(z), ref.softmax(z), check.PROBABILITY)


@test("softmax", "random 2-D scores (m, k): softmax along the last axis, each row separately")
def softmax_random_2d(student, ref, rng):
    z = rng.normal(scale=3.0, size=(5, 4))
    check.close(student.softmax(z), ref.softmax(z), check.PROBABILITY)


@test("softmax", "random square scores (k, k): the last axis, not the first")
def softmax_random_square(student, ref, rng):
    z = rng.normal(scale=3.0, size=(4, 4))
    check.close(student.softmax(z), ref.softmax(z), check.PROBABILITY)


@test("softmax", "each row of a 2-D result sums to 1")
def softmax_rows_sum_to_one(student, rng):
    got = check.shape(student.softmax(rng.normal(scale=5.0, size=(6, 3))), (6, 3))
    check.close(got.sum(axis=-1), np.ones(6), what="the row sums")


@test("softmax", "very large scores stay finite: softmax([1e4, 0]) = [1, 0]")
def softmax_stable_large(student):
    check.close(student.softmax(np.array([1e4, 0.0])), [1.0, 0.0], check.PROBABILITY)


@test("softmax", "very negative equal scores: softmax([-1000, -1000]) = [0.5, 0.5]")
def softmax_stable_negative(student):
    check.close(student.softmax(np.array([-1000.0, -1000.0])), [0.5, 0.5], check.PROBABILITY)


@test("softmax", "random 2-D scores in the thousands")
def softmax_random_large(student, ref, rng):
    z = rng.normal(scale=1000.0, size=(3, 5))
    check.close(student.softmax(z), ref.softmax(z), check.PROBABILITY)


@test("cross_entropy", "random probabilities (k,) with an int label give a float")
def cross_entropy_random_single(student, ref, rng):
    probs, label = rng.dirichlet(np.ones(6)), int(rng.integers(6))
    check.close(student.cross_entropy(probs, label), ref.cross_entropy(probs, label), tolerance=check.LOSS)


@test("cross_entropy", "a random batch (m, k) with labels (m,) gives the mean loss")
def cross_entropy_random_batch(student, ref, rng):
    probs, labels = rng.dirichlet(np.ones(4), size=8), rng.integers(4, size=8)
    check.close(student.cross_entropy(probs, labels), ref.cross_entropy(probs, labels), tolerance=check.LOSS)


@test("cross_entropy", "a random square batch (k, k) with mixed labels")
def cross_entropy_random_square(student, ref, rng):
    probs, labels = rng.dirichlet(np.ones(5), size=5), np.array([3, 0, 4, 1, 1])
    check.close(student.cross_entropy(probs, labels), ref.cross_entropy(probs, labels), tolerance=check.LOSS)


@test("cross_entropy", "a batch of one sample, (1, k) with labels (1,)")
def cross_entropy_batch_of_one(student, ref, rng):
    probs, labels = rng.dirichlet(np.ones(3), size=1), np.array([2])
    check.close(student.cross_entropy(probs, labels), ref.cross_entropy(probs, labels), tolerance=check.LOSS)

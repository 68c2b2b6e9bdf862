"""Hidden tests: your network on shuffled, repeated and off-grid inputs; XOR learned for several seeds."""

import numpy as np

from autograder.testing import check, recipe, test

from .helpers import XOR_X, XOR_Y, judged_network, linearly_separable, network, step

NAMES = ("XOR_W1", "XOR_B1", "XOR_W2", "XOR_B2")


def forward(X, W1, b1, w2, b2):
    return step(step(X @ W1.T + b1) @ w2 + b2)


def shuffled_xor(rng, repeats):
    """The four XOR points, each `repeats` times, in a random order, with their labels."""
    order = rng.permutation(4 * repeats)
    return np.tile(XOR_X, (repeats, 1))[order], np.tile(XOR_Y, repeats)[order]


def off_grid(rng, m):
    """Real-valued inputs around the unit square, none of them on the XOR grid."""
    return rng.uniform(-1.0, 2.0, size=(m, 2))


@test("xor_weights", "the hidden layer of your constants makes XOR linearly separable")
def weights_hidden_separable(student):
    W1, b1, _, _ = network(student)
    H = step(XOR_X @ W1.T + b1)
    check.that(linearly_separable(H, XOR_Y),
               f"your hidden layer maps (0,0), (0,1), (1,0), (1,1) to {H.tolist()}, where no line separates "
               f"XOR's 1s from its 0s; two hidden neurons such as OR and AND do")


@test("xor_weights", "your network on the XOR points, repeated and shuffled")
def weights_shuffled(student, rng):
    X, y = shuffled_xor(rng, 3)
    check.that(np.array_equal(forward(X, *network(student)), y),
               "the step network built from your constants does not compute XOR on every point")


@test("xor_forward", "the XOR points, repeated and shuffled (m = 12)")
def forward_shuffled(student, rng):
    X, _ = shuffled_xor(rng, 3)
    got = student.xor_forward(X)
    check.equal(got, forward(X, *judged_network(student, *NAMES)), what="xor_forward(X)")


@test("xor_forward", "real-valued inputs off the grid, shape (20, 2)")
def forward_off_grid(student, rng):
    X = off_grid(rng, 20)
    got = student.xor_forward(X)
    check.equal(got, forward(X, *judged_network(student, *NAMES)), what="xor_forward(X)")


@test("xor_forward", "a single input, shape (1, 2)")
def forward_single(student):
    X = np.array([[1.0, 0.0]])
    got = student.xor_forward(X)
    check.equal(got, forward(X, *judged_network(student, *NAMES)), what="xor_forward(X)")


@test("hidden_representation", "the XOR points, repeated and shuffled: consistent and separable")
def hidden_shuffled(student, rng):
    X, y = shuffled_xor(rng, 2)
    got = student.hidden_representation(X)
    W1, b1 = judged_network(student, "XOR_W1", "XOR_B1")
    expected = step(X @ W1.T + b1)
    check.close(got, expected, check.EXACT, what="hidden_representation(X)")
    if linearly_separable(expected, y):
        check.that(linearly_separable(check.as_array(got), y),
                   "the hidden points are not linearly separable for XOR", got)


@test("hidden_representation", "real-valued inputs off the grid, shape (15, 2)")
def hidden_off_grid(student, rng):
    X = off_grid(rng, 15)
    got = student.hidden_representation(X)
    W1, b1 = judged_network(student, "XOR_W1", "XOR_B1")
    check.close(got, step(X @ W1.T + b1), check.EXACT, what="hidden_representation(X)")


@test("hidden_representation", "a single input, shape (1, 2)")
def hidden_single(student):
    X = np.array([[1.0, 1.0]])
    got = student.hidden_representation(X)
    W1, b1 = judged_network(student, "XOR_W1", "XOR_B1")
    check.close(got, step(X @ W1.T + b1), check.EXACT, what="hidden_representation(X)")


def check_learned(model, X, y):
    out = model(recipe("tensor", values=X.tolist(), dtype="float32"))
    p = check.shape(out, (len(X), 1), what=f"model(X) for {len(X)} inputs")
    check.that(bool(np.all((p >= 0) & (p <= 1))),
               "the model's outputs are not all in [0, 1]; it should return probabilities (end with a sigmoid)", out)
    check.that(np.array_equal((p[:, 0] > 0.5).astype(int), y),
               f"the trained model is wrong on {int(np.sum((p[:, 0] > 0.5) != y))} of {len(y)} XOR inputs "
               f"(probabilities should be above 0.5 exactly where XOR is 1)", out)


@test("train_xor", "seed 1", timeout=30.0)
def train_seed_1(student):
    check_learned(student.train_xor(seed=1), XOR_X, XOR_Y)


@test("train_xor", "seed 2", timeout=30.0)
def train_seed_2(student):
    check_learned(student.train_xor(seed=2), XOR_X, XOR_Y)


@test("train_xor", "seed 3, passed by position", timeout=30.0)
def train_seed_3(student):
    check_learned(student.train_xor(3), XOR_X, XOR_Y)


@test("train_xor", "seed 7, on the XOR points repeated and shuffled (m = 8)", timeout=30.0)
def train_seed_7_shuffled(student, rng):
    X, y = shuffled_xor(rng, 2)
    check_learned(student.train_xor(seed=7), X, y)


@test("train_xor", "seed 2024, after model.eval()", timeout=30.0)
def train_seed_2024_eval(student):
    model = student.train_xor(seed=2024)
    model.method("eval")
    check_learned(model, XOR_X, XOR_Y)

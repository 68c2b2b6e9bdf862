"""Hidden tests: random inputs against the reference, gates by their truth tables, and the learning rule
epoch by epoch on random linearly separable data."""

import numpy as np

from autograder.testing import check, test

INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def check_gate(student, name, inputs, table):
    """The gate `name` = (w, b) has the right shapes and computes `table` on `inputs` (judged here)."""
    w, b = check.sequence(student.constant(name), 2, what=name)
    w = check.shape(w, (inputs.shape[1],), what=f"{name}'s w")
    b = check.number(b, what=f"{name}'s b")
    check.equal(np.where(inputs @ w + b >= 0, 1, 0), table,
                what=f"step(w·x + b) on the inputs {inputs.astype(int).tolist()}")


def separable(rng, m, n, integer=False):
    """m labelled points, both classes well represented, that a hyperplane through the data separates
    with a margin; integer coordinates in [-3, 3] when `integer`, else standard normal."""
    while True:
        w_true = rng.normal(size=n)
        b_true = -float(w_true @ rng.uniform(-1, 1, size=n))
        X = rng.integers(-3, 4, size=(8 * m, n)).astype(float) if integer else rng.normal(size=(8 * m, n))
        z = X @ w_true + b_true
        X = X[np.abs(z) > 0.2 * np.linalg.norm(w_true)][:m]
        y = (X @ w_true + b_true > 0).astype(int)
        if len(X) == m and min(y.sum(), m - y.sum()) >= m // 4:
            return X, y


def check_against_ref(student, ref, X, y, what, **kwargs):
    w, b, converged = check.sequence(student.train_perceptron(X, y, **kwargs), 3)
    rw, rb, rconverged = ref.train_perceptron(X, y, **kwargs)
    check.close(w, rw, check.TRAINED, what=f"w {what}")
    check.close(b, rb, check.TRAINED, what=f"b {what}")
    check.that(isinstance(converged, bool), f"converged should be a bool (True or False), got {converged!r}",
               converged, hidden="converged should be a bool (True or False)")
    check.that(converged == rconverged, f"converged {what} should be {rconverged}, got {converged}", converged)


@test("step", "random 2-D array with some exact zeros")
def step_random_2d(student, rng):
    z = rng.normal(size=(6, 7))
    z[rng.random(z.shape) < 0.2] = 0.0
    got = student.step(z)
    check.equal(got, (z >= 0).astype(int))


@test("step", "step(0) = 1 for a single number")
def step_zero(student):
    got = student.step(0.0)
    check.equal(got, 1)


@test("step", "integer inputs and large magnitudes")
def step_integers(student):
    z = np.array([-3, 0, 2, -1_000_000, 10**9])
    got = student.step(z)
    check.equal(got, [0, 1, 1, 0, 1])


@test("step", "tiny numbers either side of 0")
def step_tiny(student):
    got = student.step(np.array([-1e-300, 1e-300, -0.0]))
    check.equal(got, [0, 1, 1])


@test("perceptron_output", "random single inputs x (n,) for several n")
def perceptron_output_single_random(student, rng):
    for n in (1, 3, 10):
        x, w, b = rng.normal(size=n), rng.normal(size=n), float(rng.normal())
        check.equal(student.perceptron_output(x, w, b), (x @ w + b >= 0).astype(int),
                    what=f"the output for n = {n}", booleans=True)


@test("perceptron_output", "random batches X (m, n)")
def perceptron_output_batch_random(student, rng):
    for m, n in ((8, 2), (15, 5), (1, 4), (6, 1)):
        X, w, b = rng.normal(size=(m, n)), rng.normal(size=n), float(rng.normal())
        check.equal(student.perceptron_output(X, w, b), (X @ w + b >= 0).astype(int),
                    what=f"the outputs for X of shape {(m, n)}", booleans=True)


@test("perceptron_output", "a bias that decides the output (large |b|, small weights)")
def perceptron_output_bias(student, rng):
    X, w = rng.normal(size=(10, 3)), rng.normal(scale=0.01, size=3)
    check.equal(student.perceptron_output(X, w, 2.0), np.ones(10, dtype=int), what="the outputs with b = 2",
                booleans=True)
    check.equal(student.perceptron_output(X, w, -2.0), np.zeros(10, dtype=int), what="the outputs with b = -2",
                booleans=True)


@test("AND_GATE", "(w, b) shapes, and the truth table with the inputs in reverse order")
def and_gate_hidden(student):
    check_gate(student, "AND_GATE", INPUTS[::-1], [1, 0, 0, 0])


@test("OR_GATE", "(w, b) shapes, and the truth table with the inputs in reverse order")
def or_gate_hidden(student):
    check_gate(student, "OR_GATE", INPUTS[::-1], [1, 1, 1, 0])


@test("NAND_GATE", "(w, b) shapes, and the truth table with the inputs in reverse order")
def nand_gate_hidden(student):
    check_gate(student, "NAND_GATE", INPUTS[::-1], [0, 1, 1, 1])


@test("NOT_GATE", "(w, b) shapes (w of length 1), and the truth table with the inputs in reverse order")
def not_gate_hidden(student):
    check_gate(student, "NOT_GATE", np.array([[1.0], [0.0]]), [0, 1])


@test("train_perceptron", "one epoch (max_epochs=1) from zeros on random separable integer data, lr = 1 and 0.5")
def train_one_epoch_integer(student, ref, rng):
    for lr in (1.0, 0.5, 1.0):
        X, y = separable(rng, 12, 2, integer=True)
        check_against_ref(student, ref, X, y, f"after one epoch with lr = {lr}", lr=lr, max_epochs=1)


@test("train_perceptron", "one epoch (max_epochs=1) from zeros on random separable real data, lr = 0.1 and 0.3")
def train_one_epoch_real(student, ref, rng):
    for lr, n in ((0.1, 3), (0.3, 2), (0.1, 5)):
        X, y = separable(rng, 20, n)
        check_against_ref(student, ref, X, y, f"after one epoch with lr = {lr}, {n} features", lr=lr, max_epochs=1)


@test("train_perceptron", "a few epochs (max_epochs=3) on AND: not converged yet, weights as the rule gives")
def train_and_three_epochs(student, ref):
    check_against_ref(student, ref, INPUTS, np.array([0, 0, 0, 1]), "after 3 epochs on AND", max_epochs=3)


@test("train_perceptron", "trains to convergence on random separable data, several seeds")
def train_to_convergence(student, ref, rng):
    for m, n, integer in ((10, 2, True), (25, 3, False), (30, 4, True)):
        X, y = separable(rng, m, n, integer=integer)
        check_against_ref(student, ref, X, y, f"on separable data of shape {(m, n)}", max_epochs=1000)


@test("train_perceptron", "learns NOT from a single feature (w of length 1)")
def train_not(student, ref):
    X, y = np.array([[0.0], [1.0]]), np.array([1, 0])
    check_against_ref(student, ref, X, y, "on NOT")


@test("train_perceptron", "XOR: not converged, and the weights after 7 epochs follow the rule")
def train_xor_weights(student, ref):
    check_against_ref(student, ref, INPUTS, np.array([0, 1, 1, 0]), "after 7 epochs on XOR", max_epochs=7)

"""Public tests: the lecture's gates (section 6) and the perceptron learning rule on them."""

import numpy as np

from autograder.testing import check, test

INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
AND, OR, NAND, XOR = [0, 0, 0, 1], [0, 1, 1, 1], [1, 1, 1, 0], [0, 1, 1, 0]


def check_gate(student, name, inputs, table):
    """The gate `name` = (w, b) computes `table` on `inputs`, judged here with step(w·x + b)."""
    w, b = check.sequence(student.constant(name), 2, what=name)
    w = check.shape(w, (inputs.shape[1],), what=f"{name}'s w")
    b = check.number(b, what=f"{name}'s b")
    outputs = np.where(inputs @ w + b >= 0, 1, 0)
    check.equal(outputs, table, what=f"step(w·x + b) with {name} = ({w.tolist()}, {float(b):g}) "
                                     f"on the inputs {inputs.astype(int).tolist()}")


@test("step", "step(z) on z = -1.5, -0.5, 0, 0.5, 1.5 (step(0) = 1)")
def step_lecture_values(student):
    got = student.step(np.array([-1.5, -0.5, 0.0, 0.5, 1.5]))
    check.equal(got, [0, 0, 1, 1, 1])


@test("step", "a single number gives a single integer: step(0.5) = 1, step(-0.5) = 0")
def step_scalar(student):
    for z, expected in ((0.5, 1), (-0.5, 0)):
        got = student.step(z)
        check.equal(got, expected)


@test("perceptron_output", "the lecture's AND neuron (w = [1, 1], b = -1.5) on one input (1, 1)")
def perceptron_output_single(student):
    check.equal(student.perceptron_output(np.array([1.0, 1.0]), np.array([1.0, 1.0]), -1.5), 1, booleans=True)


@test("perceptron_output", "the lecture's OR neuron (w = [1, 1], b = -0.5) on a batch of the 4 inputs")
def perceptron_output_batch(student):
    check.equal(student.perceptron_output(INPUTS, np.array([1.0, 1.0]), -0.5), OR, booleans=True)


@test("AND_GATE", "the AND truth table (the lecture uses w = [1, 1], b = -1.5)")
def and_gate(student):
    check_gate(student, "AND_GATE", INPUTS, AND)


@test("OR_GATE", "the OR truth table (the lecture uses w = [1, 1], b = -0.5)")
def or_gate(student):
    check_gate(student, "OR_GATE", INPUTS, OR)


@test("NAND_GATE", "the NAND truth table (e.g. w = [-1, -1], b = 1.5)")
def nand_gate(student):
    check_gate(student, "NAND_GATE", INPUTS, NAND)


@test("NOT_GATE", "the NOT truth table (the lecture uses w = [-1], b = 0.5)")
def not_gate(student):
    check_gate(student, "NOT_GATE", np.array([[0.0], [1.0]]), [1, 0])


def check_trained(student, y, name):
    w, b, converged = check.sequence(student.train_perceptron(INPUTS, np.array(y)), 3)
    check.that(converged is True, f"on {name}, converged should be True (the data is linearly separable), "
                                  f"got {converged!r}", converged)
    w = check.shape(w, (2,), what="w")
    b = check.number(b, what="b")
    check.equal(np.where(INPUTS @ w + b >= 0, 1, 0), y,
                what=f"step(w·x + b) with the learned w = {w.tolist()}, b = {float(b):g} on the {name} inputs")


@test("train_perceptron", "learns AND: converged is True and the weights realize the truth table")
def train_and(student):
    check_trained(student, AND, "AND")


@test("train_perceptron", "learns OR: converged is True and the weights realize the truth table")
def train_or(student):
    check_trained(student, OR, "OR")


@test("train_perceptron", "learns NAND: converged is True and the weights realize the truth table")
def train_nand(student):
    check_trained(student, NAND, "NAND")


@test("train_perceptron", "cannot learn XOR: converged is False after 100 epochs")
def train_xor(student):
    *_, converged = check.sequence(student.train_perceptron(INPUTS, np.array(XOR)), 3)
    check.that(converged is False, f"on XOR, converged should be False (XOR is not linearly separable), "
                                   f"got {converged!r}", converged)

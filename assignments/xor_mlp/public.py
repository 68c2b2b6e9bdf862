"""Public tests: the lecture's XOR network (section 7) and XOR learned with PyTorch.

Any weights that compute XOR are right, so the grader builds the step network from your
own XOR_* constants and judges xor_forward and hidden_representation against it (reading them
leniently: a constant of the wrong shape costs only the xor_weights question).
"""

import numpy as np

from autograder.testing import check, recipe, test

from .helpers import XOR_X, XOR_Y, judged_network, linearly_separable, network, step


@test("xor_weights", "the step network built from your constants computes XOR on the four points")
def weights_compute_xor(student):
    W1, b1, w2, b2 = network(student)
    outputs = step(step(XOR_X @ W1.T + b1) @ w2 + b2)
    check.that(np.array_equal(outputs, XOR_Y),
               f"f(f(x W1ᵀ + b1)·w2 + b2) with your constants gives {outputs.tolist()} on the inputs "
               f"(0,0), (0,1), (1,0), (1,1); XOR is {XOR_Y.tolist()}")


@test("xor_forward", "the four XOR points (0,0), (0,1), (1,0), (1,1)")
def forward_xor_points(student):
    got = student.xor_forward(XOR_X)
    W1, b1, w2, b2 = judged_network(student, "XOR_W1", "XOR_B1", "XOR_W2", "XOR_B2")
    check.equal(got, step(step(XOR_X @ W1.T + b1) @ w2 + b2), what="xor_forward(X)")


@test("hidden_representation", "the four XOR points: step activations of your hidden layer")
def hidden_xor_points(student):
    got = student.hidden_representation(XOR_X)
    W1, b1 = judged_network(student, "XOR_W1", "XOR_B1")
    check.close(got, step(XOR_X @ W1.T + b1), check.EXACT, what="hidden_representation(X)")


@test("hidden_representation", "in the hidden space one line separates XOR's 1s from its 0s")
def hidden_space_separable(student):
    got = student.hidden_representation(XOR_X)
    H = check.shape(got, (4, 2), what="hidden_representation(X)")
    W1, b1 = judged_network(student, "XOR_W1", "XOR_B1")
    # Only judged when the hidden layer of your constants does separate XOR (else XOR_W1, XOR_B1 are at fault).
    if linearly_separable(step(XOR_X @ W1.T + b1), XOR_Y):
        check.that(linearly_separable(H, XOR_Y),
                   f"the hidden points {H.tolist()} of (0,0), (0,1), (1,0), (1,1) are not linearly separable "
                   f"for XOR = {XOR_Y.tolist()}; apply the step function to X W1ᵀ + b1", got)


@test("train_xor", "seed 0: probabilities (4, 1), above 0.5 exactly where XOR is 1", timeout=30.0)
def train_seed_0(student):
    model = student.train_xor(seed=0)
    out = model(recipe("tensor", values=XOR_X.tolist(), dtype="float32"))
    p = check.shape(out, (4, 1), what="model(X) for the four XOR points")
    check.that(bool(np.all((p >= 0) & (p <= 1))),
               f"the model's outputs {p.ravel().tolist()} are not all in [0, 1]; end the model with a sigmoid "
               f"so it returns probabilities", out)
    check.that(np.array_equal((p[:, 0] > 0.5).astype(int), XOR_Y),
               f"the trained model gives probabilities {np.round(p.ravel(), 3).tolist()} for (0,0), (0,1), (1,0), "
               f"(1,1); they should be above 0.5 exactly where XOR is 1 ({XOR_Y.tolist()}). Does the network "
               f"have a hidden layer with a non-linear activation, and does it train long enough?", out)

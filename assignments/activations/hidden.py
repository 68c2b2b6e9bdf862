"""Hidden tests: random arrays of several shapes against the reference, zeros, large magnitudes,
numbers as well as arrays, other alphas, and collapses of 1 to 3 layers of different sizes."""

import numpy as np

from autograder.testing import check, test

# Every kind of input an activation must handle: zeros, tiny and huge magnitudes of both signs.
SPECIAL = np.array([0.0, -0.0, 1e-12, -1e-12, 0.5, -0.5, 30.0, -30.0, 1e3, -1e3])


def random_inputs(rng, shape):
    """Normal values with a scale of 3 and a zero planted at the first position."""
    z = rng.normal(scale=3.0, size=shape)
    z.flat[0] = 0.0
    return z


def check_elementwise(student, ref, name, z, **kwargs):
    got = getattr(student, name)(z, **kwargs)
    check.close(got, getattr(ref, name)(z, **kwargs), tolerance(name), what=f"{name}(z)")


def tolerance(name):
    """σ and σ' are probabilities (and a probability's slope), compared as such; the rest as floats."""
    return check.PROBABILITY if name.startswith("sigmoid") else check.FLOAT


# relu ------------------------------------------------------------------------------------------

@test("relu", "random 1-D and 2-D arrays, a zero among them")
def relu_random(student, ref, rng):
    for shape in [(9,), (4, 5)]:
        z = random_inputs(rng, shape)
        check_elementwise(student, ref, "relu", z)
        check_elementwise(student, ref, "relu_grad", z)


@test("relu", "zeros, tiny and large magnitudes (±1e-12, ±30, ±1e3)")
def relu_special(student):
    check.close(student.relu(SPECIAL), np.maximum(SPECIAL, 0.0), what="relu(z)")
    check.close(student.relu_grad(SPECIAL), (SPECIAL > 0).astype(float), what="relu_grad(z)")


@test("relu", "numbers in, numbers out: −2.5, 0.0, 4.0")
def relu_scalars(student):
    for z in (-2.5, 0.0, 4.0):
        check.close(student.relu(z), max(z, 0.0), what=f"relu({z})")
        check.close(student.relu_grad(z), float(z > 0), what=f"relu_grad({z})")


# sigmoid ---------------------------------------------------------------------------------------

@test("sigmoid", "random 1-D and 2-D arrays, a zero among them")
def sigmoid_random(student, ref, rng):
    for shape in [(9,), (3, 6)]:
        z = random_inputs(rng, shape)
        check_elementwise(student, ref, "sigmoid", z)
        check_elementwise(student, ref, "sigmoid_grad", z)


@test("sigmoid", "large magnitudes ±1e3, ±1e4: 0 and 1 (within 1e-12), no NaN")
def sigmoid_large(student):
    z = np.array([-1e4, -1e3, -800.0, 800.0, 1e3, 1e4])
    check.close(student.sigmoid(z), [0.0, 0.0, 0.0, 1.0, 1.0, 1.0], check.PROBABILITY, what="sigmoid(z)")
    check.close(student.sigmoid_grad(z), np.zeros(6), check.PROBABILITY, what="sigmoid_grad(z)")


@test("sigmoid", "zeros, tiny and moderate magnitudes (±1e-12, ±0.5, ±30)")
def sigmoid_special(student, ref):
    z = SPECIAL[:8]
    check_elementwise(student, ref, "sigmoid", z)
    check_elementwise(student, ref, "sigmoid_grad", z)


@test("sigmoid", "numbers in, numbers out: −2.0, 0.0, 5.0")
def sigmoid_scalars(student, ref):
    for z in (-2.0, 0.0, 5.0):
        check.close(student.sigmoid(z), ref.sigmoid(z), check.PROBABILITY, what=f"sigmoid({z})")
        check.close(student.sigmoid_grad(z), ref.sigmoid_grad(z), check.PROBABILITY, what=f"sigmoid_grad({z})")


# tanh ------------------------------------------------------------------------------------------

@test("tanh", "random 1-D and 2-D arrays, a zero among them")
def tanh_random(student, ref, rng):
    for shape in [(9,), (5, 2)]:
        z = random_inputs(rng, shape)
        check_elementwise(student, ref, "tanh", z)
        check_elementwise(student, ref, "tanh_grad", z)


@test("tanh", "zeros, tiny and large magnitudes (±1e-12, ±30, ±1e3): no NaN")
def tanh_special(student, ref):
    check_elementwise(student, ref, "tanh", SPECIAL)
    check_elementwise(student, ref, "tanh_grad", SPECIAL)


@test("tanh", "numbers in, numbers out: −1.5, 0.0, 0.3")
def tanh_scalars(student, ref):
    for z in (-1.5, 0.0, 0.3):
        check.close(student.tanh(z), ref.tanh(z), what=f"tanh({z})")
        check.close(student.tanh_grad(z), ref.tanh_grad(z), what=f"tanh_grad({z})")


# leaky_relu ------------------------------------------------------------------------------------

@test("leaky_relu", "random 1-D and 2-D arrays with the default alpha, a zero among them")
def leaky_random(student, ref, rng):
    for shape in [(9,), (3, 4)]:
        z = random_inputs(rng, shape)
        check_elementwise(student, ref, "leaky_relu", z)
        check_elementwise(student, ref, "leaky_relu_grad", z)


@test("leaky_relu", "other alphas (0.1, 0.3), by keyword and by position")
def leaky_alphas(student, ref, rng):
    z = random_inputs(rng, (8,))
    for alpha in (0.1, 0.3):
        check_elementwise(student, ref, "leaky_relu", z, alpha=alpha)
        check_elementwise(student, ref, "leaky_relu_grad", z, alpha=alpha)
    check.close(student.leaky_relu(z, 0.3), ref.leaky_relu(z, 0.3), what="leaky_relu(z, 0.3)")
    check.close(student.leaky_relu_grad(z, 0.3), ref.leaky_relu_grad(z, 0.3), what="leaky_relu_grad(z, 0.3)")


@test("leaky_relu", "zeros, tiny and large magnitudes (±1e-12, ±30, ±1e3)")
def leaky_special(student, ref):
    check_elementwise(student, ref, "leaky_relu", SPECIAL)
    check_elementwise(student, ref, "leaky_relu_grad", SPECIAL)


@test("leaky_relu", "numbers in, numbers out: −4.0, 0.0, 2.0 with alpha = 0.05")
def leaky_scalars(student, ref):
    for z in (-4.0, 0.0, 2.0):
        check.close(student.leaky_relu(z, alpha=0.05), ref.leaky_relu(z, alpha=0.05),
                    what=f"leaky_relu({z}, alpha=0.05)")
        check.close(student.leaky_relu_grad(z, alpha=0.05), ref.leaky_relu_grad(z, alpha=0.05),
                    what=f"leaky_relu_grad({z}, alpha=0.05)")


# collapse_linear -------------------------------------------------------------------------------

def random_layers(rng, sizes):
    """Weights W_i (sizes[i+1], sizes[i]) and biases b_i (sizes[i+1],)."""
    weights = [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    biases = [rng.normal(size=n_out) for n_out in sizes[1:]]
    return weights, biases


def stacked(weights, biases, X):
    """The layers applied one after the other to the columns of X."""
    Z = X
    for W, b in zip(weights, biases):
        Z = W @ Z + b[:, None]
    return Z


def check_collapse(student, rng, sizes):
    weights, biases = random_layers(rng, sizes)
    W, b = check.sequence(student.collapse_linear(weights, biases), 2)
    W = check.shape(W, (sizes[-1], sizes[0]), what="W")
    b = check.shape(b, (sizes[-1],), what="b")
    X = rng.normal(size=(sizes[0], 6))
    check.close(W @ X + b[:, None], stacked(weights, biases, X), what="W x + b on random inputs x")


@test("collapse_linear", "one random layer 3 → 2")
def collapse_random_one(student, rng):
    check_collapse(student, rng, [3, 2])


@test("collapse_linear", "two random layers 4 → 3 → 2")
def collapse_random_two(student, rng):
    check_collapse(student, rng, [4, 3, 2])


@test("collapse_linear", "three random layers 2 → 5 → 3 → 4")
def collapse_random_three(student, rng):
    check_collapse(student, rng, [2, 5, 3, 4])


@test("collapse_linear", "three square layers 3 → 3 → 3 → 3 (the order of the products matters)")
def collapse_random_square(student, ref, rng):
    weights, biases = random_layers(rng, [3, 3, 3, 3])
    W, b = check.sequence(student.collapse_linear(weights, biases), 2)
    W_ref, b_ref = ref.collapse_linear(weights, biases)
    check.close(W, W_ref, what="W")
    check.close(b, b_ref, what="b")

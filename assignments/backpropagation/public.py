"""Public tests: the lecture's backpropagation step (1-1-1 network), its update, autograd's 7,
and small fixed examples for gradient checking and the two-layer network."""

import numpy as np

from autograder.testing import check, recipe, test

# From Linear Regression to Deep Networks, section 7: x = 1, y = 1, w1 = 0.5, b1 = 0.2, w2 = 0.8, b2 = 0.1.
LECTURE_STEP = (1.0, 1.0, 0.5, 0.2, 0.8, 0.1)
KEYS = ["z1", "h", "z2", "y_hat", "loss", "dw1", "db1", "dw2", "db2"]
EXACT = {  # float64; ERRATA.md, backpropagation
    "z1": 0.7, "h": 0.6681877721681662, "z2": 0.6345502177345329, "y_hat": 0.653520493078959,
    "loss": 0.06002402435812385, "dw1": -0.013915384575491636, "db1": -0.013915384575491636,
    "dw2": -0.05242190992485103, "db2": -0.07845385999020908,
}


def lecture_step(student):
    return check.mapping(student.forward_backward_1_1_1(*LECTURE_STEP), KEYS)


def check_printed(result, key, printed, lecture=None):
    """`result[key]` equals `printed` to the precision it is printed at (half a unit in the last digit)."""
    what = key if lecture is None else (f"{key} (the lecture prints {lecture}; the correct value is {printed}, "
                                        f"see ERRATA.md)")
    check.close(result[key], float(printed), check.printed(printed), what=what)


@test("forward_backward_1_1_1", "the lecture's step (x = 1, y = 1, w1 = 0.5, b1 = 0.2, w2 = 0.8, b2 = 0.1): "
                                "z1 = 0.7 and h ≈ 0.668")
def forward_backward_lecture_hidden(student):
    result = lecture_step(student)
    check_printed(result, "z1", "0.7")
    check_printed(result, "h", "0.668")


@test("forward_backward_1_1_1", "the lecture's step: z2 ≈ 0.635 and ŷ ≈ 0.654 (the lecture prints 0.634 and "
                                "0.653 because it rounds h to 0.668 first; see ERRATA.md)")
def forward_backward_lecture_output(student):
    result = lecture_step(student)
    check_printed(result, "z2", "0.635", lecture="0.634")
    check_printed(result, "y_hat", "0.654", lecture="0.653")


@test("forward_backward_1_1_1", "the lecture's step: loss ≈ 0.0600 (the lecture prints 0.0603; the correct "
                                "value is 0.0600, see ERRATA.md)")
def forward_backward_lecture_loss(student):
    check_printed(lecture_step(student), "loss", "0.0600", lecture="0.0603")


@test("forward_backward_1_1_1", "the lecture's step: dw2 ≈ −0.0524 (the lecture prints −0.0525; the correct "
                              "value is −0.0524, see ERRATA.md)")
def forward_backward_lecture_dw2(student):
    check_printed(lecture_step(student), "dw2", "-0.0524", lecture="-0.0525")


@test("forward_backward_1_1_1", "the lecture's step: dw1 ≈ −0.01392 (the lecture prints −0.01394; the correct "
                              "value is −0.01392, see ERRATA.md)")
def forward_backward_lecture_dw1(student):
    check_printed(lecture_step(student), "dw1", "-0.01392", lecture="-0.01394")


@test("forward_backward_1_1_1", "the lecture's step: the bias gradients it leaves out, db2 = ∂L/∂z2 ≈ −0.0785 "
                              "and db1 = ∂L/∂z1 ≈ −0.01392")
def forward_backward_lecture_biases(student):
    result = lecture_step(student)
    check_printed(result, "db2", "-0.0785")
    check_printed(result, "db1", "-0.01392")


@test("forward_backward_1_1_1", "the lecture's step at full float64 precision: all nine values")
def forward_backward_lecture_exact(student):
    result = lecture_step(student)
    for key in KEYS:
        check.close(result[key], EXACT[key], what=key)


def check_update(got, expected):
    got = check.mapping(got, list(expected))
    check.that(set(got) == set(expected), f"the result has keys {sorted(got)}; expected exactly "
                                           f"{sorted(expected)}, the keys of params", got, expected)
    for key, value in expected.items():
        check.close(got[key], value, what=f"the new {key}")


@test("sgd_update", "the lecture's update with α = 0.5: w2' = 0.826 and w1' = 0.507 (and b2', b1')")
def sgd_lecture_update(student):
    params = {"w1": 0.5, "b1": 0.2, "w2": 0.8, "b2": 0.1}
    grads = {key: EXACT["d" + key] for key in params}
    check_update(student.sgd_update(params, grads, 0.5),
                 {"w1": 0.5069576922877458, "b1": 0.20695769228774583,
                  "w2": 0.8262109549624256, "b2": 0.13922692999510455})


@test("sgd_update", "a dict of arrays: a weight matrix W (2, 2) and a bias vector b (2,)")
def sgd_arrays(student):
    params = {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.array([0.5, -0.5])}
    grads = {"W": np.array([[1.0, -1.0], [0.0, 2.0]]), "b": np.array([-1.0, 1.0])}
    check_update(student.sgd_update(params, grads, 0.1),
                 {"W": [[0.9, 2.1], [3.0, 3.8]], "b": [0.6, -0.6]})


@test("sgd_update", "the inputs are unchanged: params and grads hold the same values after the call")
def sgd_leaves_its_inputs_unchanged(student):
    params = {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.array([0.5, -0.5])}
    grads = {"W": np.array([[1.0, -1.0], [0.0, 2.0]]), "b": np.array([-1.0, 1.0])}
    updated = student.sgd_update(kept_value("sgd_params", params), kept_value("sgd_grads", grads), 0.1)
    check.mapping(updated, list(params), what="the updated params")
    for name, given in (("params", params), ("grads", grads)):
        after = check.mapping(student.build(recipe("kept", key=f"sgd_{name}")), list(given), what=name)
        for key, value in given.items():
            check.close(after[key], value, what=f"{name}[{key!r}] after the call (sgd_update must return a new "
                                               f"dict and leave its inputs as they were: no -= in place)")


def kept_value(key, value):
    """`value` built as an object of its own in your process, so that the grader can read it back after a call."""
    return recipe("kept", key=key, make="plain", fresh=True, value=value)


# A symmetric A, so the gradient of ½ θᵀAθ + cᵀθ is Aθ + c.
A = [[2.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 4.0]]
C = [1.0, 0.0, -2.0]
THETA = np.array([0.5, -1.0, 2.0])


@test("numerical_gradient", "f(θ) = ½ θᵀAθ + cᵀθ with θ of shape (3,): the gradient is Aθ + c = [1, −4.5, 7]")
def numerical_gradient_quadratic(student):
    got = student.numerical_gradient(recipe("quadratic_form", A=A, c=C), THETA)
    check.close(got, [1.0, -4.5, 7.0], check.DIFFERENCE)


@test("numerical_gradient", "f(θ) = Σ (a·sin θ + c·θ²) with θ of shape (2, 3): the gradient a·cos θ + 2cθ, "
                            "shaped like θ")
def numerical_gradient_matrix(student):
    theta = np.array([[0.0, 0.5, -1.0], [2.0, -0.25, 1.5]])
    got = student.numerical_gradient(recipe("sine_quadratic", a=2.0, c=0.5), theta)
    check.close(got, 2.0 * np.cos(theta) + theta, check.DIFFERENCE)


@test("numerical_gradient", "one entry at a time: f refuses a point that differs from θ in two entries, so "
                            "each entry must be put back before the next")
def numerical_gradient_restores_theta(student):
    watched = recipe("one_entry_at_a_time", f=recipe("quadratic_form", A=A, c=C), theta=THETA.tolist())
    got = student.numerical_gradient(watched, THETA)
    check.close(got, [1.0, -4.5, 7.0], check.DIFFERENCE)


@test("numerical_gradient", "θ is unchanged afterwards: every entry moved by ±eps is put back")
def numerical_gradient_leaves_theta_unchanged(student):
    gradient = student.numerical_gradient(recipe("quadratic_form", A=A, c=C), kept_value("gradient_theta", THETA))
    check.shape(gradient, THETA.shape, what="the gradient")
    after = student.build(recipe("kept", key="gradient_theta"))
    check.close(after, THETA, check.EXACT, what="θ after numerical_gradient (put each entry back exactly, "
                                                       "or work on a copy)")


@test("relative_error", "a = [1, 2], b = [1, 2.2]: the largest |a − b| / (|a| + |b|) is 0.2 / 4.2")
def relative_error_small(student):
    check.close(student.relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])), 0.2 / 4.2)


@test("relative_error", "equal arrays with zeros in them give 0 (the floor 1e-8 avoids 0 / 0)")
def relative_error_zeros(student):
    a = np.array([0.0, 0.0, 1.5])
    check.close(student.relative_error(a, a.copy()), 0.0)


# A small batch: N = 3 samples, D = 2 inputs, H = 3 hidden units, C = 3 classes.
X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -1.5]])
Y = np.array([0, 2, 1])
NET = {
    "W1": np.array([[0.5, -0.3], [0.2, 0.8], [-0.6, 0.4]]), "b1": np.array([0.3, -0.1, 0.05]),
    "W2": np.array([[0.3, -0.5, 0.7], [-0.4, 0.6, 0.1], [0.2, 0.3, -0.8]]), "b2": np.array([0.0, 0.1, -0.1]),
}
GRADIENT_KEYS = ["loss", "dW1", "db1", "dW2", "db2"]


def backward(student, X, y, net):
    return check.mapping(student.two_layer_backward(X, y, net["W1"], net["b1"], net["W2"], net["b2"]),
                         GRADIENT_KEYS)


def single_number(got, what):
    return check.number(got, what=what)


def check_gradients_numerically(student, X, y, net, coordinates, eps=1e-5):
    """Compare each gradient entry in `coordinates` ({name: [index, ...]}) with central differences of
    the submission's own loss: |numerical − analytic| / max(|numerical| + |analytic|, 1e-4) < 1e-5."""
    result = backward(student, X, y, net)
    for name, indices in coordinates.items():
        gradient = check.shape(result["d" + name], net[name].shape, what="d" + name)
        for index in indices:
            losses = []
            for sign in (1, -1):
                moved = {key: value.copy() for key, value in net.items()}
                moved[name][index] += sign * eps
                losses.append(single_number(backward(student, X, y, moved)["loss"], "loss"))
            numerical = (losses[0] - losses[1]) / (2 * eps)
            analytic = float(gradient[index])
            error = abs(numerical - analytic) / max(abs(numerical) + abs(analytic), 1e-4)
            check.that(error < 1e-5, f"d{name}{list(index)} is {analytic:.6g}, but moving {name}{list(index)} by "
                                     f"±{eps:g} changes your loss at the rate {numerical:.6g} (relative error "
                                     f"{error:.2g}, tolerance 1e-05)", result)


@test("two_layer_backward", "a small batch (N = 3, D = 2, H = 3, C = 3): the mean cross-entropy loss")
def two_layer_loss(student):
    check.close(backward(student, X, Y, NET)["loss"], 1.875101743818916, check.LOSS, what="loss")


@test("two_layer_backward", "the small batch: every gradient has the shape of its parameter")
def two_layer_shapes(student):
    result = backward(student, X, Y, NET)
    for name, value in NET.items():
        check.shape(result["d" + name], value.shape, what="d" + name)


@test("two_layer_backward", "the small batch: a numerical gradient check of every entry of W1, b1, W2 and b2")
def two_layer_gradient_check(student):
    coordinates = {name: list(np.ndindex(value.shape)) for name, value in NET.items()}
    check_gradients_numerically(student, X, Y, NET, coordinates)


@test("autograd_derivative", "the lecture's y = x² + 3x at x = 2: dy/dx = 7")
def autograd_lecture(student):
    check.close(student.autograd_derivative(recipe("torch_function", expression="x^2 + 3x"), 2.0), 7.0,
                what="dy/dx (a float: use x.grad.item())")

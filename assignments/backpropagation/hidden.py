"""Hidden tests: random inputs against the reference or the analytic answer, edge cases, and inputs
that defeat answers hard-coded to the lecture's numbers."""

import numpy as np

from autograder.testing import check, recipe, test

KEYS = ["z1", "h", "z2", "y_hat", "loss", "dw1", "db1", "dw2", "db2"]


def check_all_keys(got, expected):
    got = check.mapping(got, KEYS)
    for key in KEYS:
        check.close(got[key], expected[key], what=key)


@test("forward_backward_1_1_1", "random weights, biases, input and target (three draws)")
def forward_backward_random(student, ref, rng):
    for _ in range(3):
        args = (float(rng.uniform(-2, 2)), float(rng.uniform(0, 1)), *(float(v) for v in rng.normal(size=4)))
        check_all_keys(student.forward_backward_1_1_1(*args), ref.forward_backward_1_1_1(*args))


@test("forward_backward_1_1_1", "an input x = −2 (not 1), so dw1 = x·db1 differs from db1")
def forward_backward_input_not_one(student, ref):
    args = (-2.0, 1.0, 0.5, 0.2, 0.8, 0.1)
    check_all_keys(student.forward_backward_1_1_1(*args), ref.forward_backward_1_1_1(*args))


@test("forward_backward_1_1_1", "target y = 0 with negative weights")
def forward_backward_target_zero(student, ref):
    args = (0.5, 0.0, -1.2, 0.3, -0.7, 0.4)
    check_all_keys(student.forward_backward_1_1_1(*args), ref.forward_backward_1_1_1(*args))


@test("forward_backward_1_1_1", "the result is a dict with all nine keys z1, h, z2, y_hat, loss, dw1, db1, dw2, "
                              "db2, each a single number")
def forward_backward_keys(student):
    got = check.mapping(student.forward_backward_1_1_1(1.5, 0.25, 0.3, -0.1, 1.1, 0.2), KEYS)
    for key in KEYS:
        check.number(got[key], what=key)


def check_update(got, expected):
    got = check.mapping(got, list(expected))
    check.that(set(got) == set(expected), f"the result has keys {sorted(got)}; expected exactly "
                                           f"{sorted(expected)}, the keys of params", got,
               hidden="the result's keys are not exactly the keys of params")
    for key, value in expected.items():
        check.close(got[key], value, what=f"the new {key}")


@test("sgd_update", "random parameters of several shapes: a matrix, a vector and a float")
def sgd_random(student, ref, rng):
    params = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=4), "w": float(rng.normal())}
    grads = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=4), "w": float(rng.normal())}
    lr = float(rng.uniform(0.01, 1))
    check_update(student.sgd_update(params, grads, lr), ref.sgd_update(params, grads, lr))


@test("sgd_update", "grads has an extra key that params lacks: it is ignored, the result has params' keys")
def sgd_extra_gradient(student, ref, rng):
    params = {"W": rng.normal(size=(2, 3)), "b": rng.normal(size=2)}
    grads = {"W": rng.normal(size=(2, 3)), "b": rng.normal(size=2), "x": rng.normal(size=3)}
    check_update(student.sgd_update(params, grads, 0.05), ref.sgd_update(params, grads, 0.05))


@test("sgd_update", "tied weights: two names share one array; each new value is still params[k] − lr·grads[k] "
                    "(writing into the shared array with -= would apply both updates)")
def sgd_tied_weights(student, rng):
    value, g_in, g_out = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    params = recipe("tied_parameters", names=["W_in", "W_out"], value=value.tolist())
    got = student.sgd_update(params, {"W_in": g_in, "W_out": g_out}, 0.1)
    check_update(got, {"W_in": value - 0.1 * g_in, "W_out": value - 0.1 * g_out})


def quadratic(rng, n):
    """A random (non-symmetric) A and c; the gradient of ½ θᵀAθ + cᵀθ is ½(A + Aᵀ)θ + c."""
    A = rng.normal(size=(n, n)) + n * np.eye(n)
    return A, rng.normal(size=n)


@test("numerical_gradient", "random quadratic forms ½ θᵀAθ + cᵀθ, θ of shape (n,) for n = 1, 4, 7")
def numerical_gradient_random_quadratic(student, rng):
    for n in (1, 4, 7):
        A, c = quadratic(rng, n)
        theta = rng.normal(size=n)
        got = student.numerical_gradient(recipe("quadratic_form", A=A.tolist(), c=c.tolist()), theta)
        check.close(got, 0.5 * (A + A.T) @ theta + c, check.DIFFERENCE)


@test("numerical_gradient", "Σ (a·sin θ + c·θ²) with random θ of shapes (4, 5) and (2, 3, 2)")
def numerical_gradient_random_shapes(student, rng):
    for shape in ((4, 5), (2, 3, 2)):
        a, c = float(rng.uniform(0.5, 2)), float(rng.uniform(0.5, 2))
        theta = rng.uniform(-2, 2, size=shape)
        got = student.numerical_gradient(recipe("sine_quadratic", a=a, c=c), theta)
        check.close(got, a * np.cos(theta) + 2 * c * theta, check.DIFFERENCE)


@test("numerical_gradient", "strong curvature (c = 50): one-sided differences are off by about ε·c, central "
                            "ones are exact for θ²")
def numerical_gradient_curvature(student, rng):
    theta = rng.uniform(-1, 1, size=6)
    got = student.numerical_gradient(recipe("sine_quadratic", a=1.0, c=50.0), theta)
    check.close(got, np.cos(theta) + 100.0 * theta, check.DIFFERENCE)


@test("numerical_gradient", "the step eps = 0.1 is used as given: central differences of sin θ give "
                            "cos θ·sin(ε)/ε")
def numerical_gradient_given_eps(student, rng):
    theta, eps = rng.uniform(-2, 2, size=(3, 2)), 0.1
    got = student.numerical_gradient(recipe("sine_quadratic", a=1.5, c=0.5), theta, eps=eps)
    check.close(got, 1.5 * np.cos(theta) * np.sin(eps) / eps + theta, check.DIFFERENCE)


@test("numerical_gradient", "one entry at a time on a random 2-D θ (4, 3): f refuses a point that differs "
                            "from θ in two entries")
def numerical_gradient_restores_random(student, rng):
    theta = rng.normal(size=(4, 3))
    watched = recipe("one_entry_at_a_time", f=recipe("sine_quadratic", a=1.0, c=2.0), theta=theta.tolist())
    got = student.numerical_gradient(watched, theta)
    check.close(got, np.cos(theta) + 4.0 * theta, check.DIFFERENCE)


@test("relative_error", "random 2-D arrays (5, 4)")
def relative_error_random(student, ref, rng):
    a, b = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    check.close(student.relative_error(a, b), ref.relative_error(a, b))


@test("relative_error", "a gradient and a slightly perturbed copy (errors of about 1e-7)")
def relative_error_near(student, ref, rng):
    a = rng.normal(size=30)
    b = a * (1 + 1e-7 * rng.normal(size=30))
    check.close(student.relative_error(a, b), ref.relative_error(a, b))


@test("relative_error", "entries much smaller than the floor: |a| + |b| < 1e-8 is divided by 1e-8")
def relative_error_tiny(student, ref):
    a, b = np.array([0.0, 1e-10, 3.0]), np.array([0.0, -1e-10, 3.0])
    check.close(student.relative_error(a, b), ref.relative_error(a, b))


@test("relative_error", "two plain floats")
def relative_error_floats(student, ref):
    check.close(student.relative_error(1.0, 1.25), ref.relative_error(1.0, 1.25))


def network(rng, N, D, H, C):
    """Random X, y and parameters with every hidden pre-activation at least 0.01 away from ReLU's kink."""
    while True:
        X = rng.normal(size=(N, D))
        net = {"W1": rng.normal(scale=0.7, size=(H, D)), "b1": rng.normal(scale=0.3, size=H),
               "W2": rng.normal(scale=0.7, size=(C, H)), "b2": rng.normal(scale=0.3, size=C)}
        if np.min(np.abs(X @ net["W1"].T + net["b1"])) > 0.01:
            return X, rng.integers(0, C, size=N), net


def backward(student, X, y, net):
    return check.mapping(student.two_layer_backward(X, y, net["W1"], net["b1"], net["W2"], net["b2"]),
                         ["loss", "dW1", "db1", "dW2", "db2"])


def single_number(got, what):
    return check.number(got, what=what)


def check_gradients_numerically(student, rng, X, y, net, per_parameter=4, eps=1e-5):
    """For `per_parameter` random entries of each parameter, compare the submission's gradient with central
    differences of its own loss: |numerical − analytic| / max(|numerical| + |analytic|, 1e-4) < 1e-5."""
    result = backward(student, X, y, net)
    for name, value in net.items():
        gradient = check.shape(result["d" + name], value.shape, what="d" + name)
        picks = rng.choice(value.size, size=min(per_parameter, value.size), replace=False)
        for index in (np.unravel_index(int(i), value.shape) for i in picks):
            losses = []
            for sign in (1, -1):
                moved = {key: v.copy() for key, v in net.items()}
                moved[name][index] += sign * eps
                losses.append(single_number(backward(student, X, y, moved)["loss"], "loss"))
            numerical = (losses[0] - losses[1]) / (2 * eps)
            analytic = float(gradient[index])
            error = abs(numerical - analytic) / max(abs(numerical) + abs(analytic), 1e-4)
            where = f"{name}{[int(i) for i in index]}"
            check.that(error < 1e-5, f"d{where} is {analytic:.6g}, but moving {where} by ±{eps:g} changes your "
                                     f"loss at the rate {numerical:.6g} (relative error {error:.2g}, "
                                     f"tolerance 1e-05)", result,
                       hidden=f"d{where} disagrees with how fast your loss changes when {where} moves")


@test("two_layer_backward", "numerical gradient check of 4 random entries per parameter, N = 6, D = 4, H = 5, C = 3")
def two_layer_gradient_check_random(student, rng):
    X, y, net = network(rng, 6, 4, 5, 3)
    check_gradients_numerically(student, rng, X, y, net)


@test("two_layer_backward", "numerical gradient check of 4 random entries per parameter, N = 10, D = 3, H = 8, "
                            "C = 5")
def two_layer_gradient_check_wide(student, rng):
    X, y, net = network(rng, 10, 3, 8, 5)
    check_gradients_numerically(student, rng, X, y, net)


@test("two_layer_backward", "the loss on random batches of several shapes")
def two_layer_loss_random(student, ref, rng):
    for shape in ((6, 4, 5, 3), (1, 2, 3, 2), (12, 5, 7, 4)):
        X, y, net = network(rng, *shape)
        got = backward(student, X, y, net)
        expected = ref.two_layer_backward(X, y, *net.values())
        check.close(single_number(got["loss"], "loss"), expected["loss"], check.LOSS, what="loss")


@test("two_layer_backward", "all gradients on random batches, including a single sample (N = 1) and C = 2")
def two_layer_gradients_random(student, ref, rng):
    for shape in ((7, 3, 4, 3), (1, 2, 3, 2)):
        X, y, net = network(rng, *shape)
        got = backward(student, X, y, net)
        expected = ref.two_layer_backward(X, y, *net.values())
        for key in ("dW1", "db1", "dW2", "db2"):
            check.close(got[key], expected[key], what=key)


DERIVATIVES = {  # the functions of the torch_function recipe and their derivatives
    "x^2 + 3x": lambda x: 2 * x + 3,
    "x sin x": lambda x: np.sin(x) + x * np.cos(x),
    "exp(-x^2)": lambda x: -2 * x * np.exp(-(x**2)),
    "x^3 - 2x": lambda x: 3 * x**2 - 2,
    "log(1 + e^x)": lambda x: 1 / (1 + np.exp(-x)),
}


def check_derivative(student, name, x):
    got = student.autograd_derivative(recipe("torch_function", expression=name), x)
    check.close(got, DERIVATIVES[name](x), what=f"d/dx of {name} at x = {x:g}")


@test("autograd_derivative", "y = x² + 3x at points other than the lecture's x = 2")
def autograd_other_points(student, rng):
    for x in (0.75, -3.2, float(rng.uniform(-5, 5))):
        check_derivative(student, "x^2 + 3x", x)


@test("autograd_derivative", "x·sin x, exp(−x²), x³ − 2x and log(1 + eˣ) at random points")
def autograd_other_functions(student, rng):
    for name in ("x sin x", "exp(-x^2)", "x^3 - 2x", "log(1 + e^x)"):
        check_derivative(student, name, float(rng.uniform(-2, 2)))

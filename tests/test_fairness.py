"""Correct code in the forms real students write keeps full marks: scalars of any size-1 shape,
np.matrix, float32, lists, boolean masks, textbook epsilon guards, 1-element tensors, float32 counts
and means, either averaging convention the lecture leaves open, a sigmoid clipped to ±500.

Each case replaces one reference function by a correct variant and grades the whole assignment:
the variant's question keeps every point. (tests/mutants holds the wrong variants, which lose them.)
A value in another container than the SPEC's (an object-dtype array, a tensor where a float is
specified) keeps its points too, with a note that says what the SPEC asks for.
"""

from __future__ import annotations

import pytest

from autograder.grader import grade_source
from autograder.reports.feedback import feedback_markdown
from autograder.reports.wording import explain
from autograder.results import SubmissionResult

from .conftest import COURSE, replace_definition, solution_source

CLIPPED_SIGMOID = """
def sigmoid(z):
    z = np.clip(z, -500, 500)  # e^500 still fits in a float64: no overflow
    return 1.0 / (1.0 + np.exp(-z))
"""

CORRECT_BUT_UNUSUAL = [
    ("linear_regression", "mse_cost", "mse_cost", "a (1, 1) array", """
def mse_cost(y_hat, y):
    e = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return np.array([[np.sum(e**2) / (2 * len(e))]])
"""),
    ("linear_regression", "mse_cost", "mse_cost", "an np.matrix", """
def mse_cost(y_hat, y):
    e = np.matrix(np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float))
    return e @ e.T / (2 * e.size)
"""),
    ("linear_regression", "predict", "predict", "a list of float32 values", """
def predict(X, w, b):
    X = np.asarray(X, dtype=np.float32)
    return [float(v) for v in np.dot(X, np.asarray(w, dtype=np.float32)) + np.float32(b)]
"""),
    ("logistic_regression", "sigmoid", "sigmoid", "a number comes back as an array of shape (1,)", """
def sigmoid(z):
    z = np.atleast_1d(np.asarray(z, dtype=float))
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)
"""),
    ("activations", "relu", "relu_grad", "a boolean mask", """
def relu_grad(z):
    return np.asarray(z) > 0
"""),
    ("forward_propagation", "cross_entropy", "cross_entropy", "the textbook's + 1e-7 inside the log", """
def cross_entropy(probs, labels):
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    labels = np.atleast_1d(labels)
    return float(-np.mean(np.log(probs[np.arange(len(labels)), labels] + 1e-7)))
"""),
    ("backpropagation", "forward_backward_1_1_1", "forward_backward_1_1_1", "every value a (1, 1) array", """
def forward_backward_1_1_1(x, y, w1, b1, w2, b2):
    s = lambda v: 1 / (1 + np.exp(-v))
    m = lambda v: np.array([[v]], dtype=float)
    z1 = w1 * x + b1
    h = s(z1)
    z2 = w2 * h + b2
    y_hat = s(z2)
    loss = 0.5 * (y_hat - y) ** 2
    d_z2 = (y_hat - y) * y_hat * (1 - y_hat)
    d_z1 = d_z2 * w2 * h * (1 - h)
    return {"z1": m(z1), "h": m(h), "z2": m(z2), "y_hat": m(y_hat), "loss": m(loss),
            "dw1": m(d_z1 * x), "db1": m(d_z1), "dw2": m(d_z2 * h), "db2": m(d_z2)}
"""),
    ("backpropagation", "autograd_derivative", "autograd_derivative", "x.grad, a 1-element tensor", """
def autograd_derivative(f, x):
    x = torch.tensor([float(x)], requires_grad=True)
    f(x).backward()
    return x.grad
"""),
    ("regularization", "penalties", "l2_penalty", "a float32 numpy scalar", """
def l2_penalty(w, lam):
    return np.float32(lam) * np.sum(np.asarray(w, dtype=np.float32) ** 2)
"""),
    ("mnist_training", "evaluate", "evaluate", "per-batch float32 accuracies, weighted by the batch's size", """
def evaluate(model, loader, loss_fn, device):
    model.eval()
    losses, accuracies, sizes = [], [], []
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            losses.append(loss_fn(outputs, labels).item())
            accuracies.append((outputs.argmax(dim=1) == labels).float().mean().item())
            sizes.append(len(labels))
    n = sum(sizes)
    return (sum(l * s for l, s in zip(losses, sizes)) / n,
            sum(a * s for a, s in zip(accuracies, sizes)) / n)
"""),
    ("mnist_training", "evaluate", "evaluate", "hits and losses counted in float32 tensors", """
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct, count = torch.zeros(()), torch.zeros(()), 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            total_loss += loss_fn(outputs, labels) * len(labels)
            correct += (outputs.argmax(dim=1) == labels).float().sum()
            count += len(labels)
    return (total_loss / count).item(), (correct / count).item()
"""),
    ("mnist_training", "evaluate", "evaluate", "the mean of the per-batch means (uneven last batch)", """
def evaluate(model, loader, loss_fn, device):
    model.eval()
    losses, accuracies = [], []
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            losses.append(loss_fn(outputs, labels).item())
            accuracies.append((outputs.argmax(1) == labels).float().mean().item())
    return sum(losses) / len(losses), sum(accuracies) / len(accuracies)
"""),
    ("mnist_training", "train_one_epoch", "train_one_epoch", "the mean of the per-batch losses", """
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    losses = []
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
"""),
    ("logistic_regression", "sigmoid", "sigmoid", "the textbook's guard: z clipped to ±500", CLIPPED_SIGMOID),
    ("activations", "sigmoid", "sigmoid", "the textbook's guard: z clipped to ±500", CLIPPED_SIGMOID),
]


@pytest.mark.parametrize(("assignment_id", "question", "name", "form", "source"),
                         CORRECT_BUT_UNUSUAL, ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CORRECT_BUT_UNUSUAL])
def test_correct_code_in_an_unusual_form_keeps_full_marks(assignment_id, question, name, form, source):
    assignment = COURSE.get(assignment_id)
    result = grade_source(assignment, replace_definition(solution_source(assignment_id), name, source))
    failed = [explain(t) for t in result.tests if t.question == question and not t.passed]
    assert not failed, "\n\n".join(failed)


#: Numbers in a container the SPEC does not name: (assignment, question, name, form, source, what the note says).
OTHER_CONTAINERS = [
    ("logistic_regression", "sigmoid", "sigmoid", "an object-dtype array from np.frompyfunc", """
def _sigmoid_of_one(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid(z):
    return np.frompyfunc(_sigmoid_of_one, 1, 1)(z)
""", "astype(float)"),
    ("backpropagation", "autograd_derivative", "autograd_derivative", "x.grad, a 0-d tensor", """
def autograd_derivative(f, x):
    x = torch.tensor(float(x), requires_grad=True)
    f(x).backward()
    return x.grad
""", ".item()"),
    ("mnist_training", "train_one_epoch", "train_one_epoch", "the loss summed in a 0-d tensor", """
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    total, count = 0.0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        loss = loss_fn(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total = total + loss.detach() * len(labels)
        count += len(labels)
    return total / count
""", ".item()"),
]


@pytest.mark.parametrize(("assignment_id", "question", "name", "form", "source", "advice"),
                         OTHER_CONTAINERS, ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in OTHER_CONTAINERS])
def test_numbers_in_another_container_get_their_points_and_a_note(assignment_id, question, name, form, source,
                                                                  advice):
    assignment = COURSE.get(assignment_id)
    code = replace_definition(solution_source(assignment_id), name, source)
    if "math." in source and "import math" not in code:
        code = "import math\n" + code
    result = grade_source(assignment, code)
    own = [t for t in result.tests if t.question == question]
    failed = [explain(t) for t in own if not t.passed]
    assert not failed, "\n\n".join(failed)
    notes = {getattr(t.verdict, "note", "") for t in own} - {""}
    assert notes and all(advice in note for note in notes), notes
    page = feedback_markdown(SubmissionResult("ada", [result]))
    assert all(note in page for note in notes)

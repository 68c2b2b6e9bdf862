"""The notebook's check cell is the grader: in a real kernel (nbclient), a check cell's verdict on each public test
is `grade check`'s on the same code, with the batch's points; it names cells, never a generated file's line,
stops an infinite loop at its time limit, prints plain text and shows no `Out:` value."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys

import nbformat
import pytest

from autograder.build import make_notebook
from autograder.cells import CHECK_CELL_TAG

from .conftest import COURSE, ROOT

pytestmark = pytest.mark.slow
LR = COURSE.get("linear_regression")
SOLUTION = (ROOT / "solutions" / "linear_regression.py").read_text()
TEMPLATE = (ROOT / "student_template" / "linear_regression.py").read_text()
_LINE = re.compile(r"^(✓ passed|✗ failed)  (.+)  \(([\d.]+)/([\d.]+) points\)$", re.MULTILINE)

#: (question, the code of its cell) for each kind of code a student writes.
VARIANTS = {
    "correct": ("mse_cost", "def mse_cost(y_hat, y):\n    m = len(y)\n"
                            "    return float(((y_hat - y) ** 2).sum() / (2 * m))\n"),
    "wrong value": ("mse_cost", "def mse_cost(y_hat, y):\n    return float(((y_hat - y) ** 2).mean())\n"),
    "wrong shape": ("residuals", "def residuals(y_hat, y):\n    return (y_hat - y).reshape(-1, 1)\n"),
    "torch in numpy": ("residuals", "def residuals(y_hat, y):\n    import torch\n"
                                    "    return (torch.tensor(y_hat) - torch.tensor(y)).numpy()\n"),
    "polyfit": ("fit_closed_form", "import numpy as np\n\ndef fit_closed_form(x, y):\n"
                                   "    if np.all(x == x[0]):\n        raise ValueError('all x equal')\n"
                                   "    w1, w0 = np.polyfit(x, y, 1)\n    return float(w0), float(w1)\n"),
    "infinite loop": ("predict", "def predict(X, w, b):\n    while True:\n        pass\n"),
    "syntax error": ("residuals", "def residuals(y_hat, y)\n    return y_hat - y\n"),
    "no return": ("mse_cost", "def mse_cost(y_hat, y):\n    J = ((y_hat - y) ** 2).sum() / (2 * len(y))\n"),
    "huge output": ("predict", "import numpy as np\n\ndef predict(X, w, b):\n    for i in range(40000):\n"
                               "        print('line', i)\n    return np.dot(X, w) + b\n"),
}


def notebook_with(question: str, code: str) -> nbformat.NotebookNode:
    """The assignment's notebook, every question's cell as the template leaves it but `question`'s."""
    nb = make_notebook(LR, TEMPLATE)
    heading = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and
                   c.source.startswith(f"## {question} "))
    nb.cells[heading + 1].source = code
    return nb


def run(nb: nbformat.NotebookNode, tmp_path) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """`executed(variant)`: the notebook holding that variant, run in a real kernel once for the whole module."""
    notebooks: dict[str, nbformat.NotebookNode] = {}

    def execute(variant: str) -> nbformat.NotebookNode:
        if variant not in notebooks:
            notebooks[variant] = run(notebook_with(*VARIANTS[variant]), tmp_path_factory.mktemp("kernel"))
        return notebooks[variant]

    return execute


def check_output(nb: nbformat.NotebookNode, question: str) -> tuple[str, list[dict]]:
    """The printed text of `question`'s check cell, and its outputs."""
    cell = next(c for c in nb.cells if CHECK_CELL_TAG in c.metadata.get("tags", []) and f'"{question}"' in c.source)
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"), cell.outputs


def grade_check(nb: nbformat.NotebookNode, tmp_path) -> dict:
    path = tmp_path / "linear_regression.ipynb"
    nbformat.write(nb, path)
    process = subprocess.run([sys.executable, "-m", "autograder", "check", str(path), "--format", "results"],
                             capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_check_cell_gives_grade_checks_verdict_and_the_batchs_points(variant, executed, tmp_path):
    question, code = VARIANTS[variant]
    nb = executed(variant)
    printed, outputs = check_output(nb, question)
    in_cell = {m.group(2): (m.group(1) == "✓ passed", float(m.group(3)), float(m.group(4)))
               for m in _LINE.finditer(printed)}
    document = grade_check(nb, tmp_path)
    in_check = {t["description"]: (t["verdict"]["outcome"] == "passed", t["max_score"] if t["verdict"]["outcome"] ==
                                   "passed" else 0.0, t["max_score"])
                for a in document["assignments"] for t in a["tests"] if t["question"] == question}
    assert in_cell and in_cell == {k: (p, pytest.approx(s), pytest.approx(m)) for k, (p, s, m) in in_check.items()}
    batch = {t.description: t.max_score for t in _batch_points() if t.question == question}
    assert all(in_cell[d][2] == pytest.approx(batch[d]) for d in in_cell)  # a public test is worth what it is
    assert not [o for o in outputs if o.output_type == "execute_result"]  # it prints; no Out: value
    assert "linear_regression.py" not in printed and len(printed) < 20_000
    assert 'linear_regression.py\\", line' not in json.dumps(document)  # grade check names cells too


@functools.cache
def _batch_points():
    """The public tests as a batch grades them, hidden tests and all (a test's worth does not depend on the
    code: the reference is graded once)."""
    from autograder.grader import grade_source

    return [t for t in grade_source(LR, SOLUTION).tests if t.public]


def test_an_infinite_loop_stops_at_its_time_limit_with_that_message_and_the_next_cells_run(executed):
    nb = executed("infinite loop")
    printed, _ = check_output(nb, "predict")
    assert "within its time limit of" in printed and "KeyboardInterrupt" not in printed
    later, _ = check_output(nb, "mse_cost")
    assert "✗ failed" in later  # the template's mse_cost, checked after the loop was stopped


def test_a_syntax_error_names_its_own_cell_and_where(executed):
    nb = executed("syntax error")
    printed, _ = check_output(nb, "residuals")
    assert re.search(r"cell \[\d+\] \(defining residuals\), line 1: SyntaxError", printed), printed
    assert "run its cell first" not in printed


def test_a_file_level_problem_is_said_once_and_a_local_check_reports_to_nobody(executed):
    nb = executed("torch in numpy")
    printed, _ = check_output(nb, "residuals")
    assert "reported to your instructor" not in printed
    assert printed.count("torch") <= 3, printed


def test_test_descriptions_are_printed_as_text_never_read_as_markup(tmp_path):
    assignment = COURSE.get("logistic_regression")
    nb = make_notebook(assignment, (ROOT / "student_template" / "logistic_regression.py").read_text())
    run(nb, tmp_path)
    printed, _ = check_output(nb, "binary_cross_entropy")
    assert "clipped to [eps, 1 − eps]: a finite loss" in printed


def test_a_warning_is_shown_apart_from_what_the_code_printed():
    from autograder.grader import grade_source
    from autograder.pysource import replace_definition
    from autograder.reports.wording import explain

    noisy = "def mse_cost(y_hat, y):\n    print('debugging')\n    np.exp(1000.0)\n    return 0.0\n"
    result = grade_source(LR, replace_definition(SOLUTION, "mse_cost", noisy), hidden=False)
    text = explain(next(t for t in result.tests if t.question == "mse_cost" and not t.passed))
    printed, warned = text.split("Your code printed:\n", 1)[1].split("\nWarnings", 1)
    assert printed.strip() == "debugging" and "RuntimeWarning: overflow encountered in exp" in warned


def test_in_a_copy_without_hidden_tests_a_public_test_is_worth_what_it_is_worth_when_graded(tmp_path):
    import shutil

    from autograder.course import Course
    from autograder.distribute.files import copy_assignment

    copy_assignment(LR, tmp_path, hidden=False)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    bundled = Course.load(tmp_path).get(LR.id)
    assert not bundled.has_hidden_tests and bundled.weights() == LR.weights()


def test_an_empty_file_is_said_once_not_once_per_test(tmp_path):
    from click.testing import CliRunner

    from autograder.cli import main

    (tmp_path / "linear_regression.py").write_text("")
    output = CliRunner().invoke(main, ["check", str(tmp_path / "linear_regression.py")]).output
    assert output.count("holds no code") == 1 and output.count("is not defined") == 0
    assert output.count("Not defined in your code: predict, fit_closed_form, residuals, mse_cost") == 1

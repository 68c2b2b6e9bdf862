"""What an assignment does not allow: forbidden calls found in the source, packages absent from the sandbox.

`fit_closed_form` must not use numpy's least-squares fits, the backpropagation by hand must not use
autograd, and a numpy assignment's code finds no torch installed. The calls are found statically, on
the grader's side, however they are imported or aliased; the packages are kept out by the sandbox's
filesystem view, whatever the student's code does.
"""

from __future__ import annotations

import dataclasses
import site
import sysconfig
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.errors import CourseError
from autograder.grader import grade_source
from autograder.integrity.forbidden import check
from autograder.reports.feedback import feedback_markdown
from autograder.reports.gradescope import gradescope_json
from autograder.reports.statistics import distribution, question_stats
from autograder.reports.summary import Summary, summary_markdown
from autograder.reports.wording import explain
from autograder.results import Outcome, SubmissionResult, from_json, to_json
from autograder.sandbox import isolation, packages
from autograder.sandbox.runner import Sandbox
from autograder.sandbox.templates import Kind

from .conftest import COURSE, ROOT, replace_definition, solution_source

LINEAR = COURSE.get("linear_regression")
BACKPROP = COURSE.get("backpropagation")

POLYFIT = """
def fit_closed_form(x, y):
    if np.ptp(x) == 0:
        raise ValueError("all x are equal")
    w1, w0 = FIT(x, y, 1)
    return float(w0), float(w1)
"""


def linear_with(fit: str, imports: str = "") -> str:
    source = replace_definition(solution_source("linear_regression"), "fit_closed_form", POLYFIT.replace("FIT", fit))
    return source.replace("import numpy as np\n", f"import numpy as np\n{imports}", 1)


def used(assignment, source) -> list[tuple[str, str, str]]:
    return [(f.function, f.rule, f.used) for f in check(assignment, source).findings]


# --- found however it is written ------------------------------------------------------------------------


@pytest.mark.parametrize(("fit", "imports", "name"), [
    ("np.polyfit", "", "numpy.polyfit"),
    ("fit", "from numpy import polyfit as fit\n", "numpy.polyfit"),
    ("fit", "fit = np.polyfit\n", "numpy.polyfit"),
    ("num.polyfit", "import numpy as num\n", "numpy.polyfit"),
    ('getattr(np, "polyfit")', "", "numpy.polyfit"),
    ("polyfit", "from numpy import *\n", "numpy.polyfit"),
    ("np.polynomial.polynomial.polyfit", "", "numpy.polynomial.polynomial.polyfit"),
    ('__import__("numpy").polyfit', "", "numpy.polyfit"),
], ids=["attribute", "from-import alias", "module alias", "import alias", "getattr", "star", "submodule",
        "__import__"])
def test_a_forbidden_call_is_found_behind_any_alias(fit, imports, name):
    assert [(f, u) for f, _, u in used(LINEAR, linear_with(fit, imports))] == [("fit_closed_form", name)]


def test_a_forbidden_call_is_found_in_a_helper_the_function_calls():
    source = linear_with("_least_squares") + (
        "\n\ndef _least_squares(x, y, degree):\n    import numpy.linalg as la\n"
        "    A = np.stack([x, np.ones_like(x)], axis=1)\n    return la.lstsq(A, y, rcond=None)[0]\n")
    (finding,) = check(LINEAR, source).findings
    assert (finding.function, finding.where, finding.used) == ("fit_closed_form", "_least_squares",
                                                               "numpy.linalg.lstsq")
    assert "in _least_squares, which it calls" in finding.sentence()


def test_autograd_in_the_backward_pass_by_hand_is_found_and_in_autograd_derivative_it_is_not():
    by_hand = ("def forward_backward_1_1_1(x, y, w1, b1, w2, b2):\n    from torch import autograd\n"
               "    t = torch.tensor([w1, b1, w2, b2], requires_grad=True)\n    loss = (t.sum() - y) ** 2\n"
               "    loss.backward()\n    return autograd\n")
    source = replace_definition(solution_source("backpropagation"), "forward_backward_1_1_1", by_hand)
    found = {(f, rule) for f, rule, _ in used(BACKPROP, source)}
    assert found == {("forward_backward_1_1_1", "torch.autograd"), ("forward_backward_1_1_1", ".backward")}


def test_a_backward_method_of_the_students_own_is_not_autograd():
    by_hand = ("class Sigmoid:\n    def forward(self, z):\n        self.s = 1 / (1 + np.exp(-z))\n"
               "        return self.s\n    def backward(self, grad):\n        return grad * self.s * (1 - self.s)\n\n"
               "def forward_backward_1_1_1(x, y, w1, b1, w2, b2):\n    layer = Sigmoid()\n"
               "    h = layer.forward(w1 * x + b1)\n    return layer.backward(h - y)\n")
    source = replace_definition(solution_source("backpropagation"), "forward_backward_1_1_1", by_hand)
    assert used(BACKPROP, source) == []


def test_the_references_use_nothing_their_assignments_forbid():
    for assignment in COURSE.assignments.values():
        assert check(assignment, solution_source(assignment.id)).findings == [], assignment.id


def test_code_too_deep_to_check_is_said_to_be_so_and_nothing_is_claimed():
    """Deeper than Python's own parser goes (a 2,000-deep chain is checked: see test_integrity_budget)."""
    source = "import numpy as np\n\ndef predict(X, w, b):\n    return np" + ".T" * 20000 + "\n"
    result = check(LINEAR, source)
    assert result.findings == [] and "nested too deeply" in result.problem


def test_what_static_detection_cannot_see_is_not_claimed():
    """SECURITY.md lists these: a name built at run time, and code run from text."""
    for hidden in ('getattr(np, "poly" + "fit")', 'eval("np.poly" + "fit")'):
        assert used(LINEAR, linear_with(hidden)) == []


# --- what a finding costs ----------------------------------------------------------------------------


def test_under_flag_a_polyfit_fit_keeps_its_points_and_is_reported():
    result = grade_source(LINEAR, linear_with("np.polyfit"))
    assert result.score == result.max_score
    (finding,) = result.forbidden
    assert (finding["question"], finding["used"], finding["policy"]) == ("fit_closed_form", "numpy.polyfit", "flag")
    assert any("numpy.polyfit" in note and "reported to your instructor" in note for note in result.notes)


def test_under_zero_a_polyfit_fit_loses_that_questions_points_and_no_other():
    result = grade_source(dataclasses.replace(LINEAR, policy="zero"), linear_with("np.polyfit"))
    scores = result.question_scores()
    assert scores["fit_closed_form"][0] == 0
    assert all(score == top for q, (score, top) in scores.items() if q != "fit_closed_form")
    zeroed = [t for t in result.tests if t.question == "fit_closed_form"]
    assert {t.verdict.outcome for t in zeroed} == {Outcome.FORBIDDEN}
    assert "numpy.polyfit" in zeroed[0].verdict.problem and "scores zero" in zeroed[0].verdict.problem


def test_an_unknown_policy_is_refused(tmp_path):
    folder = tmp_path / "assignments" / "toy"
    folder.mkdir(parents=True)
    text = (ROOT / "tests" / "data" / "toy_course" / "assignments" / "toy" / "assignment.toml").read_text()
    (folder / "assignment.toml").write_text(text + '\n[integrity]\nforbidden = "warn"\n')
    with pytest.raises(CourseError, match="'warn'"):
        Course.load(tmp_path)


# --- packages the assignment does not allow -------------------------------------------------------------

def test_the_view_shows_the_allowed_distributions_and_their_dependencies_and_nothing_else():
    numpy_only = {Path(p).name for p in packages.visible(("numpy",))}
    with_torch = {Path(p).name for p in packages.visible(("numpy", "torch"))}
    assert "numpy" in numpy_only and not [n for n in numpy_only if n.startswith(("torch", "click", "autograder"))]
    assert {"torch", "typing_extensions.py", "sympy", "numpy"} <= with_torch  # torch needs typing_extensions, sympy
    assert not [n for n in with_torch if n.startswith(("click", "rich", "pytest", "autograder"))]


needs_view = pytest.mark.skipif(not isolation.probe().filesystem, reason="no bubblewrap view on this machine")


@needs_view
def test_a_numpy_assignments_function_that_imports_torch_loses_its_points_with_the_rule_named():
    residuals = ("def residuals(y_hat, y):\n    import torch\n"
                 "    return (torch.as_tensor(y_hat) - torch.as_tensor(y)).numpy()\n")
    result = grade_source(LINEAR, replace_definition(solution_source("linear_regression"), "residuals", residuals))
    scores = result.question_scores()
    assert scores["residuals"][0] == 0
    assert all(score == top for q, (score, top) in scores.items() if q != "residuals")
    failed = [t for t in result.tests if not t.passed]
    assert {t.verdict.outcome for t in failed} == {Outcome.FORBIDDEN}
    public = next(t for t in failed if t.public)
    assert ("this assignment asks for your own code with numpy, so torch is not available here"
            in explain(public))


@needs_view
def test_a_module_level_import_of_torch_is_a_note_naming_the_rule_and_its_users_fail():
    source = "import torch\n" + replace_definition(solution_source("linear_regression"), "mse_cost",
                                                   "def mse_cost(y_hat, y):\n    return float(torch.tensor(0.0))\n")
    result = grade_source(LINEAR, source)
    assert "torch is not available here" in result.notes[0]
    assert result.question_scores()["mse_cost"][0] == 0 and result.question_scores()["predict"][0] > 0
    assert {t.verdict.outcome for t in result.tests if not t.passed} == {Outcome.FORBIDDEN}


PROBES = """
import importlib, os, sys

def plain():
    import torch
    return "imported"

def by_importlib():
    return str(importlib.import_module("torch"))

def by_path(folders):
    sys.path[:0] = folders
    for name in [n for n in sys.modules if n.startswith("torch")]:
        del sys.modules[n]
    import torch
    return "imported"

def listing(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []
"""


def _site_folders() -> list[str]:
    return sorted({sysconfig.get_paths()["purelib"], *site.getsitepackages()})


@needs_view
def test_the_view_of_a_numpy_assignment_holds_no_torch_whichever_way_it_is_imported():
    with Sandbox(PROBES, "m", kind=Kind(("numpy",), ("numpy",))) as sandbox:
        for call, args in (("plain", ()), ("by_importlib", ()), ("by_path", (_site_folders(),))):
            error = sandbox.call(call, args, timeout=30)
            assert getattr(error, "type", None) == "ModuleNotFoundError", (call, error)
        for folder in _site_folders():
            assert not [n for n in sandbox.call("listing", (folder,)) if n.startswith("torch")]


@needs_view
def test_the_view_of_a_torch_assignment_holds_torch_and_what_it_needs():
    with Sandbox(PROBES, "m", kind=Kind(("numpy",), ("numpy", "torch"))) as sandbox:
        assert sandbox.call("plain", (), timeout=60) == "imported"
        shown = {n for folder in _site_folders() for n in sandbox.call("listing", (folder,))}
    assert {"numpy", "torch", "typing_extensions.py"} <= shown and "click" not in shown


def test_without_a_view_the_results_say_packages_are_not_enforced(monkeypatch):
    layers = dataclasses.replace(isolation.probe(), filesystem=False)
    assert layers.describe()["packages"].startswith("not enforced (no filesystem view)")
    assert "only those each assignment allows" in dataclasses.replace(layers, filesystem=True).describe()["packages"]


# --- where a flag is reported ---------------------------------------------------------------------------


def test_a_flagged_use_is_in_the_feedback_the_gradescope_output_and_the_instructors_summary():
    result = SubmissionResult("dana.py", [grade_source(LINEAR, linear_with("np.polyfit"))],
                              extra={"sandbox": isolation.probe().describe()})
    passed = [t for t in gradescope_json(result.assignments)["tests"] if "fit_closed_form" in t["name"]]
    assert passed and all("numpy.polyfit" in t["output"] and t["status"] == "passed" for t in passed)
    assert "numpy.polyfit" in feedback_markdown(result)
    summary = summary_markdown(Summary([result], {"linear_regression": "1. Linear regression"},
                                       question_stats([result]), distribution([result])), {})
    assert "## Forbidden uses" in summary and "| dana.py | 1. Linear regression | fit_closed_form | numpy.polyfit |" \
        in summary and "evidence for a person to review" in summary
    assert from_json(to_json(result)) == result

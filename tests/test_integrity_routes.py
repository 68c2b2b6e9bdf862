"""Forbidden calls are found however they are reached, and enforced where they run (issue 22, class 5).

The red team kept 8 of 8 points on `fit_closed_form` with `lstsq` and `polyfit` reached through names
the static check did not follow: private module paths, `vars(...)[...]`, `__dict__[...]`,
`sys.modules[...]`, `__import__(..., fromlist=...)`, `__getattribute__`, `operator.attrgetter` and
`functools.reduce(getattr, ...)`. Each is now found in the source; and, whatever the spelling, the
student's process itself guards every module attribute that is a forbidden function while a question
that forbids it runs: under "flag" the use is reported, under "zero" the function raises instead and
the question scores zero, whatever the student's code did with the exception. Other questions may
still use the same function. Both hold with bubblewrap and without it, in cold and in warm children.
"""

from __future__ import annotations

import dataclasses

import pytest

from autograder.grader import grade_source
from autograder.grading import run_tests
from autograder.integrity.enforce import guard_request, reported
from autograder.integrity.forbidden import Integrity, check
from autograder.processes import sandbox as _sandbox
from autograder.reports.wording import explain
from autograder.results import Outcome
from autograder.sandbox import isolation
from autograder.sandbox.runner import Sandbox
from autograder.sandbox.runtime.errors import RemoteError
from autograder.sandbox.runtime.guard import Guarded
from autograder.sandbox.templates import Kind, Template, Templates

from .conftest import COURSE, replace_definition, solution_source

LINEAR = COURSE.get("linear_regression")
LSTSQ, POLYFIT = "numpy.linalg.lstsq", "numpy.polyfit"

#: The red team's routes: (id, imports, the expression that is the function, the rule it breaks).
ROUTES = [
    ("private module path", "", "np.linalg._linalg.lstsq", LSTSQ),
    ("private polyfit path", "", "np.lib._polynomial_impl.polyfit", POLYFIT),
    ("vars", "", 'vars(np.linalg)["lstsq"]', LSTSQ),
    ("__dict__", "", 'np.linalg.__dict__["lstsq"]', LSTSQ),
    ("sys.modules", "import sys\n", 'sys.modules["numpy.linalg"].lstsq', LSTSQ),
    ("__import__ fromlist", "", '__import__("numpy.linalg", fromlist=["lstsq"]).lstsq', LSTSQ),
    ("__getattribute__", "", 'np.linalg.__getattribute__("lstsq")', LSTSQ),
    ("operator.attrgetter", "import operator\n", 'operator.attrgetter("linalg.lstsq")(np)', LSTSQ),
    ("functools.reduce", "import functools\n", 'functools.reduce(getattr, ["linalg", "lstsq"], np)', LSTSQ),
]
#: Routes only a guard where it runs can see.
HIDDEN = [
    ("a name built at run time", "", 'getattr(np.linalg, "lst" + "sq")', LSTSQ),
    ("a name captured at import", "_solve = getattr(__import__('numpy').linalg, 'l' + 'stsq')\n", "_solve", LSTSQ),
]
IDS = [route[0] for route in ROUTES]


def fit_with(function: str, rule: str, name: str = "fit_closed_form") -> str:
    """`fit_closed_form` (or `name`) fitting the line with `function`, lstsq's or polyfit's way."""
    fit = ("    w1, w0 = FIT(x, y, 1)\n" if rule == POLYFIT else
           "    w0, w1 = FIT(np.stack([np.ones_like(x), x], axis=1), y, rcond=None)[0]\n")
    return (f"def {name}(x, y):\n    if np.ptp(x) == 0:\n        raise ValueError('all x are equal')\n"
            + fit.replace("FIT", function) + "    return float(w0), float(w1)\n")


def linear_with(imports: str, function: str, rule: str) -> str:
    source = replace_definition(solution_source("linear_regression"), "fit_closed_form", fit_with(function, rule))
    return source.replace("import numpy as np\n", f"import numpy as np\n{imports}", 1)


# --- found in the source ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("imports", "function", "rule"), [r[1:] for r in ROUTES], ids=IDS)
def test_every_route_is_found_in_the_source(imports, function, rule):
    findings = check(LINEAR, linear_with(imports, function, rule)).findings
    assert [(f.question, f.function, f.rule) for f in findings] == [("fit_closed_form", "fit_closed_form", rule)]
    assert "question fit_closed_form does not allow" in findings[0].sentence() and rule in findings[0].sentence()


@pytest.mark.parametrize("policy", ["flag", "zero"])
@pytest.mark.parametrize(("imports", "function", "rule"), [r[1:] for r in ROUTES], ids=IDS)
def test_every_route_found_in_the_source_costs_what_the_policy_says(imports, function, rule, policy):
    result = grade_source(dataclasses.replace(LINEAR, policy=policy), linear_with(imports, function, rule))
    scores = result.question_scores()
    assert all(score == top for q, (score, top) in scores.items() if q != "fit_closed_form")
    fit = [t for t in result.tests if t.question == "fit_closed_form"]
    assert [(f["question"], f["rule"], f["policy"]) for f in result.forbidden] == [("fit_closed_form", rule, policy)]
    if policy == "flag":
        assert scores["fit_closed_form"][0] == scores["fit_closed_form"][1]
    else:
        assert {t.verdict.outcome for t in fit} == {Outcome.FORBIDDEN}
        assert rule in explain(fit[0]) and "question fit_closed_form" in explain(fit[0])


def test_a_private_spelling_is_named_as_written_with_the_rule_it_breaks():
    (finding,) = check(LINEAR, linear_with("", "np.lib._polynomial_impl.polyfit", POLYFIT)).findings
    assert finding.used == "numpy.lib._polynomial_impl.polyfit" and finding.rule == POLYFIT


# --- guarded where it runs ----------------------------------------------------------------------------------

#: One module with every route as a function of its own, a function no rule covers, and one that swallows
#: the guard's exception.
RUNTIME = "import numpy as np\nimport sys, operator, functools\n" + "".join(
    imports for _, imports, _, _ in HIDDEN) + "".join(
    fit_with(function, rule, f"route_{i}") for i, (_, _, function, rule) in enumerate(ROUTES + HIDDEN)) + (
    fit_with("np.linalg.lstsq", LSTSQ, "allowed")) + (
    "def swallowed(x, y):\n    try:\n        return route_0(x, y)\n    except BaseException:\n"
    "        return 'fell back'\n")
RULES = list(LINEAR.question("fit_closed_form").forbidden)
X, Y = [1.0, 2.0, 3.0, 4.0], [3.0, 5.0, 7.0, 9.0]  # y = 1 + 2x


@pytest.fixture(params=["bubblewrap", "no bubblewrap"])
def layers(request, monkeypatch):
    """The grader with its bubblewrap view, and without it (GRADE_NO_BWRAP)."""
    if request.param == "bubblewrap":
        if not isolation.probe().filesystem:
            pytest.skip("no bubblewrap view on this machine")
    else:
        monkeypatch.setenv("GRADE_NO_BWRAP", "1")
    isolation.probe.cache_clear()
    yield request.param
    isolation.probe.cache_clear()


@pytest.fixture(params=["cold", "warm"])
def template(request, layers):
    """None (a child started cold), or a warm template to fork children from."""
    if request.param == "cold":
        yield None
        return
    if not Templates.usable():
        pytest.skip("templates need root where bubblewrap runs")
    warm = Template(Kind(("numpy",), ("numpy",)))
    warm.start()
    yield warm
    warm.close()


def line_of(text: str) -> int:
    return next(i for i, line in enumerate(RUNTIME.splitlines(), 1) if text in line)


@pytest.mark.parametrize("policy", ["flag", "zero"])
def test_every_route_is_guarded_where_it_runs_cold_and_warm_with_and_without_bubblewrap(template, policy):
    routes = ROUTES + HIDDEN
    forbid = {f"route_{i}": RULES for i in range(len(routes))} | {"swallowed": RULES}
    with Sandbox(RUNTIME, "m", kind=Kind(("numpy",), ("numpy",)), template=template,
                 guard={"forbid": forbid, "policy": policy}) as sandbox:
        for i, (name, _, function, rule) in enumerate(routes):
            answer = sandbox.call(f"route_{i}", (X, Y))
            assert isinstance(answer, Guarded), name
            assert [(u["rule"], u["where"], u["line"]) for u in answer.uses] == \
                   [(rule, f"route_{i}", line_of(f"{function}(x, y, 1)" if rule == POLYFIT else f"{function}(np."))]
            if policy == "flag":  # reported, and it ran as written
                assert answer.value == pytest.approx([1.0, 2.0]), name
            else:  # it raised instead of running
                assert isinstance(answer.value, RemoteError) and answer.value.type == "ForbiddenCall", name
        assert sandbox.call("allowed", (X, Y)) == pytest.approx([1.0, 2.0])  # no rule covers it
        swallowed = sandbox.call("swallowed", (X, Y))
        assert [u["rule"] for u in swallowed.uses] == [LSTSQ]  # whatever the student's code did with it
        assert swallowed.value == ("fell back" if policy == "zero" else pytest.approx([1.0, 2.0]))


@pytest.mark.parametrize("policy", ["flag", "zero"])
@pytest.mark.parametrize(("imports", "function", "rule"), [r[1:] for r in ROUTES + HIDDEN],
                         ids=IDS + [r[0] for r in HIDDEN])
def test_a_use_reported_where_it_runs_costs_what_the_policy_says_and_names_the_rule(imports, function, rule, policy):
    """The source check left out (`Integrity()`): what the guard alone makes of each route."""
    assignment = dataclasses.replace(LINEAR, policy=policy)
    with _sandbox(assignment, linear_with(imports, function, rule)) as sandbox:
        result = run_tests(assignment, sandbox, integrity=Integrity())
    scores = result.question_scores()
    assert all(score == top for q, (score, top) in scores.items() if q != "fit_closed_form")
    (record,) = result.forbidden
    assert (record["question"], record["rule"], record["ran"], record["policy"]) == \
           ("fit_closed_form", rule, True, policy)
    assert "called" in record["sentence"] and "when the grader ran it" in record["sentence"]
    fit = [t for t in result.tests if t.question == "fit_closed_form"]
    if policy == "flag":
        assert scores["fit_closed_form"][0] == scores["fit_closed_form"][1]
        assert any("question fit_closed_form does not allow" in note for note in result.notes)
    else:
        assert {t.verdict.outcome for t in fit} == {Outcome.FORBIDDEN}  # those run before the first use too
        assert all(rule in explain(t) and "question fit_closed_form does not allow" in explain(t) for t in fit)


def test_under_zero_other_questions_may_use_what_fit_closed_form_may_not():
    mse = ("def mse_cost(y_hat, y):\n    np.linalg.lstsq(np.eye(2), np.ones(2), rcond=None)\n"
           "    return float(np.mean((np.asarray(y_hat) - np.asarray(y)) ** 2) / 2)\n")
    source = replace_definition(linear_with(*HIDDEN[0][1:]), "mse_cost", mse)
    result = grade_source(dataclasses.replace(LINEAR, policy="zero"), source)
    scores = result.question_scores()
    assert scores["fit_closed_form"][0] == 0 and scores["mse_cost"][0] == scores["mse_cost"][1]


def test_the_guard_is_sent_for_the_functions_whose_questions_forbid_something():
    assert guard_request(LINEAR) == {"forbid": {"fit_closed_form": RULES}, "policy": "flag"}
    backprop = COURSE.get("backpropagation")
    assert guard_request(backprop)["forbid"]["two_layer_backward"] == ["torch.autograd", "torch.func"]
    assert guard_request(COURSE.get("activations")) == {}


def test_warm_and_cold_children_give_the_same_verdicts_on_a_hidden_route(layers):
    if not Templates.usable():
        pytest.skip("templates need root where bubblewrap runs")
    source = linear_with(*HIDDEN[0][1:])
    zero = dataclasses.replace(LINEAR, policy="zero")
    with Templates() as templates:
        warm = run_tests(zero, _sandbox(zero, source, templates), integrity=Integrity())
    cold = run_tests(zero, _sandbox(zero, source), integrity=Integrity())
    assert [(t.name, t.verdict.outcome) for t in warm.tests] == [(t.name, t.verdict.outcome) for t in cold.tests]
    assert {t.verdict.outcome for t in warm.tests if t.question == "fit_closed_form"} == {Outcome.FORBIDDEN}


@pytest.mark.slow
def test_autograd_reached_at_run_time_is_reported_in_the_backward_pass_by_hand():
    backprop = COURSE.get("backpropagation")
    by_hand = ("def forward_backward_1_1_1(x, y, w1, b1, w2, b2):\n    import torch\n"
               "    t = torch.tensor([w1, b1, w2, b2], requires_grad=True)\n"
               "    loss = (t.sum() - y) ** 2\n    getattr(loss, 'back' + 'ward')()\n"
               "    return REFERENCE(x, y, w1, b1, w2, b2)\n")
    reference = solution_source("backpropagation").replace("def forward_backward_1_1_1(", "def REFERENCE(", 1)
    source = reference + "\n\n" + by_hand
    result = grade_source(backprop, source)
    ran = [f for f in result.forbidden if f["ran"]]
    assert [(f["question"], f["rule"]) for f in ran] == [("forward_backward_1_1_1", "torch.autograd")]
    assert result.question_scores()["forward_backward_1_1_1"][0] > 0  # backpropagation flags: points kept


def test_a_use_first_reported_on_a_hidden_test_carries_nothing_the_students_code_chose():
    """The line, the function it was in and the name come from the student's process: they could encode
    a hidden test's inputs, so a hidden test keeps only the rule and the function it called."""
    use = {"rule": LSTSQ, "name": f"{LSTSQ}.x4f2a", "line": 1234, "where": "inputs_were_3_1_4"}
    (hidden,) = reported(Integrity(), LINEAR, "fit_closed_form", [("fit_closed_form", use)], public=False)
    assert (hidden.used, hidden.line, hidden.where) == (LSTSQ, 0, "fit_closed_form")
    assert not any(text in hidden.sentence() for text in ("1234", "inputs_were", "x4f2a"))
    (public,) = reported(Integrity(), LINEAR, "fit_closed_form", [("fit_closed_form", use)], public=True)
    assert (public.line, public.where) == (1234, "inputs_were_3_1_4")  # a public test's inputs are no secret


def test_a_use_of_a_rule_the_question_does_not_have_is_not_believed():
    use = {"rule": "numpy.sum", "name": "numpy.sum", "line": 3, "where": "fit_closed_form"}
    assert reported(Integrity(), LINEAR, "fit_closed_form", [("fit_closed_form", use)], public=True) == []
    assert reported(Integrity(), LINEAR, "predict", [("predict", {**use, "rule": LSTSQ})], public=True) == []

"""The grader's source check works within a budget, and says so when a file is beyond it (issue 22, class 4).

Every input is untrusted, the source the grader itself reads included: the red team's 2 MiB file of
`a;` with 21 syntax errors kept `grade run` busy past 75 s at 3.1 GiB, and a 990-deep attribute chain
in an unused function made the check give up on the whole file, `np.linalg.lstsq` included. Now the
source is parsed once, in a forked child with a size cap, a memory cap, a CPU and a wall-clock limit;
each definition is analysed on its own; and what could not be checked is reported, under the course's
`[integrity] unchecked` policy: flagged for review, or zero.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
import time

import pytest

from autograder.course import Course
from autograder.errors import CourseError
from autograder.grader import grade_source
from autograder.integrity import forbidden
from autograder.integrity.budget import OverBudget, within_budget
from autograder.integrity.forbidden import MAX_CHECKED_BYTES, check
from autograder.reports.wording import explain
from autograder.results import Outcome

from .conftest import COURSE, ROOT, replace_definition, solution_source

LINEAR = COURSE.get("linear_regression")
LSTSQ = ("def fit_closed_form(x, y):\n    if np.ptp(x) == 0:\n        raise ValueError('all x are equal')\n"
         "    A = np.stack([np.ones_like(x), x], axis=1)\n    w0, w1 = np.linalg.lstsq(A, y, rcond=None)[0]\n"
         "    return float(w0), float(w1)\n")


def with_lstsq(extra: str = "") -> str:
    return replace_definition(solution_source("linear_regression"), "fit_closed_form", LSTSQ) + extra


def the_red_teams_file() -> str:
    """One line of `a;` a million times (2 MiB), and 21 syntax errors after it."""
    return "a;" * 1_000_000 + "\n" + "".join(f"def broken_{i}(:\n    pass\n" for i in range(21))


def checked_in_a_fresh_grader(source: str, timeout: float) -> dict:
    """`check` of `source` in a grader process of its own: its result, the seconds it took and how much the
    grader's own memory grew (the peak, in MiB)."""
    script = (
        "import json, resource, sys, time\n"
        "from autograder.course import Course\n"
        "from autograder.integrity.forbidden import check\n"
        "source = sys.stdin.read()\n"
        "assignment = Course.load().get('linear_regression')\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "started = time.monotonic()\n"
        "result = check(assignment, source)\n"
        "print(json.dumps({'seconds': time.monotonic() - started, 'problem': result.problem,\n"
        "                  'findings': len(result.findings),\n"
        "                  'grew': (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024}))\n")
    process = subprocess.run([sys.executable, "-c", script], input=source, capture_output=True, text=True,
                             timeout=timeout, cwd=ROOT)
    assert process.returncode == 0, process.stderr[-2000:]
    return json.loads(process.stdout)


# --- a size cap, a memory cap, a CPU and a wall-clock limit -------------------------------------------------


def test_the_red_teams_two_mebibyte_file_is_not_parsed_and_is_reported_as_unchecked():
    """Main took 75 s and 3.1 GiB here; now the grader does not even parse it."""
    outcome = checked_in_a_fresh_grader(the_red_teams_file(), timeout=60)
    assert outcome["seconds"] < 5 and outcome["grew"] < 100, outcome
    assert outcome["findings"] == 0
    assert "could not be fully checked" in outcome["problem"] and f"at most {MAX_CHECKED_BYTES // 1024} KiB" \
        in outcome["problem"]


def test_a_file_under_the_size_cap_that_is_costly_to_parse_is_stopped_by_the_budget():
    """250 KiB of `a;` with 21 syntax errors: every re-parse takes about half a second and 200 MiB."""
    source = "a;" * (120 * 1024) + "\n" + "".join(f"def broken_{i}(:\n    pass\n" for i in range(21))
    assert len(source) < MAX_CHECKED_BYTES
    outcome = checked_in_a_fresh_grader(source, timeout=90)
    assert "could not be fully checked" in outcome["problem"], outcome
    assert "CPU time" in outcome["problem"] or "took longer" in outcome["problem"] or "memory" in outcome["problem"]
    assert outcome["grew"] < 100, outcome  # the grader's own memory: the parsing was the child's


def test_work_beyond_its_memory_is_stopped_and_the_grader_keeps_its_own():
    with pytest.raises(OverBudget, match="more than 64 MiB of memory"):
        within_budget(lambda: len(bytearray(1024**3)), memory=64 * 1024**2)


def test_work_beyond_its_cpu_time_is_stopped():
    def spin() -> int:
        while True:
            pass

    started = time.monotonic()
    with pytest.raises(OverBudget, match="more than 1 s of CPU time|took longer"):
        within_budget(spin, cpu=1, wall=20)
    assert time.monotonic() - started < 20


def test_work_past_its_deadline_is_stopped():
    started = time.monotonic()
    with pytest.raises(OverBudget, match="took longer than 0.5 s"):
        within_budget(lambda: time.sleep(60), wall=0.5)
    assert time.monotonic() - started < 10


def test_work_within_its_budget_gives_its_result_as_plain_data():
    assert within_budget(lambda: {"found": [1, 2]}) == {"found": [1, 2]}


def test_a_failure_of_the_check_itself_is_the_graders_not_the_students():
    with pytest.raises(RuntimeError, match="the source check failed: ZeroDivisionError"):
        within_budget(lambda: 1 / 0)


# --- the course's policy for what could not be checked ------------------------------------------------------

PADDED = solution_source("linear_regression") + "\n" + "# padding\n" * (MAX_CHECKED_BYTES // 10 + 1)


def test_under_flag_an_unchecked_file_keeps_its_points_and_is_flagged_for_review():
    result = grade_source(LINEAR, PADDED)
    assert result.score == result.max_score
    note = next(n for n in result.notes if "could not be fully checked" in n)
    assert "flagged for your instructor to review" in note
    (record,) = result.forbidden
    assert (record["rule"], record["policy"]) == ("unchecked", "flag")


def test_under_zero_an_unchecked_file_scores_zero_with_the_reason_named():
    result = grade_source(dataclasses.replace(LINEAR, unchecked="zero"), PADDED)
    assert result.score == 0
    assert {t.verdict.outcome for t in result.tests} == {Outcome.FORBIDDEN}
    assert "could not be fully checked" in explain(result.tests[0]) and "every question scores zero" \
        in explain(result.tests[0])


def test_the_unchecked_policy_is_read_from_the_assignment_and_an_unknown_one_is_refused(tmp_path):
    assert LINEAR.unchecked == "flag"
    text = (ROOT / "tests" / "data" / "toy_course" / "assignments" / "toy" / "assignment.toml").read_text()
    for course_folder, policy in (("zero", "zero"), ("warn", "warn")):
        folder = tmp_path / course_folder / "assignments" / "toy"
        folder.mkdir(parents=True)
        (folder / "assignment.toml").write_text(text + f'\n[integrity]\nunchecked = "{policy}"\n')
    assert Course.load(tmp_path / "zero").assignments["toy"].unchecked == "zero"
    with pytest.raises(CourseError, match=r"unchecked = 'warn'"):
        Course.load(tmp_path / "warn")


# --- deep nesting costs only the definition that holds it ----------------------------------------------------


def test_a_990_deep_chain_in_an_unused_function_does_not_hide_lstsq_in_fit_closed_form():
    source = with_lstsq("\n\ndef unused():\n    return np" + ".T" * 990 + "\n")
    result = check(LINEAR, source)
    assert [(f.function, f.rule) for f in result.findings] == [("fit_closed_form", "numpy.linalg.lstsq")]
    assert result.problem == ""  # a chain, however long, is followed without recursion


def test_a_definition_too_deep_to_analyse_is_reported_and_the_others_are_still_checked():
    source = with_lstsq("\n\ndef deep():\n    return g" + "(0)" * 2000 + "\n")
    result = check(LINEAR, source)
    assert [(f.function, f.rule) for f in result.findings] == [("fit_closed_form", "numpy.linalg.lstsq")]
    (unchecked,) = result.unchecked
    assert (unchecked.question, unchecked.used, unchecked.policy) == ("", "deep", "flag")
    assert "deep (line" in unchecked.sentence() and "nested too deeply" in unchecked.sentence()
    assert dataclasses.replace(result).zeroed(("fit_closed_form",)) == {}  # no question calls it


def test_many_definitions_too_deep_to_analyse_cannot_push_a_use_out_of_the_report():
    deep = "".join(f"\n\ndef deep_{i}():\n    return g" + "(0)" * 2000 + "\n" for i in range(30))
    records = check(LINEAR, with_lstsq(deep)).records(LINEAR.packages)
    assert len(records) <= 20 and [r["rule"] for r in records].count("unchecked") == 5
    assert any(r["rule"] == "numpy.linalg.lstsq" for r in records)


def test_a_too_deep_helper_makes_the_questions_that_call_it_unchecked_and_only_those():
    helper = "\n\ndef deep():\n    return g" + "(0)" * 2000 + "\n"
    source = replace_definition(solution_source("linear_regression"), "residuals",
                                "def residuals(y_hat, y):\n    deep\n    return y_hat - y\n") + helper
    result = check(dataclasses.replace(LINEAR, unchecked="zero"), source)
    assert [(f.question, f.used) for f in result.unchecked] == [("residuals", "deep")]
    assert set(result.zeroed(tuple(q.name for q in LINEAR.questions))) == {"residuals"}
    assert "residuals could not be fully checked" in result.unchecked[0].sentence()


# --- parsed once ------------------------------------------------------------------------------------------


def count_parses(monkeypatch) -> list[int]:
    calls = [0]
    parse = ast.parse

    def counting(*args, **kwargs):
        calls[0] += 1
        return parse(*args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting)
    return calls


def test_the_check_parses_a_module_once(monkeypatch):
    monkeypatch.setattr(forbidden, "within_budget", lambda work, **limits: work())  # count in this process
    source = with_lstsq()
    calls = count_parses(monkeypatch)
    check(LINEAR, source)
    assert calls == [1]


def test_the_similarity_normalisation_shares_the_parsed_statements_with_the_uses_analysis(monkeypatch):
    from autograder.similarity.normalise import normalise

    source = with_lstsq()
    calls = count_parses(monkeypatch)
    normalise(source, {"fit_closed_form"})
    assert calls == [1]

"""What to reteach on Monday: misconceptions across a class and item analysis, on a class of six.

Three students hand in mse_cost without the ½ (each in their own words), two the reference and one
the untouched template. The figures are checked against the textbook formulas, worked by hand.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.grader import grade_source
from autograder.reports.class_reports import REPORTS
from autograder.reports.items import ALL_FAIL, ALL_PASS, NEGATIVE, item_analysis, items_csv, point_biserial
from autograder.reports.misconceptions import DIAGNOSIS, EXCEPTION, VALUE, misconceptions
from autograder.results import AssignmentResult, Outcome, SubmissionResult, TestResult, Verdict

from .conftest import COURSE, ROOT, replace_definition, solution_source

LR = "linear_regression"
HALF = "a factor ½ missing"
WITHOUT_HALF = {  # three ways a student writes the mean of the squared errors
    "ann": "def mse_cost(y_hat, y):\n    return float(np.mean((np.asarray(y_hat) - np.asarray(y)) ** 2))\n",
    "ben": "def mse_cost(y_hat, y):\n    e = y_hat - y\n    return np.sum(e * e) / len(y)\n",
    "cat": "def mse_cost(y_hat, y):\n    m = len(y)\n    return (1 / m) * np.sum((y_hat - y) ** 2)\n",
}


@pytest.fixture(scope="module")
def six() -> list[SubmissionResult]:
    assignment = COURSE.get(LR)
    sources = {name: replace_definition(solution_source(LR), "mse_cost", code) for name, code in WITHOUT_HALF.items()}
    sources |= {"dan": solution_source(LR), "eve": solution_source(LR),
                "fay": (ROOT / "student_template" / f"{LR}.py").read_text()}
    return [SubmissionResult(name, [grade_source(assignment, source)]) for name, source in sources.items()]


# --- misconceptions --------------------------------------------------------------------------------------------

def test_the_three_without_the_half_are_one_misconception_of_mse_cost(six):
    found = misconceptions(six)
    top = found[0]
    assert (top.kind, top.question, top.submissions, top.graded) == (DIAGNOSIS, "mse_cost", ("ann", "ben", "cat"), 6)
    assert HALF in top.what and top.sentence.startswith("mse_cost: 3 of 6 students: it is twice the expected values")
    assert [g for g in found if g.kind == DIAGNOSIS] == [top]  # the same mistake, one group, whatever the code


def test_the_template_and_the_references_show_no_misconception(six):
    found = misconceptions(six)
    assert not any({"dan", "eve", "fay"} & set(g.submissions) for g in found)


def verdict(outcome=Outcome.WRONG, **parts) -> Verdict:
    return Verdict(outcome, "the result is far from the expected value", **parts)


def handed_in(name: str, *tests: TestResult) -> SubmissionResult:
    return SubmissionResult(name, [AssignmentResult(LR, "Linear regression", list(tests))])


def a_test(name="predict_random", verdict=None, seed=None, public=False, question="predict",
           description="random inputs") -> TestResult:
    return TestResult(LR, question, name, description, public, 1.0, verdict or Verdict(Outcome.PASSED), seed=seed)


def test_unexplained_failures_group_by_the_same_exception_or_the_same_value_on_the_same_input():
    raised = verdict(Outcome.RAISED, signature="raised ValueError: shapes (3,) and (4,) not aligned")
    value = verdict(signature="returned 0123456789abcdef")
    found = misconceptions([
        handed_in("ann", a_test(verdict=raised)), handed_in("ben", a_test(verdict=raised)),
        handed_in("cat", a_test(verdict=value, seed=7)), handed_in("dan", a_test(verdict=value, seed=7)),
        handed_in("eve", a_test(verdict=value, seed=8)),  # the same value, but another input: not the same answer
        handed_in("fay", a_test(verdict=verdict(Outcome.RAISED, signature="raised KeyError: 'w'"))),  # alone
    ])
    assert [(g.kind, g.submissions) for g in found] == [(EXCEPTION, ("ann", "ben")), (VALUE, ("cat", "dan"))]
    assert found[0].what == "raised ValueError: shapes (3,) and (4,) not aligned"
    assert found[1].what == "the same wrong value on \u201crandom inputs\u201d"


def test_a_public_tests_shared_value_is_named_and_a_student_counts_once_per_group():
    value = verdict(signature="returned 0123456789abcdef", returned="[170.0, 250.0]")
    twice = [a_test("a", value, public=True), a_test("b", verdict(diagnosis=HALF)),
             a_test("c", verdict(diagnosis=HALF))]
    found = misconceptions([handed_in("ann", *twice), handed_in("ben", a_test("a", value, public=True))])
    assert [(g.kind, g.count, g.what) for g in found] == [
        (VALUE, 2, "the same wrong value on \u201crandom inputs\u201d: [170.0, 250.0]"), (DIAGNOSIS, 1, HALF)]


# --- item analysis ---------------------------------------------------------------------------------------------

def test_point_biserial_is_the_textbook_formula_worked_by_hand():
    # passing: students 1, 2 and 5; rest-scores 6 5 2 3 4 1. M1 = (6+5+4)/3 = 5, M0 = (2+3+1)/3 = 2, mean 3.5;
    # s² = (2.5² + 1.5² + 1.5² + 0.5² + 0.5² + 2.5²)/6 = 17.5/6; p = q = ½:
    # r = (5 - 2)/sqrt(17.5/6) * sqrt(¼) = 0.878310...
    assert point_biserial([True, True, False, False, True, False], [6, 5, 2, 3, 4, 1]) == pytest.approx(0.8783101)
    assert point_biserial([True, True, False, False, True, False], [1, 2, 5, 4, 3, 6]) == pytest.approx(-0.8783101)
    assert point_biserial([True, True], [3, 4]) is None                   # everyone passes
    assert point_biserial([True, False, True], [2, 2, 2]) is None         # every rest-score equal


def test_each_test_of_the_class_of_six_has_the_difficulty_and_discrimination_worked_by_hand(six):
    items = {item.test: item for item in item_analysis(six)}
    tests = {t.name: t for t in six[0].assignments[0].tests}
    assert set(items) == set(tests)
    mse = [name for name, t in tests.items() if t.question == "mse_cost" and not t.passed]
    assert len(mse) == 3 and all(tests[name].max_score == 0.5 for name in mse)
    # a failed mse_cost test (½ point): passed by the two references only. Rest-scores: the references 8 - ½,
    # the three without the ½ 8 - 3 × ½ (they fail three such tests), the template 0:
    # Y = 7.5 7.5 6.5 6.5 6.5 0; M1 = 7.5, M0 = 19.5/4 = 4.875, mean = 34.5/6 = 5.75,
    # s² = (2 × 1.75² + 3 × 0.75² + 5.75²)/6 = 40.875/6; p = 1/3: r = 2.625/sqrt(6.8125) × sqrt(2/9) = 0.474100
    for name in mse:
        assert (items[name].students, items[name].passed) == (6, 2)
        assert items[name].difficulty == pytest.approx(1 / 3)
        assert items[name].discrimination == pytest.approx(0.474100, abs=1e-6)
    for name, item in items.items():  # every other test: Pearson's r of pass (1/0) and the rest, by statistics
        passed = [next(t for t in r.assignments[0].tests if t.name == name).passed for r in six]
        rest = [r.assignments[0].score - next(t for t in r.assignments[0].tests if t.name == name).score
                for r in six]
        assert item.difficulty == pytest.approx(sum(passed) / 6)
        assert item.discrimination == pytest.approx(statistics.correlation([float(p) for p in passed], rest))


def test_tests_everyone_fails_or_passes_and_negative_discrimination_are_flagged():
    wrong = verdict()
    # "odd" is passed by ben, who fails x1 and x2 (rest 1), and failed by ann, who passes them (rest 3)
    ann = handed_in("ann", a_test("all_fail", wrong), a_test("all_pass"), a_test("odd", wrong), a_test("x1"),
                    a_test("x2"))
    ben = handed_in("ben", a_test("all_fail", wrong), a_test("all_pass"), a_test("odd"), a_test("x1", wrong),
                    a_test("x2", wrong))
    flags = {item.test: item.flags for item in item_analysis([ann, ben])}
    assert flags == {"all_fail": (ALL_FAIL,), "all_pass": (ALL_PASS,), "odd": (NEGATIVE,), "x1": (), "x2": ()}


def test_a_test_the_grader_could_not_run_is_left_out_for_that_student():
    broken = Verdict(Outcome.GRADER_ERROR, "the grader could not run this test")
    items = item_analysis([handed_in("ann", a_test("t", broken)), handed_in("ben", a_test("t"))])
    assert (items[0].students, items[0].passed) == (1, 1)


def test_items_csv_has_one_row_per_test_with_numbers_a_spreadsheet_reads(six):
    rows = list(csv.DictReader(io.StringIO(items_csv(item_analysis(six)))))
    assert len(rows) == len(six[0].assignments[0].tests)
    mse = next(r for r in rows if r["question"] == "mse_cost" and r["visibility"] == "hidden")
    assert float(mse["difficulty"]) == pytest.approx(1 / 3, abs=1e-4)
    assert math.isclose(float(mse["discrimination"]), 0.4741, abs_tol=1e-4)
    assert all(r["discrimination"] == "" or -1 <= float(r["discrimination"]) <= 1 for r in rows)


def test_one_mistake_that_fails_several_tests_of_a_question_alike_is_one_misconception():
    def wrong(value: str) -> Verdict:
        return verdict(signature=f"returned {value}")

    ann = handed_in("ann", *(a_test(n, wrong(v), description=f"input {n}") for n, v in zip("abc", "123")))
    ben = handed_in("ben", *(a_test(n, wrong(v), description=f"input {n}") for n, v in zip("abc", "124")))
    found = misconceptions([ann, ben])  # c: each their own wrong value
    assert [(g.kind, g.submissions) for g in found] == [(VALUE, ("ann", "ben"))]
    assert found[0].what == "the same wrong values on 2 tests: \u201cinput a\u201d, \u201cinput b\u201d"


# --- in the class's reports, as `grade batch` writes them ------------------------------------------------------

@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, str]:
    """`grade batch` of the class of six, each hand-in a file named after the student: (OUT, the terminal)."""
    folder = tmp_path_factory.mktemp("six")
    (folder / "in").mkdir()
    for name, code in WITHOUT_HALF.items():
        (folder / "in" / f"{name}.py").write_text(replace_definition(solution_source(LR), "mse_cost", code))
    for name in ("dan", "eve"):
        (folder / "in" / f"{name}.py").write_text(solution_source(LR))
    (folder / "in" / "fay.py").write_text((ROOT / "student_template" / f"{LR}.py").read_text())
    result = CliRunner().invoke(main, ["batch", str(folder / "in"), "-o", str(folder / "out"), "-j", "2",
                                       "--assignment", LR], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder / "out" / REPORTS, result.output


def test_the_summary_lists_the_three_under_the_half_each_linked_to_their_feedback(batch):
    reports, terminal = batch
    markdown = (reports / "summary.md").read_text()
    row = next(line for line in markdown.splitlines() if "a factor ½ missing" in line)
    assert "| mse_cost | 3 of 6 |" in row
    assert all(f"[{name}](feedback/{name}.md)" in row for name in WITHOUT_HALF) and "dan" not in row
    page = (reports / "summary.html").read_text()
    assert all(f'<a href="feedback/{name}.html">{name}</a>' in page for name in WITHOUT_HALF)
    assert "linear_regression › mse_cost: 3 of 6 students: it is twice the expected values" in terminal


def test_the_summary_has_a_sortable_table_of_the_tests_and_items_csv_the_same_figures(batch):
    reports, _ = batch
    page = (reports / "summary.html").read_text()
    assert '<table class="sortable">' in page and "<script>" in page and "point-biserial" in page
    rows = list(csv.DictReader((reports / "items.csv").open()))
    assert len(rows) == 17 and {r["assignment"] for r in rows} == {LR}
    single = next(r for r in rows if r["description"] == "a single sample")
    assert (single["students"], single["passed"], single["difficulty"]) == ("6", "2", "0.3333")
    assert float(single["discrimination"]) == pytest.approx(0.4741, abs=1e-4)
    assert "<td>a single sample</td><td>hidden</td><td class=\"n\">0.5</td><td class=\"n\">2 / 6</td>" \
           "<td class=\"n\">0.33</td><td class=\"n\">+0.47</td>" in page


def test_each_assignment_has_its_two_charts_inline(batch):
    reports, _ = batch
    page = (reports / "summary.html").read_text()
    for chart in (f"charts/mistakes_{LR}.png", f"charts/tests_{LR}.png"):
        assert (reports / chart).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert f'<img src="{chart}"' in page

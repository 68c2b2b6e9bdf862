"""`pytest --grade SUBMISSION`: the course's tests as pytest items, each with the verdict `grade run` gives it.

Each run here is a pytest process of its own, as an instructor starts it, read back through its junit XML.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.grader import Context, grade
from autograder.reports.wording import explain
from autograder.results import Outcome, TestResult, from_json

from .conftest import COURSE, ROOT
from .handins import half_right, mutant_rounds, template_source, write_folder

LINEAR = COURSE.get("linear_regression")
TOY = ROOT / "tests" / "data" / "toy_course"


@dataclass
class Item:
    outcome: str  # passed, failed, error, skipped
    message: str = ""
    properties: dict[str, str] = field(default_factory=dict)


@dataclass
class Run:
    status: int
    output: str
    items: dict[str, Item]


def run_pytest(where: Path, *options: str, cache: bool = False, course: Path = ROOT) -> Run:
    """`pytest <options>` started in `where` (its own rootdir and configuration), and what its junit XML says."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    junit = where / "junit.xml"
    junit.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pytest", "-c", str(where / "pytest.ini"), "--rootdir", str(where),
               f"--junitxml={junit}", *([] if cache else ["-p", "no:cacheprovider"]), *options]
    env = {**os.environ, "GRADE_COURSE_DIR": str(course)}
    process = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True, timeout=900)
    return Run(process.returncode, process.stdout + process.stderr, junit_items(junit) if junit.exists() else {})


def junit_items(path: Path) -> dict[str, Item]:
    """`{node id: Item}` from a junit XML file, in its order."""
    items = {}
    for case in ET.parse(path).iter("testcase"):
        nodeid = case.get("classname", "").replace(".", "::") + "::" + case.get("name", "")
        item = Item("passed", properties={p.get("name"): p.get("value") for p in case.iter("property")})
        for tag, outcome in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
            element = case.find(tag)
            if element is not None:
                item.outcome, item.message = outcome, element.text or ""
        items[nodeid] = item
    return items


def grade_run(submission: Path, command: str = "run") -> dict[str, TestResult]:
    """`grade run SUBMISSION --format results` (or `grade check`): `{node id: its test's result}`."""
    result = CliRunner().invoke(main, [command, str(submission), "--format", "results"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    graded = from_json(json.loads(result.stdout))
    return {f"{t.assignment}::{t.question}::{t.name}": t for a in graded.assignments for t in a.tests}


def expected_outcome(test: TestResult) -> str:
    """The pytest outcome of a test graded so: a grader error is pytest's error (set-up), never a failure."""
    return "passed" if test.passed else "error" if test.verdict.outcome is Outcome.GRADER_ERROR else "failed"


def assert_same_as_grade_run(run: Run, graded: dict[str, TestResult], *, same_numbers: bool = True) -> None:
    """Test by test: the same tests, the same outcome, and a failure's message is the grader's feedback. Without
    `same_numbers` (code that draws unseeded random numbers: two gradings see different values) the feedback's
    lines that hold no returned value are compared: the test, and what to reread."""
    assert sorted(run.items) == sorted(graded), "pytest's items are not grade run's tests"
    differ = {nodeid: (item.outcome, expected_outcome(graded[nodeid])) for nodeid, item in run.items.items()
              if item.outcome != expected_outcome(graded[nodeid])}
    assert not differ, f"outcomes differ (pytest, grade run): {differ}"
    for nodeid, item in run.items.items():
        if item.outcome == "passed":
            continue
        feedback = explain(graded[nodeid])
        if same_numbers:
            assert feedback in item.message, nodeid
        else:
            lines = [line for line in feedback.splitlines() if line.startswith(("Reread:", "Called:"))]
            assert item.message.startswith(feedback.splitlines()[0] + "\n"), nodeid
            assert all(line in item.message.splitlines() for line in lines), nodeid


def test_without_grade_the_plugin_adds_its_options_and_does_nothing_else(tmp_path):
    (tmp_path / "test_plain.py").write_text(
        "def test_plain(request):\n"
        "    assert not request.config.pluginmanager.has_plugin('grade-session')\n", encoding="utf-8")
    run = run_pytest(tmp_path, "test_plain.py")
    assert run.status == 0 and list(run.items) == ["test_plain::test_plain"]
    assert "--grade=SUBMISSION" in run_pytest(tmp_path, "--help").output
    loaded = subprocess.run([sys.executable, "-c", "import sys, autograder.pytest_plugin\n"
                             "print(' '.join(m for m in sys.modules if m.startswith(('autograder', 'numpy'))))"],
                            capture_output=True, text=True, timeout=60).stdout.split()
    assert sorted(loaded) == ["autograder", "autograder.pytest_plugin"]


def test_the_grade_options_alone_are_a_usage_error(tmp_path):
    run = run_pytest(tmp_path, "--hidden")
    assert run.status == pytest.ExitCode.USAGE_ERROR and "--hidden is an option of --grade SUBMISSION" in run.output
    run = run_pytest(tmp_path, "--grade", str(tmp_path / "missing.py"))
    assert run.status == pytest.ExitCode.USAGE_ERROR and "missing.py' does not exist" in run.output


def test_a_rootdir_taken_from_the_submissions_path_is_warned_of(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    submission = shutil.copy(ROOT / "solutions" / "linear_regression.py", tmp_path / "elsewhere")
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--grade", str(submission), "-k", "residuals"]
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    taken = re.search(r"pytest took (\S+) for its rootdir", process.stdout)  # where depends on both paths' ancestors
    assert process.returncode == 0 and taken and Path(taken.group(1)) != ROOT
    assert (tmp_path / "elsewhere").is_relative_to(taken.group(1))
    assert "write --grade=" in process.stdout
    command[5:7] = [f"--grade={submission}"]  # one word: not a path pytest looks at
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert process.returncode == 0 and "rootdir" not in process.stdout.split("passed")[-1]
    assert "PytestConfigWarning" not in process.stdout


def test_the_reference_passes_every_item_each_named_by_assignment_question_and_test(tmp_path):
    run = run_pytest(tmp_path, "--grade", str(ROOT / "solutions" / "linear_regression.py"), "--hidden")
    assert run.status == 0, run.output
    questions = [q.name for q in LINEAR.questions]  # grouped by question, in the course's order
    cases = sorted(LINEAR.tests(hidden=True), key=lambda c: questions.index(c.question))
    assert list(run.items) == [f"linear_regression::{c.question}::{c.name}" for c in cases]
    assert {item.outcome for item in run.items.values()} == {"passed"}
    assert sum(float(item.properties["points"]) for item in run.items.values()) == pytest.approx(LINEAR.points)
    assert "linear_regression: 8 of 8 points from the 17 tests run (every test)" in run.output


def test_on_the_template_every_item_fails_with_the_graders_feedback_and_no_traceback(tmp_path):
    template = ROOT / "student_template" / "linear_regression.py"
    run = run_pytest(tmp_path, "--grade", str(template), "--hidden")
    assert run.status == pytest.ExitCode.TESTS_FAILED
    assert {item.outcome for item in run.items.values()} == {"failed"}
    assert_same_as_grade_run(run, grade_run(template))
    first = next(iter(run.items.values())).message
    assert first.startswith("predict: ") and "\nCalled:   predict(" in first and "\nReread:   " in first
    assert not any(word in run.output for word in ("Traceback", "pytest_plugin.py", "grader.py", "WrongAnswer"))


def test_without_hidden_the_public_tests_run_as_grade_check_runs_them(tmp_path):
    source, _ = half_right("linear_regression")
    submission = write_folder(tmp_path / "handin", {"linear_regression": source}) / "linear_regression.py"
    run = run_pytest(tmp_path / "run", "--grade", str(submission))
    assert_same_as_grade_run(run, grade_run(submission, "check"))
    assert {item.properties["visibility"] for item in run.items.values()} == {"public"}


def test_k_chooses_tests_x_stops_at_the_first_failure_and_lf_runs_the_failed_ones_again(tmp_path):
    source, right = half_right("linear_regression")
    submission = write_folder(tmp_path / "handin", {"linear_regression": source}) / "linear_regression.py"
    where = tmp_path / "run"
    everything = run_pytest(where, "--grade", str(submission), "--hidden", cache=True)
    failed = [nodeid for nodeid, item in everything.items.items() if item.outcome == "failed"]
    assert failed and {nodeid.split("::")[1] for nodeid in failed} == {"fit_closed_form", "mse_cost"}
    assert right == ["predict", "residuals"]

    chosen = run_pytest(where, "--grade", str(submission), "--hidden", "-k", "residuals")
    assert list(chosen.items) == [n for n in everything.items if n.split("::")[1] == "residuals"]
    assert {item.outcome for item in chosen.items.values()} == {"passed"}

    first = run_pytest(where, "--grade", str(submission), "--hidden", "-x")
    assert [item.outcome for item in first.items.values()][-1] == "failed"
    assert [n for n, item in first.items.items() if item.outcome == "failed"] == failed[:1]
    assert "stopping after 1 failures" in first.output

    again = run_pytest(where, "--grade", str(submission), "--hidden", "--lf", cache=True)
    assert list(again.items) == failed and {item.outcome for item in again.items.values()} == {"failed"}
    for nodeid in failed:
        assert again.items[nodeid].message == everything.items[nodeid].message


def test_xdist_gives_each_test_the_outcome_of_a_single_process(tmp_path):
    source, _ = half_right("linear_regression")
    handin = write_folder(tmp_path / "handin", {"linear_regression": source,
                                                "gradient_descent": template_source("gradient_descent")})
    alone = run_pytest(tmp_path / "alone", "--grade", str(handin), "--hidden")
    shared = run_pytest(tmp_path / "shared", "--grade", str(handin), "--hidden", "-n", "2")
    assert {n: (i.outcome, i.message) for n, i in shared.items.items()} == \
           {n: (i.outcome, i.message) for n, i in alone.items.items()}
    assert "gradient_descent: 0 of 12 points from the 31 tests run" in shared.output
    assert_same_as_grade_run(alone, grade_run(handin))


def test_junit_xml_carries_each_tests_points_and_score(tmp_path):
    source, _ = half_right("linear_regression")
    submission = write_folder(tmp_path / "handin", {"linear_regression": source}) / "linear_regression.py"
    run = run_pytest(tmp_path / "run", "--grade", str(submission), "--hidden")
    graded = grade_run(submission)
    for nodeid, item in run.items.items():
        assert float(item.properties["points"]) == pytest.approx(graded[nodeid].max_score)
        assert float(item.properties["score"]) == pytest.approx(graded[nodeid].score)
        assert item.properties["question"] == graded[nodeid].question
    total = sum(float(item.properties["score"]) for item in run.items.values())
    assert total == pytest.approx(sum(t.score for t in graded.values())) and 0 < total < LINEAR.points


def test_a_broken_course_test_is_an_error_that_costs_nothing_not_a_failure(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(TOY, course)
    with (course / "assignments" / "toy" / "public.py").open("a", encoding="utf-8") as public:
        public.write('\n\n@test("add", "asks for a fixture no test can have", timeout=2)\n'
                     "def add_broken(student, nonexistent):\n"
                     "    check.close(student.add(1.0, 1.0), 2.0)\n")
    run = run_pytest(tmp_path / "run", "--grade", str(course / "solutions" / "toy.py"), course=course)
    assert run.items["toy::add::add_broken"].outcome == "error"
    assert "could not be set up: it asks for 'nonexistent'" in run.items["toy::add::add_broken"].message
    assert {n: i.outcome for n, i in run.items.items() if n != "toy::add::add_broken"} == {
        "toy::add::add_small": "passed", "toy::scale::scale_array": "passed",
        "toy::divide::divide_by_zero": "passed", "toy::ANSWER::answer": "passed"}
    assert run.items["toy::add::add_small"].properties["points"] == run.items["toy::add::add_small"].properties[
        "score"] and float(run.items["toy::add::add_broken"].properties["points"]) == 0


def test_a_context_that_names_tests_grades_those_alone():
    wanted = ("predict_matrix", "mse_small")
    result = grade(COURSE, ROOT / "solutions" / "linear_regression.py", Context(tests=wanted))
    assert [t.name for t in result.assignments[0].tests] == list(wanted)
    assert all(t.passed for t in result.assignments[0].tests)


def handin_of(folder: Path, kind: str) -> Path:
    sources = {a: (ROOT / ("solutions" if kind == "references" else "student_template") / f"{a}.py").read_text(
        encoding="utf-8") for a in COURSE.assignments}
    return write_folder(folder, sources)


@pytest.mark.slow
def test_every_assignments_reference_passes_every_item_of_the_course(tmp_path):
    """grade run gives the references full marks (test_assignments): every one of the course's tests, passed."""
    run = run_pytest(tmp_path / "run", "--grade", str(handin_of(tmp_path / "handin", "references")), "--hidden")
    assert sorted(run.items) == sorted(f"{a.id}::{c.question}::{c.name}" for a in COURSE.assignments.values()
                                       for c in a.tests(hidden=True))
    assert {item.outcome for item in run.items.values()} == {"passed"}


@pytest.mark.slow
def test_every_assignments_template_fails_every_item_as_grade_run_does_test_by_test(tmp_path):
    handin = handin_of(tmp_path / "handin", "templates")
    run = run_pytest(tmp_path / "run", "--grade", str(handin), "--hidden")
    assert {item.outcome for item in run.items.values()} == {"failed"}
    assert_same_as_grade_run(run, grade_run(handin))


@pytest.mark.slow
@pytest.mark.parametrize(("round_", "handins"), mutant_rounds(), ids=lambda v: f"round {v}" if isinstance(v, int)
                         else ",".join(v))
def test_each_mutant_fails_its_questions_items_as_grade_run_does(round_, handins, tmp_path):
    """Round 0 holds a mutant of every question that has one: there pytest's outcomes are grade run's, test by
    test. The later rounds run only the mutated questions' items (-k), each of which must fail."""
    handin = write_folder(tmp_path / "handin", {a: source for a, (source, _) in handins.items()})
    mutated = {(a, q) for a, (_, questions) in handins.items() for q in questions}
    chosen = [] if round_ == 0 else ["-k", " or ".join(f"({a} and {q})" for a, q in sorted(mutated))]
    run = run_pytest(tmp_path / "run", "--grade", str(handin), "--hidden", *chosen)
    if round_ == 0:
        assert_same_as_grade_run(run, grade_run(handin), same_numbers=False)  # some mutants shuffle unseeded
    failing = {tuple(nodeid.split("::")[:2]) for nodeid, item in run.items.items() if item.outcome == "failed"}
    for assignment_id, (_, questions) in handins.items():
        for question, mutant in questions.items():
            assert (assignment_id, question) in failing, f"{mutant}: no item of {question} failed"

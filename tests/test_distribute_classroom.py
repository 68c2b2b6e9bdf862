"""`grade build`'s GitHub Classroom template repository and its autograding workflow."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from autograder.distribute import classroom
from autograder.distribute.leaks import find_leaks, forbidden_paths
from autograder.results import AssignmentResult, from_json
from autograder.scoring import test_points

from .conftest import COURSE, ROOT
from .handins import half_right

ASSIGNMENTS = COURSE.assignments


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    classroom.build(COURSE, out)
    return out / "classroom"


@pytest.fixture(scope="module")
def workflow(repository) -> dict:
    return yaml.safe_load((repository / classroom.WORKFLOW).read_text())


def grading_steps(workflow: dict) -> list[dict]:
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    return [s for s in steps if classroom.STEP in s.get("run", "")]


def test_the_workflow_runs_on_push_with_the_permissions_the_reporter_needs(workflow):
    assert "push" in workflow["on"]
    assert workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    install = next(s for s in steps if s.get("name") == "Install the grader")["run"]
    assert "pip install -e ." in install


def test_each_question_is_a_step_worth_its_public_tests_points(workflow):
    steps = grading_steps(workflow)
    assert [s["id"] for s in steps] == [f"{a.id}__{q.name}" for a in ASSIGNMENTS.values() for q in a.questions]
    for assignment in ASSIGNMENTS.values():
        cases = assignment.tests(hidden=False)
        points = test_points(assignment, cases, assignment.weights())
        for question in assignment.questions:
            step = next(s for s in steps if s["id"] == f"{assignment.id}__{question.name}")
            worth = sum(points[c.name] for c in cases if c.question == question.name)
            assert step["run"] == (f"python -m autograder.distribute.classroom_step {assignment.id} {question.name} "
                                   f"--points {worth:.6g} --timeout {classroom.step_seconds(assignment)}")
            assert step["timeout-minutes"] * 60 > classroom.step_seconds(assignment)
    fractional = [s["id"] for s in steps if float(s["run"].split("--points ")[1].split()[0]) % 1]
    assert fractional, "the command grader's whole points would do"


def test_the_reporter_lists_every_step_and_gets_each_result(workflow):
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    reporter = steps[-1]
    assert reporter["uses"] == classroom.REPORTER
    runners = reporter["with"]["runners"].split(",")
    assert runners == [s["id"] for s in grading_steps(workflow)]
    for runner in runners:
        assert reporter["env"][f"{runner.upper()}_RESULTS"] == f"${{{{steps.{runner}.outputs.result}}}}"


def test_the_repository_is_the_student_bundle_without_secrets(repository):
    for assignment_id in ASSIGNMENTS:
        assert (repository / f"{assignment_id}.py").exists() and (repository / f"{assignment_id}.ipynb").exists()
    assert (repository / "pyproject.toml").exists() and (repository / "autograder").is_dir()
    assert forbidden_paths(repository) == [] and find_leaks(repository, ROOT) == []


def actions_env(repository: Path, output: Path) -> dict[str, str]:
    """What a step of the workflow runs with, here: the grader installed (`pip install -e .`: on the path, the
    repository's own package first), no course named from outside, and the step's own $GITHUB_OUTPUT."""
    return {"PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
            "HOME": os.environ.get("HOME", "/root"), "PYTHONPATH": str(repository), "GITHUB_OUTPUT": str(output)}


def run_step(step: dict, repository: Path, folder: Path) -> dict:
    """Run a step as GitHub Actions does (its `run` in bash, in the repository, within `timeout-minutes`) and
    decode the result it hands the grading reporter (base64 JSON in $GITHUB_OUTPUT, as Classroom's runners)."""
    output = folder / f"{step['id']}.output"
    output.write_text("", encoding="utf-8")
    process = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repository, env=actions_env(repository, output),
                             capture_output=True, text=True, timeout=step["timeout-minutes"] * 60)
    assert process.returncode == 0, process.stderr  # a failed step would leave the reporter without a result
    lines = [line for line in output.read_text(encoding="utf-8").splitlines() if line.startswith("result=")]
    assert len(lines) == 1, f"{step['id']} wrote no result: {process.stdout}{process.stderr}"
    result = json.loads(base64.b64decode(lines[0].removeprefix("result=")))
    assert set(result) == {"version", "status", "max_score", "tests"} and result["status"] in ("pass", "fail", "error")
    return result


def reporter_total(results: list[dict]) -> tuple[float, float]:
    """The points the grading reporter sends Classroom (its NotifyClassroom): the tests' scores and the steps'
    maximum, over the steps with a maximum."""
    scored = [r for r in results if r["max_score"]]
    return sum(t["score"] for r in scored for t in r["tests"]), sum(r["max_score"] for r in scored)


def grade_run(repository: Path, submission: str) -> dict[str, AssignmentResult]:
    """`grade run SUBMISSION` in the student's repository, as the student would run it: its results, unrounded,
    by assignment."""
    process = subprocess.run([sys.executable, "-m", "autograder", "run", submission, "--format", "results"],
                             cwd=repository, env=actions_env(repository, repository / ".unused"),
                             capture_output=True, text=True, timeout=900)
    assert process.returncode == 0, process.stderr
    return {a.assignment: a for a in from_json(json.loads(process.stdout)).assignments}


@pytest.fixture
def student_repository(repository, tmp_path) -> Path:
    copy = tmp_path / "repository"
    shutil.copytree(repository, copy)
    return copy


def run_workflow(workflow: dict, repository: Path, folder: Path, assignment_ids: list[str]) -> list[dict]:
    return [run_step(step, repository, folder) for step in grading_steps(workflow)
            if step["id"].split("__")[0] in assignment_ids]


def test_the_steps_on_half_the_questions_right_total_grade_runs_public_score(workflow, student_repository, tmp_path):
    source, right = half_right("linear_regression")
    (student_repository / "linear_regression.py").write_text(source, encoding="utf-8")
    results = run_workflow(workflow, student_repository, tmp_path, ["linear_regression"])
    total, maximum = reporter_total(results)
    graded = grade_run(student_repository, "linear_regression.py")["linear_regression"]
    assert (total, maximum) == (pytest.approx(graded.score), pytest.approx(graded.max_score))
    assert 0 < total < maximum
    for result, question in zip(results, [q.name for q in ASSIGNMENTS["linear_regression"].questions]):
        assert result["status"] == ("pass" if question in right else "fail")
        assert reporter_total([result]) == pytest.approx(graded.question_scores()[question])
        tests = [t for t in graded.tests if t.question == question]
        assert [t["score"] for t in result["tests"]] == pytest.approx([t.score for t in tests])
        if question not in right:
            assert "Problem:  " in result["tests"][0]["message"] and result["tests"][0]["score"] == 0


def test_a_step_grades_the_notebook_when_the_student_worked_there(workflow, student_repository, tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell((ROOT / "solutions" / "linear_regression.py").read_text())]
    nbformat.write(notebook, student_repository / "linear_regression.ipynb")
    step = next(s for s in grading_steps(workflow) if s["id"] == "linear_regression__fit_closed_form")
    result = run_step(step, student_repository, tmp_path)
    assert result["status"] == "pass" and {t["filename"] for t in result["tests"]} == {"linear_regression.ipynb"}
    assert reporter_total([result])[0] == pytest.approx(result["max_score"]) == pytest.approx(1.0)


def test_a_step_that_outlives_its_time_reports_zero_and_why(student_repository, tmp_path):
    (student_repository / "linear_regression.py").write_text("def predict(X, w, b):\n    while True:\n        pass\n")
    step = {"id": "slow", "timeout-minutes": 1,
            "run": "python -m autograder.distribute.classroom_step linear_regression predict --points 0.8 --timeout 2"}
    result = run_step(step, student_repository, tmp_path)
    assert result["status"] == "error" and result["max_score"] == 0.8 and reporter_total([result]) == (0, 0.8)
    assert "grading took longer than 2 s" in result["tests"][0]["message"]


@pytest.mark.slow
def test_every_assignments_first_step_on_half_right_code_scores_its_question_as_grade_run(workflow,
                                                                                         student_repository, tmp_path):
    """One step per assignment (every step runs the same command, so one each shows every assignment's packages,
    data and time limit work under Classroom), against one `grade run` of the whole repository."""
    for assignment_id in ASSIGNMENTS:
        (student_repository / f"{assignment_id}.py").write_text(half_right(assignment_id)[0], encoding="utf-8")
    graded = grade_run(student_repository, ".")
    assert sorted(graded) == sorted(ASSIGNMENTS)
    first = {f"{a.id}__{a.questions[0].name}" for a in ASSIGNMENTS.values()}
    firsts = [s for s in grading_steps(workflow) if s["id"] in first]
    assert len(firsts) == len(ASSIGNMENTS)
    for step in firsts:
        assignment_id, question = step["id"].split("__")
        result = run_step(step, student_repository, tmp_path)
        public = [t for t in graded[assignment_id].tests if t.question == question and t.public]
        assert reporter_total([result]) == (pytest.approx(sum(t.score for t in public)),
                                            pytest.approx(sum(t.max_score for t in public))), step["id"]
        assert result["status"] == "pass", step["id"]  # half_right keeps the first question right

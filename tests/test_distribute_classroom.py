"""`grade build`'s GitHub Classroom template repository and its autograding workflow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder.distribute import classroom
from autograder.distribute.leaks import find_leaks, forbidden_paths

from .conftest import COURSE, ROOT

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
    return [s for s in steps if s.get("uses") == classroom.COMMAND_GRADER]


def test_the_workflow_runs_on_push_with_the_permissions_the_reporter_needs(workflow):
    assert "push" in workflow["on"]
    assert workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    install = next(s for s in steps if s.get("name") == "Install the grader")["run"]
    assert "pip install -e ." in install


def test_each_assignment_is_one_step_worth_its_points_that_runs_grade_run(workflow):
    steps = grading_steps(workflow)
    assert [s["id"] for s in steps] == list(ASSIGNMENTS)
    assert len({s["id"] for s in steps}) == len({s["with"]["test-name"] for s in steps}) == len(steps)
    for step, assignment in zip(steps, ASSIGNMENTS.values()):
        command = step["with"]["command"]
        assert command.startswith(f"grade run {assignment.id}.py ")
        assert f"--assignment {assignment.id}" in command and f"--min-score {assignment.points:g}" in command
        assert float(step["with"]["max-score"]) == assignment.points
        assert int(step["with"]["timeout"]) >= 1


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


def test_a_steps_command_fails_on_the_template_and_passes_on_a_completed_module(workflow, repository, tmp_path):
    command = grading_steps(workflow)[0]["with"]["command"]
    assignment_id = grading_steps(workflow)[0]["id"]
    copy = tmp_path / "repository"
    shutil.copytree(repository, copy)
    env = {k: v for k, v in os.environ.items() if k != "GRADE_COURSE_DIR"}
    env["PYTHONPATH"] = str(copy)
    runnable = command.replace("grade run", f"{sys.executable} -m autograder run")

    def step() -> int:
        return subprocess.run(["bash", "-c", runnable], cwd=copy, env=env, capture_output=True,
                              timeout=300).returncode

    assert step() != 0
    shutil.copy(ROOT / "solutions" / f"{assignment_id}.py", copy / f"{assignment_id}.py")
    assert step() == 0

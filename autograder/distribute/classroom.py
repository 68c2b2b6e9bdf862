"""A GitHub Classroom template repository: the student bundle plus an autograding workflow.

    OUT/classroom/
      .github/workflows/classroom.yml   one autograding-command-grader step per assignment, then the reporter
      ...                               the student bundle (see `student`)

Each step runs `grade run <id>.py --assignment <id> --min-score <points>` (or the
notebook, when the student worked there) and is worth the assignment's points:
the command grader gives all of them when the command exits 0, none otherwise.
The repository is the student's, so it holds the public tests only: Classroom
grades against those. Grade hidden tests with `grade batch` or Gradescope.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from ..assignments import Assignment
from .files import TORCH_INDEX, fresh_folder, torch_requirement, write_text
from .student import assert_no_secrets, write_student_files

if TYPE_CHECKING:
    from ..course import Course

WORKFLOW = Path(".github") / "workflows" / "classroom.yml"
COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


def grade_command(assignment: Assignment) -> str:
    """Grade the module, or else the notebook: whichever file the student completed."""
    runs = [f"grade run {assignment.id}{suffix} --assignment {assignment.id} --min-score {assignment.points:g}"
            for suffix in (".py", ".ipynb")]
    return " || ".join(runs)


def step_id(assignment: Assignment) -> str:
    """The step id: letters, digits and underscores, as the reporter's `runners` list needs."""
    return assignment.id


def workflow(assignments: list[Assignment], root: Path) -> str:
    """The `classroom.yml` text."""
    torch = any(a.uses_torch for a in assignments)
    install = ["python -m pip install --upgrade pip"]
    if torch:
        install.append(f"python -m pip install --index-url {TORCH_INDEX} {_quote(torch_requirement(root))}")
    install.append("python -m pip install -e .")
    lines = [
        "name: Autograding Tests",
        "'on':",
        "- push",
        "- workflow_dispatch",
        "- repository_dispatch",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  run-autograding-tests:",
        "    runs-on: ubuntu-latest",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "    - name: Checkout code",
        "      uses: actions/checkout@v4",
        "    - name: Set up Python",
        "      uses: actions/setup-python@v5",
        "      with:",
        "        python-version: '3.11'",
        "    - name: Install the grader",
        "      run: |",
        *(f"        {command}" for command in install),
    ]
    for assignment in assignments:
        minutes = max(5, math.ceil(2 * assignment.timeout / 60) + 2)
        lines += [
            f"    - name: {_quote(f'{assignment.number}. {assignment.title}')}",
            f"      id: {step_id(assignment)}",
            f"      uses: {COMMAND_GRADER}",
            "      with:",
            f"        test-name: {_quote(assignment.id)}",
            "        setup-command: ''",
            f"        command: {_quote(grade_command(assignment))}",
            f"        timeout: {minutes}",
            f"        max-score: {assignment.points:g}",
        ]
    lines += [
        "    - name: Autograding Reporter",
        f"      uses: {REPORTER}",
        "      env:",
        *(f"        {step_id(a).upper()}_RESULTS: \"${{{{steps.{step_id(a)}.outputs.result}}}}\"" for a in assignments),
        "      with:",
        f"        runners: {','.join(step_id(a) for a in assignments)}",
    ]
    return "\n".join(lines) + "\n"


def build(course: Course, out: Path) -> list[Path]:
    """Write `out/classroom/`: the student bundle and its autograding workflow."""
    target = fresh_folder(out / "classroom")
    root, assignments = course.root, course.chosen()
    written = write_student_files(course, target)
    written.append(write_text(target / WORKFLOW, workflow(assignments, root)))
    assert_no_secrets(target, root)
    return written

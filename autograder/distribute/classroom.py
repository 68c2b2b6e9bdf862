"""A GitHub Classroom template repository: the student bundle plus an autograding workflow.

    OUT/classroom/
      .github/workflows/classroom.yml   a step per question, then Classroom's grading reporter
      ...                               the student bundle (see `student`)

Each step grades one question's public tests (`classroom_step`: `<id>.py`, or the notebook when the
student worked there) and hands the reporter a result worth the question's public points, each test
worth its share: partial credit per test, and the steps add up to `grade run`'s public score in the
repository. (Classroom's command grader cannot: it gives a step all or nothing, in whole points.)
The repository is the student's, so it holds the public tests only: Classroom grades against those.
Grade hidden tests with `grade batch` or Gradescope.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from ..assignments import Assignment, Question
from ..scoring import test_points
from .files import TORCH_INDEX, fresh_folder, torch_requirement, write_text
from .student import assert_no_secrets, write_student_files

if TYPE_CHECKING:
    from ..course import Course

WORKFLOW = Path(".github") / "workflows" / "classroom.yml"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


STEP = "python -m autograder.distribute.classroom_step"


def public_points(assignment: Assignment) -> dict[str, float]:
    """`{question: its public tests' points}`, each test worth what it is worth when graded (`scoring`)."""
    cases = assignment.tests(hidden=False)
    points = test_points(assignment, cases, assignment.weights())
    totals: dict[str, float] = {}
    for case in cases:
        totals[case.question] = totals.get(case.question, 0.0) + points[case.name]
    return totals


def _points(points: float) -> str:
    return f"{points:.6g} point" + ("" if points == 1 else "s")


def step_id(assignment: Assignment, question: Question) -> str:
    """The step id: letters, digits and underscores, as the reporter's `runners` list needs."""
    return f"{assignment.id}__{question.name}"


def step_seconds(assignment: Assignment) -> int:
    """How long a step may grade (the module and the notebook, each within the assignment's budget)."""
    return math.ceil(2 * assignment.timeout + 120)


def grade_command(assignment: Assignment, question: Question, points: float) -> str:
    """The step's command: the question's public tests on the module, or else on the notebook."""
    return (f"{STEP} {assignment.id} {question.name} --points {points:.6g} "
            f"--timeout {step_seconds(assignment)}")


def steps(assignments: list[Assignment]) -> list[tuple[Assignment, Question, float]]:
    """Each question with public tests, and their points, in the course's order."""
    found = []
    for assignment in assignments:
        points = public_points(assignment)
        found += [(assignment, q, points[q.name]) for q in assignment.questions if q.name in points]
    return found


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
    ids = []
    for assignment, question, points in steps(assignments):
        ids.append(step_id(assignment, question))
        lines += [
            f"    - name: {_quote(f'{assignment.number}. {assignment.title}: {question.name} ({_points(points)})')}",
            f"      id: {ids[-1]}",
            f"      timeout-minutes: {math.ceil(step_seconds(assignment) / 60) + 2}",
            f"      run: {_quote(grade_command(assignment, question, points))}",
        ]
    lines += [
        "    - name: Autograding Reporter",
        f"      uses: {REPORTER}",
        "      env:",
        *(f"        {i.upper()}_RESULTS: \"${{{{steps.{i}.outputs.result}}}}\"" for i in ids),
        "      with:",
        f"        runners: {','.join(ids)}",
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

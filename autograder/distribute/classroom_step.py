"""One step of the GitHub Classroom workflow: a question's public tests, graded, reported to Classroom.

    python -m autograder.distribute.classroom_step ASSIGNMENT QUESTION --points P [--timeout SECONDS]

GitHub Classroom's runners (`autograding-command-grader`, `-io-grader`, `-python-grader`) each hand the
grading reporter (`autograding-grading-reporter`) one result: `result=<base64 JSON>` in $GITHUB_OUTPUT,
`{"version": 1, "status", "max_score", "tests": [{"name", "status", "score", "message", ...}]}`. The reporter
adds up the tests' `score`s (the student's points) and the steps' `max_score`s (the maximum) and reports
"Points X/Y" to Classroom. The command grader gives a step all of its `max-score` or nothing, and reads
`max-score` as an integer (`parseInt`): a question's public share, 0.8 of a point, would count as 0. So this
step writes the same result itself, with one test per course test, each worth its points as `grade run` counts
them: partial credit per test, and the steps add up to `grade run`'s public score.

It grades `<id>.py`, and `<id>.ipynb` too unless the module already has every point (the student worked in
one of them: the better counts), with `grader.grade` and the question's public tests, as `grade run` grades
them in the student's repository. It always exits 0 and always writes a result (the reporter fails on a
missing one): where nothing could be graded, or grading outlived `--timeout`, a result worth 0 that says why.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import click

from ..results import AssignmentResult, TestResult

VERSION = 1


def graded(assignment_id: str, question: str, root: Path) -> tuple[str, AssignmentResult] | str:
    """The question's public tests on the better of `<id>.py` and `<id>.ipynb` under `root`: `(file name,
    result)`; or why neither could be graded."""
    from ..course import Course
    from ..errors import GradeError
    from ..grader import Context, grade
    from ..results import Status

    try:
        course = Course.load(root)
        course.get(assignment_id).question(question)
    except (GradeError, KeyError) as exc:
        return f"the course in {root} cannot grade {assignment_id} › {question}: {exc}"
    context = Context(hidden=False, assignment=assignment_id, questions=(question,))
    best: tuple[str, AssignmentResult] | None = None
    problems = []
    for path in (root / f"{assignment_id}.py", root / f"{assignment_id}.ipynb"):
        if not path.exists():
            problems.append(f"there is no {path.name}")
            continue
        result = grade(course, path, context)
        if result.status is not Status.GRADED or not result.assignments:
            problems.append(f"{path.name} could not be graded: {result.reason}")
            continue
        if best is None or result.assignments[0].score > best[1].score:
            best = (path.name, result.assignments[0])
        if best[1].score >= best[1].max_score:
            break
    return best or "; ".join(problems)


def reported_test(test: TestResult, filename: str) -> dict[str, Any]:
    """One test in the reporter's form: worth its points when it passed; a failure's message is the feedback."""
    from ..reports.wording import explain

    return {"name": f"{test.question}: {test.description}", "status": "pass" if test.passed else "fail",
            "score": test.score, "message": "" if test.passed else explain(test),
            "test_code": f"{test.assignment}::{test.question}::{test.name}", "filename": filename, "line_no": 0,
            "duration": round(test.duration * 1000)}


def step_result(assignment_id: str, question: str, points: float, root: Path) -> dict[str, Any]:
    """The step's result, as Classroom's runners write it for the reporter."""
    found = graded(assignment_id, question, root)
    if isinstance(found, str):
        return failed_result(f"{assignment_id} › {question}", points, f"Not graded: {found}.")
    filename, result = found
    tests = [reported_test(test, filename) for test in result.tests]
    if result.notes:  # a syntax error, a missing package: what the failures' messages refer to
        for entry in tests:
            if entry["status"] == "fail":
                entry["message"] += "\nNotes:\n" + "\n".join(f"  {note}" for note in result.notes)
    status = "pass" if tests and all(entry["status"] == "pass" for entry in tests) else "fail"
    return {"version": VERSION, "status": status, "max_score": result.max_score, "tests": tests}


def failed_result(name: str, points: float, message: str) -> dict[str, Any]:
    """A result worth 0 of `points`, saying why."""
    return {"version": VERSION, "status": "error", "max_score": points,
            "tests": [{"name": name, "status": "error", "score": 0, "message": message, "test_code": "",
                       "filename": "", "line_no": 0, "duration": 0}]}


def encoded(result: dict[str, Any]) -> str:
    """The `result=` line the reporter decodes (base64 of the JSON, as the command grader writes it)."""
    return "result=" + base64.b64encode(json.dumps(result).encode()).decode() + "\n"


class Output:
    """Where the result goes, once: $GITHUB_OUTPUT in a workflow, else standard output."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.written = False

    def write(self, result: dict[str, Any]) -> None:
        with self.lock:
            if self.written:
                return
            self.written = True
            if self.path:
                with open(self.path, "a", encoding="utf-8") as output:
                    output.write(encoded(result))
            else:
                click.echo(json.dumps(result, indent=2))


def summary(result: dict[str, Any]) -> str:
    """What the step's log shows: each test's verdict and message, and the points."""
    lines = []
    for test in result["tests"]:
        lines.append(f"{'passed' if test['status'] == 'pass' else 'FAILED'}: {test['name']}")
        if test["message"]:
            lines += ["    " + line for line in test["message"].splitlines()]
    score = sum(test["score"] for test in result["tests"])
    lines.append(f"points: {score:.6g} of {result['max_score']:.6g}")
    return "\n".join(lines)


@click.command()
@click.argument("assignment_id", metavar="ASSIGNMENT")
@click.argument("question")
@click.option("--points", type=float, required=True, help="The question's public points (when nothing is graded).")
@click.option("--timeout", type=click.FloatRange(1), default=600, show_default=True,
              help="Seconds after which the step reports 0 points and stops.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="The student's repository.")
def main(assignment_id: str, question: str, points: float, timeout: float, root: Path) -> None:
    """Grade QUESTION of ASSIGNMENT in the student's repository for GitHub Classroom's grading reporter."""
    output = Output(os.environ.get("GITHUB_OUTPUT"))

    def too_long() -> None:
        output.write(failed_result(f"{assignment_id} › {question}", points,
                                   f"Not graded: grading took longer than {timeout:g} s."))
        sys.stdout.flush()
        os._exit(0)

    watchdog = threading.Timer(timeout, too_long)
    watchdog.daemon = True
    watchdog.start()
    try:
        result = step_result(assignment_id, question, points, root.resolve())
    except Exception as exc:  # noqa: BLE001 - the reporter needs a result whatever happened
        result = failed_result(f"{assignment_id} › {question}", points, f"Not graded: the grader failed: {exc!r}.")
    watchdog.cancel()
    click.echo(summary(result), err=bool(not output.path))
    output.write(result)


if __name__ == "__main__":
    main()

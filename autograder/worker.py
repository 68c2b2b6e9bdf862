"""A long-lived grader process: submissions one after another, each student process forked warm.

`grade batch` starts `--jobs` of these (`python -m autograder.worker [ASSIGNMENT]`) and keeps them for the
whole batch, so the grader's own start-up (the interpreter, numpy, the tests, the references)
and the student's (the runtime, numpy, torch: `sandbox.templates`) are paid once per worker,
not once per graded assignment. The batch hands a worker one submission at a time on its
standard input,

    {"path": "...", "name": "...", "assignment": null | "ID", "only": null | ["ID", ...], "insecure": false,
     "student": "key or empty"}

and the worker answers each with one line on its standard output: the submission's result in
the project's JSON form (`results.to_json`), for `assignment` or the assignments in `only` where
given. A worker that dies loses only the submission it was grading (see `batch`). The templates
a batch shares among its workers reach it as descriptors named in $GRADE_WARM_TEMPLATES
(`Templates.inherit`); it starts its own for any other kind.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from . import assignments as course
from .grading import exposure, grade_submission, template_kinds
from .loading import SubmissionError, read_submission
from .names import shown
from .results import SubmissionResult, to_json
from .sandbox import isolation
from .sandbox.templates import Templates
from .settings import course_settings

INSECURE = "graded with --insecure: the student's code may have read the course's secrets"


def sandbox_description(insecure: bool = False) -> dict[str, Any]:
    """What isolated the student's code, for a result's `extra["sandbox"]`."""
    sandbox = isolation.probe().describe()
    if insecure:
        sandbox["insecure"] = INSECURE
    return sandbox


def grade_path(path: Path, name: str, assignment_id: str | None = None, *, insecure: bool = False,
               student: str = "", templates: Templates | None = None,
               only: list[str] | None = None) -> SubmissionResult:
    """Grade the submission at `path` (its `assignment_id`, or the assignments in `only`, or all), hidden
    tests included, as `grade run` does (with `student`'s own hidden inputs where course.toml asks for
    them); never raises: a problem of the submission, or a failure of the grader's while grading it, is its
    result's status."""
    try:
        return _grade_path(path, name, assignment_id, insecure=insecure, student=student, templates=templates,
                           only=only)
    except Exception as exc:  # noqa: BLE001 - one hand-in's failure is its own status, never the worker's end
        return SubmissionResult(name, status=f"the grader failed while grading it: {shown(repr(exc))}")


def _grade_path(path: Path, name: str, assignment_id: str | None, *, insecure: bool, student: str,
                templates: Templates | None, only: list[str] | None) -> SubmissionResult:
    known = list(course.all_assignments())
    try:
        submission = read_submission(path, known, assignment_id)
    except SubmissionError as exc:
        return SubmissionResult(name, status=str(exc))
    only = [assignment_id] if assignment_id else only
    if not insecure and (problem := exposure([a for a in submission.sources if not only or a in only])):
        return SubmissionResult(name, status=problem)
    seeded = student if student and course_settings(course.course_dir()).per_student_inputs else ""
    results = grade_submission(submission, hidden=True, only=only, templates=templates, student=seeded or None)
    return SubmissionResult(name, results, extra={"sandbox": sandbox_description(insecure)}, student=seeded)


def serve(requests: TextIO, replies: TextIO, assignment_ids: list[str] | None = None) -> None:
    """Grade each submission asked for on `requests`; answer each on `replies`. The templates of
    `assignment_ids` (default: every assignment's) start at once; any other on first use."""
    with Templates.inherit() as templates:
        templates.prestart(template_kinds(assignment_ids))
        for line in requests:
            job = json.loads(line)
            result = grade_path(Path(job["path"]), job["name"], job.get("assignment"),
                                insecure=bool(job.get("insecure")), student=str(job.get("student") or ""),
                                templates=templates, only=job.get("only"))
            replies.write(json.dumps(to_json(result)) + "\n")
            replies.flush()


def main() -> None:
    # the replies get standard output to themselves: anything else printed goes to standard error
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    known = course.all_assignments()
    serve(sys.stdin, replies, [a for a in sys.argv[1:] if a in known] or None)


if __name__ == "__main__":
    main()

"""A long-lived grading process: hand-ins one after another, each student process forked warm.

`grade batch` starts `--jobs` of these (`python -m autograder.grading_process COURSE [ASSIGNMENT]`, see
`pool`) and keeps them for the whole batch, so the grader's own start-up (the interpreter, numpy, the
tests, the references) and the student's (the runtime, numpy, torch: `sandbox.templates`) are paid once
per process, not once per graded assignment. It loads the course at COURSE once. The batch hands it
one part of a hand-in at a time on its standard input,

    {"path": "...", "name": "...", "assignment": null | "ID", "only": null | ["ID", ...], "insecure": false,
     "student": "key or empty"}

and it answers each with one line on its standard output: the result in the project's JSON form
(`results.to_json`), graded by `grader.grade` as `grade run` grades. One that dies loses only the
part it was grading (see `pool`). The templates a batch shares among its processes reach it as
descriptors named in $GRADE_WARM_TEMPLATES (`Templates.inherit`); it starts its own for any other kind.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TextIO

from .course import Course
from .grader import Context, grade
from .processes import template_kinds
from .results import to_json
from .sandbox.templates import Templates


def serve(course: Course, requests: TextIO, replies: TextIO, assignment_ids: list[str] | None = None) -> None:
    """Grade each part asked for on `requests`; answer each on `replies`. The templates of `assignment_ids`
    (default: every assignment's) start at once; any other on first use."""
    with Templates.inherit() as templates:
        templates.prestart(template_kinds(course.chosen(assignment_ids)))
        for line in requests:
            job = json.loads(line)
            only = tuple(job["only"]) if job.get("only") else None
            context = Context(assignment=job.get("assignment"), only=only, student=str(job.get("student") or ""),
                              insecure=bool(job.get("insecure")), templates=templates)
            replies.write(json.dumps(to_json(grade(course, Path(job["path"]), context, job["name"]))) + "\n")
            replies.flush()


def main() -> None:
    # the replies get standard output to themselves: anything else printed goes to standard error
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    course = Course.load(Path(sys.argv[1]))
    serve(course, sys.stdin, replies, [a for a in sys.argv[2:] if a in course.assignments] or None)


if __name__ == "__main__":
    main()

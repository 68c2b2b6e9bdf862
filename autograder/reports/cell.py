"""A notebook's check cell, as the student reads it: plain text, nothing of it read as markup.

What grading found in the file comes first, once (its notes, then what several tests fail for
alike: `wording.said_once`); then each public test of the question, passed or failed with its
feedback (`wording.explain`, as `grade check` words it); then one closing line.
"""

from __future__ import annotations

import textwrap
from typing import TextIO

from ..results import SubmissionResult
from .terminal import public_summary
from .wording import explain, passed_notes, points, said_once


def show(result: SubmissionResult, question: str, out: TextIO) -> None:
    """Write the check cell's verdict on `question` to `out`."""
    if not result.graded or not result.assignments:
        out.write(f"✗ could not check {question}: {result.said}\n")
        return
    (graded,) = result.assignments
    shared, covered = said_once(graded.tests)
    lines = [f"note: {note}" for note in graded.notes + passed_notes(graded.tests)] + shared
    for test in graded.tests:
        mark = "✓ passed" if test.passed else "✗ failed"
        lines.append(f"{mark}  {test.description}  ({points(test.score)}/{points(test.max_score)} points)")
        if not test.passed:
            lines.append("   (see above)" if test.name in covered else textwrap.indent(explain(test), "   "))
    score, max_score = graded.score, graded.max_score
    if graded.tests and all(t.passed for t in graded.tests):
        lines.append(f"All public tests of {question} pass. Hidden tests check more cases when you submit.")
    else:
        lines.append(public_summary(score, max_score))
    out.write("\n".join(lines) + "\n")

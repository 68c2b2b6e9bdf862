"""Grades as files: the batch's grades.csv, and the Canvas and Gradescope grade imports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..results import SubmissionResult
from .roster import RosterEntry
from .statistics import assignment_scores
from .wording import points


def grades_row(result: SubmissionResult) -> dict[str, Any]:
    """The grades.csv row of one submission: its name, a score per assignment, the total, the status."""
    row: dict[str, Any] = {"submission": Path(result.submission).stem,
                           "status": result.status if result.graded else f"error: {result.status}"}
    for assignment, (score, _) in assignment_scores(result).items():
        row[assignment] = float(score)
    row["total"] = round(result.score, 4)
    row["max_total"] = round(result.max_score, 4)
    return row


def grades_csv(rows: list[dict[str, Any]], assignment_ids: list[str]) -> str:
    """One row per submission: its name, a column per assignment, the total and its maximum."""
    fields = ["submission", *assignment_ids, "total", "max_total", "status"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (points(v) if isinstance(v, float) else v) for k, v in row.items()})
    return buffer.getvalue()


def _students(results: list[SubmissionResult], roster: list[RosterEntry] | None,
              matched: dict[str, RosterEntry]) -> list[tuple[RosterEntry, SubmissionResult | None]]:
    """One row per student: the roster's students in roster order (with their submission or None),
    then the submissions the roster does not name."""
    by_entry = {id(entry): result for result in results
                for entry in [matched.get(result.submission)] if entry is not None}
    rows: list[tuple[RosterEntry, SubmissionResult | None]] = [(entry, by_entry.get(id(entry)))
                                                               for entry in roster or []]
    rows += [(RosterEntry(submission=r.submission, name=Path(r.submission).stem), r)
             for r in results if r.submission not in matched]
    return rows


def _score(result: SubmissionResult | None, assignment: str | None = None) -> str:
    if result is None or not result.graded:
        return ""
    if assignment is None:
        return points(round(result.score, 4))
    scores = assignment_scores(result)
    return points(scores[assignment][0]) if assignment in scores else ""


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def canvas_csv(results: list[SubmissionResult], titles: dict[str, str], roster: list[RosterEntry] | None,
               matched: dict[str, RosterEntry]) -> str:
    """Canvas's gradebook import: the five student columns, one column per assignment, a Points Possible row."""
    maxima = {a: max((assignment_scores(r)[a][1] for r in results if a in assignment_scores(r)), default=0.0)
              for a in titles}
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles.values()]
    rows = [["Points Possible", "", "", "", "", *(points(maxima[a]) for a in titles)]]
    for entry, result in _students(results, roster, matched):
        rows.append([entry.name, entry.canvas_id, entry.student_id, entry.sis_login_id or entry.email,
                     entry.section, *(_score(result, a) for a in titles)])
    return _csv(header, rows)


def gradescope_csv(results: list[SubmissionResult], titles: dict[str, str], roster: list[RosterEntry] | None,
                   matched: dict[str, RosterEntry]) -> str:
    """Gradescope's score import: Name, SID, Email, Section, a column per assignment and Total Score."""
    header = ["Name", "SID", "Email", "Section", *titles.values(), "Total Score"]
    rows = [[entry.name, entry.student_id, entry.email, entry.section, *(_score(result, a) for a in titles),
             _score(result)] for entry, result in _students(results, roster, matched)]
    return _csv(header, rows)

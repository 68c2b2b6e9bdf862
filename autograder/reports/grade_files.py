"""Grades as files: the batch's grades.csv, and the Canvas and Gradescope grade imports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..layouts.roster import RosterEntry
from ..names import csv_cell
from ..results import SubmissionResult
from .statistics import assignment_scores
from .wording import points

#: grades.csv's columns around the per-assignment ones. `total` is the final score (after late penalties):
#: `raw_total` is the tests' points, `penalty` what the late policy took.
LEADING = ["submission", "student"]
TRAILING = ["raw_total", "penalty", "total", "max_total", "status", "missing", "late"]


def grades_row(result: SubmissionResult, max_total: float | None = None) -> dict[str, Any]:
    """The grades.csv row of one hand-in: its name and student, a final score per assignment (0 for a
    missing one, which `missing` names), the raw total, the late penalty, the total out of `max_total`
    (the course's, or the chosen assignments', points: the same for every row), and the status ("graded",
    "missing" for a student who handed in nothing, the kind of an unusable hand-in, or why it was not graded)."""
    row: dict[str, Any] = {"submission": result.submission,
                           "student": result.identity.get("name", ""), "status": result.said}
    if result.scored:
        for assignment in result.assignments:
            row[assignment.assignment] = float(round(assignment.score, 4))
        row["raw_total"] = round(result.raw_score, 4)
        row["penalty"] = round(result.penalty, 4)
        row["missing"] = " ".join(a.assignment for a in result.assignments if a.missing)
        row["late"] = "; ".join(f"{a.assignment} -{points(a.penalty)}" for a in result.assignments if a.penalty)
    row["total"] = round(result.score, 4)
    # a question the grader could grade in no test is out of this student's maximum (`grading`), not scored 0
    row["max_total"] = round(result.max_score if max_total is None else max_total - result.ungradable_points, 4)
    return row


def grades_csv(rows: list[dict[str, Any]], assignment_ids: list[str]) -> str:
    """One row per hand-in: its name, a column per assignment, the totals and its maximum."""
    fields = [*LEADING, *assignment_ids, *TRAILING]
    return csv_text(fields, [[points(v) if isinstance(v, float) else v for v in (row.get(f, "") for f in fields)]
                             for row in rows])


def _students(results: list[SubmissionResult], roster: list[RosterEntry] | None,
              matched: dict[str, RosterEntry]) -> list[tuple[RosterEntry, SubmissionResult | None]]:
    """One row per student: the roster's students in roster order (with their submission or None),
    then the submissions the roster does not name."""
    by_entry = {id(entry): result for result in results
                for entry in [matched.get(result.submission)] if entry is not None}
    rows: list[tuple[RosterEntry, SubmissionResult | None]] = [(entry, by_entry.get(id(entry)))
                                                               for entry in roster or []]
    rows += [(_from_identity(r), r) for r in results if r.submission not in matched]
    return rows


def _from_identity(result: SubmissionResult) -> RosterEntry:
    """A student the roster does not name, as the platform named them (Canvas's id, Gradescope's email)."""
    who = result.identity
    return RosterEntry(submission=result.submission, name=who.get("name") or Path(result.submission).stem,
                       student_id=who.get("student_id", ""), canvas_id=who.get("canvas_id", ""),
                       sis_login_id=who.get("login", ""), email=who.get("email", ""))


def _total(result: SubmissionResult | None, titles: dict[str, str]) -> str:
    """The sum of the scores of the assignments in `titles` ("" where there is none)."""
    if result is None or not result.scored:
        return ""
    return points(round(sum(a.score for a in result.assignments if a.assignment in titles), 4))


def _scores(result: SubmissionResult | None, titles: dict[str, str]) -> list[str]:
    """The score of each assignment in `titles` ("" where it has none: a hand-in not graded, a student the batch
    has no row for; a missing assignment scores 0)."""
    scores = assignment_scores(result) if result is not None and result.scored else {}
    return [points(scores[a][0]) if a in scores else "" for a in titles]


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    """A CSV file's text: `header`, then `rows`; every text cell neutralised (`names.csv_cell`): a name from a
    hand-in, a platform or a roster never becomes a formula in the spreadsheet it is imported into."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def canvas_csv(results: list[SubmissionResult], titles: dict[str, str], roster: list[RosterEntry] | None,
               matched: dict[str, RosterEntry]) -> str:
    """Canvas's gradebook import: the five student columns, a column per assignment in `titles` (those the batch
    graded, and no other: an import overwrites every column it has), a Points Possible row."""
    scores = [assignment_scores(r) for r in results]
    maxima = {a: max((s[a][1] for s in scores if a in s), default=0.0) for a in titles}
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles.values()]
    rows = [["Points Possible", "", "", "", "", *(points(maxima[a]) for a in titles)]]
    for entry, result in _students(results, roster, matched):
        rows.append([entry.name, entry.canvas_id, entry.student_id, entry.sis_login_id or entry.email,
                     entry.section, *_scores(result, titles)])
    return csv_text(header, rows)


def gradescope_csv(results: list[SubmissionResult], titles: dict[str, str], roster: list[RosterEntry] | None,
                   matched: dict[str, RosterEntry]) -> str:
    """Gradescope's score import: Name, SID, Email, Section, a column per assignment in `titles` and Total Score
    (their sum)."""
    header = ["Name", "SID", "Email", "Section", *titles.values(), "Total Score"]
    rows = [[entry.name, entry.student_id, entry.email, entry.section, *_scores(result, titles),
             _total(result, titles)] for entry, result in _students(results, roster, matched)]
    return csv_text(header, rows)

"""`grade batch DIR -o OUT --regrade`: every hand-in graded again with the course as it is now, the previous
results kept, and every change of points recorded.

    OUT/previous/<UTC time>/   the previous run's graded/, results/, grades.csv, changes.csv and reports/, moved
    OUT/changes.csv            student, assignment, test, old, new, reason: a row per test whose points changed
    OUT/reports/changes.html   the same, each student linked to their feedback page

A test's points change because its outcome changed (a fix to the test, to the grader, a hand-in replaced),
because its points did (the question's points, its tests' weights), because it is new or gone, or because the
late policy took another penalty: a row of its own per assignment, test "late penalty", with the penalty
as negative points. Results are compared by hand-in name (grades.csv's `submission`), test by test.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .reports.wording import points
from .results import AssignmentResult, SubmissionResult, TestResult, from_json

PREVIOUS = "previous"
#: What a batch writes into OUT, moved into the dated copy before a regrade writes it again.
MOVED = ("graded", "results", "grades.csv", "changes.csv", "reports")
CHANGES = "changes.csv"
#: The `test` of a row for the late policy's penalty.
LATE = "late penalty"


@dataclass(frozen=True)
class Change:
    """One test of one student whose points changed: `old` and `new` are its points (None where it was not
    graded then: new, or gone), `reason` says why in words."""

    student: str
    submission: str
    assignment: str
    test: str
    old: float | None
    new: float | None
    reason: str


@dataclass
class Regrade:
    """What a regrade changed: the dated copy of the previous results, each change, and the students whose
    totals went up or down (by name, as `Change.student`)."""

    previous: Path
    changes: list[Change] = field(default_factory=list)
    up: list[str] = field(default_factory=list)
    down: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        """"regrade: 3 students' totals changed (2 up, 1 down); 7 tests' points in changes.csv"."""
        moved = len(self.up) + len(self.down)
        return (f"regrade: {moved} student{'s' * (moved != 1)}' total{'s' * (moved != 1)} changed ({len(self.up)} "
                f"up, {len(self.down)} down); {len(self.changes)} change{'s' * (len(self.changes) != 1)} of points "
                f"in {CHANGES}; the previous results are in {PREVIOUS}/{self.previous.name}")


def keep_previous(output: Path, now: datetime | None = None) -> Path | None:
    """Move the previous run's files in `output` (`MOVED`) into `output/previous/<UTC time>/`; that folder, or None
    when `output` holds no previous results."""
    present = [output / name for name in MOVED if (output / name).exists()]
    if not (output / "graded").is_dir():
        return None
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H%M%SZ")
    folder, count = output / PREVIOUS / stamp, 1
    while folder.exists():
        count += 1
        folder = output / PREVIOUS / f"{stamp}-{count}"
    folder.mkdir(parents=True)
    for path in present:
        shutil.move(str(path), str(folder / path.name))
    return folder


def read_result(path: Path) -> SubmissionResult | None:
    """A result written by an earlier run, or None when there is none (or only a damaged one)."""
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def read_previous(folder: Path) -> dict[str, SubmissionResult]:
    """The results kept in `folder/graded/`, by hand-in name (a damaged one is left out)."""
    found = (read_result(path) for path in sorted((folder / "graded").glob("*.json")))
    return {result.submission: result for result in found if result is not None}


def compare(previous: Path, old: dict[str, SubmissionResult], new: list[SubmissionResult]) -> Regrade:
    """Every change of points from the `old` results to the `new` ones, and whose totals went up or down."""
    regrade = Regrade(previous)
    now = {r.submission: r for r in new}
    names = _student_names([*new, *(r for n, r in old.items() if n not in now)])
    for name in [*now, *(n for n in old if n not in now)]:
        before, after = old.get(name), now.get(name)
        student = names[name]
        for assignment_id in _ordered(before, after):
            was, now_is = _assignment(before, assignment_id), _assignment(after, assignment_id)
            regrade.changes += [Change(student, name, assignment_id, *change)
                                for change in _tests(was, now_is) + _penalty(was, now_is)]
        old_total = before.score if before is not None else 0.0
        new_total = after.score if after is not None else 0.0
        if new_total > old_total + 1e-9:
            regrade.up.append(student)
        elif new_total < old_total - 1e-9:
            regrade.down.append(student)
    return regrade


def _student_names(results: list[SubmissionResult]) -> dict[str, str]:
    """Each hand-in's student as the files name them: their name, with the hand-in's where two share a name."""
    named = {r.submission: r.identity.get("name") or r.submission for r in results}
    shared = {n for n in named.values() if list(named.values()).count(n) > 1}
    return {s: f"{n} ({s})" if n in shared and n != s else n for s, n in named.items()}


def _ordered(*results: SubmissionResult | None) -> list[str]:
    return list(dict.fromkeys(a.assignment for r in results if r is not None for a in r.assignments))


def _assignment(result: SubmissionResult | None, assignment_id: str) -> AssignmentResult | None:
    """`assignment_id`'s result in `result`, None where it was not graded (missing, or not in it)."""
    found = [a for a in (result.assignments if result is not None else []) if a.assignment == assignment_id]
    return found[0] if found and not found[0].missing else None


def _tests(was: AssignmentResult | None, now: AssignmentResult | None) -> list[tuple]:
    before = {t.name: t for t in (was.tests if was else [])}
    after = {t.name: t for t in (now.tests if now else [])}
    rows = []
    for name in [*after, *(n for n in before if n not in after)]:
        old, new = before.get(name), after.get(name)
        if _score(old) != _score(new):
            rows.append((name, _points(old), _points(new), _why(old, new)))
    return rows


def _score(test: TestResult | None) -> float:
    return round(test.score, 6) if test is not None else 0.0


def _points(test: TestResult | None) -> float | None:
    return round(test.score, 4) if test is not None else None


def _why(old: TestResult | None, new: TestResult | None) -> str:
    """Why a test's points changed, in words."""
    if old is None:
        return "the test is new"
    if new is None:
        return "the test is gone"
    reasons = []
    if old.verdict.outcome is not new.verdict.outcome:
        reasons.append(f"the test's outcome changed ({old.verdict.outcome.value} → {new.verdict.outcome.value})")
    if abs(old.max_score - new.max_score) > 1e-9:
        reasons.append(f"the test's points changed ({points(old.max_score)} → {points(new.max_score)})")
    return "; ".join(reasons)


def _penalty(was: AssignmentResult | None, now: AssignmentResult | None) -> list[tuple]:
    """A row for the late penalty where it changed (as negative points: what it took)."""
    old, new = (was.penalty if was else 0.0), (now.penalty if now else 0.0)
    if abs(old - new) <= 1e-9:
        return []
    raw_changed = was is not None and now is not None and abs(was.raw_score - now.raw_score) > 1e-9
    reason = ("the assignment is new" if was is None else "the assignment is gone" if now is None
              else "the tests' points changed, and the penalty is a share of them" if raw_changed
              else "the late policy changed")
    return [(LATE, -round(old, 4), -round(new, 4), reason)]

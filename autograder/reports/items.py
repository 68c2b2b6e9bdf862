"""Item analysis: each test as an exam item across the class, as instructors know it from exam statistics.

For one test of one assignment, over the students graded on it (hand-ins of that assignment; a test the
grader itself could not run is left out for that student):

- difficulty p: the share of those students who pass it (0 to 1; high is easy);
- discrimination: the point-biserial correlation r_pb between passing the test (1 or 0) and the
  rest of the assignment, the points of the student's other tests of that assignment:

      r_pb = (M1 - M0) / s * sqrt(p (1 - p))

  where M1 and M0 are the mean rest-score of the students who pass and who fail, and s the
  standard deviation of the rest-score over all of them (with n, not n - 1, in its denominator):
  Pearson's r of the two. The rest, not the total, so that the test does not correlate with its
  own points. Undefined (None) where everyone passes, everyone fails or every rest-score is equal.

Flags: a test everyone fails (a broken test?), one everyone passes (too easy?), one whose
discrimination is negative (testing something else than the rest?).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..results import Outcome, SubmissionResult
from .statistics import handed_in

#: What the flags say.
ALL_FAIL = "everyone fails: a broken test?"
ALL_PASS = "everyone passes: too easy?"
NEGATIVE = "negative discrimination: testing something else?"
#: The columns of items.csv, in order.
COLUMNS = ["assignment", "question", "test", "description", "visibility", "points", "students", "passed",
           "difficulty", "discrimination", "flags"]


@dataclass(frozen=True)
class Item:
    """One test across the class: `students` graded on it, `passed` of them passing; `difficulty` (the share
    passing) and `discrimination` (the point-biserial correlation with the rest of the assignment; None where
    it is undefined), and the `flags` raised."""

    assignment: str
    question: str
    test: str
    description: str
    public: bool
    points: float
    students: int
    passed: int
    difficulty: float
    discrimination: float | None
    flags: tuple[str, ...]

    def row(self) -> list[object]:
        """The item as a row of items.csv (figures as numbers, rounded to 4 places)."""
        return [self.assignment, self.question, self.test, self.description, "public" if self.public else "hidden",
                self.points, self.students, self.passed, round(self.difficulty, 4),
                "" if self.discrimination is None else round(self.discrimination, 4), "; ".join(self.flags)]


def point_biserial(passed: list[bool], rest: list[float]) -> float | None:
    """r_pb of the pass/fail column `passed` with the scores `rest` (same students, same order); None where
    undefined: everyone passes or fails, or every score is equal."""
    n = len(passed)
    ones = [r for p, r in zip(passed, rest) if p]
    zeros = [r for p, r in zip(passed, rest) if not p]
    if not ones or not zeros:
        return None
    mean = sum(rest) / n
    spread = math.sqrt(sum((r - mean) ** 2 for r in rest) / n)
    if spread <= 1e-12 * max(1.0, abs(mean)):
        return None
    p = len(ones) / n
    return (sum(ones) / len(ones) - sum(zeros) / len(zeros)) / spread * math.sqrt(p * (1 - p))


def item_analysis(results: list[SubmissionResult]) -> list[Item]:
    """Every test of every assignment handed in, in the order the tests first appear."""
    answers: dict[tuple[str, str], list[tuple[bool, float]]] = {}
    about: dict[tuple[str, str], tuple[str, str, bool, float]] = {}
    for _, assignment in handed_in(results):
        counted = [t for t in assignment.tests if t.verdict.outcome is not Outcome.GRADER_ERROR]
        total = sum(t.score for t in counted)
        for test in counted:
            key = (assignment.assignment, test.name)
            about.setdefault(key, (test.question, test.description, test.public, test.max_score))
            answers.setdefault(key, []).append((test.passed, total - test.score))
    items = []
    for (assignment_id, name), pairs in answers.items():
        question, description, public, points = about[(assignment_id, name)]
        passed = [p for p, _ in pairs]
        difficulty = sum(passed) / len(pairs)
        discrimination = point_biserial(passed, [r for _, r in pairs])
        flags = (ALL_FAIL,) if not any(passed) else (ALL_PASS,) if all(passed) else ()
        if discrimination is not None and discrimination < -1e-9:
            flags += (NEGATIVE,)
        items.append(Item(assignment_id, question, name, description, public, points, len(pairs), sum(passed),
                          difficulty, discrimination, flags))
    return items


def items_csv(items: list[Item]) -> str:
    """items.csv: one row per test (every text neutralised for a spreadsheet: `grade_files.csv_text`)."""
    from .grade_files import csv_text

    return csv_text(COLUMNS, [item.row() for item in items])

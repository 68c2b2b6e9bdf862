"""The numbers of a class: per question and per assignment, for the summary, the charts and the grade files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..results import AssignmentResult, SubmissionResult, TestResult

if TYPE_CHECKING:
    from ..course import Course

BINS = 10  # the score distribution's bins: 0-10 %, ..., 90-100 %


@dataclass
class QuestionScore:
    """One question of one submission: its points and its tests."""

    assignment: str
    question: str
    score: float = 0.0
    max_score: float = 0.0
    passed: int = 0
    tests: int = 0
    failures: list[TestResult] = field(default_factory=list)

    @property
    def full_marks(self) -> bool:
        return self.max_score > 0 and self.score >= self.max_score - 1e-9


def question_scores(result: SubmissionResult) -> list[QuestionScore]:
    """The submission's questions in test order, with their scores and failed tests."""
    found: dict[tuple[str, str], QuestionScore] = {}
    for assignment in result.assignments:
        for test in assignment.tests:
            entry = found.setdefault((assignment.assignment, test.question),
                                     QuestionScore(assignment.assignment, test.question))
            entry.score += test.score
            entry.max_score += test.max_score
            entry.tests += 1
            if test.passed:
                entry.passed += 1
            else:
                entry.failures.append(test)
    return list(found.values())


def handed_in(results: list[SubmissionResult]) -> Iterator[tuple[SubmissionResult, AssignmentResult]]:
    """Each graded hand-in's assignments that were handed in (not missing), with their hand-in."""
    for result in results:
        if result.graded:
            yield from ((result, a) for a in result.assignments if not a.missing)


def assignment_scores(result: SubmissionResult) -> dict[str, tuple[float, float]]:
    """`{assignment: (score, max_score)}` of one submission."""
    return {a.assignment: (round(a.score, 4), round(a.max_score, 4)) for a in result.assignments}


def percent(score: float, max_score: float) -> float:
    return 100.0 * score / max_score if max_score > 0 else 0.0


@dataclass
class QuestionStat:
    """A question across the class: how many submissions attempted it and how many got full marks."""

    assignment: str
    question: str
    max_score: float
    attempted: int = 0
    full_marks: int = 0
    total: float = 0.0

    @property
    def pass_rate(self) -> float:
        return 100.0 * self.full_marks / self.attempted if self.attempted else 0.0

    @property
    def mean(self) -> float:
        return self.total / self.attempted if self.attempted else 0.0


def question_stats(results: list[SubmissionResult]) -> list[QuestionStat]:
    """Per-question statistics over the graded submissions, in order of first appearance."""
    stats: dict[tuple[str, str], QuestionStat] = {}
    for result in results:
        if not result.graded:
            continue
        for q in question_scores(result):
            stat = stats.setdefault((q.assignment, q.question), QuestionStat(q.assignment, q.question, q.max_score))
            stat.max_score = max(stat.max_score, q.max_score)
            stat.attempted += 1
            stat.full_marks += q.full_marks
            stat.total += q.score
    return list(stats.values())


def distribution(results: list[SubmissionResult]) -> list[int]:
    """Counts of students with a score (graded, or missing: 0) per 10 % bin of their total score (100 % falls in
    the last bin)."""
    counts = [0] * BINS
    for result in results:
        if result.scored:
            share = percent(result.score, result.max_score)
            counts[min(int(share // (100 / BINS)), BINS - 1)] += 1
    return counts


def bin_label(i: int) -> str:
    return f"{i * 100 // BINS}–{(i + 1) * 100 // BINS} %"


def assignment_titles(ids: list[str], course: Course | None = None) -> dict[str, str]:
    """`{id: "1. Linear regression"}` from `course`, else (reports work without one) the ids themselves."""
    known = course.assignments if course is not None else {}
    return {a: f"{known[a].number}. {known[a].title}" if a in known else a for a in ids}


def assignment_ids(results: list[SubmissionResult]) -> list[str]:
    """Every assignment of any submission (missing ones too), in order of first appearance."""
    ids: list[str] = []
    for result in results:
        ids += [a.assignment for a in result.assignments if a.assignment not in ids]
    return ids


def graded_ids(results: list[SubmissionResult]) -> list[str]:
    """The assignments this batch graded: handed in by at least one student, in order of first appearance.
    A learning platform's import carries these only, so that it never overwrites another assignment's grades."""
    return [i for i in assignment_ids(results)
            if any(a.assignment == i and not a.missing for r in results for a in r.assignments)]

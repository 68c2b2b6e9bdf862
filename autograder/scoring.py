"""Points and totals: arithmetic only."""

from __future__ import annotations

from dataclasses import dataclass, field

from .assignments import Assignment
from .testing import TestCase


@dataclass
class TestResult:
    """The verdict on one test, as plain data."""

    __test__ = False

    assignment: str
    question: str
    name: str
    description: str
    public: bool
    score: float
    max_score: float
    feedback: str = ""
    duration: float = 0.0

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score


@dataclass
class AssignmentResult:
    """Every test of one assignment for one submission."""

    assignment: str
    title: str
    tests: list[TestResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    def question_scores(self) -> dict[str, tuple[float, float]]:
        """`{question: (score, max_score)}` in test order."""
        totals: dict[str, tuple[float, float]] = {}
        for t in self.tests:
            score, max_score = totals.get(t.question, (0.0, 0.0))
            totals[t.question] = (round(score + t.score, 6), round(max_score + t.max_score, 6))
        return totals


def test_points(assignment: Assignment, cases: list[TestCase]) -> dict[str, float]:
    """Each test's share of its question's points, by weight: `{test name: points}`."""
    weights: dict[str, float] = {}
    for case in cases:
        weights[case.question] = weights.get(case.question, 0.0) + case.weight
    return {case.name: assignment.question(case.question).points * case.weight / weights[case.question]
            for case in cases}


def total(results: list[AssignmentResult]) -> tuple[float, float]:
    return round(sum(r.score for r in results), 6), round(sum(r.max_score for r in results), 6)

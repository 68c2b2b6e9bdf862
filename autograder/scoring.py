"""Points and totals: arithmetic only (it imports `results` alone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .results import AssignmentResult

if TYPE_CHECKING:
    from .assignments import Assignment
    from .testing import TestCase


def test_points(assignment: Assignment, cases: list[TestCase],
                totals: dict[str, float] | None = None) -> dict[str, float]:
    """Each test's share of its question's points, by weight: `{test name: points}`. `totals` are each
    question's weights summed over all its tests (`Assignment.weights`: hidden ones too), so that a test is
    worth the same whichever of them run; without them, over `cases`."""
    weights: dict[str, float] = {}
    for case in cases:
        weights[case.question] = weights.get(case.question, 0.0) + case.weight
    totals = {**weights, **(totals or {})}
    return {case.name: assignment.question(case.question).points * case.weight / totals[case.question]
            for case in cases}


test_points.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def total(results: list[AssignmentResult]) -> tuple[float, float]:
    """`(score, max_score)` over several assignments."""
    return round(sum(r.score for r in results), 6), round(sum(r.max_score for r in results), 6)

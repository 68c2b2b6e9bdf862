"""What a class got wrong alike: failed tests grouped by the mistake they show, per question.

A failed test joins the first of these groups it can, and each student counts once in a group:

1. its diagnosis: the known mistake the checks recognised in the wrong value ("it is twice the
   expected values: a factor ½ missing"), per question;
2. its exception: the same type and message raised, per question;
3. its value: the same wrong value returned on the same input, per test. The same input means the
   same test with the same seed: with per-student inputs (`[grading] per_student_inputs`) no two
   students share a hidden test's random input, so only public tests and tests without one group.

Diagnoses are listed whatever their size; the unexplained groups from two students on (one student's
failure nobody shares is not a misconception of the class). The value groups of one question that the
same students share are one (a forgotten bias fails every test of predict alike). Most common first. The texts come from
verdicts the grader made (`Verdict.diagnosis`, `Verdict.signature`); they reach the instructor's
reports only, never a student's feedback.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..results import SubmissionResult, TestResult
from .statistics import handed_in

DIAGNOSIS, EXCEPTION, VALUE = "diagnosis", "exception", "value"


@dataclass(frozen=True)
class Misconception:
    """One mistake several students made alike: `what` it is, of which `kind`, on `question` of `assignment`;
    the `submissions` that show it, of the `graded` submissions of that assignment; a value group's `test`, the
    description of the test it was seen in."""

    assignment: str
    question: str
    kind: str
    what: str
    submissions: tuple[str, ...]
    graded: int
    test: str = ""

    @property
    def count(self) -> int:
        return len(self.submissions)

    @property
    def sentence(self) -> str:
        """"mse_cost: 14 of 60 students: it is twice the expected values: a factor ½ missing (…)"."""
        return f"{self.question}: {self.count} of {self.graded} students: {self.what}"


def _group(test: TestResult) -> tuple[str, str, str] | None:
    """(kind, the key of its group within the assignment, what the group is) of a failed test, or None."""
    verdict = test.verdict
    if verdict.diagnosis:
        return DIAGNOSIS, f"{test.question}\0{verdict.diagnosis}", verdict.diagnosis
    if verdict.signature.startswith("raised "):
        return EXCEPTION, f"{test.question}\0{verdict.signature}", verdict.signature
    if verdict.signature:
        shown = verdict.returned or (verdict.withheld or {}).get("returned")
        value = f": {shown}" if shown else ""
        return VALUE, f"{test.name}\0{test.seed}\0{verdict.signature}", \
            f"the same wrong value on \u201c{test.description}\u201d{value}"
    return None


def misconceptions(results: list[SubmissionResult]) -> list[Misconception]:
    """The class's misconceptions, most common first (then in the order the assignments and questions come)."""
    graded: dict[str, int] = {}
    found: dict[tuple[str, str], tuple[str, str, str, dict[str, None], str]] = {}
    for result, assignment in handed_in(results):
        graded[assignment.assignment] = graded.get(assignment.assignment, 0) + 1
        for test in assignment.tests:
            group = None if test.passed else _group(test)
            if group is not None:
                kind, key, what = group
                entry = found.setdefault((assignment.assignment, key),
                                         (test.question, kind, what, {}, test.description))
                entry[3][result.submission] = None
    groups = [Misconception(assignment_id, question, kind, what, tuple(names), graded[assignment_id],
                            description if kind == VALUE else "")
              for (assignment_id, _), (question, kind, what, names, description) in found.items()
              if kind == DIAGNOSIS or len(names) >= 2]
    return sorted(_merged(groups), key=lambda g: -g.count)  # stable: ties keep the order they came in


def _merged(groups: list[Misconception]) -> list[Misconception]:
    """The value groups of one question shared by the same students made one: one mistake seen in several tests
    (a forgotten bias fails every test of predict alike)."""
    alike: dict[tuple[str, str, str, tuple[str, ...]], list[Misconception]] = {}
    for group in groups:
        key = (group.assignment, group.question, group.kind if group.kind == VALUE else group.what, group.submissions)
        alike.setdefault(key, []).append(group)
    merged = []
    for same in alike.values():
        if len(same) == 1:
            merged.append(same[0])
            continue
        tests = [f"\u201c{g.test}\u201d" for g in same]
        named = ", ".join(tests[:3]) + (f" and {len(tests) - 3} more" if len(tests) > 3 else "")
        merged.append(Misconception(same[0].assignment, same[0].question, VALUE,
                                    f"the same wrong values on {len(tests)} tests: {named}", same[0].submissions,
                                    same[0].graded))
    return merged

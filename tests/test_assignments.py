"""Every assignment: the reference gets full marks, the template zero, and each
plausible wrong implementation loses points on its own question and nowhere else."""

from __future__ import annotations

import pytest

from autograder.grader import grade_source
from autograder.reports.wording import explain

from .conftest import COURSE, ROOT, mutants, replace_definition, solution_source

ASSIGNMENTS = list(COURSE.assignments)


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_reference_solution_gets_full_marks(assignment_id):
    result = grade_source(COURSE.get(assignment_id), solution_source(assignment_id))
    failed = [explain(t) for t in result.tests if not t.passed]
    assert not failed, "\n\n".join(failed)
    assert result.score == result.max_score > 0


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_student_template_gets_zero(assignment_id):
    template = (ROOT / "student_template" / f"{assignment_id}.py").read_text(encoding="utf-8")
    result = grade_source(COURSE.get(assignment_id), template)
    assert [t.name for t in result.tests if t.score > 0] == []


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_every_question_has_public_and_hidden_tests_and_a_mutant(assignment_id):
    assignment = COURSE.get(assignment_id)
    cases = assignment.tests()
    mutated = {question for a, question, *_ in (p.values for p in mutants()) if a == assignment_id}
    for question in assignment.questions:
        kinds = {c.public for c in cases if c.question == question.name}
        assert kinds == {True, False}, f"{question.name} needs public and hidden tests"
        assert question.name in mutated, f"{question.name} has no wrong implementation in tests/mutants"


@pytest.mark.parametrize(("assignment_id", "question", "name", "source"), list(mutants()))
def test_wrong_implementation_loses_only_its_questions_points(assignment_id, question, name, source):
    assignment = COURSE.get(assignment_id)
    result = grade_source(assignment, replace_definition(solution_source(assignment_id), name, source))
    scores = result.question_scores()
    assert scores[question][0] < scores[question][1], f"{question} kept all its points"
    others = {q: s for q, s in scores.items() if q != question and s[0] < s[1]}
    assert not others, f"other questions lost points: {others}"

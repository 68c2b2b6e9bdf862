"""Hand-ins built from the references, the templates and the mutants, for the tests that compare surfaces."""

from __future__ import annotations

import ast
from pathlib import Path

from autograder.pysource import defined_names, first_line, replace_definition

from .conftest import COURSE, ROOT, mutants, solution_source


def template_source(assignment_id: str) -> str:
    return (ROOT / "student_template" / f"{assignment_id}.py").read_text(encoding="utf-8")


def with_template(source: str, assignment_id: str, questions: list[str]) -> str:
    """`source` with the functions (and constants) of `questions` as the template has them: not done."""
    template = template_source(assignment_id)
    lines, tree = template.splitlines(), ast.parse(template)
    assignment = COURSE.get(assignment_id)
    for question in questions:
        for name in assignment.question(question).functions:
            node = next(n for n in tree.body if name in defined_names(n)
                        and not isinstance(n, (ast.Import, ast.ImportFrom)))
            source = replace_definition(source, name, "\n".join(lines[first_line(node) - 1:node.end_lineno]))
    return source


def half_right(assignment_id: str) -> tuple[str, list[str]]:
    """The reference with every other question (the 2nd, the 4th, ...) left as in the template; and the questions
    left right."""
    questions = [q.name for q in COURSE.get(assignment_id).questions]
    return with_template(solution_source(assignment_id), assignment_id, questions[1::2]), questions[::2]


def mutant_rounds() -> list[tuple[int, dict[str, tuple[str, dict[str, str]]]]]:
    """Every mutant of tests/mutants, in rounds: in round r each question of each assignment gets its r-th mutant
    (where it has one), all in one hand-in per assignment. Returns `[(r, {assignment: (source, {question:
    description})})]`: a round grades one folder, and each mutant is graded once."""
    by_question: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
    for param in mutants():
        assignment_id, question, name, source = param.values
        by_question.setdefault(assignment_id, {}).setdefault(question, []).append((name, source, param.id))
    rounds = []
    for r in range(max(len(m) for q in by_question.values() for m in q.values())):
        handins = {}
        for assignment_id, questions in by_question.items():
            chosen = {q: m[r] for q, m in questions.items() if len(m) > r}
            if chosen:
                source = solution_source(assignment_id)
                for name, replacement, _ in chosen.values():
                    source = replace_definition(source, name, replacement)
                handins[assignment_id] = (source, {q: m[2] for q, m in chosen.items()})
        rounds.append((r, handins))
    return rounds


def write_folder(folder: Path, sources: dict[str, str]) -> Path:
    """A hand-in folder: `<id>.py` for each assignment's source."""
    folder.mkdir(parents=True, exist_ok=True)
    for assignment_id, source in sources.items():
        (folder / f"{assignment_id}.py").write_text(source, encoding="utf-8")
    return folder

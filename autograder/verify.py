"""`grade verify`: every solution scores full marks, every student template zero."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .assignments import Assignment
from .course import Course
from .grader import grade_source
from .reports.wording import explain
from .results import AssignmentResult, Outcome


def verify_assignment(course: Course, assignment: Assignment) -> tuple[AssignmentResult, AssignmentResult]:
    """`(solution result, template result)` with every test, hidden ones included."""
    solution = assignment.solution.read_text(encoding="utf-8")
    template = (course.root / "student_template" / f"{assignment.id}.py").read_text(encoding="utf-8")
    return grade_source(assignment, solution), grade_source(assignment, template)


def verify_course(course: Course, console: Console) -> bool:
    """Print a table of the check for each assignment; True when all pass."""
    table = Table(title="grade verify")
    for column in ("assignment", "solution", "template", "verdict"):
        table.add_column(column)
    ok = True
    failures = []
    broken: list[str] = []
    for assignment in course.chosen():
        solution, template = verify_assignment(course, assignment)
        broken += [f"broken test: {t.assignment}.{t.name} ({t.question}): {t.verdict.problem}"
                   for result in (solution, template) for t in result.tests
                   if t.verdict.outcome is Outcome.GRADER_ERROR]
        good = solution.score == solution.max_score and template.score == 0 and not (solution.ungradable
                                                                                      or template.ungradable)
        ok &= good
        table.add_row(assignment.id, f"{solution.score:g}/{solution.max_score:g}",
                      f"{template.score:g}/{template.max_score:g}", "[green]ok[/]" if good else "[bold red]FAIL[/]")
        failures += [explain(t) for t in solution.tests if not t.passed]
        failures += [f"template passed {t.assignment}.{t.name}" for t in template.tests if t.score > 0]
    console.print(table)
    for failure in [*dict.fromkeys(broken), *failures]:
        console.print(failure, markup=False)
    return ok and not broken

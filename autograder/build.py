"""Student templates and notebooks, generated from the reference solutions.

A solution marks what students write:

    def predict(X, w, b):
        \"\"\"docstring: shapes and the lecture section (kept)\"\"\"
        # BEGIN SOLUTION
        # HINT: np.dot(X, w) handles both shapes.      <- kept in the template
        return np.dot(X, w) + b
        # END SOLUTION

Inside a function the block becomes its hints and `raise NotImplementedError`;
at module level (a constant) it becomes its hints and `NAME = None` for each
name it assigns. The notebook has the lecture's context in markdown, one code
cell per question and a check cell per question that runs the public tests
on the kernel's current definitions.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from .assignments import Assignment
from .cells import CHECK_CELL_TAG
from .pysource import defined_names, first_line, is_docstring

if TYPE_CHECKING:
    from .course import Course

BEGIN, END, HINT = "# BEGIN SOLUTION", "# END SOLUTION", "# HINT:"


class MarkerError(ValueError):
    """A solution's BEGIN/END SOLUTION markers do not pair up."""


def strip_solutions(source: str) -> str:
    """The template module: every marked block replaced by its hints and a stub."""
    lines = source.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() != BEGIN:
            if line.strip() == END:
                raise MarkerError(f"line {i + 1}: {END} without {BEGIN}")
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        j = i + 1
        while j < len(lines) and lines[j].strip() != END:
            if lines[j].strip() == BEGIN:
                raise MarkerError(f"line {j + 1}: nested {BEGIN}")
            j += 1
        if j == len(lines):
            raise MarkerError(f"line {i + 1}: {BEGIN} without {END}")
        block = lines[i + 1:j]
        hints = [b for b in block if b.strip().startswith(HINT)]
        code = "\n".join(b[len(indent):] if b.startswith(indent) else b for b in block if b not in hints)
        out += [indent + "# TODO:" + h.strip()[len(HINT):] for h in hints]
        if indent:
            name = _enclosing_function(lines, i)
            out.append(f'{indent}raise NotImplementedError("{name} is not implemented yet")')
        else:
            out += [f"{name} = None  # TODO: replace None" for name in _assigned_names(code)]
        i = j + 1
    return "\n".join(out) + "\n"


def _enclosing_function(lines: list[str], index: int) -> str:
    for line in reversed(lines[:index]):
        match = re.match(r"\s*def (\w+)", line)
        if match:
            return match.group(1)
    return "this function"


def _assigned_names(code: str) -> list[str]:
    names: list[str] = []
    for node in ast.parse(code).body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
            names += [n for n in defined_names(node) if n not in names]
    return names


def split_cells(source: str, assignment: Assignment) -> tuple[str, list[tuple[str, str]]]:
    """`(setup code, [(question, code), ...])`: each top-level statement goes to the question defining it."""
    tree = ast.parse(source)
    lines = source.splitlines()
    owner = {f: q.name for q in assignment.questions for f in q.functions}
    setup: list[str] = []
    cells: dict[str, list[str]] = {q.name: [] for q in assignment.questions}
    pending: list[str] = []
    start_of = _statement_starts(tree, lines)
    body = tree.body
    if body and is_docstring(body[0]):
        body = body[1:]  # the module docstring becomes the notebook's introduction
    seen_question = False
    for node in body:
        text = "\n".join(lines[start_of[id(node)]:node.end_lineno]).strip("\n")
        names = defined_names(node)
        question = next((owner[n] for n in names if n in owner), None)
        if question is None:
            (pending if seen_question else setup).append(text)
            continue
        seen_question = True
        cells[question] += pending + [text]
        pending = []
    if pending:
        last = assignment.questions[-1].name
        cells[last] += pending
    return "\n".join(setup), [(q, "\n\n\n".join(c)) for q, c in cells.items()]


def _statement_starts(tree: ast.Module, lines: list[str]) -> dict[int, int]:
    """0-based first line of each statement, including its decorators and the comments just above it."""
    starts = {}
    for node in tree.body:
        first = first_line(node) - 1
        while first > 0 and lines[first - 1].lstrip().startswith("#") and not lines[first - 1].startswith(" "):
            first -= 1
        starts[id(node)] = first
    return starts


def make_notebook(assignment: Assignment, source: str) -> nbformat.NotebookNode:
    """The assignment's notebook for `source` (the template, or the solution for testing)."""
    docstring = ast.get_docstring(ast.parse(source)) or ""
    setup, questions = split_cells(source, assignment)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["grade"] = {"assignment": assignment.id}
    intro = [f"# Assignment {assignment.number}: {assignment.title}", "",
             f"*Lecture: {assignment.lecture}*", "", docstring, "", assignment.intro.strip(), "",
             "Complete each function below in place of `raise NotImplementedError`, then run the check "
             "cell under it: it runs the public tests on the code as it stands in this notebook (no need "
             "to save or restart). When you are done, submit this notebook (or the module "
             f"`{assignment.id}.py`). Hidden tests check more cases than the public ones."]
    nb.cells.append(nbformat.v4.new_markdown_cell("\n".join(intro).replace("\n\n\n", "\n\n")))
    nb.cells.append(nbformat.v4.new_code_cell(setup.strip()))
    nb.cells.append(_check_cell("from autograder.notebook import check  # the course's checker"))
    for question_name, code in questions:
        question = assignment.question(question_name)
        text = [f"## {question.name} ({question.points:g} point{'s' if question.points != 1 else ''})", ""]
        if question.context:
            text += [question.context.strip(), ""]
        text.append(f"*Reread: {assignment.reread(question.name)}*")
        nb.cells.append(nbformat.v4.new_markdown_cell("\n".join(text)))
        nb.cells.append(nbformat.v4.new_code_cell(code))
        nb.cells.append(_check_cell(f'check("{assignment.id}", "{question.name}", globals())'))
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{assignment.id.replace('_', '-')}-{index}"
    return nb


def _check_cell(code: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(code)
    cell.metadata["tags"] = [CHECK_CELL_TAG]
    cell.metadata["editable"] = False
    cell.metadata["deletable"] = False
    return cell


def generated_files(course: Course, only: list[str] | None = None) -> dict[Path, str]:
    """Every generated file under `student_template/` (of the assignments in `only`) and its content."""
    files, root = {}, course.root
    for assignment in course.chosen(only or None):
        solution = assignment.solution.read_text(encoding="utf-8")
        template = strip_solutions(solution)
        files[root / "student_template" / f"{assignment.id}.py"] = template
        notebook = make_notebook(assignment, template)
        files[root / "student_template" / f"{assignment.id}.ipynb"] = nbformat.writes(notebook) + "\n"
    return files


def write_templates(course: Course, only: list[str] | None = None) -> list[Path]:
    """Write `student_template/`; return the files that changed."""
    changed = []
    for path, content in generated_files(course, only).items():
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            changed.append(path)
    return changed


def stale_templates(course: Course, only: list[str] | None = None) -> list[Path]:
    """Generated files that differ from what `write_templates` would write."""
    return [path for path, content in generated_files(course, only).items()
            if not path.exists() or path.read_text(encoding="utf-8") != content]

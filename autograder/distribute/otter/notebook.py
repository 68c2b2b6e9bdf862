"""The master notebook in `otter assign`'s format (v1), and the distribution's README.

Each question holds the reference solution between Otter's solution markers (hints become
`# TODO:` lines) and the course's own tests as exception-based Otter test cells, each of
which runs one `runtime.CourseTest` on the notebook's globals.
"""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import nbformat

from ...assignments import Assignment
from ...build import BEGIN, END, HINT, split_cells
from ...pysource import defined_names
from ...scoring import test_points
from ...testing import TestCase
from .recording import Translation, translate
from .runtime import CourseTest


def module_level_answers(solution: str) -> set[str]:
    """Names assigned by top-level statements inside a module-level solution block (constants such as AND_GATE)."""
    tree = ast.parse(solution)
    lines = solution.splitlines()
    begins = [i + 1 for i, line in enumerate(lines) if line.strip() == BEGIN and not line.startswith((" ", "\t"))]
    ends = [i + 1 for i, line in enumerate(lines) if line.strip() == END and not line.startswith((" ", "\t"))]
    names: set[str] = set()
    for begin, end in zip(begins, ends):
        for node in tree.body:
            if begin < node.lineno and node.end_lineno < end:
                names |= set(defined_names(node))
    return names


def otter_solution_code(code: str, answers: set[str]) -> str:
    """A question's solution code with markers Otter can strip.

    `split_cells` cuts statements at their last line, which drops the `# END SOLUTION`
    that closes a block at the end of a function or after a constant; here each block
    gets its END back, hints become `# TODO:` lines above it (Otter replaces the block
    by `...`), and each top-level statement assigning one of `answers` is a block of its own.
    """
    out: list[str] = []
    open_indent: str | None = None  # the indent of the function-level block being copied
    begin_at = 0  # where that block's BEGIN line is in `out`, to put its hints above it
    for line in code.splitlines():
        stripped, indent = line.strip(), line[: len(line) - len(line.lstrip())]
        if open_indent is not None:
            if stripped == END:
                out.append(line)
                open_indent = None
                continue
            if stripped and len(indent) < len(open_indent):
                _close_block(out, open_indent)
                open_indent = None
            elif stripped.startswith(HINT):
                out.insert(begin_at, indent + "# TODO:" + stripped[len(HINT):])
                begin_at += 1
                continue
        if not indent and stripped in (BEGIN, END):
            continue  # module-level markers are put back statement by statement below
        if not indent and stripped.startswith(HINT):
            out.append("# TODO:" + stripped[len(HINT):])
            continue
        if stripped == BEGIN:
            open_indent, begin_at = indent, len(out)
        out.append(line)
    if open_indent is not None:
        _close_block(out, open_indent)
    return _wrap_answers("\n".join(out), answers)


def _close_block(out: list[str], indent: str) -> None:
    """Put `indent + END` after the last non-blank line of `out`."""
    last = max(i for i, line in enumerate(out) if line.strip())
    out.insert(last + 1, indent + END)


def _wrap_answers(code: str, answers: set[str]) -> str:
    """Each top-level statement of `code` that assigns one of `answers` marked as a solution.

    A one-line assignment gets Otter's `# SOLUTION` suffix (students see `NAME = ...`);
    a longer statement goes between BEGIN/END markers under a `# TODO: define NAME` line.
    """
    lines = code.splitlines()
    tree = ast.parse(code)
    for node in reversed(tree.body):
        names = set(defined_names(node)) & answers
        if not names or isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            continue
        if node.lineno == node.end_lineno and isinstance(node, ast.Assign):
            lines[node.lineno - 1] += "  # SOLUTION"
        else:
            todo = f"# TODO: define {', '.join(sorted(names))}"
            lines[node.lineno - 1:node.end_lineno] = [todo, BEGIN, *lines[node.lineno - 1:node.end_lineno], END]
    return "\n".join(lines)


def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def _literal(text: str) -> str:
    """A readable Python literal for `text`: triple-quoted where that is exact, else repr."""
    if "'''" not in text and "\\" not in text and not text.endswith("'"):
        return "'''\\\n" + text + "'''"
    return repr(text)


def otter_test_cell(case: TestCase, test: CourseTest) -> str:
    """An exception-based Otter test cell that runs `test` on the notebook's globals."""
    config = f'""" # BEGIN TEST CONFIG\nhidden: {str(not case.public).lower()}\n""" # END TEST CONFIG\n'
    return (config
            + f"def test_{case.name}(env):\n"
            + "    from autograder.distribute.otter.runtime import CourseTest\n\n"
            + f"    source = {_literal(test.source)}\n"
            + f"    info = {test.info!r}\n"
            + f"    reference = {test.reference!r}\n"
            + "    CourseTest(source, info, reference).run(env)\n\n\n"
            + f"test_{case.name}(globals())\n")


def assignment_config(assignment: Assignment) -> str:
    """The `# ASSIGNMENT CONFIG` cell."""
    return textwrap.dedent(f"""\
        # ASSIGNMENT CONFIG
        name: {assignment.id}
        requirements: requirements.txt
        files:
            - autograder
        export_cell: false
        strip_solutions_from_all_cells: true
        generate: true
        tests:
            ok_format: false
        """)


def master_notebook(assignment: Assignment, root: Path,
                    translation: Translation | None = None) -> nbformat.NotebookNode:
    """The master notebook of `assignment` in otter assign format v1."""
    translation = translation or translate(assignment, root)
    solution = (root / "solutions" / f"{assignment.id}.py").read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(solution)) or ""
    setup, questions = split_cells(solution, assignment)
    answers = module_level_answers(solution)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    intro = [f"# Assignment {assignment.number}: {assignment.title}", "", f"*Lecture: {assignment.lecture}*", "",
             docstring, "", assignment.intro.strip(), "",
             "Complete each function below in place of `...`, then run the `grader.check` cell under it: it runs "
             "the public tests on the code as it stands in this notebook. Hidden tests check more cases."]
    nb.cells.append(_raw(assignment_config(assignment)))
    nb.cells.append(nbformat.v4.new_markdown_cell("\n".join(intro).replace("\n\n\n", "\n\n")))
    nb.cells.append(nbformat.v4.new_code_cell(setup.strip()))
    for question_name, code in questions:
        question = assignment.question(question_name)
        tests = translation.of(question_name)
        text = [f"## {question.name} ({question.points:g} point{'s' if question.points != 1 else ''})", ""]
        if question.context:
            text += [question.context.strip(), ""]
        text.append(f"*Reread: {assignment.reread(question.name)}*")
        if not tests:
            text += ["", "*This question is graded by the course's own autograder only.*"]
            nb.cells.append(nbformat.v4.new_markdown_cell("\n".join(text)))
            nb.cells.append(nbformat.v4.new_code_cell(otter_solution_code(code, answers)))
            continue
        points = test_points(assignment, [case for case, _ in tests])
        nb.cells.append(_raw(f"# BEGIN QUESTION\nname: {question.name}\npoints: "
                             f"{json.dumps([points[case.name] for case, _ in tests])}"))
        nb.cells.append(nbformat.v4.new_markdown_cell("\n".join(text)))
        nb.cells.append(nbformat.v4.new_code_cell(otter_solution_code(code, answers)))
        nb.cells.append(_raw("# BEGIN TESTS"))
        nb.cells += [nbformat.v4.new_code_cell(otter_test_cell(case, test)) for case, test in tests]
        nb.cells.append(_raw("# END TESTS"))
        nb.cells.append(_raw("# END QUESTION"))
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{assignment.id.replace('_', '-')}-otter-{index}"
    return nb


def otter_readme(translations: list[Translation]) -> str:
    """How to use the master notebooks, and which tests Otter does not run."""
    rows = "\n".join(f"| `{t.assignment.id}` | {len(t.tests)} | {len(t.skipped)} |" for t in translations)
    skipped = "\n".join(f"- `{t.assignment.id}.{case.name}` ({'public' if case.public else 'hidden'}, "
                        f"{case.question}): {reason.splitlines()[0]}"
                        for t in translations for case, reason in t.skipped)
    first = translations[0].assignment.id if translations else "linear_regression"
    left_out = (f"Tests left out (their questions' points are shared by the questions' other tests; a question "
                f"with none left is graded by `grade run` only):\n\n{skipped}\n" if skipped else
                "Every test of the course runs in Otter.\n")
    return f"""# Otter-Grader master notebooks

One master notebook per assignment, in `otter assign`'s notebook format (v1). Each
question holds the reference solution (between `# BEGIN SOLUTION` and `# END SOLUTION`)
and the course's own public and hidden tests as exception-based Otter test cells.

```sh
python3 -m pip install otter-grader
otter assign {first}.ipynb dist/{first}
mkdir -p results
otter run -a dist/{first}/autograder/{first}-autograder_*.zip -o results SUBMISSION.ipynb
```

`otter assign` writes `dist/{first}/student/` (hand this out: no solutions, public tests
only) and `dist/{first}/autograder/`, whose `{first}-autograder_<timestamp>.zip` is the
Otter autograder to upload to Gradescope. `otter run` grades one notebook with it locally
and writes `results/results.json` (the output folder must exist).

How the tests work: each test cell runs one of the course's test functions on the
notebook's globals, with the same inputs (the same fixed seeds), the same checks and
the same feedback as `grade check` and `grade run`. A hidden test carries the reference
solution's results on its inputs, recorded when these notebooks were built, never the
reference's code; where the reference trains a model it is given, the trained weights
are recorded too. The tests import the course's `autograder` package, which Otter ships
beside the notebook (`files: [autograder]`), so students' `grader.check` works too.

Otter runs tests inside the student's kernel, without the sandbox of `grade run`: a
student's code there can see and tamper with the tests. Nor does it apply the course's
integrity rules: every package installed in the kernel can be imported (the assignment's
`packages` are kept by the sandbox's filesystem view only), and forbidden calls (a question's
`forbidden` in assignment.toml) are found by a check of the source on the grader's side,
which Otter does not run. Use `grade run` (or the Gradescope autograder of `grade build`)
where that matters.

| assignment | tests translated | tests left out |
|---|---|---|
{rows}

{left_out}"""

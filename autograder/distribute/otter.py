"""Otter-Grader master notebooks (`otter assign` format v1), one per assignment.

    OUT/otter/
      README.md             how to run `otter assign`, and which tests could not be translated
      requirements.txt      what the grading image installs
      autograder/           the grader's package, shipped with the notebooks (`files:`): the tests import it
      <id>.ipynb            the master notebook: config, questions, solutions, public and hidden tests

Each question's tests are the course's own tests (see `otter_runtime`): a test
cell holds the test function's source and calls it on the notebook's globals.
A hidden test also holds the reference's results on its inputs, recorded here
with the test's fixed seed, so the Otter autograder needs no reference code. A
test is left out, and listed in the README, when it cannot be replayed that
way (the reference returns an object rather than data, say); its question's
points are then shared by the question's other tests.
"""

from __future__ import annotations

import ast
import inspect
import json
import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

from .. import assignments as course
from ..assignments import Assignment
from ..build import BEGIN, END, HINT, split_cells
from ..calls import CallLog, Student
from ..grading import seed_for
from ..notebook import LocalTransport
from ..sandbox.runtime import protocol, recipes
from ..sandbox.runtime.protocol import SandboxError
from ..scoring import test_points
from ..testing import TestCase
from .files import copy_package, fresh_folder, runtime_requirements, write_text
from .otter_runtime import CourseTest, as_module, module_states

#: The largest recorded reference (JSON characters) embedded in one test.
MAX_REFERENCE_CHARS = 400_000


class Untranslatable(Exception):
    """A test that cannot run in Otter; the message says why."""


@dataclass
class Translation:
    """The Otter tests of one assignment, and the tests left out with the reason."""

    assignment: Assignment
    tests: list[tuple[TestCase, CourseTest]] = field(default_factory=list)
    skipped: list[tuple[TestCase, str]] = field(default_factory=list)

    def of(self, question: str) -> list[tuple[TestCase, CourseTest]]:
        return [(case, test) for case, test in self.tests if case.question == question]


# --- the test's source --------------------------------------------------------------------------


def _defined(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)}


def _used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def source_of_test(path: Path, name: str) -> str:
    """The source of test function `name` in `path` with the module-level statements it needs, in file order."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines()
    statements = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    target = next((n for n in statements if isinstance(n, ast.FunctionDef) and n.name == name), None)
    if target is None:
        raise Untranslatable(f"no function {name} at the top level of {path.name}")
    keep, needed = {id(target)}, _used(target)
    changed = True
    while changed:
        changed = False
        for node in statements:
            if id(node) not in keep and (_defined(node) & needed or isinstance(node, ast.ImportFrom)
                                          and node.module == "__future__"):
                keep.add(id(node))
                needed |= _used(node)
                changed = True
    parts = []
    for node in statements:
        if id(node) in keep:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            parts.append("\n".join(lines[first - 1:node.end_lineno]))
    return "\n\n".join(parts) + "\n"


# --- recording the reference --------------------------------------------------------------------


class _Recorder:
    """`ref` while a test is recorded: the real reference, with every read and call written down."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.records: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._module, name)
        if not callable(value):
            self.records.append({"kind": "get", "name": name, "args": None, "value": _plain(value, name)})
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            asked = _plain([list(args), kwargs], name, objects=True)  # before the call may change them
            result = value(*args, **kwargs)
            self.records.append({"kind": "call", "name": name, "args": asked, "value": _plain(result, name),
                                 "effects": module_states(args)})
            return result

        return call


def _plain(value: Any, name: str, *, objects: bool = False) -> Any:
    """`value` in the protocol's JSON form; `Untranslatable` when it holds an object that is not data.

    With `objects`, such an object is kept as its type name (arguments such as a callable
    are matched by type when the test is replayed).
    """
    encoded = protocol.encode(value)
    text = json.dumps(encoded)
    if (not objects and f'"{protocol.OBJECT}"' in text) or f'"{protocol.HANDLE}"' in text:
        raise Untranslatable(f"the reference's {name} involves an object that is not plain data, "
                             f"so its result cannot be recorded")
    return json.loads(text)


def _namespace(source: str, label: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": label}
    exec(compile(source, label, "exec"), namespace)
    return namespace


def translate_test(assignment: Assignment, case: TestCase, root: Path, solution: str) -> CourseTest:
    """The Otter form of `case`; raises `Untranslatable` when it cannot pass on the solution once replayed."""
    path = assignment.directory / ("public.py" if case.public else "hidden.py")
    source = source_of_test(path, case.name)
    question = assignment.question(case.question)
    info = {"assignment": assignment.id, "name": case.name, "question": case.question,
            "description": case.description, "public": case.public, "section": question.section,
            "lecture": assignment.lecture, "seed": seed_for(assignment.id, case.name), "timeout": case.timeout}
    reference = "[]"
    if "ref" in case_parameters(case):
        recorder = _Recorder(course.reference(assignment.id, root))
        namespace = _namespace(solution, f"solution_{assignment.id}")
        student = Student(LocalTransport(namespace), CallLog(), math.inf)
        fixtures = {"student": student, "ref": recorder, "rng": np.random.default_rng(info["seed"])}
        recipes.reset()  # each test on its own, as in a fresh process
        try:
            with as_module(assignment.id, namespace):
                case.function(**{name: fixtures[name] for name in case_parameters(case)})
        except Untranslatable:
            raise
        except (Exception, SandboxError) as exc:  # noqa: BLE001 - any failure means it cannot be recorded
            raise Untranslatable(f"recording it on the reference failed ({type(exc).__name__}: {exc})") from None
        reference = json.dumps(recorder.records, separators=(",", ":"))
        if len(reference) > MAX_REFERENCE_CHARS:
            raise Untranslatable(f"the reference's results take {len(reference):,} characters "
                                 f"(at most {MAX_REFERENCE_CHARS:,} are embedded)")
    test = CourseTest(source, info, reference)
    recipes.reset()
    problem = test.feedback(_namespace(solution, f"solution_{assignment.id}"))
    if problem:
        reason = next((line.split(":", 1)[1].strip() for line in problem.splitlines() if line.startswith("Problem:")),
                      problem)
        raise Untranslatable(f"replayed in a kernel with the recorded reference, it fails on the solution ({reason})")
    return test


def case_parameters(case: TestCase) -> list[str]:
    """The fixtures a test asks for, by name."""
    return list(inspect.signature(case.function).parameters)


def translate(assignment: Assignment, root: Path) -> Translation:
    """Every test of `assignment`, public then hidden, translated or set aside with the reason."""
    solution = (root / "solutions" / f"{assignment.id}.py").read_text(encoding="utf-8")
    translation = Translation(assignment)
    for case in assignment.tests(hidden=True):
        try:
            translation.tests.append((case, translate_test(assignment, case, root, solution)))
        except Untranslatable as reason:
            translation.skipped.append((case, str(reason)))
    return translation


# --- the master notebook ------------------------------------------------------------------------


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
                names |= _defined(node)
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
        names = _defined(node) & answers
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
            + "    from autograder.distribute.otter_runtime import CourseTest\n\n"
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
        text.append(f"*Reread: {assignment.lecture} › {question.section}*")
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
student's code there can see and tamper with the tests. Use `grade run` (or the
Gradescope autograder of `grade build`) where that matters.

| assignment | tests translated | tests left out |
|---|---|---|
{rows}

{left_out}"""


def build(root: Path, out: Path) -> list[Path]:
    """Write `out/otter/`: a master notebook per assignment, the package the tests import, a README."""
    target = fresh_folder(out / "otter")
    written = [copy_package(target)]
    translations = []
    for assignment in course.all_assignments(root).values():
        translation = translate(assignment, root)
        translations.append(translation)
        path = target / f"{assignment.id}.ipynb"
        nbformat.write(master_notebook(assignment, root, translation), path)
        written.append(path)
    written.append(write_text(target / "requirements.txt", "\n".join(runtime_requirements(root)) + "\n"))
    written.append(write_text(target / "README.md", otter_readme(translations)))
    return written

"""A submission's code in a canonical form, one unit per function, so that a disguise changes nothing.

Parsed with `ast` (never executed), then rewritten so that what a copier changes to hide a
copy disappears:

- comments, docstrings, type annotations and formatting (the code is printed anew by `ast.unparse`);
- names: each function's parameters and local variables become v1, v2, … in order of first
  appearance; the submission's own helper functions are all `helper`; what the imports bind is
  written as the library name it stands for (`np.dot` and `numpy.dot` read `numpy.dot`); attribute
  and keyword names stay (they are the library's, not the student's);
- string constants become 'S' (messages are the easiest thing to reword);
- order: each function is its own unit, compared with the same function of the other submission,
  and the whole submission is its units sorted by name.

Statements found verbatim (after all this) in the student template, or in the course's
boilerplate, are left out: they are the course's, not the student's.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..integrity.uses import analyse
from ..pysource import is_docstring, statements

#: Units that are not one of the assignment's functions: every helper the student wrote, and module-level code.
HELPERS, MODULE = "(helpers)", "(module)"


@dataclass
class Unit:
    """One unit of a submission's code: its canonical `text`, its canonical `statements`, and where each
    came from (`spans`: `(start, end)` characters of `text` -> `(first, last)` original lines)."""

    name: str
    text: str = ""
    statements: list[str] = field(default_factory=list)
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def add(self, code: str, lines: tuple[int, int], indent: str = "") -> None:
        start = len(self.text)
        self.text += "\n".join(indent + line for line in code.splitlines()) + "\n"
        self.statements.append(code)
        self.spans.append(((start, len(self.text)), lines))

    def lines(self, start: int, end: int) -> set[int]:
        """The original lines of the statements that characters [start, end) of `text` come from."""
        return {line for (a, b), (first, last) in self.spans if a < end and start < b
                for line in range(first, last + 1)}


def normalise(source: str, functions: set[str], removed: dict[str, set[str]] | None = None) -> dict[str, Unit]:
    """`source` as canonical units: one per function of `functions` it defines, `HELPERS` and `MODULE`
    (units left empty are left out). `removed` holds the canonical statements to leave out, per unit name."""
    removed = removed or {}
    body = statements(source)
    aliases = {name: target for name, target in analyse(body).aliases.items() if not name.startswith("*")}
    helpers = {node.name for node in body if isinstance(node, _DEFINITIONS)} - functions
    units: dict[str, Unit] = {}
    for node in body:
        if is_docstring(node):
            continue
        named = isinstance(node, _DEFINITIONS)
        name = node.name if named and node.name in functions else HELPERS if named else MODULE
        unit = units.setdefault(name, Unit(name))
        skip = removed.get(name, set()) | removed.get(MODULE, set())
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            tree = _Canonical(aliases, helpers).function(node)
            kept = [s for s in tree.body if ast.unparse(s) not in skip]
            if kept:
                header = ast.unparse(type(tree)(**{**vars(tree), "body": [ast.Pass()], "decorator_list": []}))
                unit.add(header.splitlines()[0], (node.lineno, node.lineno))
                for statement in kept:
                    unit.add(ast.unparse(statement), _lines(statement, node), "    ")
        else:
            if isinstance(node, ast.ClassDef):
                node.body = [_Canonical(aliases, helpers).function(m) if isinstance(m, _FUNCTIONS) else m
                             for m in _strip(node).body]
            code = ast.unparse(_Canonical(aliases, helpers).visit(_strip(node)))
            if code.strip() and code not in skip:
                unit.add(code, _lines(node, node))
    return {name: unit for name, unit in sorted(units.items()) if unit.statements}


def canonical_statements(source: str, functions: set[str]) -> dict[str, set[str]]:
    """Every canonical statement of `source` (a template, the course's boilerplate), per unit name: what
    `normalise` leaves out of a submission."""
    return {name: set(unit.statements) for name, unit in normalise(source, functions).items()}


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _lines(node: ast.AST, parent: ast.AST) -> tuple[int, int]:
    first = getattr(node, "lineno", None) or getattr(parent, "lineno", 0)
    return first, getattr(node, "end_lineno", None) or first


def _strip(node: ast.AST) -> ast.AST:
    """`node` without docstrings and annotations (nested functions and classes too)."""
    for sub in ast.walk(node):
        if isinstance(sub, _DEFINITIONS):
            sub.body = [s for s in sub.body if not is_docstring(s)] or [ast.Pass()]
        if isinstance(sub, _FUNCTIONS):
            sub.returns = None
        if isinstance(sub, ast.arg):
            sub.annotation = None
        if isinstance(sub, ast.AnnAssign) and sub.value is None:
            sub.annotation = ast.Constant(None)
    return node


class _Canonical(ast.NodeTransformer):
    """Renames a definition's own names to v1, v2, … and what imports bind to their library names."""

    def __init__(self, aliases: dict[str, str], helpers: set[str]) -> None:
        self.aliases, self.helpers = aliases, helpers
        self.names: dict[str, str] = {}
        self.local: set[str] = set()

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.FunctionDef | ast.AsyncFunctionDef:
        """`node` (changed in place) with its parameters and locals renamed in order of first appearance."""
        node = _strip(node)
        self.local = {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}
        self.local |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        self.local |= {n.name for n in ast.walk(node) if isinstance(n, _DEFINITIONS) and n is not node}
        node.args = self.visit(node.args)
        node.body = [self.visit(s) for s in node.body]
        node.name = "helper" if node.name in self.helpers else node.name
        return node

    def _rename(self, name: str) -> str:
        return self.names.setdefault(name, f"v{len(self.names) + 1}")

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self._rename(node.arg) if node.arg in self.local else node.arg
        return node

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.local:
            node.id = self._rename(node.id)
        elif node.id in self.helpers:
            node.id = "helper"
        elif node.id in self.aliases:
            node.id = self.aliases[node.id]
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.name = self._rename(node.name) if node.name in self.local else node.name
        self.generic_visit(node)
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_alias(self, node: ast.alias) -> ast.alias:
        node.asname = None  # `import numpy as np` and `import numpy as npy` import the same thing
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        return ast.Constant("S") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.Constant:
        return ast.Constant("S")

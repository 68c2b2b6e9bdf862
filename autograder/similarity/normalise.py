"""A submission's code in a canonical form, one unit per function, so that a disguise changes nothing.

Parsed with `ast` (never executed), then rewritten so that what a copier changes to hide a
copy disappears:

- comments, docstrings, type annotations and formatting (the code is printed anew by `ast.unparse`);
- names: each function's parameters and local variables become v1, v2, … in order of first
  appearance; the submission's own helper functions are all `helper`; what the imports bind is
  written as the library name it stands for (`np.dot` and `numpy.dot` read `numpy.dot`); attribute
  and keyword names stay (they are the library's, not the student's);
- string constants become 'S' (messages are the easiest thing to reword);
- what changes nothing (`simplify`): no-op arithmetic (`x * 1`, `--x`), dead statements (`pass`,
  `if False:`, an unused assignment) and split temporaries (`t = a * b; y = t + c` reads `y = a * b + c`);
- the order of commutative operands (`order`): `b * a + c` and `c + a * b` read the same;
- order: each function is its own unit, compared with the same function of the other submission,
  and the whole submission is its units sorted by name.

Statements found verbatim (after all this) in the student template, or in the course's
boilerplate, are left out: they are the course's, not the student's.

The work is bounded: code that does not parse, nests deeper than `MAX_DEPTH` or has more than
`MAX_NODES` syntax nodes raises `NotNormalised`, with a sentence saying which.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..integrity.uses import module_aliases
from ..pysource import is_docstring, statements
from .order import order
from .simplify import simplify_function, simplify_statement
from .temporaries import MAX_DEPTH

#: Units that are not one of the assignment's functions: every helper the student wrote, and module-level code.
HELPERS, MODULE = "(helpers)", "(module)"
#: The most syntax nodes of code that is normalised, and (`MAX_DEPTH`) its deepest nesting: a solution to one
#: assignment has a few thousand nodes and nests some twenty deep; beyond these, one hand-in would slow the
#: class's report.
MAX_NODES = 50_000


class NotNormalised(ValueError):
    """A submission's code that cannot be normalised: it does not parse, or it is beyond the budget."""


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
    body = parse(source)
    aliases = {name: target for name, target in module_aliases(body).items() if not name.startswith("*")}
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
            tree = _function(node, aliases, helpers)
            kept = [(s, code) for s in tree.body if (code := ast.unparse(s)) not in skip]
            if kept:
                header = ast.unparse(type(tree)(**{**vars(tree), "body": [ast.Pass()], "decorator_list": []}))
                unit.add(header.splitlines()[0], (node.lineno, node.lineno))
                for statement, code in kept:
                    unit.add(code, _lines(statement, node), "    ")
            continue
        for statement in simplify_statement(_strip(node)):
            if isinstance(statement, ast.ClassDef):
                statement.body = [_function(m, aliases, helpers) if isinstance(m, _FUNCTIONS) else m
                                  for m in statement.body]
            code = ast.unparse(order(_Canonical(aliases, helpers).visit(statement)))
            if code.strip() and code not in skip:
                unit.add(code, _lines(statement, node))
    return {name: unit for name, unit in sorted(units.items()) if unit.statements}


def parse(source: str) -> list[ast.stmt]:
    """The top-level statements of `source` (those of its parts that parse, where one part does not), within
    the budget; `NotNormalised` where nothing parses or the code is beyond it."""
    try:
        body = ast.parse(source).body
    except SyntaxError as exc:
        body = statements(source)  # each top-level block that holds a syntax error blanked out
        if not body and source.strip():
            raise NotNormalised(f"its code does not parse: {exc.msg} (line {exc.lineno})") from None
    except (MemoryError, RecursionError):
        raise NotNormalised("its code is nested too deeply to parse") from None
    except ValueError as exc:
        raise NotNormalised(f"its code does not parse: {exc}") from None
    nodes, todo = 0, [(node, 1) for node in body]
    while todo:
        node, depth = todo.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise NotNormalised(f"its code is too large to compare: more than {MAX_NODES:,} syntax nodes")
        if depth > MAX_DEPTH:
            raise NotNormalised(f"its code nests more than {MAX_DEPTH} levels deep")
        todo += [(child, depth + 1) for child in ast.iter_child_nodes(node)]
    return body


def canonical_statements(source: str, functions: set[str]) -> dict[str, set[str]]:
    """Every canonical statement of `source` (a template, the course's boilerplate), per unit name: what
    `normalise` leaves out of a submission."""
    return {name: set(unit.statements) for name, unit in normalise(source, functions).items()}


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, aliases: dict[str, str],
              helpers: set[str]) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """A function definition in canonical form: what changes nothing taken away, names renamed, operands
    in order."""
    tree = _Canonical(aliases, helpers).function(simplify_function(_strip(node)))
    return order(tree)  # type: ignore[return-value]


def _lines(node: ast.AST, parent: ast.AST) -> tuple[int, int]:
    """The first and last original lines of a (canonical) statement: those of a temporary it took in too."""
    lines = [(n.lineno, n.end_lineno or n.lineno) for n in ast.walk(node) if getattr(n, "lineno", None)]
    first = min((first for first, _ in lines), default=getattr(parent, "lineno", 0))
    return first, max((last for _, last in lines), default=first)


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
        """`node` (changed in place, its docstrings and annotations gone: `_strip`) with its parameters and
        locals renamed in order of first appearance."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.arg):
                self.local.add(sub.arg)
            elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                self.local.add(sub.id)
            elif isinstance(sub, _DEFINITIONS) and sub is not node:
                self.local.add(sub.name)
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

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> ast.AST:
        """A comprehension's loop variables are named before the expression that reads them, which may read
        them in any order (`a * b for a in … for b in …` and `b * a …`)."""
        node.generators = [self.visit(g) for g in node.generators]
        node.elt = self.visit(node.elt)
        return node

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> ast.AST:
        node.generators = [self.visit(g) for g in node.generators]
        node.key, node.value = self.visit(node.key), self.visit(node.value)
        return node

    def visit_alias(self, node: ast.alias) -> ast.alias:
        node.asname = None  # `import numpy as np` and `import numpy as npy` import the same thing
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        return ast.Constant("S") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.Constant:
        return ast.Constant("S")

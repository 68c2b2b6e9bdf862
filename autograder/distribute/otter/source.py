"""A test's own source, to carry into an Otter test cell: the test function and what it needs.

The statements a test uses are taken from its file in file order, transitively; a relative
import of the assignment's shared helpers (`from .helpers import check_partition`) is
replaced by the helpers' own statements that define what it imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ...pysource import defined_names, first_line, is_docstring, used_names


class Untranslatable(Exception):
    """A test that cannot run in Otter; the message says why."""


def source_of_test(path: Path, name: str) -> str:
    """The source of test function `name` in `path` with the module-level statements it needs, in file order."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if not any(isinstance(n, ast.FunctionDef) and n.name == name for n in tree.body):
        raise Untranslatable(f"no function {name} at the top level of {path.name}")
    return "\n\n".join(_needed(path, {name}, top=True)) + "\n"


def _needed(path: Path, names: set[str], *, top: bool = False) -> list[str]:
    """The statements of `path` that define `names`, and recursively what they use, in file order."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    statements = [n for n in ast.parse(text).body if not is_docstring(n)]
    keep: set[int] = set()
    needed = set(names)
    changed = True
    while changed:
        changed = False
        for node in statements:
            future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
            if id(node) not in keep and (set(defined_names(node)) & needed or future and top):
                keep.add(id(node))
                needed |= used_names(node)
                changed = True
    parts = []
    for node in statements:
        if id(node) not in keep:
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            parts += _from_sibling(path, node, needed)
        else:
            parts.append("\n".join(lines[first_line(node) - 1:node.end_lineno]))
    return parts


def _from_sibling(path: Path, node: ast.ImportFrom, needed: set[str]) -> list[str]:
    """The statements a relative import brings (`from .helpers import f`), from the sibling file itself."""
    if node.level != 1 or not node.module:
        raise Untranslatable(f"{path.name} line {node.lineno}: only `from .module import name` is followed")
    aliased = [alias.name for alias in node.names if alias.asname and alias.asname != alias.name]
    if aliased:
        raise Untranslatable(f"{path.name} line {node.lineno}: a helper imported under another name ({aliased[0]})")
    imported = {alias.name for alias in node.names if alias.name in needed}
    return _needed(path.with_name(f"{node.module}.py"), imported)

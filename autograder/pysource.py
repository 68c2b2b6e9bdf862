"""Python source as statements: what a top-level statement defines, where it starts, and replacing one.

Shared by the templates' generator (`build`), the Otter translation and the project's tests;
nothing here executes the code it reads.
"""

from __future__ import annotations

import ast

from .sandbox.runtime.loader import MAX_SYNTAX_ERRORS, block_around


def statements(source: str) -> list[ast.stmt]:
    """The top-level statements of `source`; where it does not parse, those of the rest once each top-level
    block holding a syntax error is blanked out (as the sandbox's loader imports it), so that one broken
    definition hides only itself. Line numbers are those of `source`."""
    return parse(source)[0]


def parse(source: str) -> tuple[list[ast.stmt], str]:
    """`statements(source)`, and why the parser gave up on it ("" when it did not): nesting too deep for
    it, or more than it could hold in memory. A file of null bytes has no statements, and no problem."""
    lines = source.splitlines(keepends=True)
    for _ in range(MAX_SYNTAX_ERRORS):
        try:
            return ast.parse("".join(lines)).body, ""
        except SyntaxError as exc:
            start, end = block_around(lines, min(max((exc.lineno or 1) - 1, 0), max(len(lines) - 1, 0)))
            lines[start:end] = ["\n"] * (end - start)
        except ValueError:
            return [], ""
        except RecursionError:
            return [], "it is nested too deeply for Python's parser"
        except MemoryError:
            return [], "parsing it needs more memory than the grader allows"
    return [], ""


def defined_names(node: ast.stmt) -> list[str]:
    """The names a top-level statement binds, in order: a def's or class's name, the names an
    import binds (top-level package names), or the names assigned to."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    names: list[str] = []
    for target in targets:
        for sub in ast.walk(target) if target is not None else []:
            if isinstance(sub, ast.Name) and sub.id not in names:
                names.append(sub.id)
    return names


def used_names(node: ast.AST) -> set[str]:
    """Every name a statement reads or writes."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def first_line(node: ast.stmt) -> int:
    """The 1-based first line of a statement, its decorators included."""
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def replace_definition(source: str, name: str, replacement: str) -> str:
    """`source` with the top-level statement defining `name` (a function, class or constant) replaced."""
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if name in defined_names(node) and not isinstance(node, (ast.Import, ast.ImportFrom)):
            start = first_line(node) - 1
            return "\n".join(lines[:start] + replacement.strip("\n").splitlines() + lines[node.end_lineno:]) + "\n"
    raise KeyError(f"{name} is not defined at top level")

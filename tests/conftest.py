"""Shared helpers for the project's own tests."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _course_root(monkeypatch):
    """Every test sees this repository as the course, wherever pytest was started."""
    monkeypatch.setenv("GRADE_COURSE_DIR", str(ROOT))


def solution_source(assignment_id: str) -> str:
    return (ROOT / "solutions" / f"{assignment_id}.py").read_text(encoding="utf-8")


def replace_definition(source: str, name: str, replacement: str) -> str:
    """`source` with the top-level definition (function or constant) of `name` replaced by `replacement`."""
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in tree.body:
        names = [node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else [
            n.id for t in getattr(node, "targets", []) for n in ast.walk(t) if isinstance(n, ast.Name)]
        if name in names:
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
            return "\n".join(lines[:start] + replacement.strip("\n").splitlines() + lines[node.end_lineno:]) + "\n"
    raise KeyError(f"{name} is not defined at top level")

"""Import a submission one top-level statement at a time, so that one broken definition hides nothing else.

A syntax error hides only the statements it breaks (the rest is salvaged chunk by
chunk); a statement that raises, even `SystemExit`, becomes a note and the next
statement still runs. The report says what failed, as plain data.
"""

from __future__ import annotations

import ast
import os
import sys
import types
from typing import Any

from .session import describe, student_traceback


def split_statements(source: str, filename: str) -> tuple[list[tuple[int, Any]], list[dict]]:
    """Compile `source` into top-level statements, salvaging what a syntax error spares.

    Returns `(code objects with their first line, syntax errors)`; each error is
    `{"line", "message", "names"}` where `names` are the definitions it hid.
    """
    try:
        tree = ast.parse(source, filename)
    except SyntaxError:
        return _salvage(source, filename)
    compiled = []
    for node in tree.body:
        module = ast.Module(body=[node], type_ignores=[])
        compiled.append((node.lineno, compile(module, filename, "exec")))
    return compiled, []


def chunks(lines: list[str]) -> list[tuple[int, int]]:
    """Line ranges [start, end) that begin at column 0 with code (decorators join their def)."""
    starts: list[int] = []
    for i, line in enumerate(lines):
        continuation = line[:1] in ("", " ", "\t", "\n", "#", ")", "]", "}")
        if continuation or line.startswith(("else", "elif", "except", "finally")):
            continue
        after_decorators = starts and all(lines[j].startswith("@") for j in range(starts[-1], i))
        if not after_decorators:
            starts.append(i)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return [(s, e) for s, e in zip(starts, starts[1:] + [len(lines)])]


def _salvage(source: str, filename: str) -> tuple[list[tuple[int, Any]], list[dict]]:
    lines = source.splitlines(keepends=True)
    pieces = chunks(lines)
    compiled, errors = [], []
    i = 0
    while i < len(pieces):
        start = pieces[i][0]
        for j in range(i, min(i + 4, len(pieces))):
            end = pieces[j][1]
            text = "\n" * start + "".join(lines[start:end])
            try:
                tree = ast.parse(text, filename)
            except SyntaxError as exc:
                error = exc
                continue
            for node in tree.body:
                module = ast.Module(body=[node], type_ignores=[])
                compiled.append((node.lineno, compile(module, filename, "exec")))
            i = j + 1
            break
        else:
            end = pieces[i][1]
            chunk_error = _first_error("\n" * start + "".join(lines[start:end]), filename) or error
            errors.append({
                "line": chunk_error.lineno or start + 1,
                "message": f"{type(chunk_error).__name__}: {chunk_error.msg}",
                "names": _defined_names(lines[start:end]),
            })
            i += 1
    return compiled, errors


def _first_error(text: str, filename: str) -> SyntaxError | None:
    try:
        ast.parse(text, filename)
    except SyntaxError as exc:
        return exc
    return None


def _defined_names(lines: list[str]) -> list[str]:
    names = []
    for line in lines:
        for keyword in ("def ", "async def ", "class "):
            if line.startswith(keyword):
                names.append(line[len(keyword):].split("(")[0].split(":")[0].strip())
        head = line.split("=")[0].strip()
        if "=" in line and not line.startswith((" ", "\t")) and head.isidentifier():
            names.append(head)
    return names


def load_module(path: str, name: str) -> tuple[types.ModuleType, dict]:
    """Execute the submission statement by statement; report what failed."""
    with open(path, encoding="utf-8") as f:
        source = f.read()
    module = types.ModuleType(name)
    module.__file__ = os.path.abspath(path)
    sys.modules[name] = module
    compiled, syntax_errors = split_statements(source, os.path.basename(path))
    runtime_errors = []
    for line, code in compiled:
        try:
            exec(code, module.__dict__)
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything, SystemExit included
            runtime_errors.append({"line": line, "message": describe(exc), "traceback": student_traceback(exc)})
    report = {"syntax_errors": syntax_errors, "runtime_errors": runtime_errors}
    return module, report

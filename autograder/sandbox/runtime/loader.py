"""Import a submission one top-level statement at a time, so that one broken definition hides nothing else.

A syntax error hides only the top-level block it is in (the rest is parsed again
without it); a statement that raises, even `SystemExit`, becomes a note and the next
statement still runs. The report says what failed, as plain data.
"""

from __future__ import annotations

import ast
import os
import sys
import types
from typing import Any

from .session import describe, student_traceback

#: The most syntax errors reported (and blanked out) in one file.
MAX_SYNTAX_ERRORS = 20
_CONTINUATIONS = ("else", "elif", "except", "finally", "case")


def split_statements(source: str, filename: str) -> tuple[list[tuple[int, Any]], list[dict]]:
    """Compile `source` into top-level statements, sparing all that a syntax error does not break.

    Python's own parser finds each error; only the top-level block around it (the `def` it
    is in, with its decorators) is blanked out, line numbers kept, and the file is parsed
    again, so valid code around an error causes no further errors. Returns `(code objects with
    their first line, syntax errors)`; each error is `{"line", "message", "names", "text",
    "offset"}`: Python's message, the names the blanked block would have defined, and the line
    with the column of the error.
    """
    lines = source.splitlines(keepends=True)
    errors: list[dict] = []
    for _ in range(MAX_SYNTAX_ERRORS):
        try:
            tree = ast.parse("".join(lines), filename)
            break
        except SyntaxError as exc:
            line = min(max((exc.lineno or 1) - 1, 0), max(len(lines) - 1, 0))
            start, end = block_around(lines, line)
            errors.append({"line": line + 1, "message": f"{type(exc).__name__}: {exc.msg}",
                           "names": _defined_names(lines[start:end]), "text": (exc.text or "").rstrip("\n")[:200],
                           "offset": int(exc.offset or 0)})
            lines[start:end] = ["\n"] * (end - start)
    else:
        return [], errors
    compiled = []
    for node in tree.body:
        module = ast.Module(body=[node], type_ignores=[])
        compiled.append((node.lineno, compile(module, filename, "exec")))
    return compiled, errors


def _starts_statement(line: str) -> bool:
    """Whether a line begins a top-level statement: code at column 0, not the rest of one."""
    return line[:1] not in ("", " ", "\t", "\n", "\r", "#", ")", "]", "}") and not line.startswith(_CONTINUATIONS)


def block_around(lines: list[str], index: int) -> tuple[int, int]:
    """Lines [start, end) of the top-level block holding line `index`, decorators included."""
    start = next((i for i in range(index, -1, -1) if _starts_statement(lines[i])), 0)
    while start > 0 and lines[start - 1].startswith("@"):
        start -= 1
    end = next((i for i in range(index + 1, len(lines)) if _starts_statement(lines[i])), len(lines))
    return start, end


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

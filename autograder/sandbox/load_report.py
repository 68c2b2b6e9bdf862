"""The student's process's report on importing the submission, as the grader reads it: untrusted, so checked
field by field and cut to size before anything of it is used (`runner.Sandbox`)."""

from __future__ import annotations

from typing import Any

from .runtime import protocol
from .runtime.protocol import expect

#: The most import errors of each kind the grader keeps from the child's report.
MAX_REPORTED_ERRORS = 10


def read_load_report(report: Any) -> dict:
    """The child's report on importing the submission, checked field by field and cut to size:
    `{"syntax_errors": [{"line", "message", "names", "text", "offset"}], "runtime_errors": [{"line",
    "message"}]}` (`text` and `offset`: the line of a syntax error, and its column)."""
    report = expect(report, dict)
    checked: dict[str, list[dict]] = {}
    for kind in ("syntax_errors", "runtime_errors"):
        entries = []
        for entry in expect(report.get(kind, []), list)[:MAX_REPORTED_ERRORS]:
            entry = expect(entry, dict)
            names = [expect(n, str)[:100] for n in expect(entry.get("names", []), list)[:20]]
            entries.append({"line": expect(entry.get("line"), int), "names": names,
                            "message": expect(entry.get("message"), str)[:protocol.MAX_ERROR_TEXT["message"] // 4],
                            "text": expect(entry.get("text", ""), str)[:200],
                            "offset": expect(entry.get("offset", 0), int)})
        checked[kind] = entries
    return checked

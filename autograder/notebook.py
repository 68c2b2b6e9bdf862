"""`check(...)` for a student's notebook: the public tests on the kernel's current definitions.

This runs in the student's own kernel, on the student's own machine, so it
needs no sandbox: requests go to the sandbox runtime's own `Session` on the
notebook's globals, and every request and reply makes the round trip through
the plain-data protocol, as on the sandbox's channel. A check cell and the
grader therefore see the same values, errors and tracebacks.
"""

from __future__ import annotations

import os
from typing import Any

from .course import Course
from .sandbox.runtime import protocol
from .sandbox.runtime.session import Session


class LocalTransport:
    """Requests answered in this process by a `Session` on `namespace`; nothing but JSON crosses."""

    def __init__(self, namespace: dict[str, Any], where: str = "this notebook (run its cell first)") -> None:
        self._session = Session(namespace, where)
        self._next_id = 1

    def _exchange(self, message: dict) -> Any:
        request = protocol.loads(protocol.dumps({"id": self._next_id, **message}))
        self._next_id += 1
        return protocol.read_reply(protocol.loads(protocol.dumps(self._session.answer(request))))

    def call(self, target: Any, args: tuple = (), kwargs: dict | None = None, *,
             method: str | None = None, timeout: float = 10.0) -> Any:
        return self._exchange(protocol.call_request(target, args, kwargs, method))

    def get(self, name: str, timeout: float = 10.0) -> Any:
        return self._exchange(protocol.get_request(name))

    def build(self, recipe: protocol.Recipe, timeout: float = 10.0) -> Any:
        return self._exchange(protocol.build_request(recipe))

    def load_report(self) -> dict:
        return {"syntax_errors": [], "runtime_errors": []}  # the kernel ran the cells itself

    def take_output(self) -> str:
        return ""  # printed output goes straight to the notebook


def check(assignment_id: str, question: str, namespace: dict[str, Any]) -> bool:
    """Run the public tests of one question on `namespace` (pass `globals()`); print the verdict."""
    if os.environ.get("GRADE_SANDBOX"):
        return True  # inside the grader's sandbox a notebook's check cells do nothing
    from rich.console import Console

    from .grading import run_tests
    from .reports.wording import explain

    assignment = Course.load().get(assignment_id)  # an entry point: the check cell, in the student's kernel
    result = run_tests(assignment, LocalTransport(namespace), hidden=False, questions={question})
    console = Console(highlight=False)
    for test in result.tests:
        mark = "[green]✓ passed[/]" if test.passed else "[bold red]✗ failed[/]"
        console.print(f"{mark} {test.description}")
        if not test.passed:
            console.print(explain(test), markup=False)
        elif test.verdict.note:
            console.print(f"  note: {test.verdict.note}", markup=False)
    passed = all(t.passed for t in result.tests)
    if passed:
        console.print(f"[green]All public tests of {question} pass.[/] Hidden tests check more cases.")
    return passed

"""`check(...)` for a student's notebook: the public tests on the kernel's current definitions.

This runs in the student's own kernel, on the student's own machine, so it
needs no sandbox: the calls go straight to the notebook's namespace. Values
still make the round trip through the plain-data protocol, so a check passes
here exactly when it would pass in the grader.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any

from . import assignments as course
from .sandbox import protocol
from .sandbox.runner import RemoteError


def _remote_error(exc: Exception) -> RemoteError:
    """An exception as the sandbox reports it: as data."""
    return RemoteError(type(exc).__name__, [c.__name__ for c in type(exc).__mro__], f"{type(exc).__name__}: {exc}", "")


class LocalTransport:
    """Calls functions of `namespace` directly; results pass through the protocol's encoding."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self._objects: dict[int, Any] = {}
        self.last_warnings: list[str] = []

    def _store(self, value: Any) -> protocol.Handle:
        self._objects[len(self._objects) + 1] = value
        return protocol.Handle(len(self._objects), f"{type(value).__module__}.{type(value).__qualname__}")

    def _build(self, value: Any) -> Any:
        if isinstance(value, protocol.Recipe):
            from .sandbox import recipes

            return recipes.build(value.name, self._build(value.args))
        if isinstance(value, protocol.Handle):
            return self._objects[value.id]
        if isinstance(value, (list, tuple)):
            return type(value)(self._build(v) for v in value)
        if isinstance(value, dict):
            return {k: self._build(v) for k, v in value.items()}
        return value.copy() if hasattr(value, "flags") else value

    def _round_trip(self, value: Any) -> Any:
        return protocol.decode(json.loads(json.dumps(protocol.encode(value, self._store))))

    def get(self, name: str, timeout: float = 10.0) -> Any:
        if name not in self.namespace:
            return RemoteError("MissingName", ["MissingName"], f"{name} is not defined in this notebook", "")
        return self._round_trip(self.namespace[name])

    def build(self, recipe: protocol.Recipe, timeout: float = 10.0) -> Any:
        try:
            return self._round_trip(self._build(recipe))
        except Exception as exc:  # noqa: BLE001 - report like the sandbox does
            return _remote_error(exc)

    def call(self, target: Any, args: tuple = (), kwargs: dict | None = None, *,
             method: str | None = None, timeout: float = 10.0) -> Any:
        try:
            if isinstance(target, protocol.Handle):
                function = self._objects[target.id]
            elif target in self.namespace:
                function = self.namespace[target]
            else:
                return RemoteError("MissingName", ["MissingName"],
                                   f"{target} is not defined in this notebook (run its cell first)", "")
            if method:
                function = getattr(function, method)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                value = function(*self._build(list(args)), **self._build(kwargs or {}))
            self.last_warnings = [f"{w.category.__name__}: {w.message}" for w in caught[:5]]
        except Exception as exc:  # noqa: BLE001 - report like the sandbox does
            return _remote_error(exc)
        return self._round_trip(value)


def check(assignment_id: str, question: str, namespace: dict[str, Any]) -> bool:
    """Run the public tests of one question on `namespace` (pass `globals()`); print the verdict."""
    if os.environ.get("GRADE_SANDBOX"):
        return True  # inside the grader's sandbox a notebook's check cells do nothing
    from rich.console import Console

    from .grading import run_tests

    assignment = course.get(assignment_id)
    result = run_tests(assignment, LocalTransport(namespace), hidden=False, questions={question})
    console = Console(highlight=False)
    for test in result.tests:
        mark = "[green]✓ passed[/]" if test.passed else "[bold red]✗ failed[/]"
        console.print(f"{mark} {test.description}")
        if not test.passed:
            console.print(test.feedback, markup=False)
    passed = all(t.passed for t in result.tests)
    if passed:
        console.print(f"[green]All public tests of {question} pass.[/] Hidden tests check more cases.")
    return passed

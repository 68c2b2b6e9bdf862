"""Calls answered in this process, by the sandbox runtime's own `Session` on a namespace: no sandbox.

Otter's exports run the course's tests this way in the student's kernel, as Otter runs its own (its
trust model: README, "Hand out"); the tests of the grader use it too. Every request and reply still
makes the round trip through the plain-data protocol, so values, errors and tracebacks are those the
sandbox's channel gives. A notebook's check cell does not use it: it grades as `grade check` does
(`notebook`).
"""

from __future__ import annotations

from typing import Any

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
        return {"syntax_errors": [], "runtime_errors": []}  # the namespace's code ran already

    def take_output(self) -> str:
        return ""  # printed output went where this process prints

"""The request loop's handler: each of the grader's requests, answered with plain data.

One `Session` serves one namespace: the submission's module in the sandbox's
child, or a notebook's globals for its check cells, so that a check cell and the
grader see the same replies, errors, warnings and tracebacks. Requests are

    {"id", "op": "get", "name"}                              a module-level value
    {"id", "op": "build", "recipe"}                          a trusted object (see `recipes`)
    {"id", "op": "call", "target", "method", "args", "kwargs"}

and each reply is `{"id", "ok", "value" | "error"}` (see `protocol`), with `"forbidden"` when the call
used what its function must not (`guard`). Objects that are not plain data stay here behind handles,
each guarded as the call that made it.
"""

from __future__ import annotations

import os
import traceback
from typing import Any

from . import guard, protocol
from .errors import GRADER, STUDENT

MAX_TRACEBACK_CHARS = 4000
MAX_MESSAGE_CHARS = 500
RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__))


class MissingName(Exception):
    """The grader asked for a name the submission does not define."""


class RecipeFailed(Exception):
    """A trusted recipe could not be built: the grader's failure, not the student's."""


class Session:
    """Answers requests on `namespace`; `where` names it in messages ("your submission", "this notebook");
    `forbidden` holds the rules each function's calls are guarded by (`guard.install`)."""

    def __init__(self, namespace: dict[str, Any], where: str = "your submission",
                 forbidden: dict[str, frozenset[str]] | None = None) -> None:
        self.namespace = namespace
        self.where = where
        self.forbidden = forbidden or {}
        self._objects: dict[int, Any] = {}
        self._rules: dict[int, frozenset[str]] = {}  # handle -> the rules of the call that made its object
        self._making: frozenset[str] = frozenset()

    def answer(self, request: dict) -> dict:
        """The reply to one decoded request; never raises."""
        self._making = frozenset()
        try:
            value = self._handle(request)
            reply = {"id": request["id"], "ok": True, "value": protocol.encode(value, self._store)}
        except BaseException as exc:  # noqa: BLE001 - every failure is reported as data
            reply = {"id": request["id"], "ok": False, "error": error_data(exc)}
        uses = guard.take_uses()
        return {**reply, "forbidden": uses} if uses else reply

    def _handle(self, request: dict) -> Any:
        op = request["op"]
        if op == "get":
            return self._lookup(request["name"])
        if op == "build":
            return self._live(protocol.decode(request["recipe"]))
        if op == "call":
            target = protocol.decode(request["target"])
            function = self._object(target) if isinstance(target, protocol.Handle) else self._lookup(target)
            if request.get("method"):
                function = getattr(function, request["method"])
            args = self._live(protocol.decode(request["args"]))
            kwargs = self._live(protocol.decode(request["kwargs"]))
            self._making = (self._rules.get(target.id, frozenset()) if isinstance(target, protocol.Handle)
                            else self.forbidden.get(target, frozenset()) if isinstance(target, str) else frozenset())
            if not self._making:
                return function(*args, **kwargs)
            with guard.forbidding(self._making):
                return function(*args, **kwargs)
        raise ValueError(f"unknown operation {op!r}")

    def _lookup(self, name: str) -> Any:
        if name not in self.namespace:
            raise MissingName(f"{name} is not defined in {self.where}")
        return self.namespace[name]

    def _store(self, value: Any) -> protocol.Handle:
        self._objects[len(self._objects) + 1] = value
        self._rules[len(self._objects)] = self._making
        return protocol.Handle(len(self._objects), f"{type(value).__module__}.{type(value).__qualname__}")

    def _object(self, handle: protocol.Handle) -> Any:
        return self._objects[handle.id]

    def _live(self, value: Any) -> Any:
        """Decoded arguments with recipes built and handles replaced by their objects."""
        if isinstance(value, protocol.Recipe):
            from . import recipes  # deferred: some recipes import torch

            args = self._live(value.args)
            try:
                return recipes.build(value.name, args)
            except Exception as exc:  # noqa: BLE001 - whatever broke, it was the grader's object
                raise RecipeFailed(f"the grader could not build {value.name}: {describe(exc)}") from exc
        if isinstance(value, protocol.Handle):
            return self._object(value)
        if isinstance(value, list):
            return [self._live(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self._live(v) for v in value)
        if isinstance(value, dict):
            return {k: self._live(v) for k, v in value.items()}
        if hasattr(value, "flags"):  # decoded arrays arrive read-only; students may write to theirs
            return value.copy()
        return value


def error_data(exc: BaseException, origin: str | None = None) -> dict:
    """An exception as the `error` of a reply."""
    grader = origin == GRADER or isinstance(exc, RecipeFailed)
    return {"type": type(exc).__name__, "mro": [c.__name__ for c in type(exc).__mro__],
            "message": describe(exc), "traceback": "" if grader else student_traceback(exc),
            "origin": GRADER if grader else STUDENT}


def describe(exc: BaseException) -> str:
    """`Type: message`, at most `MAX_MESSAGE_CHARS` characters."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + "…"


def student_traceback(exc: BaseException) -> str:
    """The traceback's frames in the student's code (the runtime's own left out), then the exception."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if not os.path.abspath(f.filename).startswith(RUNTIME_DIR + os.sep)]
    text = "".join(traceback.format_list(own)) + describe(exc)
    return text[-MAX_TRACEBACK_CHARS:]

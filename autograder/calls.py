"""The submission as the grader's tests see it: calls that cross to the sandbox, recorded.

A test receives a `Student` and writes `student.predict(X, w, b)`. The call is
sent as plain data through a transport (the sandbox for grading, the notebook
kernel for a student's own check), the answer is decoded, and the call and its
result are kept so that a failed check can say what was called and what came
back.
"""

from __future__ import annotations

import builtins
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from .sandbox.runtime.errors import CallTimeout, RemoteError
from .sandbox.runtime.guard import Guarded
from .sandbox.runtime.protocol import Handle, Opaque, Recipe

_monotonic = time.monotonic


class Transport(Protocol):
    """Where calls go: `Sandbox` in the grader, `LocalTransport` in this process (Otter's exports, tests).

    `call`, `get` and `build` return the decoded value, or a `RemoteError` for an exception
    raised there; a failure of the transport itself raises a `SandboxError`.
    """

    def call(self, target: Any, args: tuple = (), kwargs: dict | None = None, *,
             method: str | None = None, timeout: float = 10.0) -> Any: ...

    def get(self, name: str, timeout: float = 10.0) -> Any: ...

    def build(self, recipe: Recipe, timeout: float = 10.0) -> Any: ...

    def load_report(self) -> dict:
        """How importing the submission went: `{"syntax_errors": [...], "runtime_errors": [...]}`."""
        ...

    def take_output(self) -> str:
        """What the submission printed since the last time this was asked."""
        ...


_BUILTIN_EXCEPTIONS = frozenset(name for name, value in vars(builtins).items()
                                 if isinstance(value, type) and issubclass(value, BaseException))


def builtin_name(error: RemoteError) -> str:
    """The exception's type when it is one of Python's own (a name that cannot carry data), else
    "an exception": what a hidden test may say of what the student's code raised."""
    return error.type if error.type in _BUILTIN_EXCEPTIONS else "an exception"


class Called:
    """One call into the submission as feedback shows it, `name(args...)`: written out only when a
    failed public test shows it (most calls pass, and a hidden test shows none)."""

    __slots__ = ("name", "_args", "_kwargs", "_text")

    def __init__(self, name: str, args: tuple = (), kwargs: dict | None = None) -> None:
        self.name = name
        self._args, self._kwargs = _snapshot(args), _snapshot(kwargs or {})  # as they were when called
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = format_call(self.name, self._args, self._kwargs)
            self._args, self._kwargs = (), {}
        return self._text


def _snapshot(value: Any) -> Any:
    """`value` with its arrays copied, so that a test changing them after the call does not change its feedback."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_snapshot(v) for v in value)
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    return value


class StudentRaised(Exception):
    """Student code raised an exception during `called` (a `Called`, or its text)."""

    def __init__(self, called: Called | str, error: RemoteError) -> None:
        super().__init__(called, error)
        self.called = called
        self.error = error

    @property
    def call(self) -> str:
        return str(self.called)

    @property
    def name(self) -> str:
        """The name of what was called."""
        return self.called.name if isinstance(self.called, Called) else self.called.split("(")[0].strip()

    def __str__(self) -> str:
        return f"{self.call} raised {self.error.message}"


@dataclass
class CallRecord:
    """One call into the submission and what came back."""

    called: Called | str
    value: Any = None

    @property
    def call(self) -> str:
        return str(self.called)


@dataclass
class CallLog:
    """Calls made by one test, newest last, and the forbidden uses the student's process reported during
    them (`(function called, use)`: see `sandbox.runtime.guard`)."""

    records: list[CallRecord] = field(default_factory=list)
    forbidden: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, called: Called | str, value: Any) -> None:
        self.records.append(CallRecord(called, value))

    def find(self, value: Any) -> CallRecord | None:
        """The call that returned `value` (or a tuple/list/dict holding it), else the latest call."""
        for record in reversed(self.records):
            if _contains(record.value, value):
                return record
        return self.records[-1] if self.records else None


def _contains(container: Any, value: Any) -> bool:
    if container is value:
        return True
    if isinstance(container, (tuple, list)):
        return any(item is value for item in container)
    if isinstance(container, dict):
        return any(item is value for item in container.values())
    return False


class Student:
    """The student's module, reached only through `transport`.

    Attribute access gives a callable that calls the function of that name;
    `constant(name)` reads a module constant. Every call shares the test's
    wall-clock `deadline`.
    """

    def __init__(self, transport: Transport, log: CallLog, deadline: float, call_timeout: float = 10.0,
                 timed_out: dict[str, str] | None = None) -> None:
        self._transport = transport
        self._log = log
        self._deadline = deadline
        self._call_timeout = call_timeout
        self._timed_out = {} if timed_out is None else timed_out  # function -> the call that hung, shared

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return RemoteFunction(self, name)

    def build(self, recipe: Recipe) -> Any:
        """Build a trusted recipe in the student's process and keep it there: a `RemoteObject`
        (a model, a loader...) to pass to later calls or to call, or plain data."""
        value = self._transport.build(recipe, timeout=self._timeout())
        return self._finish(f"{recipe!r} (built by the grader)", value)

    def constant(self, name: str) -> Any:
        value = self._transport.get(name, timeout=self._timeout())
        call = f"{name} (module constant)"
        return self._finish(call, value)

    def _timeout(self) -> float:
        return max(0.0, min(self._call_timeout, self._deadline - _monotonic()))

    def _invoke(self, label: str, target: Any, args: tuple, kwargs: dict, method: str | None = None) -> Any:
        call = Called(label, args, kwargs)
        args, kwargs = _handles(args), _handles(kwargs)
        if label in self._timed_out:
            self._log.add(call, None)
            raise CallTimeout(f"{label} already ran out of time on {self._timed_out[label]}, "
                              f"so it is not called again")
        try:
            value = self._transport.call(target, args, kwargs, method=method, timeout=self._timeout())
        except CallTimeout:
            self._timed_out[label] = str(call)
            self._log.add(call, None)
            raise
        return self._finish(call, value)

    def _finish(self, call: Called | str, value: Any) -> Any:
        if isinstance(value, Guarded):  # what it used that its question forbids, whatever it answered
            name = call.name if isinstance(call, Called) else call
            self._log.forbidden += [(name, use) for use in value.uses]
            value = value.value
        if isinstance(value, RemoteError):
            self._log.add(call, None)
            raise StudentRaised(call, value)
        if isinstance(value, Handle):
            value = RemoteObject(self, value, call)
        self._log.add(call, value)
        return value


def _handles(value: Any) -> Any:
    """Arguments with every `RemoteObject` (also inside recipes) replaced by its handle."""
    if isinstance(value, RemoteObject):
        return value.handle
    if isinstance(value, Recipe):
        return Recipe(value.name, **_handles(value.args))
    if isinstance(value, (list, tuple)):
        return type(value)(_handles(v) for v in value)
    if isinstance(value, dict):
        return {k: _handles(v) for k, v in value.items()}
    return value


class RemoteFunction:
    """A function of the submission; calling it calls it in the sandbox."""

    def __init__(self, student: Student, name: str) -> None:
        self._student = student
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._student._invoke(self.name, self.name, args, kwargs)

    def __repr__(self) -> str:
        return f"<submission function {self.name}>"


class RemoteObject:
    """An object that stays in the sandbox (a model, say); call it or its methods by name."""

    def __init__(self, student: Student, handle: Handle, origin: str) -> None:
        self._student = student
        self.handle = handle
        self.origin = origin

    @property
    def type_name(self) -> str:
        return self.handle.type_name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._student._invoke("model", self.handle, args, kwargs)

    def method(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._student._invoke(f"model.{name}", self.handle, args, kwargs, method=name)

    def __repr__(self) -> str:
        return f"<{self.handle.type_name} returned by {self.origin}>"


def format_value(value: Any) -> str:
    """A short, readable rendering of an argument or result for feedback."""
    if isinstance(value, np.ndarray):
        return _format_array(value)
    if isinstance(value, float):
        return repr(value) if len(repr(value)) <= 12 else f"{value:.10g}"
    if isinstance(value, (Recipe, Handle, Opaque, RemoteObject)):
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(format_value(v) for v in value)
        return f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, list):
        if len(value) > 12:
            return "[" + ", ".join(format_value(v) for v in value[:6]) + f", … ({len(value)} items)]"
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {format_value(v)}" for k, v in value.items()) + "}"
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "…"


_FORMATTED: dict[tuple[str, tuple[int, ...], bytes], str] = {}  # (dtype, shape, digest of the bytes) -> text
MAX_FORMATTED = 4096


def _format_array(value: np.ndarray) -> str:
    """`format_value` of an array, kept by content: a worker's tests call every student with the same inputs,
    and numpy takes a third of a millisecond to write one out."""
    key = None
    if not value.dtype.hasobject:
        data = np.ascontiguousarray(value).reshape(-1).view(np.uint8)
        key = (value.dtype.str, value.shape, hashlib.blake2b(data, digest_size=16).digest())
        if key in _FORMATTED:
            return _FORMATTED[key]
    text = np.array2string(value, precision=6, threshold=12, edgeitems=3, separator=", ", max_line_width=1000)
    text = " ".join(text.split())  # one line, whatever the number of dimensions
    text = f"array({text})" if value.ndim else text
    if key is not None:
        if len(_FORMATTED) >= MAX_FORMATTED:
            _FORMATTED.clear()
        _FORMATTED[key] = text
    return text


def format_call(name: str, args: tuple, kwargs: dict) -> str:
    parts = [format_value(a) for a in args] + [f"{k}={format_value(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"

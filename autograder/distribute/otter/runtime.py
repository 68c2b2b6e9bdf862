"""One of the course's tests, run in a notebook's kernel: the runtime of the Otter distribution.

Otter-Grader runs tests in the student's own kernel, so they cannot use the
sandbox. Each Otter test here is one of the course's own test functions: its
source (from public.py or hidden.py, with the helpers it uses), the fixed seed
of its `rng`, and, for a hidden test, the reference's results recorded when
the distribution was built. The test calls the notebook's functions through
`LocalTransport` (in the kernel, as Otter runs tests), and judges them with the
same checks as the grader. Nothing secret is imported: hidden tests get
`RecordedReference`, the reference's answers to the test's own inputs, never
its code.
"""

from __future__ import annotations

import inspect
import json
import math
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ...calls import CallLog, Student
from ...local_transport import LocalTransport
from ...reports.wording import explain
from ...results import TestResult, Verdict
from ...sandbox.runtime import protocol, recipes
from ...sandbox.runtime.errors import CallTimeout
from ...verdicts import TestCall, judge


class ReplayError(AssertionError):
    """A hidden test asked the recorded reference something it was not asked at build time."""


def module_states(args: tuple | list) -> dict[str, Any]:
    """`{position: state_dict as plain data}` of the torch modules among `args`: what a reference
    function that trains a model in place did to it."""
    torch = sys.modules.get("torch")  # no torch loaded: no modules among the arguments
    if torch is None:
        return {}
    return {str(i): protocol.encode({k: v.detach().cpu().numpy() for k, v in arg.state_dict().items()})
            for i, arg in enumerate(args) if isinstance(arg, torch.nn.Module)}


def _load_states(args: tuple, effects: dict[str, Any]) -> None:
    """Put the recorded states back into the modules among `args` (see `module_states`)."""
    import torch

    for position, state in effects.items():
        args[int(position)].load_state_dict({k: torch.as_tensor(v.copy())
                                             for k, v in protocol.decode(state).items()})


class RecordedReference:
    """`ref` for a hidden test: each attribute read or call answers with the next recorded result.

    `records` are `{"kind": "call" | "get", "name", "args", "value", "effects"}` with `args`
    and `value` in the protocol's JSON form. A call must ask for the same function with
    the same arguments (within 1e-9) as the test did when it was recorded; `effects` are
    the states the reference left in the torch modules it was given (a model it trained),
    put back into the test's own modules.
    """

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self._records = list(records)
        self._next = 0

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        record = self._peek(name)
        if record["kind"] == "get":
            self._next += 1
            return protocol.decode(record["value"])
        return lambda *args, **kwargs: self._call(name, args, kwargs)

    def _peek(self, name: str) -> dict[str, Any]:
        if self._next >= len(self._records):
            raise ReplayError(f"the reference was asked for {name} more times than when this test was built")
        record = self._records[self._next]
        if record["name"] != name:
            raise ReplayError(f"the reference was asked for {name}; when this test was built it was asked for "
                              f"{record['name']} at this point")
        return record

    def _call(self, name: str, args: tuple, kwargs: dict) -> Any:
        record = self._peek(name)
        self._next += 1
        asked = protocol.decode(json.loads(json.dumps(protocol.encode([list(args), kwargs]))))
        if not _same(asked, protocol.decode(record["args"])):
            raise ReplayError(f"the reference's result for {name} on these inputs was not recorded (the inputs "
                              f"depend on an earlier result that differs from the reference's)")
        _load_states(args, record.get("effects", {}))
        return protocol.decode(record["value"])


def _same(a: Any, b: Any) -> bool:
    """Equal plain data, numbers within 1e-9 relative."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
            return False
        if a.dtype.kind in "fc":
            return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and (
            math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b)))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, protocol.Opaque) and isinstance(b, protocol.Opaque):
        return a.type_name == b.type_name  # an argument that is not data (a callable): matched by type
    if isinstance(a, protocol.Recipe) and isinstance(b, protocol.Recipe):
        return a.name == b.name and _same(a.args, b.args)
    return type(a) is type(b) and a == b


class CourseTest:
    """One test of the course, ready to run on a notebook's namespace.

    `source` defines the test function named `info["name"]` (and what it uses);
    `info` holds `assignment, name, question, description, public, reread, seed,
    timeout`, and `recipes` where the test sends the course's own objects (`[[module, source]]`:
    `recipes.load_course`); `reference` is the JSON list of recorded reference results (empty for
    a test that does not use `ref`).
    """

    def __init__(self, source: str, info: dict[str, Any], reference: str = "[]") -> None:
        self.source = source
        self.info = info
        self.reference = reference

    def function(self) -> Any:
        """The test function, defined afresh from `source` in a namespace of its own."""
        namespace: dict[str, Any] = {"__name__": f"otter_{self.info['assignment']}_{self.info['name']}"}
        exec(compile(self.source, f"<test {self.info['assignment']}.{self.info['name']}>", "exec"), namespace)
        return namespace[self.info["name"]]

    def run(self, env: dict[str, Any]) -> None:
        """Run the test on the functions in `env` (the notebook's globals); raise AssertionError with feedback."""
        feedback = self.feedback(env)
        if feedback:
            raise AssertionError(feedback)

    def verdict(self, env: dict[str, Any]) -> Verdict:
        """Run the test on the functions in `env` and judge it, as the grader does."""
        recipes.load_course(self.info.get("recipes", []))
        log = CallLog()
        student = Student(LocalTransport(env), log, math.inf, call_timeout=float(self.info["timeout"]))
        fixtures = {"student": lambda: student,
                    "ref": lambda: RecordedReference(json.loads(self.reference)),
                    "rng": lambda: np.random.default_rng(int(self.info["seed"]))}
        function = self.function()
        with _time_limit(float(self.info["timeout"])):
            call = TestCall.run(function, {name: fixtures[name]() for name in inspect.signature(function).parameters},
                                log)
        return judge(call, public=bool(self.info["public"]), reread=self.info["reread"], plain=(ReplayError,))

    def feedback(self, env: dict[str, Any]) -> str:
        """'' when the test passes on `env`, else the feedback a student reads (as the grader words it)."""
        verdict = self.verdict(env)
        if verdict.passed:
            return ""
        info = self.info
        return explain(TestResult(info["assignment"], info["question"], info["name"], info["description"],
                                  bool(info["public"]), 0.0, verdict))


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise `CallTimeout` (a BaseException: student code cannot swallow it) after `seconds`, where signals allow."""
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread() and seconds > 0

    def expire(signum: int, frame: Any) -> None:
        raise CallTimeout(f"the test did not finish within {seconds:g} s (an endless loop, or far too slow?)")

    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

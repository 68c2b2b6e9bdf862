"""Translating a test for Otter: run it once on the reference, record what the reference answered.

A hidden test asks the reference for expected values. Otter's kernel must not hold the
reference, so the test runs here once, on the solution, with `ref` a recorder: every read
and call of the reference is written down with its arguments, its result and the weights
it left in the models it was given. The Otter cell replays those records
(`runtime.RecordedReference`). A test is kept only when, replayed, it passes on the solution.
"""

from __future__ import annotations

import inspect
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...assignments import Assignment
from ...calls import CallLog, Student
from ...grading import seed_for
from ...local_transport import LocalTransport
from ...sandbox.runtime import protocol, recipes
from ...sandbox.runtime.errors import SandboxError
from ...testing import TestCase
from .runtime import CourseTest, module_states
from .source import Untranslatable, source_of_test

#: The largest recorded reference (JSON characters) embedded in one test.
MAX_REFERENCE_CHARS = 400_000


@dataclass
class Translation:
    """The Otter tests of one assignment, and the tests left out with the reason."""

    assignment: Assignment
    tests: list[tuple[TestCase, CourseTest]] = field(default_factory=list)
    skipped: list[tuple[TestCase, str]] = field(default_factory=list)

    def of(self, question: str) -> list[tuple[TestCase, CourseTest]]:
        return [(case, test) for case, test in self.tests if case.question == question]


class _Recorder:
    """`ref` while a test is recorded: the real reference, with every read and call written down."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.records: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._module, name)
        if not callable(value):
            self.records.append({"kind": "get", "name": name, "args": None, "value": _plain(value, name)})
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            asked = _plain([list(args), kwargs], name, objects=True)  # before the call may change them
            result = value(*args, **kwargs)
            self.records.append({"kind": "call", "name": name, "args": asked, "value": _plain(result, name),
                                 "effects": module_states(args)})
            return result

        return call


def _plain(value: Any, name: str, *, objects: bool = False) -> Any:
    """`value` in the protocol's JSON form; `Untranslatable` when it holds an object that is not data.

    With `objects`, such an object is kept as its type name (arguments such as a callable
    are matched by type when the test is replayed).
    """
    encoded = protocol.encode(value)
    text = json.dumps(encoded)
    if (not objects and f'"{protocol.OBJECT}"' in text) or f'"{protocol.HANDLE}"' in text:
        raise Untranslatable(f"the reference's {name} involves an object that is not plain data, "
                             f"so its result cannot be recorded")
    return json.loads(text)


def _namespace(source: str, label: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": label}
    exec(compile(source, label, "exec"), namespace)
    return namespace


def translate_test(assignment: Assignment, case: TestCase, root: Path, solution: str) -> CourseTest:
    """The Otter form of `case`; raises `Untranslatable` when it cannot pass on the solution once replayed."""
    path = assignment.directory / ("public.py" if case.public else "hidden.py")
    source = source_of_test(path, case.name)
    info = {"assignment": assignment.id, "name": case.name, "question": case.question,
            "description": case.description, "public": case.public, "reread": assignment.reread(case.question),
            "seed": seed_for(assignment.id, case.name), "timeout": case.timeout}
    if assignment.recipes is not None and "recipe(" in source:  # the kernel builds what the test sends
        info["recipes"] = [[assignment.id, assignment.recipes.read_text(encoding="utf-8")]]
    reference = "[]"
    if "ref" in case_parameters(case):
        recorder = _Recorder(assignment.reference())
        namespace = _namespace(solution, f"solution_{assignment.id}")
        student = Student(LocalTransport(namespace), CallLog(), math.inf)
        fixtures = {"student": student, "ref": recorder, "rng": np.random.default_rng(info["seed"])}
        recipes.reset()  # each test on its own, as in a fresh process
        try:
            case.function(**{name: fixtures[name] for name in case_parameters(case)})
        except Untranslatable:
            raise
        except (Exception, SandboxError) as exc:  # noqa: BLE001 - any failure means it cannot be recorded
            raise Untranslatable(f"recording it on the reference failed ({type(exc).__name__}: {exc})") from None
        reference = json.dumps(recorder.records, separators=(",", ":"))
        if len(reference) > MAX_REFERENCE_CHARS:
            raise Untranslatable(f"the reference's results take {len(reference):,} characters "
                                 f"(at most {MAX_REFERENCE_CHARS:,} are embedded)")
    test = CourseTest(source, info, reference)
    recipes.reset()
    verdict = test.verdict(_namespace(solution, f"solution_{assignment.id}"))
    if not verdict.passed:
        raise Untranslatable(f"replayed in a kernel with the recorded reference, it fails on the solution "
                             f"({verdict.problem})")
    return test


def case_parameters(case: TestCase) -> list[str]:
    """The fixtures a test asks for, by name."""
    return list(inspect.signature(case.function).parameters)


def translate(assignment: Assignment, root: Path) -> Translation:
    """Every test of `assignment`, public then hidden, translated or set aside with the reason."""
    solution = (root / "solutions" / f"{assignment.id}.py").read_text(encoding="utf-8")
    translation = Translation(assignment)
    for case in assignment.tests(hidden=True):
        try:
            translation.tests.append((case, translate_test(assignment, case, root, solution)))
        except Untranslatable as reason:
            translation.skipped.append((case, str(reason)))
    return translation

"""An assignment: `assignments/<id>/` read into a typed, checked `Assignment`, and its tests.

    assignments/<id>/assignment.toml   number, title, lecture, packages, timeout, [limits], gpu, [sandbox],
                                       [[questions]] (name, points, functions, section, context, lecture,
                                       forbidden) and the [integrity] policies
    assignments/<id>/public.py         the lecture's worked examples; shown to students
    assignments/<id>/hidden.py         random inputs vs the reference, edge cases; grader only
    assignments/<id>/helpers.py        optional: what both share (`from .helpers import ...`); public
    assignments/<id>/recipes.py        optional: the trusted objects its tests have the student's process build

An assignment.toml is checked as it is read (`read_assignment`): an unknown key, a value of the
wrong type or a limit that does not exist is one sentence naming the file and the key
(`CourseError`). The course as a whole is `course.Course`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.machinery
import importlib.util
import json
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .errors import CourseError
from .sandbox.limits import Limits

if TYPE_CHECKING:
    from .testing import TestCase

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


#: The file of a copy of the course without hidden tests that holds each question's total test weight.
WEIGHTS = "weights.json"
#: The parent of every assignment's test package (see `_test_package`).
TEST_PACKAGES = "_grade_tests"
#: `[integrity] forbidden = ...` and `unchecked = ...`: a forbidden use (code the check could not cover) is
#: reported only, or costs its question's points.
POLICIES = ("flag", "zero")
_KEYS = {"number", "title", "lecture", "intro", "timeout", "packages", "limits", "gpu", "sandbox", "integrity",
         "questions"}
_QUESTION_KEYS = {"name", "points", "functions", "section", "context", "lecture", "forbidden"}
_SANDBOX_KEYS = {"mounts", "recipes"}


@dataclass(frozen=True)
class Question:
    """A graded part of an assignment, usually one function."""

    name: str
    points: float
    functions: tuple[str, ...]
    section: str
    context: str = ""
    lecture: str = ""  # when the question's section is in another lecture than the assignment's
    #: Library names its functions must not use, e.g. "numpy.polyfit", "torch.autograd", ".backward"
    #: (any attribute of that name); found statically in the source (`integrity.forbidden`).
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    id: str
    number: int
    title: str
    lecture: str
    questions: tuple[Question, ...]
    directory: Path
    #: The reference solution (instructors only: absent from the student bundle).
    solution: Path
    intro: str = ""
    timeout: float = 120.0
    limits: Limits = Limits()
    #: The third-party packages the student's code may import (None: every installed one); the
    #: sandbox's filesystem view holds only these and what they depend on.
    packages: tuple[str, ...] | None = None
    #: What a forbidden use costs: "flag" (reported, points kept) or "zero" (its question's tests fail).
    policy: str = "flag"
    #: What code the source check could not fully check costs (`[integrity] unchecked`): "flag" (reported for
    #: review) or "zero" (the questions it may hide a use in fail: all of them, when the whole module is unchecked).
    unchecked: str = "flag"
    #: Whether grading it wants a GPU (`gpu = true`): a cluster sends it to workers that have one.
    gpu: bool = False
    #: `[sandbox] mounts`: files the student's process may read besides its code ($VARIABLES expanded, globs
    #: matched when a sandbox starts; a pattern that matches nothing mounts nothing).
    mounts: tuple[str, ...] = ()
    #: `[sandbox] recipes`: the module of trusted objects its tests have the student's process build.
    recipes: Path | None = None

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)

    @functools.cached_property
    def uses_torch(self) -> bool:
        """Whether the student's code may import torch: `packages` says so, or (where it names none) the
        solution or one of the assignment's test files mentions it."""
        if self.packages is not None:
            return "torch" in self.packages
        files = [self.solution] + [self.directory / name for name in ("public.py", "helpers.py", "hidden.py")]
        return any("torch" in path.read_text(encoding="utf-8") for path in files if path.exists())

    @property
    def has_hidden_tests(self) -> bool:
        """Whether this copy of the course holds the assignment's hidden tests (the student bundle does not)."""
        return (self.directory / "hidden.py").exists()

    def question(self, name: str) -> Question:
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(f"{self.id} has no question {name!r}")

    def reread(self, question: str) -> str:
        """Where a student reads up on `question`: "lecture › section" (the question's own lecture
        when it names one, else the assignment's)."""
        q = self.question(question)
        return f"{q.lecture or self.lecture} › {q.section}"

    def tests(self, hidden: bool = True) -> list[TestCase]:
        """The public tests, then (with `hidden`) the hidden ones, in file order. `CourseError` when a test
        file cannot be imported or names a question the assignment does not have."""
        files = [("public", True)] + ([("hidden", False)] if hidden else [])
        cases: list[TestCase] = []
        for stem, public in files:
            if (self.directory / f"{stem}.py").exists():
                cases += _collect(_test_module(self.directory, self.id, stem), public)
        if self.recipes is not None:  # the grader builds twins of the objects its tests send (`recipes.build`)
            from .sandbox.runtime.recipes import load_course

            load_course([(self.id, self.recipes.read_text(encoding="utf-8"))])
        names = {q.name for q in self.questions}
        seen: set[str] = set()
        for case in cases:
            if case.question not in names:
                raise CourseError(f"test {case.name} of {self.id} names unknown question {case.question!r}; "
                                  f"expected one of {', '.join(sorted(names))}")
            if case.name in seen:  # a test's name is its id in results and in the Otter export
                raise CourseError(f"two tests of {self.id} are named {case.name}: rename one")
            seen.add(case.name)
        return cases

    def weights(self) -> dict[str, float]:
        """Each question's tests' weights summed over all its tests, hidden ones included: from the tests where
        this copy of the course has them, else from `weights.json` (the student bundle's: it has no hidden
        tests, and a public test is worth there what it is worth when graded)."""
        if self.has_hidden_tests:
            totals: dict[str, float] = {}
            for case in self.tests(hidden=True):
                totals[case.question] = totals.get(case.question, 0.0) + case.weight
            return totals
        shipped = self.directory / WEIGHTS
        if shipped.is_file():
            try:
                data = json.loads(shipped.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CourseError(f"{shipped} could not be read: {exc}") from None
            return {str(k): float(v) for k, v in data.items()}
        return {}

    def reference(self) -> ModuleType:
        """The reference solution, imported in the grader's process only."""
        if not self.solution.exists():
            raise CourseError(f"no reference solution at {self.solution}: hidden tests need the instructor's "
                              f"repository")
        return _import_file(self.solution, f"_grade_solutions.{self.id}_{zlib.crc32(str(self.solution).encode())}")


def read_assignment(toml: Path, solutions: Path) -> Assignment:
    """The assignment that `toml` (an assignment.toml) describes, its reference in `solutions/`. `CourseError`
    names the file and the key of the first thing that is wrong."""
    where = _Where(toml)
    try:
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CourseError(f"{toml} could not be read: {exc}") from None
    where.keys(data, _KEYS, "")
    questions = where.required(data, "questions", list)
    if not questions:
        raise where.error("questions", "an assignment needs at least one [[questions]] table")
    integrity = where.table(data, "integrity", {"forbidden", "unchecked"})
    policies = {key: where.choice(integrity, key, POLICIES, f"[integrity] {key}") for key in ("forbidden", "unchecked")}
    sandbox = where.table(data, "sandbox", _SANDBOX_KEYS)
    recipes = where.optional(sandbox, "recipes", str, "[sandbox] recipes")
    if recipes is not None and not (toml.parent / recipes).is_file():
        raise where.error("[sandbox] recipes", f"{recipes!r} is not a file of {toml.parent.name}/")
    packages = where.optional(data, "packages", list)
    return Assignment(
        id=toml.parent.name, number=where.required(data, "number", int), title=where.required(data, "title", str),
        lecture=where.required(data, "lecture", str), questions=tuple(where.question(q, i) for i, q in
                                                                       enumerate(questions, start=1)),
        directory=toml.parent, solution=solutions / f"{toml.parent.name}.py",
        intro=where.optional(data, "intro", str) or "", timeout=where.positive(data, "timeout", 120.0),
        limits=where.limits(where.table(data, "limits", {f.name for f in fields(Limits)})),
        packages=None if packages is None else tuple(where.strings(packages, "packages")),
        policy=policies["forbidden"], unchecked=policies["unchecked"],
        gpu=bool(where.optional(data, "gpu", bool)),
        mounts=tuple(where.strings(where.optional(sandbox, "mounts", list, "[sandbox] mounts") or [],
                                   "[sandbox] mounts")),
        recipes=None if recipes is None else toml.parent / recipes,
    )


class _Where:
    """Reading one assignment.toml: each value's type checked, each error a sentence naming the file and key."""

    def __init__(self, toml: Path) -> None:
        self.toml = toml

    def error(self, key: str, problem: str) -> CourseError:
        return CourseError(f"{self.toml}: {key}: {problem}")

    def keys(self, table: dict, allowed: set[str], where: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.error(f"{where}{unknown[0]}".strip(), f"no such setting; expected one of "
                                                             f"{', '.join(sorted(allowed))}")

    def required(self, table: dict, key: str, kind: type, name: str | None = None) -> Any:
        if key not in table:
            raise self.error(name or key, f"missing; every assignment.toml sets {key}")
        return self.optional(table, key, kind, name)

    def optional(self, table: dict, key: str, kind: type, name: str | None = None) -> Any:
        value = table.get(key)
        if value is not None and (not isinstance(value, kind) or kind is int and isinstance(value, bool)):
            raise self.error(name or key, f"{value!r} is not {_KINDS[kind]}")
        return value

    def table(self, data: dict, key: str, allowed: set[str]) -> dict:
        table = self.optional(data, key, dict, f"[{key}]") or {}
        self.keys(table, allowed, f"[{key}] ")
        return table

    def choice(self, table: dict, key: str, options: tuple[str, ...], name: str) -> str:
        value = table.get(key, options[0])
        if value not in options:
            raise CourseError(f"{self.toml}: {name} = {value!r}; expected one of {', '.join(options)}")
        return value

    def positive(self, table: dict, key: str, default: float, name: str | None = None) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self.error(name or key, f"{value!r} is not a number of 0 or more")
        return float(value)

    def strings(self, values: list, name: str) -> list[str]:
        if not all(isinstance(v, str) for v in values):
            raise self.error(name, "should be a list of strings")
        return values

    def limits(self, table: dict) -> Limits:
        defaults = {f.name: f.default for f in fields(Limits)}
        return Limits(**{key: type(defaults[key])(self.positive(table, key, 0, f"[limits] {key}"))
                         for key in table})

    def question(self, table: object, index: int) -> Question:
        name = f"[[questions]] {index}"
        if not isinstance(table, dict):
            raise self.error(name, "should be a table")
        self.keys(table, _QUESTION_KEYS, f"{name} ")
        title = self.required(table, "name", str, f"{name} name")
        if "points" not in table:
            raise self.error(f"{name} points", "missing; every question has its points")
        return Question(title, self.positive(table, "points", 0, f"{name} points"),
                        tuple(self.strings(self.optional(table, "functions", list) or [title], f"{name} functions")),
                        self.required(table, "section", str, f"{name} section"),
                        self.optional(table, "context", str) or "", self.optional(table, "lecture", str) or "",
                        tuple(self.strings(self.optional(table, "forbidden", list) or [], f"{name} forbidden")))


_KINDS = {int: "a whole number", str: "text", list: "a list", dict: "a table", bool: "true or false"}


@functools.cache
def _test_package(directory: Path, assignment_id: str) -> str:
    """The name of a package made of `directory`, so that its test files share helpers through relative
    imports (`from .helpers import ...`); one per folder, so two courses' assignments never meet."""
    sys.modules.setdefault(TEST_PACKAGES, ModuleType(TEST_PACKAGES))
    name = f"{TEST_PACKAGES}.{assignment_id}_{zlib.crc32(str(directory).encode()):08x}"
    spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
    spec.submodule_search_locations = [str(directory)]
    sys.modules[name] = importlib.util.module_from_spec(spec)
    return name


def _test_module(directory: Path, assignment_id: str, stem: str) -> ModuleType:
    """`directory/<stem>.py` imported as a module of the assignment's test package; `CourseError` naming the file
    when it cannot be (a test file's own bug is the course's, never a student's)."""
    try:
        with _no_bytecode():
            return importlib.import_module(f"{_test_package(directory, assignment_id)}.{stem}")
    except Exception as exc:  # noqa: BLE001 - whatever the test file's bug, it is the course's
        raise CourseError(f"{directory / stem}.py could not be imported: {type(exc).__name__}: {exc}") from exc


@functools.cache
def _import_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with _no_bytecode():
        spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def _no_bytecode() -> Iterator[None]:
    """Grading reads the course folder and never writes to it, not even `__pycache__`."""
    previous, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        yield
    finally:
        sys.dont_write_bytecode = previous


def _collect(module: ModuleType, public: bool) -> list[TestCase]:
    from .testing import TestCase

    cases = []
    for name, function in vars(module).items():
        meta = getattr(function, "__grade_test__", None)
        if meta is not None and callable(function) and function.__module__ == module.__name__:
            cases.append(TestCase(name=name, function=function, public=public, **meta))
    return cases

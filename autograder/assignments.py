"""Assignment definitions: `assignments/<id>/assignment.toml` plus its public and hidden tests.

    assignments/<id>/assignment.toml   title, lecture, packages, questions (name, points, functions, section,
                                       context, forbidden) and the [integrity] policy
    assignments/<id>/public.py         the lecture's worked examples; shown to students
    assignments/<id>/hidden.py         random inputs vs the reference, edge cases; grader only
    assignments/<id>/helpers.py        optional: what both share (`from .helpers import ...`); public

The course directory holds `assignments/` (and, for instructors, `solutions/`).
It is `$GRADE_COURSE_DIR`, else the nearest folder at or above the working
directory that has `assignments/`, else the one beside this package.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.machinery
import importlib.util
import os
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .testing import TestCase

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


#: The parent of every assignment's test package (see `_test_package`).
TEST_PACKAGES = "_grade_tests"
#: `[integrity] forbidden = ...` and `unchecked = ...`: a forbidden use (code the check could not cover) is
#: reported only, or costs its question's points.
POLICIES = ("flag", "zero")


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
    intro: str = ""
    timeout: float = 120.0
    limits: dict = field(default_factory=dict)
    #: The third-party packages the student's code may import (None: every installed one); the
    #: sandbox's filesystem view holds only these and what they depend on.
    packages: tuple[str, ...] | None = None
    #: What a forbidden use costs: "flag" (reported, points kept) or "zero" (its question's tests fail).
    policy: str = "flag"
    #: What code the source check could not fully check costs (`[integrity] unchecked`): "flag" (reported for
    #: review) or "zero" (the questions it may hide a use in fail: all of them, when the whole module is unchecked).
    unchecked: str = "flag"

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)

    @functools.cached_property
    def uses_torch(self) -> bool:
        """Whether the student's code may import torch: `packages` says so, or (where it names none) the
        solution or one of the assignment's test files mentions it."""
        if self.packages is not None:
            return "torch" in self.packages
        files = [self.directory.parent.parent / "solutions" / f"{self.id}.py"]
        files += [self.directory / name for name in ("public.py", "helpers.py", "hidden.py")]
        return any("torch" in path.read_text(encoding="utf-8") for path in files if path.exists())

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
        """The public tests, then (with `hidden`) the hidden ones, in file order."""
        files = [("public", True)] + ([("hidden", False)] if hidden else [])
        cases: list[TestCase] = []
        for stem, public in files:
            if (self.directory / f"{stem}.py").exists():
                cases += _collect(_test_module(self.directory, self.id, stem), public)
        names = {q.name for q in self.questions}
        seen: set[str] = set()
        for case in cases:
            if case.question not in names:
                raise ValueError(f"test {case.name} of {self.id} names unknown question {case.question!r}")
            if case.name in seen:  # a test's name is its id in results and in the Otter export
                raise ValueError(f"two tests of {self.id} are named {case.name}: rename one")
            seen.add(case.name)
        return cases


class CourseError(Exception):
    """The course directory or an assignment cannot be found."""


def course_dir() -> Path:
    if "GRADE_COURSE_DIR" in os.environ:
        return Path(os.environ["GRADE_COURSE_DIR"]).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "assignments").is_dir():
            return folder
    beside = Path(__file__).resolve().parent.parent
    if (beside / "assignments").is_dir():
        return beside
    raise CourseError("no assignments/ folder found: run from the course folder or set GRADE_COURSE_DIR")


@functools.cache
def _load_all(root: Path) -> dict[str, Assignment]:
    found = {}
    for toml in sorted((root / "assignments").glob("*/assignment.toml")):
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
        questions = tuple(Question(q["name"], float(q["points"]), tuple(q.get("functions", [q["name"]])),
                                   q["section"], q.get("context", ""), q.get("lecture", ""),
                                   tuple(q.get("forbidden", ())))
                          for q in data["questions"])
        policy, unchecked = (data.get("integrity", {}).get(key, "flag") for key in ("forbidden", "unchecked"))
        for key, value in (("forbidden", policy), ("unchecked", unchecked)):
            if value not in POLICIES:
                raise CourseError(f"{toml}: [integrity] {key} = {value!r}; expected one of {', '.join(POLICIES)}")
        packages = data.get("packages")
        found[toml.parent.name] = Assignment(
            id=toml.parent.name, number=int(data["number"]), title=data["title"], lecture=data["lecture"],
            questions=questions, directory=toml.parent, intro=data.get("intro", ""),
            timeout=float(data.get("timeout", 120.0)), limits=data.get("limits", {}),
            packages=None if packages is None else tuple(packages), policy=policy, unchecked=unchecked,
        )
    return dict(sorted(found.items(), key=lambda item: item[1].number))


def all_assignments(root: Path | None = None) -> dict[str, Assignment]:
    """Every assignment of the course, in course order."""
    return _load_all(root or course_dir())


def get(assignment_id: str, root: Path | None = None) -> Assignment:
    assignments = all_assignments(root)
    if assignment_id not in assignments:
        raise CourseError(f"unknown assignment {assignment_id!r}; expected one of: {', '.join(assignments)}")
    return assignments[assignment_id]


def has_hidden_tests(assignment_ids: list[str], root: Path | None = None) -> bool:
    """Whether this copy of the course holds the hidden tests of these assignments (the student
    bundle does not); True when none is named."""
    assignments = [a for a in all_assignments(root).values() if a.id in assignment_ids]
    return not assignments or any((a.directory / "hidden.py").exists() for a in assignments)


def reference(assignment_id: str, root: Path | None = None) -> ModuleType:
    """The reference solution, imported in the grader's process only."""
    path = (root or course_dir()) / "solutions" / f"{assignment_id}.py"
    if not path.exists():
        raise CourseError(f"no reference solution at {path}: hidden tests need the instructor's repository")
    return _import_file(path, f"_grade_solutions.{assignment_id}")


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
    """`directory/<stem>.py` imported as a module of the assignment's test package."""
    with _no_bytecode():
        return importlib.import_module(f"{_test_package(directory, assignment_id)}.{stem}")


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

"""Assignment definitions: `assignments/<id>/assignment.toml` plus its public and hidden tests.

    assignments/<id>/assignment.toml   title, lecture, questions (name, points, functions, section, context)
    assignments/<id>/public.py         the lecture's worked examples; shown to students
    assignments/<id>/hidden.py         random inputs vs the reference, edge cases; grader only

The course directory holds `assignments/` (and, for instructors, `solutions/`).
It is `$GRADE_COURSE_DIR`, else the nearest folder at or above the working
directory that has `assignments/`, else the one beside this package.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
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


@dataclass(frozen=True)
class Question:
    """A graded part of an assignment, usually one function."""

    name: str
    points: float
    functions: tuple[str, ...]
    section: str
    context: str = ""
    lecture: str = ""  # when the question's section is in another lecture than the assignment's


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

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, name: str) -> Question:
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(f"{self.id} has no question {name!r}")

    def tests(self, hidden: bool = True) -> list[TestCase]:
        """The public tests, then (with `hidden`) the hidden ones, in file order."""
        files = [("public.py", True)] + ([("hidden.py", False)] if hidden else [])
        cases: list[TestCase] = []
        for filename, public in files:
            path = self.directory / filename
            if path.exists():
                cases += _collect(_import_file(path, f"_grade_tests.{self.id}.{path.stem}"), public)
        names = {q.name for q in self.questions}
        for case in cases:
            if case.question not in names:
                raise ValueError(f"test {case.name} of {self.id} names unknown question {case.question!r}")
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
                                   q["section"], q.get("context", ""), q.get("lecture", ""))
                          for q in data["questions"])
        found[toml.parent.name] = Assignment(
            id=toml.parent.name, number=int(data["number"]), title=data["title"], lecture=data["lecture"],
            questions=questions, directory=toml.parent, intro=data.get("intro", ""),
            timeout=float(data.get("timeout", 120.0)), limits=data.get("limits", {}),
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


def reference(assignment_id: str, root: Path | None = None) -> ModuleType:
    """The reference solution, imported in the grader's process only."""
    path = (root or course_dir()) / "solutions" / f"{assignment_id}.py"
    if not path.exists():
        raise CourseError(f"no reference solution at {path}: hidden tests need the instructor's repository")
    return _import_file(path, f"_grade_solutions.{assignment_id}")


@functools.cache
def _import_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _collect(module: ModuleType, public: bool) -> list[TestCase]:
    from .testing import TestCase

    cases = []
    for name, function in vars(module).items():
        meta = getattr(function, "__grade_test__", None)
        if meta is not None and callable(function):
            cases.append(TestCase(name=name, function=function, public=public, **meta))
    return cases

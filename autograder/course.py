"""The course: its assignments and its settings, found, loaded and checked once.

    <root>/assignments/<id>/   each assignment (`assignments.read_assignment`)
    <root>/course.toml         optional: due dates, the late policy, per-student inputs (`settings`)
    <root>/solutions/<id>.py   the references (the instructor's repository only)

A command, a batch's grading process or a cluster worker loads the course once, where it starts
(`Course.load`), and passes it down: no module looks the course up by itself. Where it is comes
from the caller, else `locate`. A broken course is one sentence that names the file and the key
(`CourseError`: the `grade` command exits with status 2).
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .assignments import Assignment, read_assignment
from .errors import CourseError, UnknownAssignment
from .settings import CourseSettings, read_settings

#: The variable that names the course folder (`grade` finds it from the working directory otherwise).
COURSE_DIR = "GRADE_COURSE_DIR"


def locate() -> Path:
    """The course folder: $GRADE_COURSE_DIR, else the nearest folder at or above the working directory that has
    `assignments/`, else the one beside this package. `CourseError` when none is found, or when
    $GRADE_COURSE_DIR names a folder that is not a course."""
    if COURSE_DIR in os.environ:
        named = Path(os.environ[COURSE_DIR]).expanduser().resolve()
        if not (named / "assignments").is_dir():
            what = "does not exist" if not named.exists() else "has no assignments/ folder"
            raise CourseError(f"{COURSE_DIR} is {str(named)!r}, which {what}: set it to the course folder (the one "
                              f"holding assignments/), or unset it to use the working directory's")
        return named
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "assignments").is_dir():
            return folder
    beside = Path(__file__).resolve().parent.parent
    if (beside / "assignments").is_dir():
        return beside
    raise CourseError("no assignments/ folder found here or above: run `grade` from the course folder, or set "
                      f"{COURSE_DIR} to it")


@dataclass(frozen=True)
class Course:
    """A course folder, read: its assignments in course order (by their numbers) and its settings."""

    root: Path
    assignments: dict[str, Assignment]
    settings: CourseSettings

    @classmethod
    def load(cls, root: Path | None = None) -> Course:
        """The course at `root` (default: `locate()`), every assignment.toml and course.toml checked."""
        root = (root or locate()).resolve()
        if not (root / "assignments").is_dir():
            raise CourseError(f"{str(root)!r} is not a course folder: it has no assignments/ folder")
        found = [read_assignment(toml, root / "solutions")
                 for toml in sorted((root / "assignments").glob("*/assignment.toml"))]
        numbers: dict[int, str] = {}
        for assignment in found:
            if assignment.number in numbers:
                raise CourseError(f"{assignment.directory / 'assignment.toml'}: number: {assignment.number} is "
                                  f"{numbers[assignment.number]}'s number too; each assignment has its own")
            numbers[assignment.number] = assignment.id
        assignments = {a.id: a for a in sorted(found, key=lambda a: a.number)}
        return cls(root, assignments, read_settings(root))

    @property
    def ids(self) -> list[str]:
        return list(self.assignments)

    def get(self, assignment_id: str) -> Assignment:
        """The assignment `assignment_id`; `UnknownAssignment` names the course's ids."""
        if assignment_id not in self.assignments:
            raise UnknownAssignment(f"{assignment_id!r} is not an assignment of this course; expected one of: "
                                    f"{', '.join(self.assignments)}")
        return self.assignments[assignment_id]

    def chosen(self, assignment_ids: Iterable[str] | None = None) -> list[Assignment]:
        """The assignments named (each checked), in course order; every one when none is named."""
        if assignment_ids is None:
            return list(self.assignments.values())
        wanted = {self.get(i).id for i in assignment_ids}
        return [a for a in self.assignments.values() if a.id in wanted]

    def has_hidden_tests(self, assignment_ids: Iterable[str]) -> bool:
        """Whether this copy of the course holds the hidden tests of these assignments (the student bundle does
        not); True when none is named."""
        chosen = [a for a in self.assignments.values() if a.id in set(assignment_ids)]
        return not chosen or any(a.has_hidden_tests for a in chosen)

    @functools.cached_property
    def version(self) -> str:
        """A digest of what grading depends on: the assignments (tests), the references, course.toml and the
        grader's own source. A cluster worker grades only tasks from a batch whose course has the same one."""
        digest = hashlib.sha256()
        package = Path(__file__).resolve().parent
        trees = [(self.root, self.root / "assignments"), (self.root, self.root / "solutions"),
                 (package.parent, package)]
        files = [(base, p) for base, tree in trees if tree.is_dir() for p in sorted(tree.rglob("*"))
                 if p.is_file() and p.suffix in (".py", ".toml", ".json") and "__pycache__" not in p.parts]
        files += [(self.root, self.root / "course.toml")] if (self.root / "course.toml").is_file() else []
        for base, path in files:
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()[:16]

    def __hash__(self) -> int:  # a frozen dataclass of dicts: hashed by where it is
        return hash(self.root)

"""The course's distributions, built by `grade build -o OUT`.

    OUT/student/      what students get: templates, notebooks, public tests, the grader (no secrets)
    OUT/gradescope/   Gradescope autograder zips: one per assignment, and `all/`
    OUT/otter/        Otter-Grader master notebooks
    OUT/classroom/    a GitHub Classroom template repository with its autograding workflow

Each target is a module of this package with `build(course, out) -> list[Path]`;
they are imported only when built, so `grade run` stays quick to start.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..course import Course

#: The distributions, in build order: each is `autograder.distribute.<name>.build`.
TARGETS = ("student", "gradescope", "otter", "classroom")


def build_all(course: Course, out: Path, targets: list[str] | None = None) -> dict[str, list[Path]]:
    """Build the distributions named in `targets` (all by default) of `course` into `out`.

    Returns `{target: files written}`. Raises `ValueError` for an unknown target and
    `student.LeakError` when a student-facing folder would hold solution code or hidden tests.
    """
    chosen = list(targets) if targets else list(TARGETS)
    unknown = [t for t in chosen if t not in TARGETS]
    if unknown:
        raise ValueError(f"unknown distribution(s) {', '.join(map(repr, unknown))}; "
                         f"expected some of: {', '.join(TARGETS)}")
    out.mkdir(parents=True, exist_ok=True)
    return {target: importlib.import_module(f"{__name__}.{target}").build(course, out) for target in chosen}

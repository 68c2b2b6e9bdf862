"""What a batch grades, and out of what: one assignment, or the whole course.

A platform's download holds one assignment (Canvas's or Moodle's "Download submissions", a Gradescope
assignment's export, a Classroom assignment's repositories): it is graded as that assignment, and every total
is out of its points, not the course's. Whole-course totals apply where the folder holds several assignments,
or with `--course`; `--assignment ID` names the one assignment. Which assignments a folder holds is read
from the names of its files (inside folders and zips too, as the loader names them), never from their code.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .course import Course
from .errors import UsageError
from .layouts import Layout, Part
from .loading import MAX_FOLDER_ENTRIES, MAX_ZIP_MEMBERS, assignment_of
from .names import listing
from .reports.wording import points

#: Where each layout's hand-ins come from, as the terminal names it.
SOURCES = {"canvas": "Canvas download", "gradescope": "Gradescope export", "classroom": "Classroom's repositories",
           "moodle": "Moodle download", "plain": "folder"}


@dataclass(frozen=True)
class Scope:
    """The assignment a batch grades alone (None: every assignment of the course) and why, in words."""

    assignment: str | None
    why: str

    def ids(self) -> list[str] | None:
        """The assignments chosen, as `Course.chosen` takes them."""
        return [self.assignment] if self.assignment else None


def decide(course: Course, found: Layout, assignment_id: str | None = None, whole_course: bool = False) -> Scope:
    """The batch's scope: `--assignment`'s, `--course`'s, else the one assignment the folder holds, else the
    whole course. `UsageError` for both options at once, or for an id the course does not have."""
    if assignment_id is not None and whole_course:
        raise UsageError("--assignment and --course contradict each other: --assignment ID grades one assignment "
                         "(totals out of its points), --course every assignment (out of the course's)")
    source = SOURCES.get(found.layout, "folder")
    if assignment_id is not None:
        course.get(assignment_id)
        return Scope(assignment_id, "chosen with --assignment")
    if whole_course:
        return Scope(None, "chosen with --course")
    ids = held(found, course.ids)
    if len(ids) == 1:
        return Scope(ids[0], f"the only assignment this {source} holds; --course: out of the whole course")
    if not ids:
        return Scope(None, f"no file of this {source} names its assignment; --assignment ID says which it is")
    return Scope(None, f"this {source} holds {len(ids)} assignments ({listing(ids, 3, 'more')}); --assignment ID "
                       f"grades one alone")


def heading(course: Course, scope: Scope) -> str:
    """The terminal's line on what the totals are out of, and why."""
    if scope.assignment is not None:
        assignment = course.get(scope.assignment)
        return (f"graded as one assignment, {assignment.id}: every total is out of its {points(assignment.points)} "
                f"points ({scope.why})")
    chosen = course.chosen()
    return (f"graded as the whole course: every total is out of {points(sum(a.points for a in chosen))} points, "
            f"{len(chosen)} assignments, a missing one scoring 0 ({scope.why})")


def held(found: Layout, known: list[str]) -> list[str]:
    """The assignments that the hand-ins' files are named for, in course order."""
    named = {assignment for hand_in in found.hand_ins for part in hand_in.parts for assignment in _named(part, known)}
    return [a for a in known if a in named]


def _named(part: Part, known: list[str]) -> set[str]:
    """The assignments `part` is for, as its names say: the layout's word, else its files' names."""
    if part.assignment is not None:
        return {part.assignment}
    return {a for name in _file_names(part.path) if (a := assignment_of(name, known)) is not None}


def _file_names(path: Path) -> Iterator[str]:
    """The names of the files in `path` (itself, a folder's, a zip's entries), at most as many as the loader reads;
    nothing from what cannot be read."""
    if path.is_file() and path.suffix != ".zip":
        yield path.name
    elif path.is_file():
        try:
            with zipfile.ZipFile(path) as archive:
                yield from (os.path.basename(n) for n in archive.namelist()[:MAX_ZIP_MEMBERS])
        except (zipfile.BadZipFile, OSError, ValueError, UnicodeDecodeError, EOFError, NotImplementedError):
            return
    elif path.is_dir() and not path.is_symlink():
        seen = 0
        for _, folders, names in os.walk(path):
            folders[:] = [f for f in folders if not f.startswith(".")]
            for name in names:
                seen += 1
                if seen > MAX_FOLDER_ENTRIES:
                    return
                yield name

"""Plain folders: each folder or zip under the folder is one student's; loose files are grouped by student.

    ada/                      student "ada": the folder
    bob.zip                   student "bob": the zip
    dave_linear_regression.py student "dave": the name before the assignment id (and any copy number)
    dave-gradient_descent.py  ... joined to dave's other files
    student07.py              student "student07" (the assignment then comes from --assignment)
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..loading import SUFFIXES, assignment_of
from ..names import shown
from .handins import HandIn, Layout, Part, each, entries

_SEPARATORS = "_- ."


def read(directory: Path, known: list[str]) -> Layout:
    by_student: dict[str, HandIn] = {}
    notes: list[str] = []
    failed: list[HandIn] = []

    def add(entry: Path) -> None:
        if entry.is_file() and entry.suffix in SUFFIXES:
            student = student_of(entry.name, known)
        else:
            student = entry.stem if entry.is_file() else entry.name
        hand_in = by_student.setdefault(student, HandIn(student, identity={"name": shown(student)}))
        hand_in.parts.append(Part(entry))

    each(entries(directory, notes), add, failed)
    return Layout("plain", "", list(by_student.values()) + failed, notes)


def student_of(file_name: str, known: list[str]) -> str:
    """Whose a loose file is: its stem without the assignment id at its end (and the separators and copy
    number around it): "dave_linear_regression-1.py" -> "dave"; the whole stem when nothing is left."""
    stem = PurePosixPath(file_name).stem
    assignment_id = assignment_of(file_name, known)
    if assignment_id is None:
        return stem
    at = stem.lower().rfind(assignment_id.lower())
    return stem[:at].rstrip(_SEPARATORS) or stem

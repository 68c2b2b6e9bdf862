"""Canvas's "Download Submissions": one zip of files, each renamed by Canvas, unzipped into one folder.

    doejane_123456_7890123_linear_regression.py        student doejane, Canvas user id 123456, attachment id
    doejane_late_123456_7890124_gradient_descent.ipynb  "late" (or LATE): Canvas marked the submission late
    smithjohn_123457_7890125_linear_regression-1.py     "-1": a re-submission; the highest number is the latest

The name is Canvas's (lowercase last name then first name, with or without "_"); the student
is the user id, joined to the roster's `canvas_id` (Canvas's ID column). Each file's time is
its submission time: Canvas writes it into the zip, and `unzip` keeps it. Where every file has
the same time, the zip was extracted by a tool that does not keep them: the times are then
not used (Canvas's late tag still is). Files that are not .py, .ipynb or .zip (a text entry's
.html) are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..loading import SUFFIXES
from ..names import shown
from .handins import HandIn, Layout, Part, each, entries, modified

PATTERN = re.compile(r"^(?P<name>[^_].*?)_(?:(?P<late>late)_)?(?P<user>\d+)_(?:(?P<attachment>\d+)_)?(?P<file>.+)$",
                     re.IGNORECASE)
_RESUBMITTED = re.compile(r"-(\d+)(\.[^.]+)$")
#: With at least this many files all within `_SAME_TIME` seconds of each other, their times are the extraction's.
_EXTRACTED, _SAME_TIME = 3, 2.0


def read(directory: Path, known: list[str]) -> Layout:
    students: dict[str, HandIn] = {}
    latest: dict[tuple[str, str], tuple[int, Path]] = {}
    notes: list[str] = []
    failed: list[HandIn] = []

    def add(entry: Path) -> None:
        match = PATTERN.match(entry.name)
        if match is None or not entry.is_file():
            notes.append(f"{shown(entry.name)}: not named as Canvas names a submission's file; left out")
            return
        user, file = match["user"], match["file"]
        hand_in = students.setdefault(user, HandIn(match["name"], identity={"name": shown(match["name"]),
                                                                                  "canvas_id": user}))
        if not file.endswith(SUFFIXES + (".zip",)):
            hand_in.notes.append(f"{shown(file)}: not a .py, .ipynb or .zip; left out")
            return
        number, base = _resubmission(file)
        earlier = latest.get((user, base))
        if earlier is not None and earlier[0] >= number:
            hand_in.notes.append(f"{shown(entry.name)}: an earlier submission of {shown(base)}; graded the latest")
            return
        submitted_at = modified(entry)
        if earlier is not None:
            hand_in.notes.append(f"{shown(earlier[1].name)}: an earlier submission of {shown(base)}; graded the "
                                 f"latest")
            hand_in.parts = [p for p in hand_in.parts if p.path != earlier[1]]
        latest[(user, base)] = (number, entry)
        hand_in.parts.append(Part(entry, submitted_at, marked_late=bool(match["late"])))

    each(entries(directory, notes), add, failed)
    parts = [p for h in students.values() for p in h.parts]
    times = [p.submitted_at.timestamp() for p in parts if p.submitted_at]
    if len(times) >= _EXTRACTED and max(times) - min(times) <= _SAME_TIME:
        notes.append("every file has the same time, so the zip was extracted without its files' times (use unzip): "
                     "no submission times; Canvas's late tags still count")
        for part in parts:
            part.submitted_at = None
    return Layout("canvas", "", list(students.values()) + failed, notes)


def _resubmission(file: str) -> tuple[int, str]:
    """`(re-submission number, the file's own name)`: "linear_regression-2.py" -> (2, "linear_regression.py")."""
    match = _RESUBMITTED.search(file)
    if match is None:
        return 0, file
    return int(match.group(1)), file[:match.start()] + match.group(2)

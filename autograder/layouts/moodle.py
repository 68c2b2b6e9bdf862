"""Moodle's "Download all submissions", unzipped: a folder per student (or, without "Download submissions
in folders", the files themselves with the same prefix).

    Ada Lovelace_1234567_assignsubmission_file_/linear_regression.py
    Ada Lovelace_1234567_assignsubmission_file_linear_regression.py     (flat)
    Ada Lovelace_1234567_assignsubmission_onlinetext_/onlinetext.html    (an online text: left out)

The student is the full name, joined to the roster's `name` (Moodle's participant number
changes from one assignment to the next). The download holds no submission times.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..names import shown
from .handins import HandIn, Layout, Part, each, entries

PATTERN = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)_assign(?:submission|feedback)_(?P<plugin>[a-z]+)_"
                     r"(?P<file>.*)$")


def read(directory: Path, known: list[str]) -> Layout:
    students: dict[str, HandIn] = {}
    notes: list[str] = []
    failed: list[HandIn] = []

    def add(entry: Path) -> None:
        match = PATTERN.match(entry.name)
        if match is None:
            notes.append(f"{shown(entry.name)}: not named as Moodle names a submission; left out")
            return
        name = match["name"]
        hand_in = students.setdefault(name.lower(), HandIn(name, identity={"name": shown(name),
                                                                                 "moodle_id": match["participant"]}))
        if match["plugin"] != "file":
            hand_in.notes.append(f"{shown(entry.name)}: Moodle's {match['plugin']} submission, not a file; left out")
            return
        hand_in.parts.append(Part(entry))

    each(entries(directory, notes), add, failed)
    return Layout("moodle", "", list(students.values()) + failed, notes)

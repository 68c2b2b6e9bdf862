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

from .handins import HandIn, Layout, Part, entries

PATTERN = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)_assign(?:submission|feedback)_(?P<plugin>[a-z]+)_"
                     r"(?P<file>.*)$")


def read(directory: Path, known: list[str]) -> Layout:
    students: dict[str, HandIn] = {}
    notes = []
    for entry in entries(directory):
        match = PATTERN.match(entry.name)
        if match is None:
            notes.append(f"{entry.name}: not named as Moodle names a submission; left out")
            continue
        name = match["name"]
        hand_in = students.setdefault(name.lower(), HandIn(name, identity={"name": name,
                                                                                 "moodle_id": match["participant"]}))
        if match["plugin"] != "file":
            hand_in.notes.append(f"{entry.name}: Moodle's {match['plugin']} submission, not a file; left out")
            continue
        hand_in.parts.append(Part(entry))
    return Layout("moodle", "", list(students.values()), notes)

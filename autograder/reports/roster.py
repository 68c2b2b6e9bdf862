"""The class list: who handed in which submission, joined by name, id or email."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..results import SubmissionResult

#: Roster columns and the header names accepted for each (case, spaces, dashes and underscores ignored).
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "submission": ("submission", "file", "folder", "submissionname"),
    "name": ("name", "student", "studentname", "fullname"),
    "student_id": ("studentid", "sid", "sisuserid", "studentnumber"),
    "canvas_id": ("canvasid", "id", "canvasuserid"),
    "sis_login_id": ("sisloginid", "login", "loginid", "username"),
    "email": ("email", "emailaddress", "mail"),
    "section": ("section", "sections"),
}


@dataclass
class RosterEntry:
    """One student of the roster; every field may be empty."""

    submission: str = ""
    name: str = ""
    student_id: str = ""
    canvas_id: str = ""
    sis_login_id: str = ""
    email: str = ""
    section: str = ""

    def keys(self) -> set[str]:
        """The values a submission's name may match: the submission column, else the ids and the email."""
        if self.submission:
            return {_key(self.submission), _key(Path(self.submission).stem)}
        return {_key(v) for v in (self.student_id, self.sis_login_id, self.email, self.canvas_id) if v}


def _key(text: str) -> str:
    return text.strip().lower()


def _header(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def read_roster(path: Path) -> list[RosterEntry]:
    """Read a roster CSV with a header row.

    Columns (any order, names as in `ROSTER_COLUMNS`): `submission` (the file or folder
    name handed in, with or without its extension), `name`, `student_id` (the SIS user id),
    `canvas_id`, `sis_login_id`, `email`, `section`. Without a `submission` column a
    submission is matched by its name against the student id, login or email.
    """
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ValueError(f"roster {str(path)!r} is empty; expected a header row such as "
                         f"submission,student_id,email,name")
    columns: dict[str, str] = {}
    for header in reader.fieldnames:
        for field_name, aliases in ROSTER_COLUMNS.items():
            if _header(header) in aliases and field_name not in columns:
                columns[field_name] = header
    identifying = {"submission", "student_id", "sis_login_id", "email", "canvas_id"}
    if not identifying & columns.keys():
        raise ValueError(f"roster {str(path)!r} has the columns {reader.fieldnames}; expected one that names "
                         f"the submission or the student: submission, student_id, sis_login_id or email")
    return [RosterEntry(**{f: (row.get(h) or "").strip() for f, h in columns.items()}) for row in reader]


def match_roster(results: list[SubmissionResult], roster: list[RosterEntry]) -> dict[str, RosterEntry]:
    """`{submission name: roster entry}` for the submissions the roster names."""
    by_key: dict[str, RosterEntry] = {}
    for entry in roster:
        for key in entry.keys():
            by_key.setdefault(key, entry)
    matched = {}
    for result in results:
        name = result.submission
        entry = by_key.get(_key(name)) or by_key.get(_key(Path(name).stem))
        if entry is not None:
            matched[name] = entry
    return matched

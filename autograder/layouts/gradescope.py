"""Gradescope: the "Export Submissions" download, and the metadata its autograder is given.

The export, unzipped (one assignment's, or several side by side):

    assignment_123456_export/
      submission_metadata.yml        what Gradescope knows of each submission, keyed by its folder
      submission_987654/             the files the student uploaded
        linear_regression.py

    submission_987654:
      :submitters:
      - :name: Ada Lovelace
        :sid: '1001'
        :email: ada@example.edu
      :created_at: 2026-09-15 01:00:00.000000000 -04:00
      :score: 8.0

(the keys are Ruby symbols, so they begin with ":"). A group submission has several
submitters: each gets the same files. At grading time Gradescope gives the autograder
`/autograder/submission_metadata.json` (`metadata_json`): `created_at`, `assignment.due_date`,
`users` (each `email`, `id`, `name`).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .. import late
from ..late import parse_time
from ..names import shown
from .handins import HandIn, Layout, Part, entries

if TYPE_CHECKING:
    from ..results import AssignmentResult
    from ..settings import CourseSettings

METADATA = "submission_metadata.yml"


def exports(directory: Path) -> list[Path]:
    """The export folders in `directory`: itself when it holds the metadata, else its sub-folders that do."""
    if (directory / METADATA).is_file():
        return [directory]
    return [e for e in entries(directory) if e.is_dir() and (e / METADATA).is_file()]


#: The most characters of a submitter's name, id or email kept from the metadata.
MAX_FIELD = 500


def read(directory: Path, known: list[str]) -> Layout:
    students: dict[str, HandIn] = {}
    notes: list[str] = []
    for export in exports(directory):
        metadata, problem = _metadata(export / METADATA)
        listed = set()
        if problem:
            notes.append(f"{shown(export.name)}/{METADATA} could not be read ({problem}): each of its folders is "
                         f"graded as a hand-in of its own, without names or times")
        for key, record in metadata.items():
            folder = export / str(key)
            listed.add(folder.name)
            if not folder.is_dir() or folder.is_symlink():
                notes.append(f"{shown(export.name)}/{shown(str(key))}: in {METADATA}, but no such folder; left out")
                continue
            try:
                _add(students, folder, record)
            except Exception as exc:  # noqa: BLE001 - one damaged record is its own hand-in's problem only
                students[f"/{folder}"] = HandIn(folder.name, identity={"gradescope_submission": shown(folder.name)},
                                                problem=f"its metadata could not be read ({shown(repr(exc))})")
        for entry in entries(export, notes):
            if entry.name == METADATA or entry.name in listed:
                continue
            if problem and entry.is_dir():
                students[f"/{entry}"] = HandIn(entry.name, [Part(entry)],
                                               identity={"gradescope_submission": shown(entry.name)})
            else:
                notes.append(f"{shown(export.name)}/{shown(entry.name)}: not in {METADATA}; left out")
    return Layout("gradescope", "", list(students.values()), notes)


def _metadata(path: Path) -> tuple[dict, str]:
    """The export's metadata, keyed by submission folder, and "" (or `{}` and why it could not be read)."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8", errors="backslashreplace")  # odd bytes in a name stay visible
        metadata = yaml.safe_load(text) or {}
    except (OSError, ValueError, RecursionError, yaml.YAMLError) as exc:
        return {}, shown(str(exc).splitlines()[0] if str(exc) else repr(exc))
    if not isinstance(metadata, dict):
        return {}, "it is not a mapping of submissions"
    return metadata, ""


def _add(students: dict[str, HandIn], folder: Path, record: object) -> None:
    """The submission in `folder`, as its metadata `record` describes it, added to each of its submitters."""
    record = record if isinstance(record, dict) else {}
    submitted = _time(record.get(":created_at"))
    submitters = [s for s in record.get(":submitters") or [] if isinstance(s, dict)]
    for submitter in submitters or [{":name": folder.name}]:
        identity = {field: shown(str(submitter.get(f":{key_}", "") or ""), MAX_FIELD)
                    for field, key_ in (("name", "name"), ("student_id", "sid"), ("email", "email"))}
        identity = {k: v for k, v in identity.items() if v}
        identity["gradescope_submission"] = shown(folder.name)
        who = (identity.get("student_id") or identity.get("email") or identity.get("name", "")).lower()
        hand_in = students.setdefault(who, HandIn(identity.get("name") or who, identity=identity))
        hand_in.parts.append(Part(folder, submitted))


def _time(value: object) -> datetime | None:
    """A metadata time, or None where it is missing or not a time (the time is then unknown)."""
    try:
        return parse_time(value) if isinstance(value, (str, datetime)) else None
    except (ValueError, OverflowError):
        return None


def metadata_json(path: Path) -> dict:
    """What Gradescope's submission_metadata.json says: `{"submitted_at", "due", "student", "users"}`
    (`due` is the student's own due date where Gradescope gives one, with any extension granted there)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    users = [u for u in data.get("users") or [] if isinstance(u, dict)]
    emails = sorted(str(u.get("email") or u.get("id") or "").strip().lower() for u in users)
    own = next((u["assignment"] for u in users if isinstance(u.get("assignment"), dict)), {})
    due = own.get("due_date") or (data.get("assignment") or {}).get("due_date")
    return {"submitted_at": _time(data.get("created_at")), "due": _time(due),
            "student": ",".join(e for e in emails if e), "users": users}


def apply_late_policy(results: list[AssignmentResult], settings: CourseSettings, facts: dict) -> None:
    """course.toml's late policy on an autograder run, from Gradescope's submission time (`metadata_json`):
    Gradescope's due date stands in where course.toml gives none, and a later one of the student's own
    (an extension granted on Gradescope) counts as their extension."""
    dates, extensions = dict(settings.dates), {}
    for result in results:
        result.submitted_at = facts["submitted_at"].isoformat() if facts["submitted_at"] else None
        own = dates.get(result.assignment, late.Dates())
        if own.due is None and facts["due"] is not None:
            dates[result.assignment] = late.Dates(facts["due"], own.final)
        elif own.due is not None and facts["due"] is not None and facts["due"] > own.due:
            extensions[result.assignment] = facts["due"] - own.due
        extensions.setdefault(result.assignment, timedelta(0))
    late.apply(results, settings.late, dates, extensions, "Gradescope")

"""The hand-in: what `grade batch` grades for one student, as the layouts read it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path


class LayoutError(ValueError):
    """An export that cannot be read as its layout (its metadata is damaged)."""


@dataclass
class Part:
    """One thing a student handed in: a file, a folder or a zip, with when and whether it was late, and the
    assignment it is for where the layout says (a Classroom repository's name, a file's)."""

    path: Path
    submitted_at: datetime | None = None
    marked_late: bool = False  # the platform's own late tag (Canvas)
    assignment: str | None = None


@dataclass
class HandIn:
    """One student's hand-in: `name` (file-name-safe, unique in the batch: grades.csv's `submission` and
    every report's file name), the parts, and `identity`: what the platform says of the student
    (`name`, `email`, `student_id`, `login`, `github`, `canvas_id`, `moodle_id`, ...)."""

    name: str
    parts: list[Part] = field(default_factory=list)
    identity: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Layout:
    """What a folder holds: its layout, why it was taken for that one, the hand-ins, and what was left out."""

    layout: str
    reason: str
    hand_ins: list[HandIn]
    notes: list[str] = field(default_factory=list)


def entries(directory: Path) -> list[Path]:
    """The visible entries directly under `directory`, sorted (no dot-files, no __MACOSX)."""
    return sorted(p for p in directory.iterdir() if not p.name.startswith((".", "__")))


def slug(text: str) -> str:
    """`text` as a file-name-safe name ("Zoë O'Neil" -> "Zoe_O_Neil"), never empty."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._-") or "student"


def modified(path: Path) -> datetime:
    """A file's modification time, as an aware date-time."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)


def make_unique(hand_ins: list[HandIn]) -> None:
    """Give hand-ins that share a name their platform id (or a count) after it, so no two names meet."""
    seen: dict[str, int] = {}
    for hand_in in hand_ins:
        seen[hand_in.name.lower()] = seen.get(hand_in.name.lower(), 0) + 1
    taken: set[str] = set()
    for hand_in in hand_ins:
        if seen[hand_in.name.lower()] > 1:
            ids = [v for k, v in hand_in.identity.items() if k.endswith("_id") or k in ("login", "email")]
            hand_in.name = slug(f"{hand_in.name}_{ids[0]}") if ids else hand_in.name
        name, count = hand_in.name, 1
        while name.lower() in taken:
            count += 1
            name = f"{hand_in.name}-{count}"
        hand_in.name = name
        taken.add(name.lower())

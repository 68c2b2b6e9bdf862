"""The hand-in: what `grade batch` grades for one student, as the layouts read it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..names import MAX_KEY, digest, shown


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
    problem: str = ""  # why this hand-in cannot be graded at all (its entry could not be read)


@dataclass
class Layout:
    """What a folder holds: its layout, why it was taken for that one, the hand-ins, and what was left out."""

    layout: str
    reason: str
    hand_ins: list[HandIn]
    notes: list[str] = field(default_factory=list)


def entries(directory: Path, notes: list[str] | None = None) -> list[Path]:
    """The visible entries directly under `directory`, sorted (no dot-files, no __MACOSX). Symbolic links are
    left out (with a note in `notes`): an export never holds one, and one could point at the course's secrets."""
    found = sorted(p for p in directory.iterdir() if not p.name.startswith((".", "__")))
    links = [p for p in found if p.is_symlink()]
    if notes is not None:
        notes += [f"{shown(p.name)}: a symbolic link; left out" for p in links]
    return [p for p in found if p not in links]


def each(items: list[Path], read: Callable[[Path], None], hand_ins: list[HandIn]) -> None:
    """`read(item)` for each of `items`; one whose reading fails becomes a hand-in of its own that says why,
    never the end of the layout (one student's odd entry must not stop the class)."""
    for item in items:
        try:
            read(item)
        except Exception as exc:  # noqa: BLE001 - whatever it was, it is this entry's problem only
            hand_ins.append(HandIn(item.name, identity={"name": shown(item.name)},
                                   problem=f"its entry could not be read ({shown(repr(exc))})"))


def slug(text: str) -> str:
    """`text` as a file-name-safe name ("Zoë O'Neil" -> "Zoe_O_Neil"), never empty, never hidden, at most
    MAX_KEY bytes (a longer one is cut and gets a digest of the whole)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._-") or "student"
    return safe if len(safe) <= MAX_KEY else f"{safe[:MAX_KEY - 9]}-{digest(text)}"


def modified(path: Path) -> datetime:
    """A file's modification time, as an aware date-time."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)


def make_unique(hand_ins: list[HandIn]) -> None:
    """Give each hand-in a file-name-safe name no other has, the same whatever the order: its name made safe
    (`slug`); where several meet, the one name that was safe already keeps it, and the others get their
    platform id after it, or a digest of their exact name ("a b" and "a_b" become "a_b-<digest>" and "a_b")."""
    originals = [h.name for h in hand_ins]
    names = [slug(n) for n in originals]
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        groups.setdefault(name.lower(), []).append(i)
    for members in (m for m in groups.values() if len(m) > 1):
        exact = [i for i in members if originals[i] == names[i]]
        for i in members:
            if exact == [i]:
                continue
            ids = [v for k, v in hand_ins[i].identity.items() if k.endswith("_id") or k in ("login", "email")]
            names[i] = slug(f"{names[i]}_{ids[0]}") if ids else f"{names[i]}-{digest(originals[i])}"
    taken: set[str] = set()
    for hand_in, name in zip(hand_ins, names):  # what is left of a clash (the same name and id twice): a count
        unique, count = name, 1
        while unique.lower() in taken:
            count += 1
            unique = f"{name}-{count}"
        hand_in.name = unique
        taken.add(unique.lower())

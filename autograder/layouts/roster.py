"""The class list: who handed in which submission, joined by name, id or email."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RosterError
from ..names import shown
from ..results import SubmissionResult
from .handins import HandIn, slug

#: Roster columns and the header names accepted for each (case, spaces, dashes and underscores ignored).
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "submission": ("submission", "file", "folder", "submissionname"),
    "name": ("name", "student", "studentname", "fullname"),
    "student_id": ("studentid", "sid", "sisuserid", "studentnumber"),
    "canvas_id": ("canvasid", "id", "canvasuserid"),
    "sis_login_id": ("sisloginid", "login", "loginid", "username"),
    "email": ("email", "emailaddress", "mail"),
    "github": ("github", "githubusername", "githublogin"),
    "section": ("section", "sections"),
    "extension": ("extension", "extensions"),
}
#: A column `extension_<assignment id>` (any spelling: "Extension linear_regression") gives one assignment's.
EXTENSION = "extension"

#: Which field of a hand-in's identity (`layouts.HandIn.identity`) may match which roster field.
IDENTITY_FIELDS = (("email", "email"), ("student_id", "student_id"), ("canvas_id", "canvas_id"),
                   ("login", "sis_login_id"), ("github", "github"), ("login", "github"))


@dataclass
class RosterEntry:
    """One student of the roster; every field may be empty."""

    submission: str = ""
    name: str = ""
    student_id: str = ""
    canvas_id: str = ""
    sis_login_id: str = ""
    email: str = ""
    github: str = ""
    section: str = ""
    extension: str = ""  # for every assignment: a duration (2d, 36h) or the student's own due date
    extensions: dict[str, str] = field(default_factory=dict)  # {assignment id: extension}, from extension_<id>

    def extension_for(self, assignment_id: str) -> str:
        """This student's extension on `assignment_id`: its own column, else the one for every assignment."""
        return self.extensions.get(_header(assignment_id), "") or self.extension

    def identity(self) -> dict[str, str]:
        """What the roster says of the student, as a hand-in's identity names it."""
        fields = {"name": self.name, "email": self.email, "student_id": self.student_id,
                  "canvas_id": self.canvas_id, "login": self.sis_login_id, "github": self.github}
        return {k: v for k, v in fields.items() if v}

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
    `canvas_id` (Canvas's user id, by which a Canvas download is matched), `sis_login_id`, `email`,
    `github`, `section`, `extension` (and `extension_<id>`). Without a `submission` column a
    submission is matched by its name against the student id, login or email.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"roster {str(path)!r} could not be read as UTF-8 text: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise RosterError(f"roster {str(path)!r} is empty; expected a header row such as "
                         f"submission,student_id,email,name")
    columns: dict[str, str] = {}
    for header in reader.fieldnames:
        for field_name, aliases in ROSTER_COLUMNS.items():
            if _header(header) in aliases and field_name not in columns:
                columns[field_name] = header
    identifying = {"submission", "student_id", "sis_login_id", "email", "canvas_id", "github"}
    if not identifying & columns.keys():
        raise RosterError(f"roster {str(path)!r} has the columns {reader.fieldnames}; expected one that names "
                         f"the submission or the student: submission, student_id, sis_login_id, github or email")
    per_assignment = {h: _header(h)[len(EXTENSION):] for h in reader.fieldnames
                      if _header(h).startswith(EXTENSION) and _header(h)[len(EXTENSION):] and h not in columns.values()}
    return [RosterEntry(**{f: (row.get(h) or "").strip() for f, h in columns.items()},
                        extensions={a: (row.get(h) or "").strip() for h, a in per_assignment.items()})
            for row in reader]


def folded(name: str) -> str:
    """A name as people match it: accents dropped (Unicode NFKD), case folded, spaces collapsed ("Cara  Díaz" and
    "cara diaz" are one name)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def match_student(roster: list[RosterEntry], identity: dict[str, str],
                  names: Iterable[str] = ()) -> tuple[RosterEntry | None, str]:
    """`(the roster's entry for a student, a warning)`: by the `submission` column (or, without one, ids and emails)
    against `names` (the hand-in's names), then by the ids and email in `identity`, then by a name only one has
    (whatever its case), else once accents are set aside too: that match comes with a warning naming both
    spellings ("" otherwise), for a person to check."""
    wanted = {_key(n) for name in names for n in (name, Path(name).stem) if n}
    for entry in roster:
        if entry.keys() & wanted:
            return entry, ""
    for mine, theirs in IDENTITY_FIELDS:
        value = _key(identity.get(mine, ""))
        if value:
            found = [e for e in roster if _key(getattr(e, theirs)) == value]
            if found:
                return found[0], ""
    name = identity.get("name", "")
    spaced = " ".join(name.casefold().split())
    exact = [e for e in roster if spaced and " ".join(e.name.casefold().split()) == spaced]
    if len(exact) == 1:
        return exact[0], ""
    alike = [e for e in roster if name.strip() and folded(e.name) == folded(name)]
    if len(alike) == 1:
        return alike[0], (f"{shown(name)!r} matched to the roster's {shown(alike[0].name)!r} by name, accents set "
                          f"aside: check that they are one student")
    return None, ""


def find_student(roster: list[RosterEntry], identity: dict[str, str], names: Iterable[str] = ()) -> RosterEntry | None:
    """The roster's entry for a student (`match_student`), without its warning."""
    return match_student(roster, identity, names)[0]


def match_roster(results: list[SubmissionResult], roster: list[RosterEntry]) -> dict[str, RosterEntry]:
    """`{submission name: roster entry}` for the submissions the roster names."""
    matched = {}
    for result in results:
        entry = find_student(roster, result.identity, [result.submission])
        if entry is not None:
            matched[result.submission] = entry
    return matched


@dataclass
class Roll:
    """The roster called against a batch's hand-ins: each hand-in's entry (`entries`, by hand-in name), the
    warnings of matches made by name with accents set aside, the roster's students who handed in nothing
    (`absent`: hand-ins without parts, named for them), and the hand-ins no roster student matches."""

    entries: dict[str, RosterEntry] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    absent: list[HandIn] = field(default_factory=list)
    strangers: list[HandIn] = field(default_factory=list)


def call_roll(roster: list[RosterEntry], hand_ins: list[HandIn]) -> Roll:
    """Match each of `hand_ins` to `roster` (`match_student`); a hand-in whose matching fails is matched to no one
    (its identity is the layout's), never the end of the batch."""
    roll = Roll()
    for hand_in in hand_ins:
        try:
            names = [hand_in.name, *(p.path.name for p in hand_in.parts)]
            entry, warning = match_student(roster, hand_in.identity, names)
        except Exception:  # noqa: BLE001 - one odd identity is that hand-in's only: it goes unmatched
            entry, warning = None, ""
        if entry is None:
            if roster:
                roll.strangers.append(hand_in)
            continue
        roll.entries[hand_in.name] = entry
        if warning:
            roll.warnings.append(warning)
    taken = {h.name.lower() for h in hand_ins}
    for entry in roster:
        if any(e is entry for e in roll.entries.values()):
            continue
        name = base = slug(entry.name or entry.email or entry.student_id or entry.canvas_id or "student")
        count = 1
        while name.lower() in taken:
            count += 1
            name = f"{base}-{count}"
        taken.add(name.lower())
        absent = HandIn(name, identity={k: shown(v) for k, v in entry.identity().items()})
        roll.absent.append(absent)
        roll.entries[name] = entry
    return roll

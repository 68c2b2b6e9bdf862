"""Pairs of submissions whose code is suspiciously alike, per assignment.

Each submission's code for an assignment is normalised (`normalise`) without what the
course handed out (the student template, .py and notebook, and any boilerplate the
instructor names), fingerprinted (`fingerprint`) and compared with every other one of the
class and of the archive of earlier terms. As MOSS does with its `-m`, a fingerprint found
in many of the class's submissions (at least `common.COMMON` of them) is the way everyone
writes that line, not a copy, and is left out (in a small class, only what `common.FEWEST` or
more share: a ring of four copies is never "common"); the code left out is reported as shared
by many (`common.shared_code`), never set aside silently. A pair's similarity is the share of
both submissions' remaining code that the other matches.

A submission whose code cannot be normalised (it does not parse, or it is beyond the budget:
`MAX_SOURCE_CHARS`, `normalise.MAX_NODES`, `normalise.MAX_DEPTH`) is listed with the reason, and
the rest of the class is compared without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from copydetect import CodeFingerprint

from ..assignments import Assignment
from ..cells import notebook_to_source
from ..course import Course
from ..loading import SubmissionError, read_submission, submissions_in
from ..names import shown
from ..submission import Submission
from .common import Shared, common_hashes, shared_code
from .fingerprint import Overlap, fingerprint, kgrams, overlap, shared
from .normalise import NotNormalised, Unit, canonical_statements, normalise

#: Pairs whose fingerprints overlap less than this are not compared further (nor listed).
SCREEN = 0.1
#: Sources larger than this are not compared (no student writes that much for one assignment).
MAX_SOURCE_CHARS = 256 * 1024


@dataclass
class Entry:
    """One submission's code for one assignment: its name, where it comes from, its canonical units."""

    name: str
    archived: bool
    source: str
    units: dict[str, Unit]

    @property
    def text(self) -> str:
        return "".join(unit.text for unit in self.units.values())


@dataclass
class Pair:
    """Two submissions of one assignment and what they share: in all (`overlap`) and per unit; a unit in
    `common` holds only code common to the class in both, and its overlap is that of all its code."""

    assignment: str
    a: Entry
    b: Entry
    overlap: Overlap
    units: dict[str, Overlap] = field(default_factory=dict)
    common: set[str] = field(default_factory=set)

    @property
    def similarity(self) -> float:
        return self.overlap.share


@dataclass
class Comparison:
    """An assignment's ranked pairs, the code shared by many (left out of the pairs' scores), and the
    submissions that could not be compared (name -> why)."""

    assignment: str
    pairs: list[Pair]
    compared: int
    skipped: dict[str, str] = field(default_factory=dict)
    shared: list[Shared] = field(default_factory=list)


def read_class(course: Course, directory: Path, *, prefix: str = "",
               assignment_id: str | None = None) -> dict[str, Submission | str]:
    """Each submission under `directory` (as `grade batch` sees them), read but never run, or why it could not
    be read; named `prefix` + its file name, shown (`names.shown`: escaped where it is not text)."""
    known, found = course.ids, {}
    for path in submissions_in(directory):
        try:
            found[prefix + shown(path.name)] = read_submission(path, known, assignment_id)
        except SubmissionError as exc:
            found[prefix + shown(path.name)] = str(exc)
        except Exception as exc:  # noqa: BLE001 - one hand-in that cannot be read is left out, never the report
            found[prefix + shown(path.name)] = f"it could not be read ({shown(repr(exc))})"
    return found


def entries(submissions: dict[str, Submission | str], assignment: Assignment, removed: dict[str, set[str]],
            *, archived: bool = False, skipped: dict[str, str]) -> list[Entry]:
    """The normalised code for `assignment` of each submission that holds some; why not, in `skipped`."""
    functions = {f for q in assignment.questions for f in q.functions}
    found = []
    for name, submission in submissions.items():
        source = submission.sources.get(assignment.id) if isinstance(submission, Submission) else None
        if source is None:
            continue
        if source.text is None or len(source.text) > MAX_SOURCE_CHARS:
            skipped[name] = source.problem or f"more than {MAX_SOURCE_CHARS // 1024} KiB of code"
            continue
        try:
            units = normalise(source.text, functions, removed)
        except NotNormalised as exc:
            skipped[name] = str(exc)
            continue
        except Exception as exc:  # one hand-in's code never stops the class's report
            skipped[name] = f"its code could not be normalised ({type(exc).__name__}: {exc})"[:300]
            continue
        if units:  # a template left as it was, or nothing but the course's code: nothing to compare
            found.append(Entry(name, archived, source.text, units))
    return found


def course_code(course: Course, assignment: Assignment, boilerplate: Path | None = None) -> dict[str, set[str]]:
    """The canonical statements the course handed out for `assignment`: its student templates (module and
    notebook) and, in the folder `boilerplate`, `<id>.py` when there is one."""
    root = course.root
    functions = {f for q in assignment.questions for f in q.functions}
    texts, templates = [], root / "student_template"
    for path in (templates / f"{assignment.id}.py", templates / f"{assignment.id}.ipynb",
                 *([boilerplate / f"{assignment.id}.py"] if boilerplate else [])):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            texts.append(notebook_to_source(text)[0] if path.suffix == ".ipynb" else text)
    found: dict[str, set[str]] = {}
    for text in texts:
        for name, codes in canonical_statements(text, functions).items():
            found.setdefault(name, set()).update(codes)
    return found


def compare(assignment: str, entries: list[Entry], skipped: dict[str, str] | None = None) -> Comparison:
    """Every pair of `entries` (two of the archive excepted) that shares code, most alike first."""
    current = [e for e in entries if not e.archived]
    common = common_hashes([kgrams(e.text) for e in current])
    prints = {id(e): fingerprint(e.text, common) for e in entries}
    pairs = []
    for i, a in enumerate(entries):
        for b in entries[i + 1:]:
            if a.archived and b.archived or shared(prints[id(a)], prints[id(b)]) < SCREEN:
                continue
            pair = Pair(assignment, a, b, overlap(prints[id(a)], prints[id(b)]))
            if pair.similarity > 0:
                pairs.append(pair)
    units: dict[tuple[int, str, bool], CodeFingerprint] = {}

    def unit(entry: Entry, name: str, whole: bool = False) -> CodeFingerprint:
        if (id(entry), name, whole) not in units:
            units[id(entry), name, whole] = fingerprint(entry.units[name].text, None if whole else common)
        return units[id(entry), name, whole]

    for pair in pairs:
        for name in sorted(set(pair.a.units) & set(pair.b.units)):
            pair.units[name] = overlap(unit(pair.a, name), unit(pair.b, name))
            if not any(pair.units[name].sizes):  # both only code common to the class: how alike is it?
                pair.units[name] = overlap(unit(pair.a, name, True), unit(pair.b, name, True))
                pair.common.add(name)
    pairs.sort(key=lambda p: (-p.similarity, p.a.name, p.b.name))
    return Comparison(assignment, pairs, len(current), dict(skipped or {}),
                      shared_code({e.name: e.units for e in current}, common))


def compare_class(course: Course, directory: Path, *, archives: Iterable[Path] = (), assignment_id: str | None = None,
                  boilerplate: Path | None = None) -> list[Comparison]:
    """Every assignment found under `directory` (or `assignment_id`'s), compared across the class and the
    `archives` of earlier terms; an assignment with nothing to compare is left out."""
    current = read_class(course, directory, assignment_id=assignment_id)
    earlier = [read_class(course, a, prefix=f"{a.name}/", assignment_id=assignment_id) for a in archives]
    unreadable = {name: why for name, why in current.items() if isinstance(why, str)}
    comparisons = []
    for assignment in course.chosen():
        if assignment_id and assignment.id != assignment_id:
            continue
        removed, skipped = course_code(course, assignment, boilerplate), dict(unreadable)
        found = entries(current, assignment, removed, skipped=skipped)
        old = [e for archive in earlier for e in entries(archive, assignment, removed, archived=True, skipped={})]
        if found and len(found) + len(old) >= 2:
            comparisons.append(compare(assignment.id, found + old, skipped))
    return comparisons

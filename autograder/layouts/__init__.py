"""A folder of submissions as a learning platform exports it -> one hand-in per student.

    canvas.py      Canvas "Download Submissions": lastnamefirstname[_late]_<user id>_<attachment id>_<file>
    gradescope.py  Gradescope "Export Submissions": submission_<id>/ folders and submission_metadata.yml
    classroom.py   GitHub Classroom: a folder of repositories named <assignment>-<login>
    moodle.py      Moodle "Download all submissions": Full Name_<id>_assignsubmission_file_/
    plain.py       anything else: a folder, a zip, or files (ada_linear_regression.py) per student
    roster.py      the class list: who handed in which hand-in, joined by name, id or email

A hand-in is a student (what the platform says of them) and the parts they handed in,
each with the time the platform says it was handed in, and the assignment it is for where
its name says (a file's name, a Classroom repository's). `grade batch` grades each part in
its own process and joins the results; a part's time is its assignments' submission time.
Nothing here reads a submission's code: the loader (`loading`) does, later, in a grading process.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import LayoutError
from ..loading import assignment_of
from . import canvas, classroom, gradescope, moodle, plain
from .handins import HandIn, Layout, Part, entries, make_unique

__all__ = ["LAYOUTS", "HandIn", "Layout", "LayoutError", "Part", "detect", "read_layout"]

LAYOUTS = ("canvas", "gradescope", "classroom", "moodle", "plain")
_READERS = {"canvas": canvas, "gradescope": gradescope, "classroom": classroom, "moodle": moodle, "plain": plain}


def read_layout(directory: Path, known: list[str], layout: str = "auto") -> Layout:
    """The hand-ins in `directory`, read as `layout` ("auto": detected from the folder's shape)."""
    reason = "chosen with --layout"
    if layout == "auto":
        layout, reason = detect(directory)
    if layout not in _READERS:
        raise LayoutError(f"layout {layout!r} is unknown; expected auto or one of {', '.join(LAYOUTS)}")
    found = _READERS[layout].read(directory, known)
    found.reason = reason
    if not found.hand_ins:
        raise LayoutError(_nothing(directory, layout, reason, found))
    for part in (p for h in found.hand_ins for p in h.parts):
        if part.assignment is None and part.path.is_file():
            part.assignment = assignment_of(part.path.name, known)
    make_unique(found.hand_ins)
    return found


def _nothing(directory: Path, layout: str, reason: str, found: Layout) -> str:
    """The sentence of a folder in which `layout` found no hand-in: which layouts were tried, and what to do."""
    entries_left_out = len(found.notes)
    if reason == "chosen with --layout":
        return (f"no hand-in found in {str(directory)!r} read as {layout} (--layout {layout}): "
                f"none of its {entries_left_out} entries is named as a {layout} export names them; leave out "
                f"--layout to have the layout told from the folder's shape")
    tried = ", ".join(LAYOUTS[:-1]) + f" and {LAYOUTS[-1]}"
    what = "it is empty" if not entries_left_out else f"its {entries_left_out} entries were all left out"
    return (f"no hand-in found in {str(directory)!r}: {what} (tried the layouts {tried}); expected a platform's "
            f"export, or a folder, zip or .py/.ipynb files per student")


def detect(directory: Path) -> tuple[str, str]:
    """`(layout, why)` from the folder's shape; plain when nothing else fits."""
    items = entries(directory)
    if gradescope.exports(directory):
        return "gradescope", "it holds Gradescope's submission_metadata.yml"
    folders = [e for e in items if e.is_dir()]
    repositories = [f for f in folders if classroom.is_repository(f)]
    if repositories and 2 * len(repositories) >= len(folders):
        return "classroom", f"{len(repositories)} of its {len(folders)} folders are git repositories"
    for name, module in (("moodle", moodle), ("canvas", canvas)):
        fits = [e for e in items if module.PATTERN.match(e.name)]
        if fits and 2 * len(fits) > len(items):
            return name, f"{len(fits)} of its {len(items)} entries are named as {name.title()} names them"
    return "plain", "no platform's export: each folder, zip or student's files is one hand-in"

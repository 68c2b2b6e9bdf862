"""Which copy of the grader this is: the instructor's (every command) or the student bundle's (the student's).

`grade build` writes `MARKER` into the student bundle's copy of the package (`distribute/student.py`);
the `grade` command reads it to offer that copy's commands only. The instructor's commands need the
references and the hidden tests, which the bundle does not hold: there they are one sentence, not a
traceback. Every other copy (the instructor's repository, the Gradescope zip) has no marker.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: The marker's file name, inside the `autograder` package.
MARKER = "edition.toml"
STUDENT = "student"
INSTRUCTOR = "instructor"
#: The commands each edition offers (None: all of them).
COMMANDS: dict[str, tuple[str, ...] | None] = {INSTRUCTOR: None, STUDENT: ("check", "list", "run")}

_PACKAGE = Path(__file__).resolve().parent


def marker_text(edition: str) -> str:
    """The marker file's text for `edition`."""
    return (f"# Written by `grade build`: this copy of the grader is the {edition} edition, and `grade` offers\n"
            f"# its commands only (autograder/edition.py).\nedition = \"{edition}\"\n")


def edition(package: Path = _PACKAGE) -> str:
    """This copy's edition: the marker's, else the instructor's."""
    marker = package / MARKER
    if not marker.is_file():
        return INSTRUCTOR
    name = tomllib.loads(marker.read_text(encoding="utf-8")).get("edition")
    return name if name in COMMANDS else INSTRUCTOR


def offered(names: Iterable[str], package: Path = _PACKAGE) -> list[str]:
    """The commands among `names` that this copy offers."""
    allowed = COMMANDS[edition(package)]
    return [name for name in names if allowed is None or name in allowed]


def refusal(name: str, package: Path = _PACKAGE) -> str | None:
    """Why this copy does not offer the command `name`, one of the `grade` command's (None when it does)."""
    allowed = COMMANDS[edition(package)]
    if allowed is None or name in allowed:
        return None
    return (f"'grade {name}' is an instructor's command: this is the student bundle, which has the public tests "
            f"but not the references or hidden tests it needs. Here: "
            + ", ".join(f"'grade {command}'" for command in allowed) + " ('grade --help' says what each does).")

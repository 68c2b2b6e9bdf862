"""GitHub Classroom: the students' repositories cloned into one folder (`gh classroom clone student-repos`,
or the Classroom Assistant), each named `<assignment>-<login>`.

    linear-regression-ada-lovelace/    the login is what follows the assignment's name
    linear-regression-bbabbage/

The assignment's name is found as one of the course's ids (`linear_regression` or
`linear-regression`) inside the name, else as the prefix every repository shares. The
submission time is the last commit's (committer) time: the student's own clock, which a
student can set; GitHub's push times are the record to trust where it matters.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import datetime
from pathlib import Path

from ..late import parse_time
from ..names import shown
from .handins import HandIn, Layout, Part, each, entries

_GIT_TIMEOUT = 30


def is_repository(folder: Path) -> bool:
    return (folder / ".git").exists()


def read(directory: Path, known: list[str]) -> Layout:
    notes: list[str] = []
    found = entries(directory, notes)
    folders = [e for e in found if e.is_dir()]
    notes += [f"{shown(e.name)}: not a folder; left out" for e in found if not e.is_dir()]
    shared = _shared_prefix([f.name for f in folders])
    students: dict[str, HandIn] = {}
    failed: list[HandIn] = []

    def add(folder: Path) -> None:
        login = login_of(folder.name, known, shared)
        submitted, problem = last_commit(folder) if is_repository(folder) else (None, "")
        hand_in = students.setdefault(login.lower(), HandIn(login, identity={"login": shown(login),
                                                                                   "github": shown(login)}))
        if not is_repository(folder):
            hand_in.notes.append(f"{shown(folder.name)}: not a git repository, so no commit time")
        if problem:
            hand_in.notes.append(f"{shown(folder.name)}: {problem}")
        hand_in.parts.append(Part(folder, submitted, assignment=assignment_in(folder.name, known)))

    each(folders, add, failed)
    return Layout("classroom", "", list(students.values()) + failed, notes)


def _named(repository: str, known: list[str]) -> tuple[str, str] | None:
    """`(assignment id, login)` when the repository's name holds one of the course's ids (`_` or `-`)."""
    for assignment_id in sorted(known, key=len, reverse=True):
        for spelling in {assignment_id, assignment_id.replace("_", "-")}:
            match = re.search(rf"(?:^|[-_]){re.escape(spelling)}-(.+)$", repository, re.IGNORECASE)
            if match:
                return assignment_id, match.group(1)
    return None


def assignment_in(repository: str, known: list[str]) -> str | None:
    """The assignment a repository is for, when its name says (`linear-regression-ada` -> linear_regression)."""
    named = _named(repository, known)
    return named[0] if named else None


def login_of(repository: str, known: list[str], shared: str = "") -> str:
    """The student's login in a repository's name `<assignment>-<login>`."""
    named = _named(repository, known)
    if named:
        return named[1]
    if shared and len(repository) > len(shared):
        return repository[len(shared):]
    return repository.rsplit("-", 1)[-1] or repository


def _shared_prefix(names: list[str]) -> str:
    """The longest prefix ending in "-" that every name has (when there are two names or more)."""
    if len(names) < 2:
        return ""
    prefix = os.path.commonprefix(names)
    return prefix[:prefix.rfind("-") + 1]


def last_commit(repository: Path) -> tuple[datetime | None, str]:
    """`(the last commit's committer time, "")`, or `(None, why not)`. git runs without the user's or the
    system's configuration and with nothing that could run a program (no pager, no signature check)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat")
    command = ["git", "-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-c", "log.showSignature=false",
               "--no-pager", "-C", str(repository), "log", "-1", "--no-show-signature", "--format=%cI"]
    try:
        process = subprocess.run(command, capture_output=True, timeout=_GIT_TIMEOUT, env=env,
                                 stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"git could not read its last commit ({shown(str(exc))}), so no commit time"
    said = process.stdout.decode("utf-8", "replace").strip()
    if process.returncode != 0 or not said:
        reason = (process.stderr.decode("utf-8", "replace").strip().splitlines() or ["no commits"])[-1]
        return None, f"no last commit ({shown(reason)}), so no commit time"
    try:
        return parse_time(said), ""
    except ValueError:  # a commit's time zone can be anything git accepts (+9959): the time is unknown
        return None, f"its last commit's time {shown(said[:60])!r} is not a time, so the time is unknown"

"""What a task carries: one part of a hand-in as bytes with its name, the student's seed key, and the
course's version. Never a path: workers need no shared disk. Both sides check what they read.

    {"course": "<version>", "name": "ada.py", "assignment": null | "<id>", "student": "<key>",
     "files": {"ada.py": "<base64>"}}                      a file (a .py, an .ipynb, a zip)
     "files": {"ada/<id>.py": "<base64>", ...}             a folder: the files the loader would read
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path, PurePosixPath
from typing import Any

from .. import loading

#: The most bytes of submission one task carries (the loader reads no more of one submission).
MAX_BYTES = loading.MAX_SUBMISSION_BYTES
KEYS = {"course", "name", "assignment", "student", "files"}


class PayloadError(ValueError):
    """A task whose payload is not a submission as `pack` makes one."""


def pack(part: Path, *, course: str, assignment: str | None, student: str) -> dict[str, Any]:
    """The payload for grading `part` (a file or folder); `PayloadError` if it is larger than MAX_BYTES."""
    if part.is_dir():
        paths = loading.submission_files(part)
        names = [f"{part.name}/{p.relative_to(part).as_posix()}" for p in paths]
    else:
        paths, names = [part], [part.name]
    total, files = 0, {}
    for path, name in zip(paths, names):
        total += path.stat().st_size
        if total > MAX_BYTES:
            raise PayloadError(f"{part.name!r} is larger than {MAX_BYTES // 1024**2} MiB")
        files[name] = base64.b64encode(path.read_bytes()).decode("ascii")
    return {"course": course, "name": part.name, "assignment": assignment, "student": student, "files": files}


def unpack(payload: Any, known: list[str], into: Path) -> tuple[Path, str | None, str]:
    """Write the payload's files under `into`; return `(submission path, assignment, student)`.
    `PayloadError` for anything `pack` would not have made: no paths outside `into`, nothing too large."""
    if not isinstance(payload, dict) or set(payload) != KEYS:
        raise PayloadError("the task is not a submission")
    name, assignment, student, files = (payload[k] for k in ("name", "assignment", "student", "files"))
    if not _safe_name(name) or not isinstance(student, str) or len(student) > 500:
        raise PayloadError("the task's submission name or student is not valid")
    if assignment is not None and assignment not in known:
        raise PayloadError(f"the task names an assignment this course does not have: {str(assignment)[:80]!r}")
    if not isinstance(files, dict) or not files or len(files) > loading.MAX_FOLDER_ENTRIES:
        raise PayloadError("the task carries no files, or too many")
    total = 0
    for relative, data in files.items():
        pure = PurePosixPath(relative) if isinstance(relative, str) else None
        if pure is None or pure.is_absolute() or pure.parts[0] != name or not all(map(_safe_name, pure.parts)) \
                or not isinstance(data, str):
            raise PayloadError(f"the task carries a file with a name that is not valid: {str(relative)[:80]!r}")
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise PayloadError(f"the task's file {relative!r} is not base64") from None
        total += len(content)
        if total > MAX_BYTES:
            raise PayloadError(f"the task carries more than {MAX_BYTES // 1024**2} MiB")
        target = into.joinpath(*pure.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return into / name, assignment, student


def _safe_name(name: object) -> bool:
    return isinstance(name, str) and 0 < len(name) <= 255 and name not in (".", "..") and "/" not in name \
        and "\\" not in name and "\0" not in name

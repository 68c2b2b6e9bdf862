"""What the student's code printed: its process's stdout and stderr go to a file the grader reads."""

from __future__ import annotations

import os
from pathlib import Path


def read_new(path: Path, offset: int, limit: int = 2000) -> tuple[str, int]:
    """The text written to `path` after byte `offset` (at most `limit` characters), and the new offset."""
    try:
        if os.stat(path).st_size == offset:  # nothing new: the usual case, one system call
            return "", offset
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read(limit + 1)
            offset = f.seek(0, os.SEEK_END)
    except OSError:
        return "", offset
    text = data.decode("utf-8", "replace")
    return (text if len(text) <= limit else text[:limit] + "… (output truncated)"), offset

"""What was handed in: who, which assignments, and the source text of each."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Source:
    """One assignment's code from a submission: Python text, or why it could not be read."""

    assignment: str
    origin: str  # the file it came from, for messages
    text: str | None = None
    problem: str | None = None  # set when the file exists but could not be turned into source


@dataclass
class Submission:
    """A student's hand-in: a name (for the batch table) and one `Source` per assignment found."""

    name: str
    path: Path
    sources: dict[str, Source] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def submission_key(name: str) -> str:
    """A file-name-safe key for the submission handed in as `name`, never shared with another name.

    A safe name is its own key; any other gets its unsafe characters replaced and a digest of
    the exact name appended ("a b.py" -> "a_b.py-3f1c2a9e"), so it cannot meet "a_b.py".
    """
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    if safe == name and not name.startswith("."):
        return name
    return f"{safe.lstrip('.')}-{hashlib.sha256(name.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"

"""What was handed in: who, which assignments, and the source text of each."""

from __future__ import annotations

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

"""What was handed in: who, which assignments, and the source text of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cells import CellMap
from .results import Status


@dataclass
class Source:
    """One assignment's code from a submission: Python text, or why it could not be read."""

    assignment: str
    origin: str  # the file it came from, for messages
    text: str | None = None
    problem: str | None = None  # set when the file exists but could not be turned into source
    cells: CellMap | None = None  # a notebook's: where each line of `text` came from
    kind: Status | None = None  # what is wrong with the file, typed: set with `problem`, and for an empty file

    def place(self, line: int) -> str:
        """Where `line` of `text` is, as the student finds it: "line 24", or a notebook's cell and line in it."""
        return self.cells.place(line) if self.cells is not None else f"line {line}"


@dataclass
class Submission:
    """A student's hand-in: a name (for the batch table) and one `Source` per assignment found."""

    name: str
    path: Path
    sources: dict[str, Source] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

"""The similarity report's flagged pairs, read back from its similarity.csv for the class summary to link."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

#: Where `grade batch` writes the similarity report, under OUT/reports/.
SIMILARITY = "similarity"


@dataclass(frozen=True)
class FlaggedPair:
    """Two hand-ins of one assignment whose code is alike at or above the threshold, and their page (a path
    relative to OUT/reports/)."""

    assignment: str
    a: str
    b: str
    share: float
    page: str


def flagged_pairs(folder: Path, threshold: float, names: dict[str, str] | None = None) -> list[FlaggedPair]:
    """The pairs of `folder/similarity.csv` at or above `threshold` that have a page; each side named as `names`
    maps the report's entry names (a file of a Canvas download) to the batch's hand-ins. None when there is no
    report."""
    names = names or {}
    try:
        with open(folder / "similarity.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
    found = []
    for row in rows:
        try:
            share = float(row.get("matched_share") or 0)
        except ValueError:
            continue
        if share >= threshold and row.get("page"):
            a, b = row.get("submission_a", ""), row.get("submission_b", "")
            found.append(FlaggedPair(row.get("assignment", ""), names.get(a, a), names.get(b, b), share,
                                     f"{SIMILARITY}/{row['page']}"))
    return found

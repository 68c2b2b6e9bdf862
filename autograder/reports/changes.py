"""A regrade's record (`regrade.Regrade`) as files: OUT/changes.csv and OUT/reports/changes.html."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ..names import file_key
from .grade_files import csv_text
from .html import link, page, table
from .wording import points

if TYPE_CHECKING:
    from ..regrade import Regrade

#: changes.csv's columns, as the SPEC names them.
COLUMNS = ["student", "assignment", "test", "old", "new", "reason"]


def changes_csv(regrade: Regrade) -> str:
    """A row per test whose points changed: `old` and `new` its points (empty where it was not graded then)."""
    return csv_text(COLUMNS, [[c.student, c.assignment, c.test, "" if c.old is None else c.old,
                               "" if c.new is None else c.new, c.reason] for c in regrade.changes])


def changes_html(regrade: Regrade) -> str:
    """The same as a page beside the feedback pages, each student linked to theirs."""
    body = ["<h1>Regrade: what changed</h1>", f"<p>{html.escape(regrade.sentence())}.</p>"]
    if regrade.changes:
        rows = [[link(c.student, f"feedback/{file_key(c.submission)}.html"), c.assignment, c.test,
                 "" if c.old is None else points(c.old), "" if c.new is None else points(c.new), c.reason]
                for c in regrade.changes]
        body.append(table(COLUMNS, rows, {3, 4}))
    else:
        body.append("<p>No test's points changed.</p>")
    return page("Regrade: what changed", body)

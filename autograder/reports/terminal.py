"""Tables on the terminal: one submission's tests, a batch's scores, a class's pass rates."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..results import AssignmentResult
from ..scoring import total
from .summary import DISTRIBUTION_HEADERS, QUESTION_HEADERS, Summary
from .wording import explain, passed_notes, points, said_once


def print_results(results: list[AssignmentResult], console: Console, *, verbose_passed: bool = False,
                  public_only: bool = False) -> None:
    """A table per assignment, the feedback of each failed test, and the total.

    With `public_only` (`grade check`) the results hold the public tests alone, so their sum is no grade:
    the total row and the closing line say whose share it is instead.
    """
    for result in results:
        table = Table(title=f"{result.title} ({result.assignment})", title_justify="left", expand=False)
        table.add_column("test")
        table.add_column("question")
        table.add_column("kind")
        table.add_column("points", justify="right")
        table.add_column("verdict")
        for t in result.tests:
            verdict = Text("passed", style="green") if t.passed else Text("failed", style="bold red")
            table.add_row(Text(t.description), Text(t.question), "public" if t.public else "hidden",
                          f"{points(t.score)}/{points(t.max_score)}", verdict)
        table.add_section()
        table.add_row("public tests" if public_only else "total", "", "",
                      f"{points(result.score)}/{points(result.max_score)}", "")
        console.print(table)
        shared, covered = said_once(result.tests)
        for note in result.notes + passed_notes(result.tests):
            console.print(Text(f"note: {note}", style="yellow"))
        for sentence in shared:
            console.print(Text(sentence, style="red"))
        for t in result.tests:
            if not t.passed and t.name not in covered:
                console.print(Text(explain(t), style="red"))
                console.print()
            elif verbose_passed:
                console.print(Text("passed"))
                console.print()
    score, max_score = total(results)
    if public_only:
        console.print(Text(public_summary(score, max_score), style="bold"))
    elif len(results) > 1:
        console.print(Text(f"Total: {points(score)}/{points(max_score)}", style="bold"))


def public_summary(score: float, max_score: float) -> str:
    """`grade check`'s closing line: the public tests' share, worded so that it cannot pass for a grade."""
    return (f"public tests: {points(score)} of {points(max_score)} points' worth pass; "
            f"hidden tests are graded when you submit")


#: The most characters of a status or a name the score table shows (the reports have the full text).
STATUS_WIDTH, NAME_WIDTH = 40, 28


def shorten(text: str, width: int) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[:width - 1].rstrip() + "…"


def print_scores(rows: list[dict[str, Any]], columns: dict[str, int], console: Console) -> None:
    """The batch's score table: a row per hand-in, a column per assignment (`{id: number}`; "–" is one not
    handed in, which scores 0), the late penalty, the total, and the status, shortened to the room the
    scores leave (the reports have it in full; on a console too narrow for it, it is listed below)."""
    late = any(row.get("penalty") for row in rows)
    body = []
    for row in rows:
        missing = set(str(row.get("missing", "")).split())
        cells = ["–" if c in missing else f"{row[c]:g}" if c in row else "" for c in columns]
        if late:
            cells.append(f"-{row['penalty']:g}" if row.get("penalty") else "")
        body.append([*cells, f"{row['total']:g}/{row['max_total']:g}"])
    headers = [*(f"A{number}" for number in columns.values()), *(["late"] if late else []), "total"]
    widths = [max([len(h), *(len(cells[i]) for cells in body)]) for i, h in enumerate(headers)]
    names = [row["submission"] for row in rows]
    name_width = min(NAME_WIDTH, max([len("submission"), *map(len, names)]))
    room = console.width - sum(widths) - name_width - 3 * (len(headers) + 1) - 1  # borders and padding
    status_width = min(STATUS_WIDTH, room - 3)
    if status_width < len("graded"):  # no room for the status: the names give way to the scores
        name_width = max(8, min(name_width, name_width + room))
    table = Table(title="Scores", caption=", ".join(f"A{number}: {c}" for c, number in columns.items())
                  + "; –: not handed in (0 points)")
    table.add_column("submission", no_wrap=True, width=name_width)
    for header, width in zip(headers, widths):
        table.add_column(header, justify="right", no_wrap=True, width=width)
    if status_width >= len("graded"):
        table.add_column("status", no_wrap=True, width=status_width)
    for row, cells in zip(rows, body):
        style = {"graded": "green", "missing": "yellow"}.get(row["status"], "red")
        status = [Text(shorten(row["status"], status_width), style=style)] if status_width >= len("graded") else []
        table.add_row(shorten(row["submission"], name_width), *cells, *status)
    console.print(table)
    if status_width < len("graded"):
        for row in rows:
            if row["status"] != "graded":
                console.print(Text(f"{row['submission']}: {row['status']}", style="red"))


#: The most questions whose pass rates the terminal lists (summary.md has them all).
MAX_QUESTION_ROWS = 20
#: The most common mistakes the terminal lists (summary.html has them all).
MAX_MISTAKES = 5


def print_summary(summary: Summary, console: Console) -> None:
    """The per-question pass rates (up to MAX_QUESTION_ROWS questions), the most common mistakes (MAX_MISTAKES)
    and the score distribution."""
    for line in summary.overview():
        console.print(line)
    rows = summary.question_rows()
    if len(rows) > MAX_QUESTION_ROWS:
        console.print(f"{len(rows)} questions: their pass rates are in reports/summary.md and its chart")
    else:
        table = Table(title="Questions: students with full marks (of those who handed each in)")
        for i, header in enumerate(QUESTION_HEADERS):
            table.add_column(header, justify="right" if i >= 2 else "left")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    if summary.misconceptions:
        console.print("Most common mistakes (all of them, and each test's item analysis: reports/summary.html):")
        width = max(40, console.width - 4)
        for group in summary.misconceptions[:MAX_MISTAKES]:
            console.print(Text(shorten(f"  {group.assignment} › {group.sentence}", width)))
    table = Table(title="Score distribution")
    for i, header in enumerate(DISTRIBUTION_HEADERS):
        table.add_column(header, justify="right" if i == 1 else "left")
    for row in summary.distribution_rows():
        table.add_row(*row)
    console.print(table)

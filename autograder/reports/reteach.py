"""What to reteach: the class summary's sections on misconceptions and on its tests as exam items.

"Most common mistakes" lists `misconceptions.misconceptions` (each student linked to their feedback
page), "Tests" the `items.item_analysis` table, sortable by any column in summary.html; each
assignment's two charts follow its rows. Instructors' pages only: the groups name students and may
quote a hidden test's exception.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..names import file_key
from ..results import SubmissionResult
from .html import Markup, figure, link, markdown_table, table
from .items import Item
from .misconceptions import Misconception

MISTAKE_HEADERS = ["assignment", "question", "students", "mistake", "who"]
ITEM_HEADERS = ["assignment", "question", "test", "visibility", "points", "passed", "difficulty", "discrimination",
                "flags"]
MISTAKES_NOTE = ("Failed tests grouped by the mistake they show, per question, most common first: a known mistake "
                 "the checks recognised in a wrong value; else the same exception; else the same wrong value on the "
                 "same input (with per-student inputs, a hidden test's random input is each student's own, so only "
                 "tests without one group). A student counts once per group; groups of one unexplained failure are "
                 "left out.")
ITEMS_NOTE = ("Each test as an exam item, over the students who handed its assignment in. Difficulty: the share "
              "passing it. Discrimination: the point-biserial correlation of passing it with the points of the rest "
              "of the assignment (its other tests), blank where everyone passes or fails. Flagged: tests everyone "
              "fails (broken?), everyone passes (too easy?), and negative discrimination (testing something else?). "
              "Also in items.csv.")
#: The most misconceptions the Markdown summary lists (summary.html lists them all).
MAX_MARKDOWN_MISTAKES = 30


def chart_titles(title: str) -> tuple[str, str]:
    """The titles of an assignment's two charts (`charts.write_charts`): its mistakes, its tests."""
    return f"Most common mistakes: {title}", f"Tests of {title}"


def _names(results: list[SubmissionResult]) -> dict[str, str]:
    return {r.submission: r.identity.get("name") or r.submission for r in results}


def mistake_rows(groups: list[Misconception], titles: dict[str, str]) -> list[list[str]]:
    return [[titles.get(g.assignment, g.assignment), g.question, f"{g.count} of {g.graded}", g.what, ""]
            for g in groups]


def item_rows(items: list[Item], titles: dict[str, str]) -> list[list[str]]:
    return [[titles.get(i.assignment, i.assignment), i.question, i.description, "public" if i.public else "hidden",
             f"{i.points:g}", f"{i.passed} / {i.students}", f"{i.difficulty:.2f}",
             "" if i.discrimination is None else f"{i.discrimination:+.2f}", "; ".join(i.flags)] for i in items]


def reteach_markdown(groups: list[Misconception], items: list[Item], results: list[SubmissionResult],
                     titles: dict[str, str], charts: dict[str, Path]) -> list[str]:
    """The two sections' Markdown lines; `charts` by title, relative to the summary."""
    names = _names(results)
    lines = ["## Most common mistakes", "", MISTAKES_NOTE, ""]
    rows = mistake_rows(groups[:MAX_MARKDOWN_MISTAKES], titles)
    for row, group in zip(rows, groups):
        row[4] = ", ".join(f"[{names.get(s, s)}](feedback/{file_key(s)}.md)" for s in group.submissions)
    lines += [*markdown_table(MISTAKE_HEADERS, rows, set()), ""] if rows else ["No mistake shared by the class.", ""]
    if len(groups) > MAX_MARKDOWN_MISTAKES:
        lines += [f"… and {len(groups) - MAX_MARKDOWN_MISTAKES} more in summary.html.", ""]
    lines += [f"![{t}]({charts[t].as_posix()})" for a in titles for t in chart_titles(titles[a])[:1] if t in charts]
    lines += ["", "## Tests", "", ITEMS_NOTE, "", *markdown_table(ITEM_HEADERS, item_rows(items, titles), {4, 5, 6, 7}),
              ""]
    lines += [f"![{t}]({charts[t].as_posix()})" for a in titles for t in chart_titles(titles[a])[1:] if t in charts]
    return lines


def reteach_html(groups: list[Misconception], items: list[Item], results: list[SubmissionResult],
                 titles: dict[str, str], charts: dict[str, Path]) -> list[str]:
    """The two sections' HTML; the tests' table sorts by the column clicked."""
    names = _names(results)
    body = ["<h2>Most common mistakes</h2>", f"<p>{html.escape(MISTAKES_NOTE)}</p>"]
    rows = mistake_rows(groups, titles)
    for row, group in zip(rows, groups):
        row[4] = Markup(", ".join(link(names.get(s, s), f"feedback/{file_key(s)}.html") for s in group.submissions))
    body.append(table(MISTAKE_HEADERS, rows, {2}) if rows else "<p>No mistake shared by the class.</p>")
    body += [figure(charts[t], t) for a in titles for t in chart_titles(titles[a])[:1] if t in charts]
    body += ["<h2>Tests</h2>", f"<p>{html.escape(ITEMS_NOTE)} Click a column's heading to sort by it.</p>",
             table(ITEM_HEADERS, item_rows(items, titles), {4, 5, 6, 7}, sortable=True)]
    body += [figure(charts[t], t) for a in titles for t in chart_titles(titles[a])[1:] if t in charts]
    return body

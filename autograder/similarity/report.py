"""`grade similarity`'s report: a ranked table of alike pairs and a page per pair, matches side by side.

    OUT/similarity.csv          every pair compared (see `compare.SCREEN`): assignment, rank, the two, matched share,
                                the share of each found in the other, similarity per function, its page
    OUT/index.md, index.html    per assignment, the code shared by many (with the submissions that share it),
                                the pairs at or above the threshold (and the closest others), the submissions
                                that could not be compared, and what the comparison cannot see
    OUT/pairs/<id>/<a>--<b>.html  the two submissions' code side by side, the matching lines marked

It is evidence for a person to review, never a verdict: code alike by chance, by a shared
source the course allowed, or by a very short assignment looks the same to it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..names import file_key
from ..reports.files import write_atomic
from ..reports.grade_files import csv_text
from ..reports.html import link, markdown_table, page, table
from .common import Shared
from .compare import Comparison, Entry, Pair, compare_class
from .normalise import HELPERS, MODULE, Unit

if TYPE_CHECKING:
    from ..course import Course

#: A pair whose matched share reaches this is listed as suspicious.
THRESHOLD = 0.6
#: Below the threshold, the closest pairs of each assignment still shown, for scale; and the most pairs an
#: assignment's index lists with a page each (the rest are in similarity.csv).
CLOSEST, MAX_SHOWN = 5, 100
CAUTION = ("This report is evidence for a person to review, not a verdict. Code can be alike by chance, "
           "because the assignment leaves little room, or through a source the course allows; read both "
           "submissions side by side before concluding anything, and talk to the students.")
LIMITS = ("Fingerprints compare the code's text once it is normalised: they see a copy through renamed "
          "variables, reordered functions, comments, formatting, no-op arithmetic and dead statements, swapped "
          "operands, and lines split into temporaries or merged. They cannot see a copy whose computation was "
          "written another way: a formula rewritten as loops (or loops as a formula), a library call replaced by "
          "its own code, a helper function inlined or split off, statements reordered throughout, or code "
          "translated by hand or by a tool. A low score is no proof of independent work.")
SHARED = ("Code shared by many (left out of the pair scores below; a standard solution and a solution passed "
          "round the class look the same here: read it)")
#: The most members a terminal line names (index.md and index.html name them all).
NAMED = 20
HEADERS = ["rank", "pair", "matched share", "a in b", "b in a", "similarity per function"]
SIDE_STYLE = ("<style>.side{width:100%;table-layout:fixed}.side td{vertical-align:top;width:50%}"
              "mark{background:#ffe08a}body{max-width:90rem}</style>")


def percent(x: float) -> str:
    return f"{100 * x:.0f} %"


def per_function(pair: Pair) -> str:
    """"name: 97 %; ...", with "(common)" where both hold only code common to the class."""
    return "; ".join(f"{name}: {percent(o.share) if any(o.sizes) else '–'}{' (common)' * (name in pair.common)}"
                     for name, o in pair.units.items())


def shared_sentence(shared: Shared) -> str:
    """"7 of 12 submissions share `mse_cost`'s code (4 lines)", without the members."""
    names = [{HELPERS: "their helper functions", MODULE: "their module-level code"}.get(u, f"`{u}`")
             for u in shared.units]
    what = (f"{names[0]}'s code" if len(names) == 1 and names[0].startswith("`") else
            "the code of " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]))
    return (f"{len(shared.members)} of {shared.compared} submissions share {what} "
            f"({shared.lines} line{'s' * (shared.lines != 1)})")


def no_pair(comparison: Comparison) -> str:
    return "No pair shares code beyond the code shared by many above." if comparison.shared else \
        "No pair shares code."


def pair_page_path(pair: Pair) -> str:
    return f"pairs/{pair.assignment}/{file_key(pair.a.name)}--{file_key(pair.b.name)}.html"


def shown(comparison: Comparison, threshold: float) -> list[Pair]:
    """The pairs a report lists: those at or above `threshold`, then the `CLOSEST` next ones."""
    above = [p for p in comparison.pairs if p.similarity >= threshold]
    return (above + comparison.pairs[len(above):len(above) + CLOSEST])[:MAX_SHOWN]


def write_similarity(course: Course, directory: Path, output: Path, *, archives: list[Path] | None = None,
                     threshold: float = THRESHOLD, assignment_id: str | None = None,
                     boilerplate: Path | None = None, echo: Callable[[str], object] | None = None) -> list[Comparison]:
    """Compare the submissions under `directory` (and `archives`), write the report into `output`, `echo` a
    line per assignment and per suspicious pair, and return the comparisons."""
    comparisons = compare_class(course, directory, archives=archives or [], assignment_id=assignment_id,
                                boilerplate=boilerplate)
    listed = {id(p) for c in comparisons for p in shown(c, threshold)}
    write_atomic(output / "similarity.csv", similarity_csv(comparisons, listed))
    write_atomic(output / "index.md", index_markdown(comparisons, threshold))
    write_atomic(output / "index.html", index_html(comparisons, threshold))
    for comparison in comparisons:
        for pair in shown(comparison, threshold):
            write_atomic(output / pair_page_path(pair), pair_html(pair))
    for c in comparisons if echo else ():
        echo(f"similarity: {c.assignment}: {_summary(c, threshold)}" + "".join(
            f"\n  shared by many: {shared_sentence(s)}: {_members(s.members, NAMED)}" for s in c.shared) + "".join(
            f"\n  {percent(p.similarity)}  {p.a.name} – {p.b.name}" for p in c.pairs if p.similarity >= threshold))
    if echo:
        echo(f"wrote {output / 'index.html'}: evidence for a person to review, not a verdict")
    return comparisons


def similarity_csv(comparisons: list[Comparison], listed: set[int]) -> str:
    """Every pair compared, ranked; its names' cells never formulas (`grade_files.csv_text`)."""
    return csv_text(["assignment", "rank", "submission_a", "submission_b", "matched_share", "a_in_b", "b_in_a",
                     "similarity_per_function", "page"],
                    [[c.assignment, rank, p.a.name, p.b.name, f"{p.similarity:.3f}", f"{p.overlap.shares[0]:.3f}",
                      f"{p.overlap.shares[1]:.3f}", per_function(p), pair_page_path(p) if id(p) in listed else ""]
                     for c in comparisons for rank, p in enumerate(c.pairs, start=1)])


def _rows(comparison: Comparison, threshold: float) -> list[list[str]]:
    return [[str(rank), f"{p.a.name} – {p.b.name}", percent(p.similarity), percent(p.overlap.shares[0]),
             percent(p.overlap.shares[1]), per_function(p)] for rank, p in enumerate(shown(comparison, threshold), 1)]


def _code_spans(text: str) -> str:
    """`text` as HTML, its `code` spans in <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _members(names: tuple[str, ...], most: int | None = None) -> str:
    shown = names if most is None or len(names) <= most else names[:most]
    return ", ".join(shown) + (f" and {len(names) - len(shown)} more (index.md)" if len(shown) < len(names) else "")


def _summary(comparison: Comparison, threshold: float) -> str:
    above = sum(p.similarity >= threshold for p in comparison.pairs)
    more = f" (the first {MAX_SHOWN} listed here, all in similarity.csv)" if above > MAX_SHOWN else ""
    shared = f"; {len(comparison.shared)} piece(s) of code shared by many" if comparison.shared else ""
    return (f"{comparison.compared} submissions compared; {above} pair(s) at or above {percent(threshold)} "
            f"matched share{more}{shared}" + (f"; {len(comparison.skipped)} not compared" if comparison.skipped
                                                else ""))


def index_markdown(comparisons: list[Comparison], threshold: float) -> str:
    lines = ["# Similar submissions", "", f"**{CAUTION}**", ""]
    if not comparisons:
        lines.append("No assignment was handed in by two or more submissions.")
    for c in comparisons:
        lines += [f"## {c.assignment}", "", _summary(c, threshold), ""]
        if c.shared:
            lines += [f"{SHARED}:", "", *(f"- {shared_sentence(s)}: {_members(s.members)}" for s in c.shared), ""]
        rows = _rows(c, threshold)
        for row, pair in zip(rows, shown(c, threshold)):
            row[1] = f"[{row[1]}]({pair_page_path(pair)})"
        lines += [*markdown_table(HEADERS, rows, {0, 2, 3, 4}), ""] if rows else [no_pair(c), ""]
        if c.skipped:
            lines += [*(f"- not compared: `{name}`: {why}" for name, why in sorted(c.skipped.items())), ""]
    lines += ["## What this cannot see", "", LIMITS]
    return "\n".join(lines).rstrip() + "\n"


def index_html(comparisons: list[Comparison], threshold: float) -> str:
    body = ["<h1>Similar submissions</h1>", f"<p><strong>{html.escape(CAUTION)}</strong></p>"]
    for c in comparisons:
        body += [f"<h2>{html.escape(c.assignment)}</h2>", f"<p>{html.escape(_summary(c, threshold))}</p>"]
        if c.shared:
            body += [f"<p>{html.escape(SHARED)}:</p>", "<ul>" + "".join(
                f"<li>{_code_spans(shared_sentence(s))}: {html.escape(_members(s.members))}</li>" for s in c.shared)
                + "</ul>"]
        pairs = shown(c, threshold)
        rows = _rows(c, threshold)
        for row, pair in zip(rows, pairs):  # each pair's names link to its page
            row[1] = link(row[1], pair_page_path(pair))
        body.append(table(HEADERS, rows, {0, 2, 3, 4}) if pairs else f"<p>{html.escape(no_pair(c))}</p>")
        body += [f"<p class=\"note\">not compared: <code>{html.escape(n)}</code>: {html.escape(w)}</p>"
                 for n, w in sorted(c.skipped.items())]
    body += ["<h2>What this cannot see</h2>", f"<p>{html.escape(LIMITS)}</p>"]
    return page("Similar submissions", body)


def _code(entry: Entry, unit: Unit | None, spans: list[tuple[int, int]]) -> str:
    """The original lines of `unit` in `entry`'s source, numbered, those of matched statements marked."""
    if unit is None:
        return "<pre>(not in this submission)</pre>"
    marked = set().union(*(unit.lines(s, e) for s, e in spans)) if spans else set()
    first = min(lines[0] for _, lines in unit.spans)
    last = max(lines[1] for _, lines in unit.spans)
    source = entry.source.splitlines()
    out = []
    for number in range(first, min(last, len(source)) + 1):
        text = html.escape(f"{number:4d}  {source[number - 1]}")
        out.append(f"<mark>{text}</mark>" if number in marked else text)
    return "<pre>" + "\n".join(out) + "</pre>"


def pair_html(pair: Pair) -> str:
    """The page of one pair: the caution, the numbers, then each function's code side by side."""
    a, b = pair.a.name, pair.b.name
    body = [SIDE_STYLE, f"<h1>{html.escape(pair.assignment)}: {html.escape(a)} – {html.escape(b)}</h1>",
            f"<p><strong>{html.escape(CAUTION)}</strong></p>",
            f"<p>Matched share {percent(pair.similarity)}: {percent(pair.overlap.shares[0])} of {html.escape(a)}'s "
            f"code is found in {html.escape(b)}'s, {percent(pair.overlap.shares[1])} the other way. Marked lines "
            f"hold code that matches once names, comments, docstrings, formatting, the order of functions and of "
            f"commutative operands, no-op arithmetic, dead statements and temporaries are set aside; the template's "
            f"code is left out, and so is code common to the class (but in a function that holds nothing "
            f"else).</p>"]
    for name in sorted(set(pair.a.units) | set(pair.b.units)):
        found = pair.units.get(name)
        heading = (f"{name}: {percent(found.share)} alike, all of it code common to the class"
                   if found and name in pair.common else f"{name}: {percent(found.share)} alike"
                   if found and any(found.sizes) else f"{name}: only code common to the class" if found
                   else f"{name}: in one submission only")
        spans = found.spans if found else ([], [])
        body += [f"<h2>{html.escape(heading)}</h2>", f'<table class="side"><tr><th>{html.escape(a)}</th>'
                 f"<th>{html.escape(b)}</th></tr><tr><td>{_code(pair.a, pair.a.units.get(name), spans[0])}</td>"
                 f"<td>{_code(pair.b, pair.b.units.get(name), spans[1])}</td></tr></table>"]
    return page(f"{pair.assignment}: {a} – {b}", body)

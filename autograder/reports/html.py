"""The report pages' shared pieces: a stand-alone HTML page, HTML and Markdown tables."""

from __future__ import annotations

import html
from pathlib import Path

STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:0.5rem 0 1rem}th,td{border:1px solid #ccc;padding:0.25rem 0.6rem}
td.n{text-align:right}pre{background:#f6f6f6;padding:0.6rem;overflow-x:auto;white-space:pre-wrap}
.pass{color:#17692f}.fail{color:#a11}.note{color:#8a5a00}img{max-width:100%}table.sortable th{cursor:pointer}"""
#: Sorts a `sortable` table by the column whose heading is clicked (numbers as numbers), again to reverse.
SORT = """document.querySelectorAll("table.sortable th").forEach((th, i) => th.addEventListener("click", () => {
const t = th.closest("table"), rows = Array.from(t.rows).slice(1), up = th.dataset.dir !== "up";
const key = r => { const s = r.cells[i].textContent.trim(), n = parseFloat(s); return isNaN(n) ? s : n; };
th.dataset.dir = up ? "up" : "down";
rows.sort((a, b) => { const x = key(a), y = key(b);
  const c = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
  return up ? c : -c; });
rows.forEach(r => r.parentNode.appendChild(r));
}));"""


def page(title: str, body: list[str]) -> str:
    """A stand-alone HTML page with the reports' style (and the script that sorts its sortable tables)."""
    script = f"\n<script>{SORT}</script>" if any('<table class="sortable">' in part for part in body) else ""
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{html.escape(title)}"
            f"</title>\n<style>{STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + f"{script}\n</body>\n</html>\n")


def figure(path: Path, title: str) -> str:
    """An image (a chart, `path` relative to the page) with `title` as its text for those who cannot see it."""
    return f"<figure><img src=\"{html.escape(path.as_posix())}\" alt=\"{html.escape(title)}\"></figure>"


class Markup(str):
    """Text that is HTML already (a link made by `link`): a table puts it in its cell as it is."""


def link(text: str, href: str) -> Markup:
    """`text` as a link to `href` (a relative path), both escaped."""
    return Markup(f'<a href="{html.escape(href)}">{html.escape(text)}</a>')


def table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset(), sortable: bool = False) -> str:
    """An HTML table; the columns in `numeric` are right-aligned; a cell is escaped unless it is `Markup`; a
    `sortable` one sorts by the column whose heading is clicked (`page` adds the script)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    numeric_cell = ' class="n"'
    body = "".join("<tr>" + "".join(f"<td{numeric_cell if i in numeric else ''}>"
                                    f"{c if isinstance(c, Markup) else html.escape(c)}</td>"
                                    for i, c in enumerate(row)) + "</tr>\n" for row in rows)
    opening = '<table class="sortable">' if sortable else "<table>"
    return f"{opening}\n<tr>{head}</tr>\n{body}</table>"


def cell(text: str) -> str:
    """`text` made safe for one cell of a Markdown table."""
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> list[str]:
    """A Markdown table's lines; the columns in `numeric` are right-aligned."""
    align = ["---:" if i in numeric else "---" for i in range(len(headers))]
    return (["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
            + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows])

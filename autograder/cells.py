"""A notebook's code cells as one module's source, and where each line of that module came from.

A notebook is graded as the module its code cells make, in order (`notebook_to_source`), whether it
is a handed-in `.ipynb` or the cells a check cell finds run in the student's kernel
(`cells_to_source`). What grading says of a line (a syntax error, an import that failed, a
forbidden call, a traceback's frame) then names the cell a student sees: its execution count and
the question heading above it (`CellMap.place`), never a line of a file the student never saw.

A notebook is read as JSON, field by field, each field's type checked before it is used (no schema
validation, which is slow on large files): only its code cells count; IPython magics and shell lines
become `pass` so line numbers still match.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .names import shown

#: The tag of the check cells the build writes (they call the grader; never graded themselves).
CHECK_CELL_TAG = "grader-check"

_MAGIC = re.compile(r"^(\s*)([%!]|[A-Za-z_][\w.]*\s*=\s*!)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
#: The start of a cell in the module: "# --- cell ... ---", a comment, so the lines after it keep their numbers.
MARKER = "# --- cell {} ---"


@dataclass(frozen=True)
class Cell:
    """One code cell: its lines in the module (first and last, 1-based, the marker excluded) and its label."""

    first: int
    last: int
    label: str


@dataclass(frozen=True)
class CellMap:
    """The cells of a module made from a notebook, in order."""

    cells: tuple[Cell, ...] = ()

    def place(self, line: int) -> str:
        """Where `line` of the module is, as a student finds it: 'cell [5] under "predict", line 3'."""
        cell = next((c for c in self.cells if c.first <= line <= c.last), None)
        return f"line {line}" if cell is None else f"{cell.label}, line {line - cell.first + 1}"

    def frames(self, traceback: str, module_file: str) -> str:
        """`traceback` with each frame of the module (`File "<...>/module_file", line N`) named by its cell."""
        pattern = re.compile(rf'File "[^"\n]*?{re.escape(module_file)}", line (\d+)')
        return pattern.sub(lambda m: f"In {self.place(int(m.group(1)))}", traceback)


def label(execution_count: object, index: int, heading: str) -> str:
    """How a student finds a cell: by its execution count where it ran ('cell [5]'), else its position, and by
    the heading above it."""
    where = f"cell [{execution_count}]" if isinstance(execution_count, int) else f"the {_ordinal(index)} cell"
    return f'{where} under "{shown(heading, 60)}"' if heading else where


def cells_to_source(cells: list[tuple[str, str]]) -> tuple[str, CellMap]:
    """The module made of `(label, code)` cells, in order, and its map."""
    parts, found, line = [], [], 1
    for name, code in cells:
        body = [_inert(text) for text in code.splitlines()]
        parts.append("\n".join([MARKER.format(name), *body]))
        found.append(Cell(line + 1, line + max(len(body), 1), name))
        line += len(body) + 2  # the marker, the body, and the blank line that joins it to the next
    return "\n\n".join(parts) + "\n", CellMap(tuple(found))


class NotJSON(ValueError):
    """A notebook file whose text is not JSON at all (rather than JSON that is not a notebook)."""


def notebook_to_source(text: str) -> tuple[str, CellMap]:
    """The Python code of a notebook's code cells, magics and shell lines made inert, check cells left out, and
    where each cell is. `ValueError` for what is not a notebook. Each field is used only once its type is
    checked; nbformat 4 and 3 (`worksheets`, `input`) are read."""
    try:
        notebook = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise NotJSON(f"it is not valid JSON ({str(exc).splitlines()[0][:200]})") from None
    if not isinstance(notebook, dict):
        raise ValueError("its JSON is not an object, so it is not a notebook")
    metadata = _mapping(notebook.get("metadata"))
    language = (_text(_mapping(metadata.get("kernelspec")).get("language"))
                or _text(_mapping(metadata.get("language_info")).get("name")) or "python")
    if language.lower() != "python":
        raise ValueError(f"its kernel language is {language[:40]!r}; this course's notebooks are Python")
    cells = notebook.get("cells")
    if cells is None and isinstance(notebook.get("worksheets"), list):  # nbformat 3
        cells = [cell for sheet in notebook["worksheets"] if isinstance(sheet, dict)
                 for cell in (sheet.get("cells") if isinstance(sheet.get("cells"), list) else [])]
    if not isinstance(cells, list):
        raise ValueError("it has no list of cells")
    code_cells, heading = [], ""
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise ValueError(f"cell {index} is not a cell (a JSON object)")
        tags = _mapping(cell.get("metadata")).get("tags")
        if cell.get("cell_type") == "markdown":
            found = _HEADING.search(_source(cell.get("source", ""), index))
            heading = found.group(1) if found else heading
        if cell.get("cell_type") != "code" or isinstance(tags, list) and CHECK_CELL_TAG in tags:
            continue
        code = _source(cell.get("source", cell.get("input", "")), index)
        if not code.lstrip().startswith("%%"):
            code_cells.append((label(cell.get("execution_count"), index, heading), code))
    return cells_to_source(code_cells)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _source(value: object, index: int) -> str:
    """A cell's source: a string, or a list of strings (its lines)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    raise ValueError(f"cell {index}'s source is neither text nor a list of lines")


def _inert(line: str) -> str:
    match = _MAGIC.match(line)
    if not match:
        return line
    return f"{match.group(1)}pass  # notebook-only line left out: {line.strip()[:60]}"

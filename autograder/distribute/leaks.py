"""Find solution code and hidden tests in a folder meant for students.

The secrets of a course are the blocks students write (between `# BEGIN
SOLUTION` and `# END SOLUTION` in `solutions/*.py`) and the bodies of the
functions in `assignments/*/hidden.py`. Lines are compared with all whitespace
removed. Lines too short to tell anything (`return w, b`), comments, hints and
lines that students get anyway (they occur in a template or a public test) are
left out. A file leaks a secret block when it repeats two of the block's lines,
or its only line: one shared idiom such as `with torch.no_grad():` is not a leak.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..build import BEGIN, END, HINT

#: A normalised line shorter than this many characters is not evidence of a leak.
MIN_LENGTH = 16

#: Lines of one secret block that a file must repeat to leak it (fewer when the block is shorter).
MIN_LINES = 2

_TEXT_SUFFIXES = {".py", ".ipynb", ".md", ".txt", ".toml", ".json", ".yml", ".yaml", ".cfg", ".sh", ".html", ".csv"}


def normalise(line: str) -> str:
    """`line` without any whitespace, so indentation and spacing do not hide a copy."""
    return re.sub(r"\s+", "", line)


def _telling(line: str) -> bool:
    stripped = line.strip()
    return len(normalise(stripped)) >= MIN_LENGTH and not stripped.startswith(("#", '"""', "'''"))


def solution_blocks(source: str) -> list[tuple[int, list[str]]]:
    """`[(line number of BEGIN, lines inside)]` for each solution block of `source`, hints left out."""
    blocks: list[tuple[int, list[str]]] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip() == BEGIN:
            blocks.append((number, []))
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside and not line.strip().startswith(HINT):
            blocks[-1][1].append(line)
    return blocks


def function_bodies(source: str) -> list[tuple[int, list[str]]]:
    """`[(line number of def, body lines)]` for every function of `source`, nested ones too; docstrings left out."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                body = body[1:]
            if body:
                found.append((node.lineno, lines[body[0].lineno - 1:body[-1].end_lineno]))
    return found


@dataclass(frozen=True)
class Secret:
    """One block students must not see, as its set of normalised telling lines."""

    origin: str  # e.g. "solutions/linear_regression.py:24"
    lines: frozenset[str]

    @property
    def threshold(self) -> int:
        return min(MIN_LINES, len(self.lines))


@dataclass(frozen=True)
class Leak:
    """A file that repeats a secret block."""

    file: Path
    line_number: int  # the first repeated line
    origin: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line_number} repeats {self.origin}"


def course_secrets(root: Path) -> list[Secret]:
    """Every solution block and hidden test body of the course at `root`, as `Secret`s."""
    public: set[str] = set()
    for path in [*(root / "student_template").glob("*.py"), *(root / "assignments").glob("*/public.py")]:
        public |= {normalise(line) for line in path.read_text(encoding="utf-8").splitlines()}
    sources = [(path, solution_blocks) for path in sorted((root / "solutions").glob("*.py"))]
    sources += [(path, function_bodies) for path in sorted((root / "assignments").glob("*/hidden.py"))]
    secrets = []
    for path, extract in sources:
        for number, block in extract(path.read_text(encoding="utf-8")):
            lines = frozenset(normalise(line) for line in block if _telling(line)) - public
            if lines:
                secrets.append(Secret(f"{path.relative_to(root).as_posix()}:{number}", lines))
    return secrets


def find_leaks(folder: Path, root: Path) -> list[Leak]:
    """Each (file, secret block) pair where a text file under `folder` repeats a secret of the course at `root`."""
    secrets = course_secrets(root)
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _TEXT_SUFFIXES):
        numbered: dict[str, int] = {}
        for number, line in enumerate(_lines_of(path), start=1):
            numbered.setdefault(normalise(line), number)
        for secret in secrets:
            repeated = secret.lines & numbered.keys()
            if len(repeated) >= secret.threshold:
                leaks.append(Leak(path, min(numbered[line] for line in repeated), secret.origin))
    return leaks


def _lines_of(path: Path) -> list[str]:
    """The text lines of a file; for a notebook, the lines of its cells' sources, one cell after another."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(text).get("cells", [])
            return [line for cell in cells for line in "".join(cell.get("source", "")).splitlines()]
        except (ValueError, AttributeError, TypeError):
            pass  # not a readable notebook: scan it as text
    return text.splitlines()


def forbidden_paths(folder: Path) -> list[Path]:
    """Files named hidden.py and folders named solutions under `folder`."""
    return sorted(p for p in folder.rglob("*")
                  if (p.is_file() and p.name == "hidden.py") or (p.is_dir() and p.name == "solutions"))

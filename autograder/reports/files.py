"""Writing output files so that a reader never sees half of one, and none grows past its budget."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The largest results.json (Gradescope's limit is larger) and feedback page any hand-in can make.
MAX_RESULTS_BYTES = 5 * 1024**2
MAX_PAGE_BYTES = 1024**2
#: The longest strings a document keeps, tried in turn until it fits its budget (None: as they are).
_CAPS = (None, 20_000, 4_000, 1_000, 200)
CUT = "… (cut: this report has a size limit)"


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader never sees half a file. A surrogate (a byte of a file name that
    is not UTF-8) is written escaped, never an error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def write_json(path: Path, document: dict, limit: int | None = None) -> None:
    """`document` as JSON at `path`, at most `limit` bytes (its longest strings cut until it fits)."""
    write_atomic(path, within(lambda cap: json.dumps(cut_strings(document, cap), indent=2) + "\n", limit))


def within(render: Callable[[int | None], str], limit: int | None) -> str:
    """`render(cap)` with the first string cap of `_CAPS` that keeps it within `limit` bytes (the smallest cap's
    when none does); `render` builds its text with every string of its data cut at `cap` characters."""
    text = render(None)
    for cap in _CAPS[1:]:
        if limit is None or len(text.encode("utf-8", "backslashreplace")) <= limit:
            break
        text = render(cap)
    return text


def cut_strings(data: Any, cap: int | None) -> Any:
    """`data` (JSON-like) with every string longer than `cap` characters cut, saying so, and every list of
    strings (notes, file names) cut at `cap` items; lists of anything else (tests) are kept whole."""
    if cap is None:
        return data
    if isinstance(data, str):
        return data if len(data) <= cap else data[: max(cap - len(CUT), 0)] + CUT
    if isinstance(data, dict):
        return {k: cut_strings(v, cap) for k, v in data.items()}
    if isinstance(data, list):
        kept = data[:cap] if all(isinstance(v, str) for v in data) else data
        return [cut_strings(v, cap) for v in kept]
    return data

"""Results as people and programs read them: the terminal, Gradescope JSON, CSV rows."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .scoring import AssignmentResult, total


def _points(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def print_results(results: list[AssignmentResult], console: Console, *, verbose_passed: bool = False) -> None:
    """A table per assignment, the feedback of each failed test, and the total."""
    for result in results:
        table = Table(title=f"{result.title} ({result.assignment})", title_justify="left", expand=False)
        table.add_column("test")
        table.add_column("question")
        table.add_column("kind")
        table.add_column("points", justify="right")
        table.add_column("verdict")
        for t in result.tests:
            verdict = Text("passed", style="green") if t.passed else Text("failed", style="bold red")
            table.add_row(t.description, t.question, "public" if t.public else "hidden",
                          f"{_points(t.score)}/{_points(t.max_score)}", verdict)
        table.add_section()
        table.add_row("total", "", "", f"{_points(result.score)}/{_points(result.max_score)}", "")
        console.print(table)
        for note in result.notes:
            console.print(Text(f"note: {note}", style="yellow"))
        for t in result.tests:
            if not t.passed or verbose_passed:
                console.print(Text(t.feedback or "passed", style="red" if not t.passed else ""))
                console.print()
    if len(results) > 1:
        score, max_score = total(results)
        console.print(Text(f"Total: {_points(score)}/{_points(max_score)}", style="bold"))


def gradescope_json(results: list[AssignmentResult], extra: dict[str, Any] | None = None) -> dict:
    """Gradescope's results.json: score, max_score, and one entry per test."""
    score, max_score = total(results)
    tests = []
    for result in results:
        notes = "".join(f"note: {note}\n" for note in result.notes)
        for t in result.tests:
            tests.append({
                "name": f"{result.assignment}: {t.question}: {t.description}",
                "name_format": "text",
                "number": f"{result.assignment}.{t.name}",
                "score": round(t.score, 6),
                "max_score": round(t.max_score, 6),
                "status": "passed" if t.passed else "failed",
                "output": (notes + t.feedback) if not t.passed else "Passed.",
                "output_format": "text",
                "visibility": "visible",
                "tags": [result.assignment, t.question, "public" if t.public else "hidden"],
            })
    document: dict[str, Any] = {"score": round(score, 4), "max_score": round(max_score, 4), "tests": tests,
                                "output_format": "text", "visibility": "visible"}
    document["extra_data"] = {
        "assignments": {r.assignment: {"score": round(r.score, 4), "max_score": round(r.max_score, 4),
                                       "notes": r.notes} for r in results},
        **(extra or {}),
    }
    return document


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def write_json(path: Path, document: dict) -> None:
    write_atomic(path, json.dumps(document, indent=2) + "\n")


def grades_csv(rows: list[dict[str, Any]], assignment_ids: list[str]) -> str:
    """One row per submission: its name, a column per assignment, the total and its maximum."""
    fields = ["submission", *assignment_ids, "total", "max_total", "status"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (_points(v) if isinstance(v, float) else v) for k, v in row.items()})
    return buffer.getvalue()

"""`grade batch`: every submission in a folder, each graded in its own `grade run` process.

A separate process per submission means a submission that brings down its
grader loses only its own row, which then says so. Each result is written
atomically as soon as it is known, so `--resume` after an interruption grades
only what is missing, exactly once.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import assignments as course
from .reports import grades_csv, write_atomic, write_json

RESULTS = "results"


def submissions_in(directory: Path) -> list[Path]:
    """Each visible file, folder or zip directly under `directory` is one submission."""
    return sorted(p for p in directory.iterdir() if not p.name.startswith((".", "__")))


def result_key(entry: Path) -> str:
    """A file-name-safe key for a submission: its name with unsafe characters replaced."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", entry.name)


def grade_one(entry: Path, assignment_id: str | None, timeout: float, slot: int = 0) -> dict[str, Any]:
    """Run `grade run ENTRY --format json` in a worker process; never raises.

    `slot` numbers the worker, so that parallel workers' sandboxes get different uids.
    """
    command = [sys.executable, "-m", "autograder", "run", str(entry), "--format", "json"]
    if assignment_id:
        command += ["--assignment", assignment_id]
    # slots of concurrent batches must not meet: each batch gets its own block of 64
    env = {**os.environ, "GRADE_WORKER_SLOT": str((os.getpid() % 300) * 64 + slot)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               env=env, preexec_fn=_die_with_batch)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return _error(entry, f"grading did not finish within {timeout:g} s")
    if process.returncode < 0:
        return _error(entry, f"the grading process was killed by {signal.Signals(-process.returncode).name}")
    if process.returncode != 0:
        message = stderr.decode("utf-8", "replace").strip().splitlines()
        return _error(entry, message[-1] if message else f"grader exited with status {process.returncode}")
    try:
        document = json.loads(stdout)
    except json.JSONDecodeError:
        return _error(entry, "the grader's output was not JSON")
    document["submission"] = entry.name
    document["status"] = "graded"
    return document


def _die_with_batch() -> None:
    """In the worker, before exec: be killed when the batch dies (Linux), so a killed
    batch leaves no worker behind to race the resumed one."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _error(entry: Path, message: str) -> dict[str, Any]:
    return {"submission": entry.name, "status": f"error: {message}", "score": 0.0, "max_score": 0.0,
            "tests": [], "output": message}


def row_of(document: dict[str, Any], assignment_ids: list[str]) -> dict[str, Any]:
    """The grades.csv row of one results document."""
    row: dict[str, Any] = {"submission": Path(document["submission"]).stem, "status": document["status"]}
    for assignment, scores in document.get("extra_data", {}).get("assignments", {}).items():
        row[assignment] = float(scores["score"])
    row["total"] = round(float(document["score"]), 4)
    row["max_total"] = round(float(document["max_score"]), 4)
    return row


def run_batch(directory: Path, output: Path, *, jobs: int = 2, resume: bool = False,
              assignment_id: str | None = None, console: Console | None = None,
              timeout: float | None = None, roster: Path | None = None) -> list[dict[str, Any]]:
    """Grade everything under `directory` into `output`; return the documents, in submission order.

    `timeout` caps each submission's grading (default: the sum of the assignments' budgets).
    """
    console = console or Console()
    results_dir = output / RESULTS
    results_dir.mkdir(parents=True, exist_ok=True)
    entries = submissions_in(directory)
    assignments = course.all_assignments()
    timeout = timeout or sum(a.timeout for a in assignments.values()) + 60
    documents: dict[str, dict] = {}
    todo = []
    for entry in entries:
        path = results_dir / f"{result_key(entry)}.json"
        if resume and path.exists():
            documents[entry.name] = json.loads(path.read_text(encoding="utf-8"))
        else:
            todo.append(entry)
    columns = (TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("", total=len(entries), completed=len(entries) - len(todo))
        slots: queue.SimpleQueue[int] = queue.SimpleQueue()
        for slot in range(jobs):
            slots.put(slot)

        def work(entry: Path) -> dict[str, Any]:
            slot = slots.get()
            try:
                return grade_one(entry, assignment_id, timeout, slot)
            finally:
                slots.put(slot)

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(work, entry): entry for entry in todo}
            for future in as_completed(futures):
                entry = futures[future]
                document = future.result()
                write_json(results_dir / f"{result_key(entry)}.json", document)
                documents[entry.name] = document
                progress.update(task, advance=1, description=entry.name)
    ordered = [documents[e.name] for e in entries]
    rows = [row_of(d, list(assignments)) for d in ordered]
    write_atomic(output / "grades.csv", grades_csv(rows, list(assignments)))
    from .class_report import write_class_reports

    write_class_reports(ordered, output, roster, console)
    _print_table(rows, [a for a in assignments if any(a in r for r in rows)], console)
    console.print(f"wrote {output / 'grades.csv'} and {len(ordered)} result files in {results_dir}")
    return ordered


def _print_table(rows: list[dict[str, Any]], columns: list[str], console: Console) -> None:
    from rich.table import Table

    assignments = course.all_assignments()
    table = Table(title="Scores", caption=", ".join(f"A{assignments[c].number}: {c}" for c in columns))
    table.add_column("submission", no_wrap=True)
    for column in columns:
        table.add_column(f"A{assignments[column].number}", justify="right")
    table.add_column("total", justify="right", no_wrap=True)
    for row in rows:
        total = f"{row['total']:g}/{row['max_total']:g}" if row["status"] == "graded" else f"[red]{row['status']}[/]"
        table.add_row(row["submission"], *(f"{row[c]:g}" if c in row else "–" for c in columns), total)
    console.print(table)

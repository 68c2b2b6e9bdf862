"""`grade batch`: every submission in a folder, each graded in its own `grade run` process.

A separate process per submission means a submission that brings down its
grader loses only its own row, which then says so. Each result is written
atomically as soon as it is known, so `--resume` after an interruption grades
only what is missing, exactly once.

    OUT/graded/<submission>.json    the project's own result (`results.SubmissionResult`), read by --resume
    OUT/results/<submission>.json   the same as Gradescope's results.json
    OUT/grades.csv, OUT/reports/    the class's grades and reports (OUT/reports/similarity/: alike pairs)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import assignments as course
from .loading import submissions_in
from .reports.class_reports import write_class_reports
from .reports.files import write_atomic, write_json
from .reports.grade_files import grades_csv, grades_row
from .reports.gradescope import submission_document
from .reports.terminal import print_scores
from .results import SubmissionResult, from_json, to_json
from .submission import submission_key

GRADED_DIR = "graded"
RESULTS_DIR = "results"


def grade_one(entry: Path, assignment_id: str | None, timeout: float, insecure: bool = False) -> SubmissionResult:
    """Run `grade run ENTRY --format results` in a worker process; never raises."""
    command = [sys.executable, "-m", "autograder", "run", str(entry), "--format", "results"]
    if assignment_id:
        command += ["--assignment", assignment_id]
    if insecure:
        command.append("--insecure")
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=_die_with_batch)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return SubmissionResult(entry.name, status=f"grading did not finish within {timeout:g} s")
    if process.returncode < 0:
        return SubmissionResult(entry.name,
                                status=f"the grading process was killed by {signal.Signals(-process.returncode).name}")
    if process.returncode != 0:
        message = stderr.decode("utf-8", "replace").strip().splitlines()
        return SubmissionResult(entry.name,
                                status=message[-1] if message else f"grader exited with status {process.returncode}")
    try:
        result = from_json(json.loads(stdout))
    except (ValueError, TypeError):
        return SubmissionResult(entry.name, status="the grader's output was not a result")
    result.submission = entry.name
    result.extra["seconds"] = round(time.monotonic() - started, 2)
    return result


def _die_with_batch() -> None:
    """In the worker, before exec: be killed when the batch dies (Linux), so a killed
    batch leaves no worker behind to race the resumed one."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _read(path: Path) -> SubmissionResult | None:
    """A result written by an earlier run, or None when there is none (or only a damaged one)."""
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def run_batch(directory: Path, output: Path, *, jobs: int, resume: bool = False,
              assignment_id: str | None = None, console: Console | None = None, timeout: float | None = None,
              roster: Path | None = None, insecure: bool = False) -> list[SubmissionResult]:
    """Grade everything under `directory` into `output` with `jobs` workers; return the results, in
    submission order. `timeout` caps each submission's grading (default: the sum of the assignments' budgets);
    `insecure` grades where the course's secrets are within the student's reach (see `grade run --insecure`)."""
    console = console or Console()
    entries = submissions_in(directory)
    assignments = course.all_assignments()
    timeout = timeout or sum(a.timeout for a in assignments.values()) + 60
    results: dict[str, SubmissionResult] = {}
    todo = []
    for entry in entries:
        kept = _read(output / GRADED_DIR / f"{submission_key(entry.name)}.json") if resume else None
        if kept is not None and kept.submission == entry.name:  # a result of this very submission, no other
            results[entry.name] = kept
        else:
            todo.append(entry)
    columns = (TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("", total=len(entries), completed=len(entries) - len(todo))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(grade_one, entry, assignment_id, timeout, insecure): entry for entry in todo}
            for future in as_completed(futures):
                entry = futures[future]
                results[entry.name] = save(future.result(), output)
                progress.update(task, advance=1, description=entry.name)
    ordered = [results[e.name] for e in entries]
    for result in ordered:  # a resumed batch may have been killed between a result's two files
        path = output / RESULTS_DIR / f"{submission_key(result.submission)}.json"
        if not path.exists():
            write_json(path, submission_document(result))
    rows = [grades_row(r) for r in ordered]
    write_atomic(output / "grades.csv", grades_csv(rows, list(assignments)))
    write_class_reports(ordered, output, roster, console)
    if len(entries) > 1:
        from .similarity.report import write_similarity

        write_similarity(directory, output / "reports" / "similarity", assignment_id=assignment_id,
                         echo=lambda line: console.print(line, markup=False, highlight=False))
    print_scores(rows, {a: assignments[a].number for a in assignments if any(a in r for r in rows)}, console)
    console.print(f"wrote {output / 'grades.csv'} and {len(ordered)} result files in {output / RESULTS_DIR}")
    return ordered


def save(result: SubmissionResult, output: Path) -> SubmissionResult:
    """Write one result: the project's own JSON first (what --resume reads), then Gradescope's form."""
    key = submission_key(result.submission)
    write_json(output / GRADED_DIR / f"{key}.json", to_json(result))
    write_json(output / RESULTS_DIR / f"{key}.json", submission_document(result))
    return result

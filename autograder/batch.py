"""`grade batch`: every submission in a folder, graded by long-lived workers.

Each of `--jobs` workers (`worker`) is one grader process kept for the whole batch, with
warm templates of the student's process, and grades one submission at a time. A
submission that brings down its worker (or hangs past its budget) loses only its own
row, which says so, and the worker is replaced. Each result is written atomically as
soon as it is known, so `--resume` after an interruption grades only what is missing
or failed, exactly once.

    OUT/graded/<submission>.json    the project's own result (`results.SubmissionResult`), read by --resume
    OUT/results/<submission>.json   the same as Gradescope's results.json
    OUT/grades.csv, OUT/reports/    the class's grades and reports (OUT/reports/similarity/: alike pairs)
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
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
#: The most bytes of one worker's answer: a submission's results JSON (verdicts are capped).
MAX_ANSWER_BYTES = 64 * 1024**2


class Worker:
    """One long-lived `python -m autograder.worker` process, started on first use and after it dies."""

    def __init__(self, insecure: bool = False) -> None:
        self.insecure = insecure
        self._process: subprocess.Popen | None = None
        self._buffer = b""

    def grade(self, entry: Path, assignment_id: str | None, timeout: float) -> SubmissionResult:
        """Grade `entry` within `timeout` seconds; never raises."""
        started = time.monotonic()
        try:
            process = self._start()
            job = {"path": str(entry.resolve()), "name": entry.name, "assignment": assignment_id,
                   "insecure": self.insecure}
            assert process.stdin is not None
            process.stdin.write(json.dumps(job).encode() + b"\n")
            process.stdin.flush()
            line = self._read_line(started + timeout)
        except TimeoutError:
            self.stop()
            return SubmissionResult(entry.name, status=f"grading did not finish within {timeout:g} s")
        except (OSError, EOFError):
            return SubmissionResult(entry.name, status=self._death())
        try:
            result = from_json(json.loads(line))
        except (ValueError, TypeError):
            self.stop()
            return SubmissionResult(entry.name, status="the grader's output was not a result")
        result.submission = entry.name
        result.extra["seconds"] = round(time.monotonic() - started, 2)
        return result

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            self._buffer = b""
            self._process = subprocess.Popen([sys.executable, "-m", "autograder.worker"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                             start_new_session=True, preexec_fn=_die_with_batch)
            assert self._process.stderr is not None
            threading.Thread(target=_drain, args=(self._process.stderr,), daemon=True).start()
        return self._process

    def _read_line(self, deadline: float) -> bytes:
        assert self._process is not None and self._process.stdout is not None
        fd = self._process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if select.select([fd], [], [], remaining)[0]:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise EOFError
                self._buffer += chunk
                if len(self._buffer) > MAX_ANSWER_BYTES:
                    raise EOFError
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def _death(self) -> str:
        """Why the worker stopped answering, once it is gone."""
        process = self._process
        self.stop()
        status = process.returncode if process is not None else None
        if status is not None and status < 0:
            return f"the grading process was killed by {signal.Signals(-status).name}"
        return f"the grading process exited with status {status}"

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


def _drain(stream) -> None:
    """Read a worker's standard error so that it never blocks on a full pipe (it holds only warnings)."""
    with contextlib.suppress(OSError, ValueError):
        while stream.read(1 << 16):
            pass


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
        # a graded result of this very submission, no other; one that failed is graded again
        if kept is not None and kept.submission == entry.name and kept.graded:
            results[entry.name] = kept
        else:
            todo.append(entry)
    columns = (TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    pending: queue.Queue[Path] = queue.Queue()
    for entry in todo:
        pending.put(entry)
    done: queue.Queue[tuple[Path, SubmissionResult]] = queue.Queue()

    def work() -> None:
        worker = Worker(insecure)
        try:
            while True:
                try:
                    entry = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    result = worker.grade(entry, assignment_id, timeout)
                except Exception as exc:  # noqa: BLE001 - a bug of the grader costs one row, not the batch
                    worker.stop()
                    result = SubmissionResult(entry.name, status=f"the grader failed: {exc!r}"[:500])
                done.put((entry, result))
        finally:
            worker.stop()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(min(jobs, len(todo)))]
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("", total=len(entries), completed=len(entries) - len(todo))
        for thread in threads:
            thread.start()
        for _ in todo:
            entry, result = done.get()
            results[entry.name] = save(result, output)
            progress.update(task, advance=1, description=entry.name)
        for thread in threads:
            thread.join()
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

"""How long a notebook's check cell takes, as a student waits for it in Jupyter.

Starts a real kernel, runs a numpy assignment's notebook (the solution filled in) once, then runs one
question's check cell again and again, timing each from the request to the kernel's reply (the
sandboxed process of each check, its public tests and the printed verdict included). The first check
of a kernel also starts its warm template, so it is timed apart. Target on the course's 2-core
machine: median under 0.3 s after the first.

    python benchmarks/check_cell_speed.py [--runs 21] [--assignment linear_regression] [--question predict]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from jupyter_client.manager import start_new_kernel

    from autograder.build import make_notebook
    from autograder.course import Course

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--assignment", default="linear_regression")
    parser.add_argument("--question", default="predict")
    args = parser.parse_args()
    os.environ["GRADE_COURSE_DIR"] = str(ROOT)
    assignment = Course.load(ROOT).get(args.assignment)
    notebook = make_notebook(assignment, assignment.solution.read_text())
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    check = next(c for c in cells if f'"{args.question}"' in c)
    setup = [c for c in cells if not c.startswith("check(")]  # the imports and the code, no check yet
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
    try:
        for cell in setup:
            client.execute_interactive(cell, timeout=300, output_hook=lambda message: None)
        times, printed = [], []
        for _ in range(args.runs + 1):
            started = time.perf_counter()
            reply = client.execute_interactive(check, timeout=300, output_hook=lambda message: printed.append(
                message["content"].get("text", "")))
            times.append(time.perf_counter() - started)
            assert reply["content"]["status"] == "ok", reply["content"]
        assert "All public tests of" in "".join(printed), printed
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    first, rest = times[0], times[1:]
    print(f"check cell of {args.assignment}/{args.question}: first {first:.3f} s (starts the kernel's template); "
          f"then median {statistics.median(rest):.3f} s, min {min(rest):.3f} s, max {max(rest):.3f} s "
          f"over {len(rest)} runs")


if __name__ == "__main__":
    main()

"""How long `grade check` takes for one numpy-only assignment, as a student waits for it.

Runs the whole command (interpreter start, sandbox start, public tests, report)
several times and prints the median, minimum and maximum wall time. Target:
median under 0.5 s on the course's 2-core machine.

    python benchmarks/check_speed.py [--runs 15] [--assignment linear_regression]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_command(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--assignment", default="linear_regression")
    args = parser.parse_args()
    for kind in ("solutions", "student_template"):
        command = [sys.executable, "-m", "autograder", "check", f"{kind}/{args.assignment}.py"]
        times = time_command(command, args.runs)
        print(f"grade check {kind}/{args.assignment}.py: median {statistics.median(times):.3f} s, "
              f"min {min(times):.3f} s, max {max(times):.3f} s over {args.runs} runs")


if __name__ == "__main__":
    main()

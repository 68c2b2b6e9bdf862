"""How fast a class is graded: warm workers (`grade batch`) against a process per submission (cold).

Generates a class of N students, each handing in all eleven assignments, and grades it both
ways in the same run, with the same number of jobs (warm first):

- cold: `python -m autograder run SUBMISSION --format results` per submission, each assignment
  in a freshly started student process (how `grade batch` worked before warm workers);
- warm: `grade batch`, whose long-lived workers fork each student process from the batch's warm
  templates.

It prints, for each: the total wall time, the overhead per graded assignment (worker time not
spent inside the student's process: jobs × wall time minus the time the student processes took
to import and answer, divided by the assignments graded), the warm/cold ratio, and the peak
memory (proportional set size, so pages that forked children share with their template count
once) of one cold worker with everything it started, and of the whole warm batch. Where Otter
is installed, it times `otter run` on one assignment's notebook as an anchor.

    python benchmarks/batch_speed.py                        # 20 students x 11 untouched templates
    python benchmarks/batch_speed.py --kind references --students 200 --modes warm
    python benchmarks/batch_speed.py --kind mixed           # references, templates and one-bug mutants
    python benchmarks/batch_speed.py --modes cluster        # one local `grade worker` against two, same class

Targets on the course's 2-core machine with --jobs 2 (warm): overhead <= 50 ms per graded
assignment; 20 students x 11 templates <= 15 s; 200 x 11 references <= 10 minutes; <= 1.5 GB per
worker with torch.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.course import Course  # noqa: E402
from autograder.pysource import replace_definition  # noqa: E402

TARGETS = {"overhead_ms": 50.0, "templates_20_s": 15.0, "references_200_s": 600.0, "worker_gb": 1.5}


def make_class(folder: Path, students: int, kind: str) -> Path:
    """`students` folders holding one module per assignment: references, templates, or a mix with mutants."""
    ids = Course.load(ROOT).ids
    for i in range(students):
        student = folder / f"student{i:03d}"
        student.mkdir(parents=True)
        for j, assignment_id in enumerate(ids):
            choice = kind if kind != "mixed" else ("references", "templates", "mutants")[(i + j) % 3]
            (student / f"{assignment_id}.py").write_text(source_of(assignment_id, choice, i))
    return folder


def source_of(assignment_id: str, kind: str, seed: int) -> str:
    if kind == "templates":
        return (ROOT / "student_template" / f"{assignment_id}.py").read_text()
    reference = (ROOT / "solutions" / f"{assignment_id}.py").read_text()
    if kind == "references":
        return reference
    try:
        mutants = importlib.import_module(f"tests.mutants.{assignment_id}").MUTANTS
    except ModuleNotFoundError:
        return reference
    _, name, _, source = mutants[seed % len(mutants)]
    return replace_definition(reference, name, source.strip("\n") + "\n")


class MemoryWatch:
    """Samples the proportional set size of each child of this process with all its descendants."""

    def __init__(self) -> None:
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            parents = _parents()
            for worker in [pid for pid, parent in parents.items() if parent == os.getpid()]:
                tree = _descendants(worker, parents)
                self.peak_bytes = max(self.peak_bytes, sum(_pss(pid) for pid in tree))


def _parents() -> dict[int, int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    return parents


def _descendants(pid: int, parents: dict[int, int]) -> list[int]:
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def kernel_state() -> str:
    """What a long day of grading leaves in the kernel and slows the next run (by a fifth, measured): cached
    dentries and memory cgroups (removed ones linger while pages are charged to them). Dropping the caches
    (`echo 3 > /proc/sys/vm/drop_caches`, root) clears both."""
    try:
        dentries = int(open("/proc/sys/fs/dentry-state").read().split()[0])
        memory = next(int(line.split()[2]) for line in open("/proc/cgroups") if line.startswith("memory\t"))
    except (OSError, ValueError, IndexError, StopIteration):
        return "kernel caches unknown"
    return f"kernel: {dentries:,} dentries, {memory:,} memory cgroups"


def student_seconds(results: list[dict]) -> tuple[float, int]:
    """The seconds spent in student processes, and the assignments graded, over `results` (project JSON)."""
    seconds = sum(a.get("student_seconds", 0.0) for r in results for a in r.get("assignments", []))
    return seconds, sum(len(r.get("assignments", [])) for r in results)


def grade_cold(submissions: Path, jobs: int) -> list[dict]:
    def one(entry: Path) -> dict:
        ran = subprocess.run([sys.executable, "-m", "autograder", "run", str(entry), "--format", "results"],
                             capture_output=True, cwd=ROOT)
        return json.loads(ran.stdout) if ran.returncode == 0 else {}

    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(one, sorted(submissions.iterdir())))


def grade_warm(submissions: Path, jobs: int, output: Path) -> list[dict]:
    command = [sys.executable, "-m", "autograder", "batch", str(submissions), "-o", str(output), "-j", str(jobs)]
    subprocess.run(command, capture_output=True, cwd=ROOT, check=True)
    return [json.loads(p.read_text()) for p in sorted((output / "graded").glob("*.json"))]


def grade_cluster(submissions: Path, workers: int, output: Path) -> tuple[float, list[dict]]:
    """`grade batch --broker` on a redis-server of its own and `workers` local `grade worker`s (one grading
    process each); the wall time counts from the batch's start, once the workers are up."""
    from tests.cluster import Redis, Workers

    with tempfile.TemporaryDirectory(prefix="grade-bench-redis-") as folder:
        redis = Redis(Path(folder))
        redis.start()
        started_workers = Workers(redis.url)
        try:
            started_workers.start(workers)
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "autograder", "batch", str(submissions), "-o", str(output),
                            "--broker", redis.url], capture_output=True, cwd=ROOT, check=True)
            wall = time.perf_counter() - started
        finally:
            started_workers.stop()
            redis.stop()
    return wall, [json.loads(p.read_text()) for p in sorted((output / "graded").glob("*.json"))]


def report(mode: str, wall: float, results: list[dict], jobs: int, peak: int) -> dict:
    inside, graded = student_seconds(results)
    overhead = (jobs * wall - inside) / max(graded, 1)
    # cold: each `grade run` is a worker of its own; warm: one `grade batch` holds every worker and the templates
    memory = "peak per worker" if mode == "cold" else f"peak of the whole batch ({jobs} workers, shared templates)"
    print(f"{mode:>5}: {wall:7.1f} s wall for {graded} graded assignments, {inside:6.1f} s inside student "
          f"processes; overhead {overhead * 1000:6.0f} ms per graded assignment; {memory} {peak / 2**30:.2f} GB")
    return {"wall": wall, "overhead": overhead, "peak": peak, "graded": graded}


def time_otter() -> None:
    if shutil.which("otter") is None and importlib.util.find_spec("otter") is None:
        print("otter: not installed here (pip install otter-grader to time `otter run` as an anchor)")
        return
    print("otter: see tests/test_distribute_otter.py for `otter run` on an exported notebook; timing it needs "
          "`grade build --only otter` and `otter assign` first:")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        built = subprocess.run([sys.executable, "-m", "autograder", "build", "-o", folder, "--only", "otter"],
                               capture_output=True, cwd=ROOT)
        if built.returncode != 0:
            print("  could not build the Otter export")
            return
        master = next(Path(folder, "otter").rglob("linear_regression.ipynb"), None)
        if master is None:
            print("  no Otter notebook for linear_regression")
            return
        work = Path(folder, "work")
        shutil.copytree(master.parent, work)
        assigned = subprocess.run([sys.executable, "-m", "otter", "assign", "--no-run-tests", master.name, "dist"],
                                  capture_output=True, cwd=work)
        if assigned.returncode != 0:
            print("  otter assign failed:", assigned.stderr.decode()[-300:])
            return
        zip_file = next((work / "dist" / "autograder").glob("*.zip"))
        notebook = work / "dist" / "autograder" / master.name
        (work / "out").mkdir()
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(zip_file), "-o",
                        str(work / "out"), str(notebook)], capture_output=True, cwd=work / "dist")
        print(f"otter run, one notebook (linear_regression): {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--kind", choices=["templates", "references", "mixed"], default="templates")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--modes", default="cold,warm", help="comma-separated: cold, warm, cluster (redis-server: "
                                                             "one local grade worker, then two)")
    parser.add_argument("--otter", action="store_true", help="also time `otter run` on one notebook")
    args = parser.parse_args()
    # warm first: a cold run tears down hundreds of sandboxes, and the kernel's work on them (network
    # namespaces are freed in the background) went on to slow a warm run that followed by a third
    modes = sorted(args.modes.split(","), key=lambda mode: {"warm": 0, "cluster": 1}.get(mode, 2))
    ids = Course.load(ROOT).ids
    print(f"class: {args.students} students x {len(ids)} assignments ({args.kind}), --jobs {args.jobs}, "
          f"{os.cpu_count()} CPUs; {kernel_state()}")
    figures = {}
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as folder:
        submissions = make_class(Path(folder) / "class", args.students, args.kind)
        for mode in modes:
            if mode == "cluster":
                one, _ = grade_cluster(submissions, 1, Path(folder) / "cluster1")
                two, results = grade_cluster(submissions, 2, Path(folder) / "cluster2")
                print(f"cluster: one grade worker {one:.1f} s, two {two:.1f} s wall for {len(results)} hand-ins "
                      f"(two/one: {two / one:.2f})")
                continue
            with MemoryWatch() as memory:
                started = time.perf_counter()
                if mode == "cold":
                    results = grade_cold(submissions, args.jobs)
                elif mode == "warm":
                    results = grade_warm(submissions, args.jobs, Path(folder) / "warm")
                else:
                    parser.error(f"unknown mode {mode!r}")
                wall = time.perf_counter() - started
            figures[mode] = report(mode, wall, results, args.jobs, memory.peak_bytes)
    if "cold" in figures and "warm" in figures:
        print(f"warm/cold wall time: {figures['warm']['wall'] / figures['cold']['wall']:.2f}")
    if "warm" in figures:
        warm = figures["warm"]
        print(f"target: overhead <= {TARGETS['overhead_ms']:g} ms per graded assignment: "
              f"{'met' if warm['overhead'] * 1000 <= TARGETS['overhead_ms'] else 'NOT met'}")
        print(f"target: <= {TARGETS['worker_gb']:g} GB per worker: "
              f"{'met' if warm['peak'] / 2**30 <= TARGETS['worker_gb'] else 'NOT met'} (all of the batch together "
              f"peaked at {warm['peak'] / 2**30:.2f} GB)")
        if args.kind == "templates" and args.students == 20:
            print(f"target: 20 x 11 templates in <= {TARGETS['templates_20_s']:g} s: "
                  f"{'met' if warm['wall'] <= TARGETS['templates_20_s'] else 'NOT met'}")
        if args.kind == "references" and args.students == 200:
            print(f"target: 200 x 11 references in <= {TARGETS['references_200_s']:g} s: "
                  f"{'met' if warm['wall'] <= TARGETS['references_200_s'] else 'NOT met'}")
    if args.otter:
        time_otter()


if __name__ == "__main__":
    main()

"""How long `grade similarity` takes on a generated class (what `grade batch` runs beside the grading).

Generates a class of N students, each handing in linear_regression and gradient_descent,
from the honest solutions in tests/data/similarity/class: each function of a student's file
is one of theirs, picked at random, with the locals renamed, the functions shuffled, and
comments added (a stress case: each function is one of six, so many pairs share some); one
student in ten copies an earlier one's files and disguises them again (renamed, lines split
into temporaries, operands swapped, no-op lines between). Then it runs the whole command
several times and prints the median, minimum and maximum wall time, the median CPU time (less
sensitive than wall time to what else the machine runs), and what the report said.

    python benchmarks/similarity_speed.py                    # 200 students, 3 runs
    python benchmarks/similarity_speed.py --students 50 --runs 5 --hostile

`--hostile` adds four hand-ins built to be slow or to break a parser (deep nesting, a long
chain, 200 KiB of statements, a 2 MiB line). Set PYTHONPATH to time another checkout's
autograder with the same class.
"""

from __future__ import annotations

import argparse
import ast
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HONEST = ROOT / "tests" / "data" / "similarity" / "class"
BASES = ["ana", "ben", "chloe", "dev", "emma", "finn"]
ASSIGNMENTS = ["linear_regression", "gradient_descent"]
WORDS = ["value", "tmp", "arr", "res", "acc", "xs", "ys", "err", "out", "data", "vec", "num", "den", "total"]


class _Rename(ast.NodeTransformer):
    """Renames every function's locals (not its parameters) to random names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.names = rng, {}

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        params = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        stored = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        self.names = {name: f"{self.rng.choice(WORDS)}_{i}" for i, name in enumerate(sorted(stored - params))}
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.names.get(node.id, node.id)
        return node


def _disguise(source: str, rng: random.Random, *, rewrite: bool) -> str:
    tree = _Rename(rng).visit(ast.parse(source))
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    rng.shuffle(functions)
    tree.body = [n for n in tree.body if not isinstance(n, ast.FunctionDef)] + functions
    lines = []
    for line in ast.unparse(tree).splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        if rewrite and indent and rng.random() < 0.4:
            lines.append(rng.choice([f"{indent}pass", f"{indent}unused_{rng.randint(0, 99)} = 0", f"{indent}None"]))
        if rewrite and " + " in line and rng.random() < 0.5:
            left, right = line.rsplit(" + ", 1)
            if left.count("(") == left.count(")") and "return" not in left and "=" in left:
                line = f"{left.split('=', 1)[0].rstrip()} = {right} + {left.split('=', 1)[1].strip()}"
        if rng.random() < 0.2:
            lines.append(f"{indent}# step {rng.randint(1, 9)}")
        lines.append(line)
    return "\n".join(lines) + "\n"


def _mix(assignment: str, rng: random.Random) -> str:
    """A file of `assignment` whose every function is one of the honest students' (with that student's
    helpers), picked at random."""
    trees = [[n for n in ast.parse((HONEST / b / f"{assignment}.py").read_text()).body
              if isinstance(n, ast.FunctionDef)] for b in BASES]
    required = set.intersection(*({n.name for n in tree} for tree in trees))
    chosen: dict[str, None] = {}
    for name in sorted(required):
        tree = rng.choice(trees)
        chosen.update(dict.fromkeys(ast.unparse(n) for n in tree if n.name == name or n.name not in required))
    return "import numpy as np\n\n" + "\n\n".join(chosen) + "\n"


def generate(folder: Path, students: int, seed: int = 0, hostile: bool = False) -> None:
    """A class of `students` folders under `folder` (see the module's docstring)."""
    rng = random.Random(seed)
    for i in range(students):
        student = folder / f"s{i:03d}"
        student.mkdir(parents=True)
        for assignment in ASSIGNMENTS:
            if i % 10 == 9:
                source, rewrite = (folder / f"s{i - 1:03d}" / f"{assignment}.py").read_text(), True
            else:
                source, rewrite = _mix(assignment, rng), False
            (student / f"{assignment}.py").write_text(_disguise(source, rng, rewrite=rewrite))
    if hostile:
        for name, text in (("deep", "def predict(X, w, b):\n    return " + "-" * 100_000 + "X\n"),
                           ("chain", "def predict(X, w, b):\n    return X" + " + X" * 900 + "\n"),
                           ("long", "".join(f"v{i} = {i} * 2 + 1\n" for i in range(12_000))),
                           ("line", "X = [" + "1," * (1024 * 1024 - 8) + "]\n")):
            (folder / name).mkdir()
            (folder / name / "linear_regression.py").write_text(text)


def time_command(command: list[str], runs: int) -> tuple[list[float], list[float], str]:
    """Wall and CPU (user + system) seconds of each of `runs` runs of `command`, and what the last one said."""
    walls, cpus, said = [], [], ""
    for _ in range(runs):
        before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        said = done.stdout
    return walls, cpus, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hostile", action="store_true", help="add four hostile hand-ins")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "class", args.students, hostile=args.hostile)
        command = [sys.executable, "-m", "autograder", "similarity", str(Path(tmp) / "class"), "-o",
                   str(Path(tmp) / "out")]
        walls, cpus, said = time_command(command, args.runs)
    print(said.rstrip())
    print(f"{args.students} students x {len(ASSIGNMENTS)} assignments{' + 4 hostile' if args.hostile else ''}: "
          f"wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}), "
          f"CPU median {statistics.median(cpus):.2f} s ({args.runs} runs)")


if __name__ == "__main__":
    main()

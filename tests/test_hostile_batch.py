"""A class of 100 submissions, a tenth of them hostile: every honest submission gets
exactly the score it gets when graded alone."""

from __future__ import annotations

import csv
import importlib

import pytest

from autograder import assignments as course
from autograder.batch import run_batch
from autograder.grading import grade_source

from .conftest import ROOT, replace_definition, solution_source

HOSTILE = {
    "fork_flood": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
    "memory_bomb": "blocks = []\nwhile True:\n    blocks.append(bytearray(512 * 1024**2))\n",
    "exit_at_import": "import os\nos._exit(0)\n",
    "loop_at_import": "while True:\n    pass\n",
    "output_flood": "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n",
    "disk_fill": "i = 0\nwhile True:\n    open(f'f{i}', 'w').write('x' * 4096)\n    i += 1\n",
    "escape": "import subprocess\nsubprocess.Popen(['sleep', '300'], start_new_session=True)\n",
    "read_solution": ("import glob\nSTOLEN = [open(p).read()\n"
                      "          for p in glob.glob('/**/solutions/*.py', recursive=True)]\n"),
    "kill_parent": "import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\nexcept OSError:\n    pass\n",
    "forge": "print('{\"score\": 8, \"max_score\": 8, \"tests\": []}')\nraise SystemExit(0)\n",
}


def honest_variants() -> list[str]:
    """The reference and one wrong variant per mutant of assignment 1."""
    mutants = importlib.import_module("tests.mutants.linear_regression").MUTANTS
    source = solution_source("linear_regression")
    return [source] + [replace_definition(source, name, code) for _, name, _, code in mutants]


@pytest.mark.slow
def test_honest_scores_do_not_depend_on_hostile_classmates(tmp_path):
    variants = honest_variants()
    submissions = tmp_path / "class"
    submissions.mkdir()
    expected = {}
    hostile = list(HOSTILE.items())
    for i in range(100):
        if i % 10 == 9:
            name, code = hostile[i // 10]
            (submissions / f"h{i:03d}_{name}.py").write_text(code + solution_source("linear_regression"))
        else:
            variant = i % len(variants)
            (submissions / f"s{i:03d}.py").write_text(variants[variant])
            expected[f"s{i:03d}"] = variant
    run_batch(submissions, tmp_path / "out", jobs=2, assignment_id="linear_regression")
    rows = {r["submission"]: r for r in csv.DictReader(open(tmp_path / "out" / "grades.csv"))}
    assert len(rows) == 100

    assignment = course.get("linear_regression", ROOT)
    alone = {v: grade_source(assignment, variants[v]).score for v in set(expected.values())}
    for name, variant in expected.items():
        assert float(rows[name]["total"]) == pytest.approx(alone[variant], abs=1e-6), name
        assert rows[name]["status"] == "graded"
    # the hostile ones got rows too; what they scored is their own business (a failed attack at
    # import time is a failed statement, and the honest code below it is still graded)
    assert sum(1 for name in rows if name.startswith("h")) == 10

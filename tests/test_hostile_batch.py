"""A class of 100 submissions, a fifth of them hostile: every honest submission gets exactly the
score it gets when graded alone, and every hostile one still gets a small, valid result in time."""

from __future__ import annotations

import csv
import importlib
import json

import jsonschema
import pytest

from autograder.batch import run_batch
from autograder.grader import grade_source

from .conftest import COURSE, replace_definition, solution_source
from .test_cli import GRADESCOPE_SCHEMA

#: Code that writes `line` to every descriptor it can: the result channel among them.
FORGE = ("import os\nfor fd in range(3, 32):\n    try:\n        os.write(fd, ({line!r} + '\\n').encode())\n"
         "    except OSError:\n        pass\n")

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
    # the second red team's classes
    "spinners": "import os\nfor _ in range(200):\n    if os.fork() == 0:\n        os.setsid()\n"
                "        while True:\n            pass\n",
    "shared_memory": ("import ctypes\nlibc = ctypes.CDLL(None)\nlibc.shmat.restype = ctypes.c_void_p\n"
                      "for _ in range(24):\n    i = libc.shmget(0, ctypes.c_size_t(256 * 1024**2), 0o1600)\n"
                      "    a = libc.shmat(i, None, 0)\n    ctypes.memset(ctypes.c_void_p(a), 1, 256 * 1024**2)\n"
                      "    libc.shmdt(ctypes.c_void_p(a))\n"),
    "ipc_leak": ("import ctypes\nlibc = ctypes.CDLL(None)\nfor _ in range(50):\n    libc.semget(0, 8, 0o1600)\n"
                 "    libc.msgget(0, 0o1600)\n"),
    "forged_report": FORGE.format(line='{"id": 0, "ok": true, "value": {"syntax_errors": 5}}'),
    "forged_overflow": "".join(FORGE.format(line=f'{{"id": {i}, "ok": true, "value": {{"__ndarray__": {{"dtype": '
                                                 f'"int8", "shape": [1], "values": [{"9" * 30}]}}}}}}')
                               for i in range(1, 40)),
    "huge_replies": ("import os\nhuge = 'A' * (30 * 1024**2)\nfor i in range(0, 30):\n"
                     "    line = ('{\"id\": %d, \"ok\": false, \"error\": {\"type\": \"E\", \"mro\": [], "
                     "\"message\": \"%s\", \"traceback\": \"\"}}\\n' % (i, huge)).encode()\n"
                     "    for fd in range(3, 32):\n        try:\n            os.write(fd, line)\n"
                     "        except OSError:\n            pass\n"),
    "nested_json": ("import os\nline = ('{\"id\": 0, \"ok\": true, \"value\": ' + '[' * 50 + "
                    "','.join(['[[1,[2,[3]]]]'] * 2_000_000) + ']' * 50 + '}\\n').encode()\n"
                    "for fd in range(3, 32):\n    try:\n        os.write(fd, line)\n    except OSError:\n"
                    "        pass\n"),
    "thread_left": ("import threading\n"
                    "threading.Thread(target=lambda: [None for _ in iter(int, 1)], daemon=True).start()\n"),
    "file_descriptors": "files = []\nwhile True:\n    try:\n        files.append(open('/dev/null'))\n"
                        "    except OSError:\n        break\n",
    "printing_inputs": ("import builtins\n_print = builtins.print\n"
                        "builtins.print = lambda *a, **k: _print('INPUTS', *a, **k)\n"),
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
    assert len(hostile) == 20
    for i in range(100):
        if i % 5 == 4:
            name, code = hostile[i // 5]
            (submissions / f"h{i:03d}_{name}.py").write_text(code + solution_source("linear_regression"))
        else:
            variant = i % len(variants)
            (submissions / f"s{i:03d}.py").write_text(variants[variant])
            expected[f"s{i:03d}"] = variant
    run_batch(COURSE, submissions, tmp_path / "out", jobs=2, assignment_id="linear_regression")
    rows = {r["submission"]: r for r in csv.DictReader(open(tmp_path / "out" / "grades.csv"))}
    assert len(rows) == 100

    assignment = COURSE.get("linear_regression")
    alone = {v: grade_source(assignment, variants[v]).score for v in set(expected.values())}
    for name, variant in expected.items():
        assert float(rows[name]["total"]) == pytest.approx(alone[variant], abs=1e-6), name
        assert rows[name]["status"] == "graded"
    # the hostile ones got rows too; what they scored is their own business (a failed attack at
    # import time is a failed statement, and the honest code below it is still graded), but each was
    # graded, in time, with a small and valid results.json
    hostile_rows = [name for name in rows if name.startswith("h")]
    assert len(hostile_rows) == 20 and all(rows[name]["status"] == "graded" for name in hostile_rows), \
        {name: rows[name]["status"] for name in hostile_rows}
    for path in (tmp_path / "out" / "results").glob("h*.json"):
        assert path.stat().st_size < 5 * 1024**2, path.name
        jsonschema.validate(json.loads(path.read_text()), GRADESCOPE_SCHEMA)
    for path in (tmp_path / "out" / "graded").glob("h*.json"):
        assert json.loads(path.read_text())["extra"]["seconds"] <= 60, path.name

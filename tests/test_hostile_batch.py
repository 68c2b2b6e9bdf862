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

from .conftest import COURSE, ROOT, replace_definition, solution_source
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


#: The third red team's hand-ins, each a file (or folder) of a plain class: what it is named and what it holds.
THIRD = {
    "odd_name": (b"b\xffob_linear_regression.py", "solution"),
    "formula_name": (b"=1+2_linear_regression.py", "solution"),
    "costly_source": (b"eve_linear_regression.py", "a;" * 1_000_000 + "\n" + "def (:\n" * 21 + "{solution}"),
    "forbidden_route": (b"fay_linear_regression.py", "{lstsq}"),
    "output_link": (b"gus_linear_regression.py", "import os\ntry:\n    os.symlink('/etc/passwd', 'output.txt')\n"
                                                  "except OSError:\n    pass\n{solution}"),
    "keyring": (b"hal_linear_regression.py", "import ctypes\nctypes.CDLL(None).syscall(248, b'user', b'k', b'v', 1, "
                                              "-3)\n{solution}"),
}


@pytest.mark.slow
def test_a_class_holding_the_third_red_teams_hand_ins_is_graded_whole(tmp_path):
    """`grade batch` over a class holding every kind of hostile hand-in the third red team wrote exits 0, grades
    every honest student exactly as when graded alone, writes every report and keeps each results.json small."""
    import os
    import subprocess
    import sys
    import zipfile

    from .test_hostile_hand_ins import deep_tree, misflagged_zip

    solution = solution_source("linear_regression")
    lstsq = solution.replace("def fit_closed_form(x, y):",
                             "def fit_closed_form(x, y):\n    _ = vars(np.linalg)['lstsq']")
    submissions = tmp_path / "class"
    submissions.mkdir()
    variants = honest_variants()
    for i, variant in enumerate(variants):
        (submissions / f"s{i:02d}_linear_regression.py").write_text(variant)
    for name, text in THIRD.values():
        data = text.format(solution=solution, lstsq=lstsq) if text != "solution" else solution
        (submissions / os.fsdecode(name)).write_text(data)
    misflagged_zip(submissions / "carl.zip", b"caf\xe9_linear_regression.py", solution.encode())
    deep_tree(submissions / "dora", 3000, 12)
    (submissions / "ivy_linear_regression.py").symlink_to(ROOT / "solutions" / "linear_regression.py")
    assert zipfile.is_zipfile(submissions / "carl.zip")
    out = tmp_path / "out"
    process = subprocess.run([sys.executable, "-m", "autograder", "batch", str(submissions), "-o", str(out),
                              "--assignment", "linear_regression"], capture_output=True, timeout=900)
    assert process.returncode == 0, process.stderr.decode(errors="replace")[-3000:]
    rows = {r["submission"]: r for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}
    assignment = COURSE.get("linear_regression")
    for i, variant in enumerate(variants):
        assert float(rows[f"s{i:02d}"]["total"]) == pytest.approx(grade_source(assignment, variant).score), i
    assert {rows[n]["total"] for n in ("b_ob", "1_2", "carl", "gus", "hal")} == {"8"}
    assert "ivy" not in rows and all(r["status"] == "graded" for r in rows.values())
    for report in ("summary.md", "summary.html", "canvas_grades.csv", "gradescope_grades.csv",
                   "similarity/index.html", "similarity/similarity.csv"):
        assert (out / "reports" / report).is_file(), report
    assert sorted(p.stem for p in (out / "reports" / "feedback").glob("*.md")) == sorted(rows)
    assert all(p.stat().st_size < 5 * 1024**2 for p in (out / "results").iterdir())
    assert "could not be fully checked for forbidden calls" in (out / "reports" / "feedback" / "eve.md").read_text()
    assert "uses numpy.linalg.lstsq" in (out / "reports" / "feedback" / "fay.md").read_text()

"""The red team: hostile submissions against the sandbox.

Each case attacks through one function of the toy course (or at import) and
asserts the verdict: the attacked question scores zero, every other question of
the same submission is graded normally, and nothing outside the sandbox changed
(the course folder, a canary file, the processes left running). Cases that rely
on a layer this machine lacks are skipped with the reason (see SECURITY.md).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.grader import grade_source
from autograder.reports.wording import explain
from autograder.sandbox import isolation

from .conftest import COURSE, ROOT, replace_definition, solution_source

TOY = ROOT / "tests" / "data" / "toy_course"
FULL = {"add": 2.0, "scale": 1.0, "divide": 1.0, "ANSWER": 1.0}
ARGS = {"add": "a, b", "scale": "x, k", "divide": "a, b"}
LAYERS = isolation.probe()
needs_view = pytest.mark.skipif(not LAYERS.filesystem, reason="no bubblewrap view on this machine")
needs_uid = pytest.mark.skipif(not LAYERS.user, reason="the child cannot get its own uid here")


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """A private copy of the toy course, so that any change to it is visible."""
    shutil.copytree(TOY, tmp_path / "course")
    monkeypatch.setenv("GRADE_COURSE_DIR", str(tmp_path / "course"))
    return Course.load(tmp_path / "course").get("toy")


def snapshot(folder: Path) -> dict:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*")) if "__pycache__" not in p.parts}


def attack(name: str, body: str) -> str:
    """The toy solution with function `name` replaced by one whose body is `body`."""
    source = (TOY / "solutions" / "toy.py").read_text()
    indented = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return replace_definition(source, name, f"def {name}({ARGS[name]}):\n{indented}\n")


def at_import(code: str) -> str:
    return code.strip("\n") + "\n" + (TOY / "solutions" / "toy.py").read_text()


def graded(toy, source: str) -> tuple[dict, str]:
    folder = toy.directory.parent.parent
    before = snapshot(folder)
    result = grade_source(toy, source)
    assert snapshot(folder) == before, "the course folder changed during grading"
    return ({q: s for q, (s, _) in result.question_scores().items()},
            "\n".join(explain(t) for t in result.tests) + "\n".join(result.notes))


def only_lost(scores: dict, question: str) -> None:
    assert scores[question] == 0
    assert {q: s for q, s in scores.items() if q != question} == {q: s for q, s in FULL.items() if q != question}


# --- exits --------------------------------------------------------------------------------------

def test_sys_exit_inside_a_function(toy):
    scores, feedback = graded(toy, attack("add", "import sys\nsys.exit(0)"))
    only_lost(scores, "add")
    assert "SystemExit" in feedback


def test_os_exit_inside_a_function(toy):
    scores, feedback = graded(toy, attack("add", "import os\nos._exit(0)"))
    only_lost(scores, "add")
    assert "exited with status 0" in feedback


def test_sys_exit_at_import_is_survived(toy):
    scores, feedback = graded(toy, at_import("import sys\nsys.exit(1)"))
    assert scores == FULL  # SystemExit at import is caught; the rest of the module still loads
    assert "SystemExit" in feedback


def test_os_exit_at_import_fails_everything_with_the_reason(toy):
    scores, feedback = graded(toy, at_import("import os\nos._exit(0)"))
    assert set(scores.values()) == {0}
    assert "while it was being imported" in feedback


# --- lying values -------------------------------------------------------------------------------

def test_monkeypatching_numpy_and_math_changes_only_the_child(toy):
    body = ("import numpy, math\nnumpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda *a, **k: True\n"
            "numpy.testing.assert_allclose = lambda *a, **k: None\nmath.isclose = lambda *a, **k: True\nreturn 0.0")
    only_lost(graded(toy, attack("add", body))[0], "add")


def test_monkeypatching_pytest_and_the_graders_modules_changes_only_the_child(toy):
    body = ("import sys, types\nfor name in ['autograder.checks', 'autograder.grading', 'pytest']:\n"
            "    fake = types.ModuleType(name)\n    fake.close = fake.approx = lambda *a, **k: True\n"
            "    sys.modules[name] = fake\ntry:\n    import autograder.checks as c\n"
            "    c.close = lambda *a, **k: None\nexcept Exception:\n    pass\nreturn -1.0")
    only_lost(graded(toy, attack("add", body))[0], "add")


def test_an_object_whose_eq_lies(toy):
    body = ("class Liar(float):\n    def __eq__(self, other):\n        return True\n"
            "    __hash__ = float.__hash__\nreturn Liar(0)")
    only_lost(graded(toy, attack("add", body))[0], "add")


def test_an_array_ufunc_that_lies(toy):
    body = ("class Liar:\n    def __array_ufunc__(self, *a, **k):\n        return True\n"
            "    def __eq__(self, other):\n        return True\nreturn Liar()")
    scores, feedback = graded(toy, attack("scale", body))
    only_lost(scores, "scale")
    assert "object" in feedback


def test_an_ndarray_subclass(toy):
    body = ("class Sub(np.ndarray):\n    def __eq__(self, other):\n        return np.ones(self.shape, bool)\n"
            "    def tolist(self):\n        return [3.0, 6.0]\nreturn np.zeros(np.shape(x)).view(Sub)")
    only_lost(graded(toy, attack("scale", body))[0], "scale")


# --- reaching for answers -----------------------------------------------------------------------

def test_importing_the_reference(toy):
    body = "import solutions.toy as s\nreturn s.add(a, b)"
    scores, feedback = graded(toy, attack("add", body))
    only_lost(scores, "add")
    assert "add needs solutions" in feedback and "does not allow" in feedback  # a package, and not one allowed


@needs_view
def test_reading_the_reference_by_path(toy):
    folder = toy.directory.parent.parent
    body = (f"src = open({str(folder / 'solutions' / 'toy.py')!r}).read()\n"
            "ns = {}\nexec(src, ns)\nreturn ns['add'](a, b)")
    scores, feedback = graded(toy, attack("add", body))
    only_lost(scores, "add")
    assert "No such file or directory" in feedback


def test_importing_the_hidden_tests(toy):
    body = "import importlib\nimportlib.import_module('assignments.toy.hidden')\nreturn a + b"
    only_lost(graded(toy, attack("add", body))[0], "add")


@needs_view
def test_reading_the_hidden_tests(toy):
    body = f"return len(open({str(toy.directory / 'hidden.py')!r}).read())"
    only_lost(graded(toy, attack("add", body))[0], "add")


@needs_view
def test_searching_the_filesystem_for_solutions(toy):
    body = ("import os\nfound = [os.path.join(d, f) for d, _, fs in os.walk('/') for f in fs "
            "if f == 'toy.py' and 'solutions' in d]\nassert not found, found\nreturn 'nothing found'")
    scores, feedback = graded(toy, attack("add", body))
    only_lost(scores, "add")
    assert "nothing found" not in feedback or "str" in feedback


def test_walking_stack_frames_finds_no_expected_values(toy):
    body = ("import sys\nf = sys._getframe()\nwhile f is not None:\n"
            "    for key in ('expected', 'ref', 'reference'):\n        if key in f.f_locals:\n"
            "            return f.f_locals[key]\n    f = f.f_back\nreturn 0.0")
    only_lost(graded(toy, attack("add", body))[0], "add")


def test_the_grader_environment_is_not_visible(toy, monkeypatch):
    monkeypatch.setenv("GRADE_SECRET", "42")
    body = "import os\nreturn float(os.environ.get('GRADE_SECRET', 0))"
    only_lost(graded(toy, attack("add", body))[0], "add")


# --- forging results ----------------------------------------------------------------------------

def test_forging_on_stdout_and_stderr(toy):
    forged = '{"id": 2, "ok": true, "value": 5.0}'
    body = f"import sys\nprint({forged!r})\nprint({forged!r}, file=sys.stderr)\nreturn None"
    only_lost(graded(toy, attack("add", body))[0], "add")


def test_forging_on_every_open_file_descriptor(toy):
    """Writing on the private result pipe itself is only another way for a call to answer: the
    forged line can stand for the call being made (which knows its own inputs anyway), never for
    another question, and the stray real answer that follows is dropped."""
    body = ("import os\nfor fd in range(0, 1024):\n    try:\n"
            "        os.write(fd, b'{\"id\": 1, \"ok\": true, \"value\": 5.0}\\n')\n    except OSError:\n"
            "        pass\nreturn None")
    scores, _ = graded(toy, attack("add", body))
    assert scores["add"] < FULL["add"]
    assert {q: s for q, s in scores.items() if q != "add"} == {q: s for q, s in FULL.items() if q != "add"}


def test_forging_an_answer_to_a_later_request_on_the_result_channel_fails_the_call(toy):
    body = ("import os\nfor fd in range(3, 1024):\n    try:\n"
            "        os.write(fd, b'{\"id\": 99, \"ok\": true, \"value\": 5.0}\\n')\n"
            "    except OSError:\n        pass\nreturn a + b")
    only_lost(graded(toy, attack("add", body))[0], "add")


def test_forging_a_results_file(toy, tmp_path):
    body = ("import json, os\nfor path in ['results.json', '/autograder/results/results.json', "
            "'/tmp/results.json']:\n    try:\n        os.makedirs(os.path.dirname(path) or '.', exist_ok=True)\n"
            "        json.dump({'score': 100}, open(path, 'w'))\n    except OSError:\n        pass\nreturn None")
    only_lost(graded(toy, attack("add", body))[0], "add")


# --- runaway code -------------------------------------------------------------------------------

def test_an_infinite_loop_with_signals_ignored(toy):
    body = ("import signal\nfor s in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGXCPU):\n"
            "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass")
    scores, feedback = graded(toy, attack("add", body))
    only_lost(scores, "add")
    assert "time limit" in feedback


def test_signal_handlers_that_swallow_everything(toy):
    body = ("import signal\nfor s in signal.valid_signals():\n    try:\n"
            "        signal.signal(s, lambda *a: None)\n    except (OSError, ValueError, RuntimeError):\n"
            "        pass\nimport time\ntime.sleep(60)")
    only_lost(graded(toy, attack("add", body))[0], "add")


def _alive(marker: str) -> bool:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                return True
        except OSError:
            continue
    return False


@pytest.mark.parametrize("escape", ["setsid", "double_fork"])
def test_processes_that_escape_the_process_group_are_killed(toy, escape):
    marker = f"redteam-{escape}-{os.getpid()}"
    if escape == "setsid":
        body = (f"import subprocess\nsubprocess.Popen(['sh', '-c', 'exec -a {marker} sleep 300'], "
                "start_new_session=True)\nwhile True:\n    pass")
    else:
        body = (f"import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                f"        os.execvp('sh', ['sh', '-c', 'exec -a {marker} sleep 300'])\n    os._exit(0)\n"
                "while True:\n    pass")
    scores, _ = graded(toy, attack("add", body))
    only_lost(scores, "add")
    assert not _alive(marker), "a process the submission started is still running"


@needs_uid
def test_a_fork_flood_is_capped_and_cleaned_up(toy):
    from autograder.sandbox.runner import Sandbox
    from autograder.sandbox.runtime.errors import CallTimeout
    from autograder.sandbox.sweep import processes_of

    body = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    only_lost(graded(toy, attack("add", body))[0], "add")
    with Sandbox("import os\ndef flood():\n    while True:\n        try:\n            os.fork()\n"
                 "        except OSError:\n            pass\n", "m") as sandbox:
        with pytest.raises(CallTimeout):
            sandbox.call("flood", timeout=2.0)
        uid = sandbox.uid
        assert uid is not None and processes_of(uid) == 0


def test_one_huge_allocation(toy):
    scores, feedback = graded(toy, attack("add", "x = bytearray(8 * 1024**3)\nreturn a + b"))
    only_lost(scores, "add")
    assert "MemoryError" in feedback


def test_a_memory_bomb(toy):
    body = "blocks = []\nwhile True:\n    blocks.append(bytearray(256 * 1024**2))"
    scores, feedback = graded(toy, attack("add", body))
    only_lost(scores, "add")
    assert "MemoryError" in feedback or "time limit" in feedback


@needs_view
def test_a_disk_fill_with_many_small_files(toy):
    body = ("import os\nfor i in range(10**6):\n    with open(f'f{i}', 'w') as f:\n        f.write('x' * 4096)")
    scores, feedback = graded(toy, attack("add", body))
    only_lost(scores, "add")
    assert "No space left on device" in feedback


def test_one_huge_file_hits_the_file_size_limit(toy):
    body = "with open('big', 'wb') as f:\n    f.write(b'x' * 512 * 1024**2)"
    only_lost(graded(toy, attack("add", body))[0], "add")


def test_an_output_flood(toy):
    body = "import sys\nwhile True:\n    sys.stdout.write('spam' * 10000)"
    scores, feedback = graded(toy, attack("add", body))
    only_lost(scores, "add")
    assert len(feedback) < 50_000


def test_deep_recursion(toy):
    body = "import sys\nsys.setrecursionlimit(10**8)\ndef f(n):\n    return f(n + 1)\nreturn f(0)"
    only_lost(graded(toy, attack("add", body))[0], "add")


def test_a_huge_return_value(toy):
    body = "return np.zeros(30 * 1024**2)"
    scores, feedback = graded(toy, attack("scale", body))
    only_lost(scores, "scale")
    assert "too large to return" in feedback


@needs_view
def test_no_network_not_even_the_hosts_loopback(toy):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    port = server.getsockname()[1]
    connections = []

    def accept():
        try:
            connections.append(server.accept())
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    body = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1).sendall(b'leak')\nreturn a + b"
    scores, feedback = graded(toy, attack("add", body))
    thread.join()
    server.close()
    only_lost(scores, "add")
    assert connections == [] and "Connection refused" in feedback


@needs_uid
def test_signalling_the_grader_is_not_allowed(toy):
    body = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nos.kill(1, signal.SIGKILL)\nreturn a + b"
    scores, _ = graded(toy, attack("add", body))
    assert scores["scale"] == FULL["scale"]  # and this test process is still alive to say so


@needs_view
def test_deleting_and_editing_files_in_reach(toy):
    folder = toy.directory.parent.parent
    body = (f"import os, shutil\nfor path in os.listdir('.'):\n    try:\n        os.remove(path)\n"
            f"    except OSError:\n        pass\nshutil.rmtree({str(folder)!r}, ignore_errors=True)\n"
            f"for p in ['/work', {str(ROOT / 'autograder' / 'checks.py')!r}]:\n    try:\n"
            f"        open(p, 'a').write('# pwned')\n    except OSError:\n        pass\nreturn -1.0")
    checks = (ROOT / "autograder" / "checks.py").read_bytes()
    only_lost(graded(toy, attack("add", body))[0], "add")
    assert (ROOT / "autograder" / "checks.py").read_bytes() == checks


def test_slow_but_correct_code_within_the_limit_passes(toy):
    body = "import time\ntime.sleep(0.8)\nreturn a + b"
    scores, _ = graded(toy, attack("add", body))
    assert scores == FULL


# --- what the results say about the sandbox -----------------------------------------------------

def test_the_layers_in_force_are_named_in_the_results():
    from click.testing import CliRunner

    from autograder.cli import main

    result = CliRunner().invoke(main, ["run", str(ROOT / "solutions" / "linear_regression.py"), "--format", "json"])
    sandbox = __import__("json").loads(result.output)["extra_data"]["sandbox"]
    assert set(sandbox) >= {"user", "filesystem", "network", "processes", "limits", "channel", "notes"}


def test_without_bubblewrap_the_grader_falls_back_and_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADE_NO_BWRAP", "1")
    isolation.probe.cache_clear()
    try:
        layers = isolation.probe()
        assert not layers.filesystem and any("bubblewrap" in note for note in layers.notes)
        result = grade_source(Course.load(TOY).get("toy"), (TOY / "solutions" / "toy.py").read_text())
        assert result.score == result.max_score  # the other layers still grade it
    finally:
        isolation.probe.cache_clear()


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "problem"), [
    ("def add(a):\n    return a\n", "add() takes 1 positional argument"),
    ("def add(a, b):\n    return 'five'\n", "is a str"),
    ("def add(a, b):\n    return [1, [2, 3]]\n", "ragged"),
    ("def add(a, b):\n    return {'sum': a + b}\n", "is a dict"),
])
def test_wrong_signatures_and_return_types_are_explained(toy, source, problem):
    result = grade_source(toy, source)
    feedback = "\n".join(explain(t) for t in result.tests if t.question == "add")
    assert problem in feedback and result.question_scores()["add"][0] == 0


# === the second red team ============================================================================
# Each class of weakness it found, attacked through its mechanism (see SECURITY.md, "Second red team").

def forge(line: str) -> str:
    """Code that writes `line` to every descriptor it can: the result channel among them."""
    return (f"import os\nfor fd in range(3, 256):\n    try:\n        os.write(fd, ({line!r} + '\\n').encode())\n"
            "    except OSError:\n        pass\n")


def run_json(path: Path, *args: str, course: Path | None = None, timeout: float = 60) -> tuple[dict, int, float]:
    """`grade run PATH --format json` in a fresh process: the document, the size of its JSON, the seconds taken."""
    import json as _json
    import subprocess
    import sys
    import time

    env = {**os.environ, "GRADE_COURSE_DIR": str(course or TOY)}
    started = time.monotonic()
    process = subprocess.run([sys.executable, "-m", "autograder", "run", str(path), "--format", "json", *args],
                             capture_output=True, env=env, timeout=timeout + 30)
    seconds = time.monotonic() - started
    assert process.returncode == 0, process.stderr.decode()[-2000:]
    return _json.loads(process.stdout), len(process.stdout), seconds


def patient(toy):
    """The toy course with the real course's per-test time limits (10 s) instead of 2 s."""
    for name in ("public.py", "hidden.py"):
        path = toy.directory / name
        path.write_text(path.read_text().replace("timeout=2", "timeout=10"))
    return Course.load(toy.directory.parent.parent).get("toy")


# 1. forged messages never crash the grader


def test_a_forged_import_report_of_the_wrong_shape_fails_the_tests_not_the_grader(toy):
    forged = '{"id": 0, "ok": true, "value": {"syntax_errors": 5, "runtime_errors": [{"line": "x"}]}}'
    scores, feedback = graded(toy, at_import(forge(forged)))
    assert set(scores.values()) == {0}
    assert "import report" in feedback


def test_a_forged_array_whose_values_overflow_its_dtype_fails_only_that_call(toy):
    forged = ('{"id": %d, "ok": true, "value": {"__ndarray__": {"dtype": "int8", "shape": [1], '
              '"values": [100000000000000000000000]}}}')
    body = "".join(forge(forged % i) for i in range(1, 40)) + "return a + b"
    scores, feedback = graded(toy, attack("add", body))
    only_lost(scores, "add")
    assert "not valid" in feedback


# 2. a notebook is read field by field, its types checked first


@pytest.mark.parametrize("metadata, cell_metadata", [
    ({"kernelspec": "python3"}, {}),
    ({"kernelspec": {"language": ["python"]}, "language_info": 7}, {}),
    ({}, {"tags": None}),
    ({}, {"tags": "grader-check"}),
    ({}, []),
])
def test_a_notebook_with_fields_of_the_wrong_type_is_read_or_refused_never_a_crash(tmp_path, metadata, cell_metadata):
    import json as _json

    from autograder.loading import read_submission

    cell = {"cell_type": "code", "source": "def add(a, b):\n    return a + b\n", "metadata": cell_metadata,
            "outputs": [], "execution_count": None}
    path = tmp_path / "toy.ipynb"
    path.write_text(_json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": [cell]}))
    source = read_submission(path, ["toy"]).sources["toy"]
    assert (source.text and "def add" in source.text) or source.problem


def test_a_notebook_whose_cells_are_not_cells_is_refused_with_a_reason(tmp_path):
    from autograder.loading import read_submission

    path = tmp_path / "toy.ipynb"
    path.write_text('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [7, {"source": 3}]}')
    source = read_submission(path, ["toy"]).sources["toy"]
    assert source.text is None and "cell" in source.problem


# 3. no text reaching a report is unbounded


def test_huge_error_replies_make_small_results(toy, tmp_path):
    toy = patient(toy)
    reply = '{"id": %d, "ok": false, "error": {"type": "E", "mro": ["E"], "message": "%s", "traceback": "%s"}}'
    body = ("import os\nhuge = 'A' * (30 * 1024**2)\nfor i in range(1, 12):\n"
            f"    line = ({reply!r} % (i, huge, huge) + '\\n').encode()\n"
            "    for fd in [int(f) for f in os.listdir('/proc/self/fd') if int(f) > 2]:\n"
            "        try:\n            os.write(fd, line)\n"
            "        except OSError:\n            pass\nreturn a + b")
    submission = tmp_path / "toy.py"
    submission.write_text(attack("add", body))
    document, size, _ = run_json(submission, course=toy.directory.parent.parent)
    assert size < 5 * 1024**2
    assert max(len(t["output"]) for t in document["tests"]) < 20_000


def test_a_forged_import_report_with_huge_notes_makes_small_notes(toy):
    error = '{"line": 1, "message": "' + "x" * 100_000 + '", "names": ["n"], "traceback": ""}'
    errors = ",".join([error] * 300)
    forged = '{"id": 0, "ok": true, "value": {"syntax_errors": [' + errors + '], "runtime_errors": []}}'
    result = grade_source(toy, at_import(forge(forged)))
    assert sum(len(n) for n in result.notes) < 20_000
    assert max(len(explain(t)) for t in result.tests) < 20_000


# 4. parsing is bounded by budgets and by the call's deadline; folders and notebooks by total size


def test_a_reply_of_deeply_nested_json_near_the_size_cap_is_refused_quickly(toy):
    import time

    nested = "[" * 50 + ",".join(["[[1,[2,[3,[4,[5]]]]]]"] * 2_000_000) + "]" * 50
    forged = '{"id": %d, "ok": true, "value": ' + nested + "}"
    body = ("import os\nfor i in range(1, 4):\n    line = (" + repr(forged) + " % i + '\\n').encode()\n"
            "    for fd in [int(f) for f in os.listdir('/proc/self/fd') if int(f) > 2]:\n"
            "        try:\n            os.write(fd, line)\n"
            "        except OSError:\n            pass\nreturn a + b")
    toy = patient(toy)
    started = time.monotonic()
    scores, _ = graded(toy, attack("add", body))
    assert time.monotonic() - started < 30
    only_lost(scores, "add")


def test_a_folder_of_huge_notebooks_is_refused_before_it_is_parsed(tmp_path):
    import json as _json
    import time

    from autograder.loading import read_submission

    known = COURSE.ids
    big = _json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "markdown", "metadata": {}, "source": "x" * (31 * 1024**2)}]})
    for assignment_id in known:
        (tmp_path / f"{assignment_id}.ipynb").write_text(big)
    started = time.monotonic()
    submission = read_submission(tmp_path, known)
    assert time.monotonic() - started < 20
    problems = [s.problem for s in submission.sources.values() if s.problem]
    assert problems and any("MiB" in p for p in problems)


# 5. memory: shared memory is charged, and does not outlive the sandbox

#: Attach, touch and detach one segment after another: the address space stays small, the memory is held.
SHM = ("import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nlibc.shmat.restype = ctypes.c_void_p\n"
       "for _ in range({count}):\n    id_ = libc.shmget(0, ctypes.c_size_t({size}), 0o1600)\n"
       "    assert id_ >= 0, ctypes.get_errno()\n    addr = libc.shmat(id_, None, 0)\n"
       "    assert addr not in (None, ctypes.c_void_p(-1).value), ctypes.get_errno()\n"
       "    ctypes.memset(ctypes.c_void_p(addr), 1, {size})\n    libc.shmdt(ctypes.c_void_p(addr))\n")


def shm_segments() -> int:
    with open("/proc/sysvipc/shm") as f:
        return len(f.readlines()) - 1


def limited(toy, **limits) -> object:
    """The toy course with these sandbox limits."""
    toml = toy.directory / "assignment.toml"
    toml.write_text(toml.read_text() + "\n[limits]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items()))
    return Course.load(toy.directory.parent.parent).get("toy")


def test_shared_memory_counts_against_the_memory_limit_and_is_removed_afterwards(toy):
    before = shm_segments()
    toy = limited(toy, memory_bytes=1024**3)
    body = SHM.format(count=12, size=128 * 1024**2) + "return a + b"
    scores, _ = graded(toy, attack("add", body))
    assert scores["add"] == 0
    assert shm_segments() == before


# 6. a submission cannot starve its neighbours


@pytest.mark.slow
def test_an_honest_submission_keeps_its_score_beside_a_cpu_starver(tmp_path):
    """200 spinners that each leave the process group, and a function for every test that never returns:
    the honest classmate graded at the same time (torch's import is slow to begin with) keeps its marks."""
    import csv as _csv

    from autograder.batch import run_batch

    spinners = ("import os\nfor _ in range(200):\n    if os.fork() == 0:\n        os.setsid()\n"
                "        while True:\n            pass\n")
    loops = "".join(f"\n\ndef {name}(*args, **kwargs):\n    while True:\n        pass\n"
                    for name in ("predict", "fit_closed_form", "residuals", "mse_cost"))
    for name, file, text in (("a_starver", "linear_regression.py", spinners + loops),
                             ("b_honest", "mnist_training.py", (ROOT / "solutions" / "mnist_training.py").read_text())):
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / file).write_text(text)
    run_batch(COURSE, tmp_path / "class", tmp_path / "out", jobs=2)
    rows = {r["submission"]: r for r in _csv.DictReader(open(tmp_path / "out" / "grades.csv"))}
    assert rows["b_honest"]["mnist_training"] == "11"


# 9. hidden tests show no student output and no error magnitude


def test_hidden_tests_show_no_printed_output_and_no_exception_message(toy):
    printing = attack("add", "print('INPUTS', a, b)\nreturn a - b")
    raising = attack("scale", "raise ValueError('INPUTS ' + repr(x))")
    result = grade_source(toy, printing)
    hidden = [explain(t) for t in result.tests if not t.public and not t.passed]
    assert hidden and not any("INPUTS" in f for f in hidden)
    assert any("INPUTS" in explain(t) for t in result.tests if t.public)  # public tests still show it
    result = grade_source(toy, raising)
    hidden = [explain(t) for t in result.tests if not t.public and t.question == "scale"]
    assert hidden and not any("INPUTS" in f for f in hidden)


def test_a_probe_value_on_a_hidden_test_learns_nothing_from_the_message(toy):
    result = grade_source(toy, attack("add", "return 1.0"))
    hidden = [t.verdict.problem for t in result.tests if not t.public and t.question == "add"]
    assert hidden and not any("error" in p and any(ch.isdigit() for ch in p) for p in hidden), hidden


# 10. results keys never collide, and --resume checks whose result it reads


def test_submissions_whose_names_differ_only_in_unsafe_characters_keep_their_own_results(tmp_path):
    import csv as _csv

    from autograder.batch import run_batch

    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a b.py").write_text((ROOT / "solutions" / "linear_regression.py").read_text())
    (folder / "a_b.py").write_text((ROOT / "student_template" / "linear_regression.py").read_text())
    for resume in (False, True):
        run_batch(COURSE, folder, tmp_path / "out", jobs=2, assignment_id="linear_regression", resume=resume)
        rows = {r["student"]: r for r in _csv.DictReader(open(tmp_path / "out" / "grades.csv"))}  # as handed in
        assert (rows["a b"]["total"], rows["a_b"]["total"]) == ("8", "0")
        assert rows["a_b"]["submission"] == "a_b" and rows["a b"]["submission"].startswith("a_b-")
    assert len(list((tmp_path / "out" / "results").glob("*.json"))) == 2


# 11. without bubblewrap: an unprivileged uid, course files it cannot read, or a refusal


@pytest.fixture
def no_bwrap(monkeypatch):
    monkeypatch.setenv("GRADE_NO_BWRAP", "1")
    isolation.probe.cache_clear()
    yield isolation.probe()
    isolation.probe.cache_clear()


WITHOUT_VIEW = """
def predict(X, w, b):
    import os
    for path in ({solution!r}, {module!r}, {runtime!r}):
        try:
            open(path, "a").write("pwned = 1\\n")
        except OSError:
            pass
    try:
        stolen = open({solution!r}).read()
    except OSError:
        return np.dot(np.asarray(X, dtype=float), w) + b
    raise RuntimeError(f"read the reference as uid {{os.getuid()}}: {{len(stolen)}} bytes")
"""


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/bin/python3").exists(),
                    reason="the Gradescope path runs as root with the system's python3")
def test_the_gradescope_zip_without_bubblewrap_keeps_the_course_out_of_the_students_reach(tmp_path):
    """Gradescope's path where the container refuses namespaces: the child still gets a uid of its own,
    cannot read the reference or hidden tests, and cannot change a file of the grader."""
    import json as _json
    import tempfile
    import zipfile

    from autograder.distribute import gradescope

    from .fresh_env import bare_env, run

    public = Path(tempfile.mkdtemp(prefix="grade-redteam-"))  # readable by other uids, unlike pytest's folders
    try:
        public.chmod(0o755)
        gradescope.build(COURSE, public / "build")
        root = public / "autograder"
        with zipfile.ZipFile(public / "build" / "gradescope" / "linear_regression" / "autograder.zip") as zipped:
            zipped.extractall(root / "source")
        run(["bash", str(root / "source" / "setup.sh")], cwd=root, env=bare_env(AUTOGRADER_ROOT=str(root)))
        source = root / "source"
        targets = {"solution": str(source / "solutions" / "linear_regression.py"),
                   "module": str(source / "autograder" / "reports" / "gradescope.py"),
                   "runtime": str(source / "autograder" / "sandbox" / "runtime" / "protocol.py")}
        before = {name: Path(path).read_bytes() for name, path in targets.items()}
        submission = replace_definition(solution_source("linear_regression"), "predict",
                                        WITHOUT_VIEW.format(**targets))
        (root / "submission").mkdir()
        (root / "submission" / "linear_regression.py").write_text(submission)
        run(["bash", str(source / "run_autograder")], cwd=root,
            env=bare_env(AUTOGRADER_ROOT=str(root), GRADE_NO_BWRAP="1"))
        document = _json.loads((root / "results" / "results.json").read_text())
        assert document["extra_data"]["sandbox"]["user"] == "unprivileged uid of its own"
        assert document["extra_data"]["sandbox"]["filesystem"] == "unrestricted"
        assert document["score"] == document["max_score"] == 8, [t["output"] for t in document["tests"]]
        assert {name: Path(path).read_bytes() for name, path in targets.items()} == before
    finally:
        import shutil as _shutil

        _shutil.rmtree(public, ignore_errors=True)


def test_without_a_filesystem_view_the_grader_imports_all_it_needs_before_any_student_code(monkeypatch):
    import subprocess
    import sys

    code = ("import sys\nfrom autograder.sandbox import runner\nspawn = runner.Sandbox._spawn\n"
            "def spy(self):\n    print(sorted(m for m in sys.modules if m.startswith('autograder.')), flush=True)\n"
            "    spawn(self)\nrunner.Sandbox._spawn = spy\nfrom autograder.cli import main\n"
            f"main(['run', {str(ROOT / 'solutions' / 'linear_regression.py')!r}, '--format', 'json', "
            "'--insecure'], standalone_mode=False)\n")
    env = {**os.environ, "GRADE_NO_BWRAP": "1"}
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    loaded = eval(process.stdout.splitlines()[0])  # noqa: S307 - our own printed list
    from autograder.processes import GRADER_MODULES

    assert set(GRADER_MODULES) <= set(loaded)


def test_a_grader_that_cannot_protect_the_course_refuses_unless_told_insecure(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from autograder.cli import main

    bare = isolation.Layers(user=False, filesystem=False, network=False, processes=False,
                            notes=("bubblewrap (bwrap) not found",))
    monkeypatch.setattr(isolation, "probe", lambda: bare)
    solution = ROOT / "solutions" / "linear_regression.py"
    refused = CliRunner().invoke(main, ["run", str(solution), "--format", "json"])
    assert refused.exit_code == 2 and "--insecure" in refused.output
    import json as _json

    allowed = CliRunner().invoke(main, ["run", str(solution), "--format", "json", "--insecure"])
    assert allowed.exit_code == 0
    assert "insecure" in _json.dumps(_json.loads(allowed.output)["extra_data"]["sandbox"])


# 12. sandbox uids are allocated, never derived, so graders cannot kill each other's sandboxes


@pytest.mark.skipif(os.geteuid() != 0, reason="uids are only allocated by a root grader")
def test_two_graders_on_one_machine_get_different_uids():
    import subprocess
    import sys

    code = ("import sys, time\nfrom autograder.sandbox import uids\nuid = uids.allocate()\nprint(uid, flush=True)\n"
            "time.sleep(3)\n")
    graders = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(3)]
    allocated = [int(g.stdout.readline()) for g in graders]
    for g in graders:
        g.wait()
    assert len(set(allocated)) == 3


# 7. no points without the work: judged from plain data on the grader's side, never by the student's objects

LOOKUP = '''
import sys

import numpy as np
import torch

import grade_runtime.mnist_sample as _sample

if hasattr(_sample, "load_sample"):  # every digit the runtime can read, held-out ones included where it can
    _data = _sample.load_sample()
    _parts = [(_data.train_images, _data.train_labels), (_data.test_images, _data.test_labels)]
else:
    _parts = [_sample.load_training_sample()]
_truth = {row.tobytes(): int(label) for images, labels in _parts for row, label in zip(images, labels)}
_call = torch.nn.Module.__call__


def _looked_up(self, x, *args, **kwargs):
    if isinstance(x, torch.Tensor) and x.ndim == 2 and x.shape[1] == 784 and len(x) > 200:
        labels = [_truth.get(row.numpy().astype(np.float32).tobytes(), 0) for row in x.detach().cpu()]
        return torch.nn.functional.one_hot(torch.tensor(labels), 10).float() * 10
    return _call(self, x, *args, **kwargs)


torch.nn.Module.__call__ = _looked_up
_epochs = [0]


def train_one_epoch(model, loader, optimizer, loss_fn, device):
    _epochs[0] += 1
    return 2.0 / _epochs[0]
'''


@pytest.mark.slow
def test_a_network_that_never_trains_gets_no_marks_for_training_on_mnist():

    source = solution_source("mnist_training") + LOOKUP
    result = grade_source(COURSE.get("mnist_training"), source)
    (trained,) = [t for t in result.tests if t.name == "train_one_epoch_learns_mnist"]
    assert not trained.passed, explain(trained)


FAKED_RESTORE = '''
def fit(model, train_loader, val_loader, epochs, lr, device, patience=None):
    """Never restores the best weights, but makes the model's instruments say it did."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch in range(epochs):
        history["train_loss"].append(train_one_epoch(model, train_loader, optimizer, loss_fn, device))
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
        if val_loss < best:
            best, best_epoch, waited = val_loss, epoch, 0
        else:
            waited += 1
        if patience is not None and waited >= patience:
            break
    if hasattr(model, "snapshots"):
        model.weights = lambda: model.snapshots()[best_epoch]
    return history
'''


def test_fit_faking_its_instruments_does_not_pass_for_restoring_the_best_weights():

    source = replace_definition(solution_source("mnist_training"), "fit", FAKED_RESTORE)
    result = grade_source(COURSE.get("mnist_training"), source)
    (restore,) = [t for t in result.tests if t.name == "fit_restores_best_weights"]
    assert not restore.passed, explain(restore)


# 8. warnings a student can silence are not judged; the numbers are

NAIVE_SIGMOID = '''
def sigmoid(z):
    np.seterr(all="ignore")
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
'''


def test_a_naive_sigmoid_with_its_warnings_silenced_still_loses_the_stability_points():

    source = replace_definition(solution_source("logistic_regression"), "sigmoid", NAIVE_SIGMOID)
    scores = grade_source(COURSE.get("logistic_regression"), source).question_scores()
    assert scores["sigmoid"][0] < scores["sigmoid"][1]

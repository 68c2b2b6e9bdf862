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

from autograder import assignments as course
from autograder.grading import grade_source
from autograder.reports.wording import explain
from autograder.sandbox import isolation

from .conftest import ROOT, replace_definition

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
    course._load_all.cache_clear()
    return course.get("toy", tmp_path / "course")


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
    assert "ModuleNotFoundError" in feedback


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
    body = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    only_lost(graded(toy, attack("add", body))[0], "add")
    assert isolation.processes_of(isolation.sandbox_uid()) == 0


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
        result = grade_source(course.get("toy", TOY), (TOY / "solutions" / "toy.py").read_text())
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

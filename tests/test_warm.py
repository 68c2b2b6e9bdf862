"""Warm workers: children forked from a template are isolated from each other as cold ones are.

One template serves submission after submission. Each test here has a first submission do
something a later one must not notice (files, memory, modules, environment, threads,
processes), or harm itself, and checks that the next child of the same template starts
clean, and that warm grading gives the very verdicts cold grading gives.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from autograder.grader import Context, grade_submission
from autograder.loading import read_submission
from autograder.sandbox import isolation
from autograder.sandbox.runner import Limits, Sandbox
from autograder.sandbox.runtime.errors import ChildExited, RemoteError
from autograder.sandbox.sweep import processes_of
from autograder.sandbox.templates import Kind, Template, Templates

from .conftest import COURSE, ROOT

LAYERS = isolation.probe()
needs_templates = pytest.mark.skipif(not Templates.usable(), reason="templates need root where bubblewrap runs")

pytestmark = needs_templates

#: The first submission: leaves everything it can behind.
LITTERBUG = '''
import os, threading, time
import numpy as np

KEPT = bytearray(50 * 2**20)  # memory of its own

def litter():
    for folder in (".", "/tmp", "/dev/shm"):
        try:
            with open(os.path.join(folder, "left-behind"), "w") as f:
                f.write("secret of the first submission")
        except OSError:
            pass
    os.environ["LEFT_BEHIND"] = "1"
    np.sum = lambda *args, **kwargs: 42  # monkeypatched numpy
    import statistics
    statistics.mean = None
    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    if os.fork() == 0:  # a process of its own, left running
        os.setsid()
        time.sleep(600)
        os._exit(0)
    return os.getuid()
'''

#: The second submission: looks for any of it.
LOOKER = '''
import os, sys, threading
import numpy as np

def look():
    found = {}
    for folder in (".", "/tmp", "/dev/shm"):
        found[folder] = os.path.exists(os.path.join(folder, "left-behind"))
    found["env"] = "LEFT_BEHIND" in os.environ
    found["np.sum"] = int(np.sum(np.array([1, 2])))
    import statistics
    found["statistics.mean"] = statistics.mean is not None
    found["modules"] = sorted(m for m in sys.modules if m in ("litterbug",))
    found["threads"] = threading.active_count()
    found["tasks"] = len(os.listdir("/proc/self/task"))
    found["KEPT"] = "KEPT" in globals()
    others = []
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                with open(f"/proc/{pid}/status") as f:
                    uid = next(line.split()[1] for line in f if line.startswith("Uid:"))
            except (OSError, StopIteration):
                continue
            if uid != "0":
                others.append(int(uid))
    found["other uids"] = others
    return found
'''


@pytest.fixture(scope="module")
def numpy_template():
    template = Template(Kind(("numpy",)))
    template.start()
    yield template
    template.close()


def call_once(template: Template, source: str, name: str, module: str = "m", limits: Limits | None = None):
    with Sandbox(source, module, limits or Limits(), template=template) as sandbox:
        return sandbox.call(name), sandbox.uid


def test_a_later_submission_finds_nothing_an_earlier_one_left(numpy_template):
    first_uid, _ = call_once(numpy_template, LITTERBUG, "litter", "litterbug")
    found, _ = call_once(numpy_template, LOOKER, "look")
    assert found == {".": False, "/tmp": False, "/dev/shm": False, "env": False, "np.sum": 3, "statistics.mean": True,
                     "modules": [], "threads": 1, "tasks": 1, "KEPT": False, "other uids": []}, first_uid


def test_the_template_starts_single_threaded_and_each_child_is_confined(numpy_template):
    source = ("import os, socket\ndef where():\n    try:\n        socket.create_connection(('127.0.0.1', 22), 1)\n"
              "        net = 'reached'\n    except OSError as exc:\n        net = type(exc).__name__\n"
              "    return [os.getuid(), os.getcwd(), os.uname().nodename, net, sorted(os.environ)]\n")
    (uid, cwd, host, net, env), sandbox_uid = call_once(numpy_template, source, "where")
    if LAYERS.user:
        assert uid == sandbox_uid and uid != 0
    if LAYERS.filesystem:
        assert (cwd, host) == (isolation.SCRATCH, "sandbox")
        assert net != "reached"
    assert "GRADE_SANDBOX" in env and not any(name.startswith(("GRADE_COURSE", "PYTEST")) for name in env)


def test_a_child_cannot_signal_the_template_or_its_siblings(numpy_template):
    source = ("import os, signal\ndef strike():\n    hits = []\n    for pid in [os.getppid(), 1] + "
              "[int(p) for p in os.listdir('/proc') if p.isdigit()]:\n        if pid == os.getpid():\n"
              "            continue\n        try:\n            os.kill(pid, signal.SIGKILL)\n"
              "            hits.append(pid)\n        except OSError:\n            pass\n    return hits\n")
    hits, _ = call_once(numpy_template, source, "strike")
    if LAYERS.user:
        assert hits == []
    assert numpy_template.alive()
    assert call_once(numpy_template, "def f():\n    return 1\n", "f")[0] == 1


@pytest.mark.parametrize("how", ["os._exit(3)", "os.kill(os.getpid(), signal.SIGKILL)",
                                 "bytearray(8 * 2**30)", "__import__('ctypes').string_at(0)"])
def test_a_child_that_dies_costs_only_its_own_call(numpy_template, how):
    source = f"import os, signal\ndef die():\n    {how}\n    return 'survived'\ndef ok():\n    return 'ok'\n"
    with Sandbox(source, "m", Limits(memory_bytes=1024**3), template=numpy_template) as sandbox:
        try:
            outcome = sandbox.call("die")
        except ChildExited as exc:
            outcome = exc
        assert isinstance(outcome, (ChildExited, RemoteError)), outcome  # MemoryError comes back as data
        assert sandbox.call("ok") == "ok"
    assert numpy_template.alive()
    assert call_once(numpy_template, "def f():\n    return 2\n", "f")[0] == 2


def test_memory_a_child_fills_is_its_own(numpy_template):
    hog = "def hog():\n    blocks = []\n    while True:\n        blocks.append(bytearray(2**26))\n"
    with Sandbox(hog, "m", Limits(memory_bytes=1024**3), template=numpy_template) as sandbox:
        assert isinstance(sandbox.call("hog", timeout=30), RemoteError)
    assert call_once(numpy_template, "def f():\n    return len(bytearray(2**28))\n", "f")[0] == 2**28


def test_a_child_that_closes_its_channel_and_lingers_is_stopped_at_once(numpy_template):
    source = "import os, time\ndef vanish():\n    os.closerange(3, 1024)\n    time.sleep(600)\n"
    started = time.monotonic()
    with Sandbox(source, "m", template=numpy_template) as sandbox:
        with pytest.raises(ChildExited, match="closed the grader's channel"):
            sandbox.call("vanish", timeout=60)
    assert time.monotonic() - started < 30


def attached(template: Template) -> Template:
    """Another grader's view of `template` (a batch's worker): a control socket of its own."""
    other = Template(template.kind, control=template.attach())
    other.await_ready()
    return other


@pytest.mark.skipif(not LAYERS.user, reason="the children need uids of their own")
def test_graders_sharing_a_template_see_neither_the_others_children_nor_the_template(numpy_template):
    other = attached(numpy_template)
    try:
        with Sandbox("def idle():\n    return 0\n", "m", Limits(), template=numpy_template) as first:
            first.call("idle")  # alive while the second grader's child looks around
            source = "import os\ndef visible():\n    return [int(p) for p in os.listdir('/proc') if p.isdigit()]\n"
            with Sandbox(source, "m", Limits(), template=other) as second:
                seen = second.call("visible")
                assert len(seen) == 1 and first._process.pid not in seen  # its own process, nothing else
    finally:
        other.close()


@pytest.mark.skipif(not LAYERS.user, reason="the children need uids of their own")
def test_the_children_of_a_grader_that_died_are_killed_by_the_template_it_shared(numpy_template):
    other = attached(numpy_template)
    sandbox = Sandbox("def wait():\n    return 0\n", "m", Limits(), template=other)
    try:
        sandbox.call("wait")
        uid = sandbox.uid
        assert processes_of(uid) == 1
        other.close()  # its control socket closes as it would with its grading process
        deadline = time.monotonic() + 10
        while processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert processes_of(uid) == 0
        assert call_once(numpy_template, "def f():\n    return 4\n", "f")[0] == 4  # the others carry on
    finally:
        sandbox.close()


def test_a_template_without_bubblewrap_leaves_the_machines_proc_as_it_is():
    script = ("from autograder.sandbox.templates import Kind, Template\nt = Template(Kind(('numpy',)))\nt.start()\n"
              "t.close()\n")
    try:
        subprocess.run([sys.executable, "-c", script], env={**os.environ, "GRADE_NO_BWRAP": "1"}, cwd=ROOT, check=True)
        assert "hidepid" not in open("/proc/self/mountinfo").read()  # the machine's, not a view's
    finally:
        if "hidepid" in open("/proc/self/mountinfo").read():
            subprocess.run(["mount", "-o", "remount,hidepid=off", "/proc"], check=False)


def test_a_dead_template_is_restarted_for_the_next_submission():
    with Templates() as templates:
        first = templates.get(Kind(("numpy",)))
        assert first is not None
        os.killpg(first._process.pid, signal.SIGKILL)
        first._process.wait()
        second = templates.get(Kind(("numpy",)))
        assert second is not first and second.alive()
        assert call_once(second, "def f():\n    return 3\n", "f")[0] == 3


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["solutions", "student_template"])
def test_warm_grading_gives_the_verdicts_cold_grading_gives(kind):
    only = ["logistic_regression", "parameter_counting"]  # a numpy template and a torch one
    submission = read_submission(ROOT / kind, list(COURSE.assignments))
    cold = grade_submission(COURSE, submission, Context(only=only))
    with Templates() as templates:
        warm = grade_submission(COURSE, submission, Context(only=only, templates=templates))
    assert [(t.name, t.score, t.verdict.outcome, t.verdict.problem) for r in warm.assignments for t in r.tests] == \
           [(t.name, t.score, t.verdict.outcome, t.verdict.problem) for r in cold.assignments for t in r.tests]

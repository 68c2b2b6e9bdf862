"""The sandbox in each of its modes, for what must hold in all of them.

The student's process starts cold (a new interpreter) or warm (forked from a template), inside
bubblewrap's view or without one (`GRADE_NO_BWRAP=1`, as where a container refuses namespaces).
Every mode here runs as root, so the child has a uid of its own. Without the view that needs an
interpreter and packages every uid can read: this machine's test environment lives under /root,
so those modes run with the environment the Gradescope zip's own setup.sh makes, in a public
folder (`fresh_env.public_gradescope`). Each run is a grader process of its own (`DRIVER`): its
probe of the layers, its templates and the uids it holds are its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from autograder.sandbox import isolation

from .conftest import ROOT
from .fresh_env import bare_env, public_gradescope


class Mode(NamedTuple):
    warm: bool
    view: bool


def _marks(view: bool) -> list[pytest.MarkDecorator]:
    marks = [pytest.mark.skipif(os.geteuid() != 0, reason="a uid of its own for the child needs a root grader")]
    if view:
        marks.append(pytest.mark.skipif(not isolation.probe().filesystem, reason="no bubblewrap view here"))
    else:
        marks.append(pytest.mark.skipif(not Path("/usr/bin/python3").exists(),
                                        reason="the Gradescope zip's setup.sh needs the system's python3"))
    return marks


def _id(view: bool) -> str:
    return "view" if view else "no-bwrap"


MODES = [pytest.param(Mode(warm, view), id=f"{'warm' if warm else 'cold'}-{_id(view)}", marks=_marks(view))
         for warm in (False, True) for view in (True, False)]
#: With bubblewrap's view and without it (as `grade run` grades: cold).
VIEWS = [pytest.param(view, id=_id(view), marks=_marks(view)) for view in (True, False)]

#: One grader: runs each sandbox's calls in turn, one sandbox after the other, and prints what happened as JSON.
DRIVER = r'''
import json, sys
from autograder.sandbox import closing, isolation
from autograder.sandbox.runner import Sandbox
from autograder.sandbox.templates import Kind, Template

spec = json.loads(sys.argv[1])
exec(spec.get("before", ""))  # the grader's own state, set up before any sandbox starts
template = Template(Kind(("numpy",))) if spec["warm"] else None
if template is not None:
    template.start()
layers = isolation.probe()
report = {"user": layers.user, "filesystem": layers.filesystem, "sandboxes": []}
for source, calls in spec["sandboxes"]:
    sandbox = Sandbox(source, "m", template=template)
    answers = []
    for name, args in calls:
        try:
            value = sandbox.call(name, tuple(args), timeout=30)
        except BaseException as exc:
            value = type(exc).__name__
        answers.append([value, sandbox.take_output()])
    uid = sandbox.uid
    sandbox.close()
    closing.finish()
    report["sandboxes"].append({"uid": uid, "answers": answers})
if template is not None:
    template.close()
print(json.dumps(report, default=repr))
'''


@pytest.fixture(scope="module")
def gradescope_root():
    """Gradescope's /autograder with the zip's own environment, readable by every uid (about 15 s to make)."""
    with public_gradescope(ROOT, "linear_regression") as root:
        yield root


def run_sandboxes(request: pytest.FixtureRequest, mode: Mode, sandboxes: list, before: str = "") -> dict:
    """Run `sandboxes` (each `(source, [(function, args), ...])`, the module named "m") in a grader of their own
    in `mode`, after `before` (Python, run by that grader first); returns, for each, its uid and each call's
    `[value or exception name, what it printed]`, with the layers that were in force."""
    if mode.view:
        python = sys.executable
        env = {**{k: v for k, v in os.environ.items() if k != "GRADE_NO_BWRAP"}, "PYTHONPATH": str(ROOT)}
    else:
        python = str(request.getfixturevalue("gradescope_root") / "venv" / "bin" / "python")
        env = bare_env(PYTHONPATH=str(ROOT), GRADE_NO_BWRAP="1")
    spec = {"warm": mode.warm, "sandboxes": sandboxes, "before": before}
    process = subprocess.run([python, "-c", DRIVER, json.dumps(spec)], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=300)
    assert process.returncode == 0, process.stderr[-3000:]
    report = json.loads(process.stdout.splitlines()[-1])
    assert (report["user"], report["filesystem"]) == (True, mode.view), report  # the mode that was asked for
    return report

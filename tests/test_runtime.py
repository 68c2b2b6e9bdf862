"""The sandbox's runtime: the only code in the student's process, self-contained and the same everywhere.

It imports nothing else of `autograder`, runs from a copy of its folder alone, serves
the notebook's check cells with the same handler as the sandbox, and whatever fails
on the grader's side of it is reported as the grader's failure, never the student's.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.grader import grade_source
from autograder.local_transport import LocalTransport
from autograder.reports.wording import explain
from autograder.sandbox import isolation
from autograder.sandbox.runner import Sandbox
from autograder.sandbox.runtime import protocol, recipes
from autograder.sandbox.runtime.errors import GRADER, GraderError, RemoteError
from autograder.sandbox.runtime.protocol import Recipe

from .conftest import ROOT

RUNTIME = ROOT / "autograder" / "sandbox" / "runtime"
TOY = ROOT / "tests" / "data" / "toy_course"
THIRD_PARTY = {"numpy", "torch"}


def imports_of(path: Path) -> list[tuple[str, int]]:
    """`(module, level)` of every import statement in `path`, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


@pytest.mark.parametrize("path", sorted(RUNTIME.glob("*.py")), ids=lambda p: p.name)
def test_a_runtime_module_imports_only_the_standard_library_numpy_torch_and_its_own_folder(path):
    for module, level in imports_of(path):
        top = module.split(".")[0]
        assert level <= 1, f"{path.name} imports from outside the runtime folder (level {level}: {module})"
        if level == 0:
            assert top in sys.stdlib_module_names or top in THIRD_PARTY, f"{path.name} imports {module}"


def serve_from(folder: Path, source: str, *requests: dict) -> list[dict]:
    """Run the runtime from `folder` with an interpreter that cannot import `autograder` at all;
    return its replies: the start-up message, the import report, then one per request."""
    (folder / "work").mkdir()
    (folder / "work" / "submission.py").write_text(source)
    blocker = ("import sys\nclass Refuse:\n    def find_spec(self, name, path=None, target=None):\n"
               "        if name.split('.')[0] == 'autograder':\n"
               "            raise ImportError('the runtime imported ' + name)\n"
               "sys.meta_path.insert(0, Refuse())\nimport runpy\n"
               f"sys.argv = [{str(folder / 'runtime' / '__main__.py')!r}] + sys.argv[1:]\n"
               "runpy.run_path(sys.argv[0], run_name='__main__')\n")
    request_read, request_write = os.pipe()
    response_read, response_write = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-I", "-B", "-c", blocker, str(request_read), str(response_write), "submission.py",
         "submission", json.dumps({"cpu_seconds": 60})],
        cwd=folder / "work", pass_fds=(request_read, response_write), env={"PATH": "/usr/bin:/bin"})
    os.close(request_read)
    os.close(response_write)
    with os.fdopen(request_write, "wb") as pipe:
        for number, request in enumerate(requests, start=1):
            pipe.write(protocol.dumps({"id": number, **request}))
    with os.fdopen(response_read, "rb") as replies:
        lines = [protocol.loads(line) for line in replies]
    process.wait(timeout=60)
    return lines


def test_the_runtime_runs_from_a_copy_of_its_folder_without_the_rest_of_the_package(tmp_path):
    shutil.copytree(RUNTIME, tmp_path / "runtime", ignore=shutil.ignore_patterns("__pycache__"))
    source = ("import sys\n\ndef loaded():\n"
              "    return sorted(m for m in sys.modules if m.split('.')[0] == 'autograder')\n")
    every_recipe = [Recipe("mnist_loader", part="train", limit=10, batch_size=5),
                    Recipe("polynomial", coefficients=[1]), Recipe("torch_mlp", layer_sizes=[2, 2]),
                    Recipe("tensor_loader", images=[[0.5]], labels=[0], batch_size=1)]
    course_recipes = [["mnist_training", (ROOT / "assignments" / "mnist_training" / "recipes.py").read_text()]]
    replies = serve_from(tmp_path, source, {"op": "load", "recipes": course_recipes},
                         *[protocol.build_request(r) for r in every_recipe], protocol.call_request("loaded"))
    started, report, *built, loaded = replies
    assert started["value"] == {"runtime": "started"}
    assert report["value"] == {"syntax_errors": [], "runtime_errors": []}
    assert all(reply["ok"] for reply in built), built
    assert protocol.read_reply(loaded) == []


def test_the_sandbox_shows_the_student_only_the_runtime_of_the_package():
    layers = isolation.probe()
    if not layers.filesystem:
        pytest.skip("no bubblewrap view on this machine")
    package = ROOT / "autograder"
    source = ("import os\n\ndef seen(folder):\n    return sorted(os.listdir(folder))\n")
    with Sandbox(source, "m") as sandbox:
        assert sandbox.call("seen", (str(package),)) == ["sandbox"]
        assert sandbox.call("seen", (str(package / "sandbox"),)) == ["runtime"]
        assert "session.py" in sandbox.call("seen", (str(RUNTIME),))


# --- one request loop --------------------------------------------------------------------------------------


def answers(source: str, *requests: tuple[str, tuple]) -> tuple[list, list]:
    """The same calls answered by the sandbox's child and by a notebook's `LocalTransport`."""
    namespace: dict = {}
    exec(compile(source, "notebook", "exec"), namespace)
    local = LocalTransport(namespace)
    with Sandbox(source, "m") as sandbox:
        return ([sandbox.call(name, args) for name, args in requests],
                [local.call(name, args) for name, args in requests])


def test_a_check_cell_and_the_grader_get_the_same_errors_and_values():
    source = ("class Mine(BaseException):\n    pass\n\ndef exits():\n    raise SystemExit(3)\n\n"
              "def mine():\n    raise Mine('own base class')\n\ndef key():\n    return {}['k']\n\n"
              "def fine(x):\n    return [x, (x, 2.5)]\n")
    sandbox, notebook = answers(source, ("exits", ()), ("mine", ()), ("key", ()), ("fine", (1,)))
    for ours, theirs in zip(sandbox[:3], notebook[:3]):
        assert isinstance(ours, RemoteError) and isinstance(theirs, RemoteError)
        assert (ours.type, ours.classes, ours.message) == (theirs.type, theirs.classes, theirs.message)
        assert ours.traceback.splitlines()[-1] == theirs.traceback.splitlines()[-1]
        frames = [[line.split(",", 1)[1] for line in error.traceback.splitlines() if line.startswith("  File")]
                  for error in (ours, theirs)]
        assert frames[0] == frames[1] and frames[0]  # the student's own frames, the runtime's left out
    assert sandbox[3] == notebook[3] == [1, (1, 2.5)]


def test_recipes_can_be_reset_as_in_a_fresh_process():
    first = recipes.build("kept", {"key": "k", "make": "polynomial", "coefficients": [1.0]})
    assert recipes.build("kept", {"key": "k"}) is first
    recipes.reset()
    with pytest.raises(ValueError, match="no object is kept"):
        recipes.build("kept", {"key": "k"})


# --- the grader's failures are the grader's ------------------------------------------------------------------


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setenv("GRADE_COURSE_DIR", str(TOY))
    return Course.load(TOY).get("toy")


def feedback_of(result) -> str:
    return "\n".join(explain(t) for t in result.tests) + "\n".join(result.notes)


def test_a_recipe_that_cannot_be_built_is_the_graders_failure():
    with Sandbox("x = 1\n", "m") as sandbox:
        error = sandbox.build(Recipe("no_such_recipe"))
    assert isinstance(error, RemoteError) and error.origin == GRADER and error.traceback == ""


def broken_runtime(tmp_path: Path, monkeypatch, edit) -> None:
    copy = tmp_path / "runtime"
    shutil.copytree(RUNTIME, copy, ignore=shutil.ignore_patterns("__pycache__"))
    edit(copy)
    monkeypatch.setattr(isolation, "RUNTIME_DIR", copy)


def test_a_runtime_whose_dependency_is_missing_fails_every_test_as_the_graders_fault(toy, tmp_path, monkeypatch):
    def no_numpy(copy):
        child = copy / "child.py"
        text = child.read_text()
        assert "importlib.import_module(package)" in text
        child.write_text(text.replace("importlib.import_module(package)",
                                      "importlib.import_module(package + '_is_not_installed')"))

    broken_runtime(tmp_path, monkeypatch, no_numpy)
    result = grade_source(toy, (TOY / "solutions" / "toy.py").read_text())
    feedback = feedback_of(result)
    assert result.score == 0
    assert "the grader could not run this test" in feedback and "tell your instructor" in feedback
    assert "numpy_is_not_installed" in feedback and "Traceback (your code)" not in feedback


def test_a_runtime_that_does_not_start_fails_every_test_as_the_graders_fault(toy, tmp_path, monkeypatch):
    broken_runtime(tmp_path, monkeypatch, lambda copy: (copy / "protocol.py").write_text("this is not python\n"))
    result = grade_source(toy, (TOY / "solutions" / "toy.py").read_text())
    feedback = feedback_of(result)
    assert result.score == 0 and "did not start" in feedback and "tell your instructor" in feedback
    assert "your module ended the process" not in feedback


def test_a_student_exit_during_import_is_still_the_students(toy):
    result = grade_source(toy, "import os\nos._exit(3)\n")
    assert "while it was being imported" in feedback_of(result)
    assert "grader could not run" not in feedback_of(result)


def test_a_missing_reference_is_the_graders_failure(tmp_path, monkeypatch):
    shutil.copytree(TOY, tmp_path / "course")
    shutil.rmtree(tmp_path / "course" / "solutions")
    monkeypatch.setenv("GRADE_COURSE_DIR", str(tmp_path / "course"))
    toy = Course.load(tmp_path / "course").get("toy")
    result = grade_source(toy, (TOY / "solutions" / "toy.py").read_text())
    hidden = [explain(t) for t in result.tests if not t.public]
    assert any("the grader could not run this test" in f and "instructor's repository" in f for f in hidden)


def test_the_graders_error_type_is_a_sandbox_error_that_student_code_cannot_catch():
    assert issubclass(GraderError, BaseException) and not issubclass(GraderError, Exception)

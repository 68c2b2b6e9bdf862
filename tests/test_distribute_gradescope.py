"""`grade build`'s Gradescope autograders, run as Gradescope runs them.

Each zip's own `setup.sh` makes the virtual environment (torch from the machine's local CPU
wheel instead of PyTorch's index, which this machine cannot reach), in a bare shell with the
system's python3: the grader is not installed there, so whatever the zip forgot shows here.
Then `run_autograder` grades in Gradescope's tree and results.json is checked against
Gradescope's schema.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import jsonschema
import pytest

from autograder import assignments as course
from autograder.distribute import gradescope
from autograder.distribute.files import uses_torch
from autograder.sandbox import isolation

from .conftest import ROOT
from .fresh_env import bare_env, run, shared_folder
from .test_cli import GRADESCOPE_SCHEMA

ASSIGNMENTS = list(course.all_assignments(ROOT))
ZIPS = [*ASSIGNMENTS, gradescope.ALL]


@pytest.fixture(scope="module")
def zips(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    gradescope.build(ROOT, out)
    return out / "gradescope"


def setup_venv(tmp_path_factory, archive: Path) -> Path:
    """The virtual environment the zip's setup.sh makes (one per distinct setup.sh and requirements)."""
    with zipfile.ZipFile(archive) as zipped:
        key = (zipped.read("setup.sh") + zipped.read("requirements.txt")).decode()

    def make(folder: Path) -> None:
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(folder / "source")
        run(["bash", str(folder / "source" / "setup.sh")], cwd=folder,
            env=bare_env(AUTOGRADER_ROOT=str(folder), TORCH_INDEX_URL=""))

    return shared_folder(tmp_path_factory, "gradescope", key, make) / "venv"


def gradescope_tree(tmp_path: Path, archive: Path, *submitted: Path) -> Path:
    """Gradescope's /autograder: source/ unzipped from the archive, submission/ with the files, results/."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for path in submitted:
        shutil.copy(path, root / "submission" / path.name)
    return root


def run_autograder(root: Path, venv: Path, **env: str) -> dict:
    """Run source/run_autograder, unmodified, with setup.sh's interpreter; read and check results.json."""
    process = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root, capture_output=True,
                             text=True, timeout=600,
                             env=bare_env(AUTOGRADER_ROOT=str(root), PYTHON=str(venv / "bin" / "python"), **env))
    assert process.returncode == 0, process.stderr
    document = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(document, GRADESCOPE_SCHEMA)
    return document


def graded(zip_folder: str) -> list[str]:
    return ASSIGNMENTS if zip_folder == gradescope.ALL else [zip_folder]


@pytest.mark.parametrize("folder", ZIPS)
def test_each_zip_holds_the_scripts_the_grader_the_tests_and_the_reference(zips, folder):
    with zipfile.ZipFile(zips / folder / "autograder.zip") as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert {"setup.sh", "run_autograder", "requirements.txt", "autograder/cli.py",
            "autograder/sandbox/runtime/__main__.py"} <= names
    for assignment_id in graded(folder):
        tests = {f"assignments/{assignment_id}/{name}" for name in ("assignment.toml", "public.py", "hidden.py")}
        assert tests <= names
        assert f"solutions/{assignment_id}.py" in names
    assert {n.split("/")[1] for n in names if n.startswith("assignments/")} == set(graded(folder))
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert not any("__pycache__" in name for name in names)


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_setup_installs_bubblewrap_and_torch_from_the_cpu_wheel_index_only_where_needed(zips, assignment_id):
    with zipfile.ZipFile(zips / assignment_id / "autograder.zip") as archive:
        setup = archive.read("setup.sh").decode()
        requirements = archive.read("requirements.txt").decode()
        run = archive.read("run_autograder").decode()
    assert "apt-get install" in setup and "bubblewrap" in setup
    assert (gradescope.TORCH_INDEX in setup) == uses_torch(course.get(assignment_id, ROOT), ROOT)
    assert "torch" not in requirements and "numpy" in requirements
    assert f"--assignment {assignment_id}" in run and '"${AUTOGRADER_ROOT:-/autograder}"' in run


@pytest.mark.slow
@pytest.mark.parametrize("folder", ZIPS)
def test_gradescope_gives_the_reference_full_marks_and_the_template_zero(zips, folder, tmp_path, tmp_path_factory):
    archive = zips / folder / "autograder.zip"
    venv = setup_venv(tmp_path_factory, archive)
    imported = subprocess.run([str(venv / "bin" / "python"), "-c", "import autograder"], cwd=tmp_path,
                              capture_output=True, env=bare_env())
    assert imported.returncode != 0, "setup.sh must not install the grader: it runs from source/"
    ids = graded(folder)
    full = run_autograder(gradescope_tree(tmp_path / "reference", archive,
                                          *(ROOT / "solutions" / f"{a}.py" for a in ids)), venv)
    expected = sum(course.get(a, ROOT).points for a in ids)
    failed = [t["output"] for t in full["tests"] if t["status"] != "passed"]
    assert not failed, "\n\n".join(failed)
    assert full["score"] == full["max_score"] == expected
    assert {"public", "hidden"} <= {t["tags"][2] for t in full["tests"]}
    if isolation.probe().filesystem:  # as here: bubblewrap, and root
        assert full["extra_data"]["sandbox"]["filesystem"].startswith("bubblewrap")
    zero = run_autograder(gradescope_tree(tmp_path / "template", archive,
                                          *(ROOT / "student_template" / f"{a}.py" for a in ids)), venv)
    assert zero["score"] == 0 and zero["max_score"] == expected and zero["tests"]
    assert {t["status"] for t in zero["tests"]} == {"failed"}


@pytest.fixture
def numpy_zip(zips, tmp_path_factory) -> tuple[Path, Path]:
    archive = zips / "linear_regression" / "autograder.zip"
    return archive, setup_venv(tmp_path_factory, archive)


@pytest.mark.slow
def test_a_notebook_and_a_file_named_otherwise_are_graded_as_the_zips_assignment(numpy_zip, tmp_path):
    archive, venv = numpy_zip
    renamed = tmp_path / "my_homework.py"
    shutil.copy(ROOT / "solutions" / "linear_regression.py", renamed)
    document = run_autograder(gradescope_tree(tmp_path / "renamed", archive, renamed), venv)
    assert document["score"] == document["max_score"] > 0
    notebook = run_autograder(gradescope_tree(tmp_path / "notebook", archive,
                                              ROOT / "student_template" / "linear_regression.ipynb"), venv)
    assert notebook["score"] == 0 and notebook["tests"]


@pytest.mark.slow
def test_a_submission_with_nothing_to_grade_gets_a_results_file_that_says_why(numpy_zip, tmp_path):
    archive, venv = numpy_zip
    notes = tmp_path / "notes.txt"
    notes.write_text("I ran out of time")
    document = run_autograder(gradescope_tree(tmp_path, archive, notes), venv)
    assert document["score"] == 0 and document["tests"] == []
    assert "could not be graded" in document["output"] and "linear_regression.py" in document["output"]


@pytest.mark.slow
def test_a_grader_missing_a_dependency_says_so_and_never_blames_the_submission(numpy_zip, tmp_path):
    archive, venv = numpy_zip
    broken = tmp_path / "broken" / "rich"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'rich'\")\n")
    root = gradescope_tree(tmp_path, archive, ROOT / "solutions" / "linear_regression.py")
    document = run_autograder(root, venv, PYTHONPATH=str(broken.parent))
    assert document["score"] == 0
    assert "autograder itself failed, not your submission" in document["output"]
    assert "No module named 'rich'" in document["output"]
    assert "check the file name" not in document["output"]

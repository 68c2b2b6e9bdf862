"""`grade build`'s Gradescope autograders, run the way Gradescope runs them, in a temporary tree."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from autograder import assignments as course
from autograder.distribute import gradescope
from autograder.distribute.files import uses_torch

from .conftest import ROOT
from .test_cli import GRADESCOPE_SCHEMA

ASSIGNMENTS = list(course.all_assignments(ROOT))


@pytest.fixture(scope="module")
def zips(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    gradescope.build(ROOT, out)
    return out / "gradescope"


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


def run_autograder(root: Path) -> dict:
    """Run source/run_autograder with this Python (setup.sh's installs skipped) and read results.json."""
    env = {k: v for k, v in os.environ.items() if k not in ("GRADE_COURSE_DIR", "PYTHONPATH")}
    env.update(AUTOGRADER_ROOT=str(root), PYTHON=sys.executable)
    process = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, cwd=root,
                             capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr
    document = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(document, GRADESCOPE_SCHEMA)
    return document


@pytest.mark.parametrize("folder", [*ASSIGNMENTS, gradescope.ALL])
def test_each_zip_holds_the_scripts_the_grader_the_tests_and_the_reference(zips, folder):
    with zipfile.ZipFile(zips / folder / "autograder.zip") as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    graded = ASSIGNMENTS if folder == gradescope.ALL else [folder]
    assert {"setup.sh", "run_autograder", "requirements.txt", "autograder/cli.py"} <= names
    for assignment_id in graded:
        tests = {f"assignments/{assignment_id}/{name}" for name in ("assignment.toml", "public.py", "hidden.py")}
        assert tests <= names
        assert f"solutions/{assignment_id}.py" in names
    assert {n.split("/")[1] for n in names if n.startswith("assignments/")} == set(graded)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert not any("__pycache__" in name for name in names)


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_setup_installs_torch_from_the_cpu_wheel_index_only_where_needed(zips, assignment_id):
    with zipfile.ZipFile(zips / assignment_id / "autograder.zip") as archive:
        setup = archive.read("setup.sh").decode()
        requirements = archive.read("requirements.txt").decode()
        run = archive.read("run_autograder").decode()
    torch_line = f"--index-url {gradescope.TORCH_INDEX}"
    assert (torch_line in setup) == uses_torch(course.get(assignment_id, ROOT), ROOT)
    assert "torch" not in requirements and "numpy" in requirements
    assert f"--assignment {assignment_id}" in run and '"${AUTOGRADER_ROOT:-/autograder}"' in run


def test_the_solution_gets_full_marks_and_the_template_zero(zips, tmp_path):
    archive = zips / "linear_regression" / "autograder.zip"
    full = run_autograder(gradescope_tree(tmp_path / "solution", archive, ROOT / "solutions" / "linear_regression.py"))
    assert full["score"] == full["max_score"] == course.get("linear_regression", ROOT).points
    assert {t["status"] for t in full["tests"]} == {"passed"}
    assert {"public", "hidden"} <= {t["tags"][2] for t in full["tests"]}
    zero = run_autograder(gradescope_tree(tmp_path / "template", archive,
                                          ROOT / "student_template" / "linear_regression.ipynb"))
    assert zero["score"] == 0 and zero["tests"] and {t["status"] for t in zero["tests"]} == {"failed"}


def test_a_file_named_otherwise_is_still_graded_as_the_zips_assignment(zips, tmp_path):
    renamed = tmp_path / "my_homework.py"
    shutil.copy(ROOT / "solutions" / "linear_regression.py", renamed)
    document = run_autograder(gradescope_tree(tmp_path, zips / "linear_regression" / "autograder.zip", renamed))
    assert document["score"] == document["max_score"] > 0


def test_a_submission_with_nothing_to_grade_still_gets_a_results_file_that_says_why(zips, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("I ran out of time")
    document = run_autograder(gradescope_tree(tmp_path, zips / "linear_regression" / "autograder.zip", notes))
    assert document["score"] == 0 and document["tests"] == []
    assert "could not be graded" in document["output"] and "linear_regression.py" in document["output"]


def test_the_zip_for_all_assignments_grades_every_file_handed_in(zips, tmp_path):
    files = [ROOT / "solutions" / "linear_regression.py", ROOT / "student_template" / "perceptron.py"]
    document = run_autograder(gradescope_tree(tmp_path, zips / gradescope.ALL / "autograder.zip", *files))
    scores = document["extra_data"]["assignments"]
    assert set(scores) == {"linear_regression", "perceptron"}
    assert scores["linear_regression"]["score"] == scores["linear_regression"]["max_score"]
    assert scores["perceptron"]["score"] == 0

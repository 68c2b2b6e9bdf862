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
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest

from autograder.course import Course
from autograder.distribute import gradescope
from autograder.sandbox import isolation

from . import exports
from .conftest import COURSE, ROOT
from .fresh_env import bare_env, run, shared_folder
from .test_cli import GRADESCOPE_SCHEMA

ASSIGNMENTS = list(COURSE.assignments)
ZIPS = [*ASSIGNMENTS, gradescope.ALL]


@pytest.fixture(scope="module")
def zips(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    gradescope.build(COURSE, out)
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
    assert (gradescope.TORCH_INDEX in setup) == COURSE.get(assignment_id).uses_torch
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
    expected = sum(COURSE.get(a).points for a in ids)
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


def metadata(when, due=exports.DUE, own_due=None) -> dict:
    """Gradescope's submission_metadata.json, with the fields its documentation gives."""
    user = {"email": "Bob@Example.edu", "id": 1234, "name": "Bob Babbage"}
    if own_due is not None:
        user["assignment"] = {"due_date": own_due.isoformat(), "late_due_date": None}
    return {"id": 123456, "created_at": when.isoformat(), "submission_method": "upload", "users": [user],
            "assignment": {"due_date": due.isoformat(), "late_due_date": None, "group_submission": False,
                           "id": 25828, "course_id": 1234, "title": "Gradient descent", "total_points": "12.0",
                           "release_date": "2026-09-01T00:00:00.000000-04:00"},
            "previous_submissions": []}


@pytest.fixture
def late_course(tmp_path, monkeypatch) -> Path:
    course_dir = exports.small_course(tmp_path / "course")
    monkeypatch.setenv("GRADE_COURSE_DIR", str(course_dir))
    return course_dir


def run_with_metadata(tmp_path, document: dict) -> dict:
    from click.testing import CliRunner

    from autograder.cli import main

    (tmp_path / "meta.json").write_text(json.dumps(document))
    result = CliRunner().invoke(main, ["run", str(ROOT / "solutions" / "gradient_descent.py"), "--format", "json",
                                       "--gradescope-metadata", str(tmp_path / "meta.json")])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(("when", "own_due", "score"), [
    (exports.ON_TIME, None, 12.0),
    (exports.TWO_DAYS_LATE, None, 9.6),                                    # two days × 10 % of 12
    (exports.TWO_DAYS_LATE, exports.DUE + timedelta(days=2), 12.0),        # an extension granted on Gradescope
])
def test_grade_run_applies_course_tomls_late_policy_to_gradescopes_submission_time(late_course, tmp_path, when,
                                                                                   own_due, score):
    document = run_with_metadata(tmp_path, metadata(when, own_due=own_due))
    assert document["score"] == pytest.approx(score)
    assert sum(t["score"] for t in document["tests"]) == pytest.approx(12)  # the tests keep their points
    if score < 12:
        assert "2 days late × 10 % = 20 %" in document["output"]
        assert document["extra_data"]["assignments"]["gradient_descent"]["penalty"] == pytest.approx(2.4)


def test_gradescopes_due_date_stands_in_where_course_toml_gives_none(tmp_path, monkeypatch):
    course_dir = exports.small_course(tmp_path / "course", "[late]\npenalty = 10\n")
    monkeypatch.setenv("GRADE_COURSE_DIR", str(course_dir))
    document = run_with_metadata(tmp_path, metadata(exports.TWO_DAYS_LATE))
    assert document["score"] == pytest.approx(9.6)


@pytest.mark.slow
def test_the_zip_applies_the_late_policy_from_gradescopes_metadata(late_course, tmp_path, tmp_path_factory):
    out = tmp_path / "build"
    gradescope.build(Course.load(late_course), out)
    archive = out / "gradescope" / "gradient_descent" / "autograder.zip"
    with zipfile.ZipFile(archive) as zipped:
        assert "course.toml" in zipped.namelist()
    venv = setup_venv(tmp_path_factory, archive)
    root = gradescope_tree(tmp_path, archive, ROOT / "solutions" / "gradient_descent.py")
    (root / "submission_metadata.json").write_text(json.dumps(metadata(exports.TWO_DAYS_LATE)))
    document = run_autograder(root, venv)
    assert document["score"] == pytest.approx(12 - exports.PENALTY["Bob Babbage"]["gradient_descent"])
    assert document["max_score"] == 12 and "Late policy" in document["output"]

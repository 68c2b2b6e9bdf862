"""`grade build`'s student distribution: everything a student needs, and nothing secret."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import edition
from autograder.course import Course
from autograder.distribute import install, student
from autograder.distribute.leaks import course_secrets, find_leaks, forbidden_paths, normalise, solution_blocks
from autograder.grader import grade_source

from .conftest import COURSE, ROOT
from .fresh_env import UNREACHABLE_INDEX, bare_env, run, shared_folder

ASSIGNMENTS = list(COURSE.assignments)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    student.build(COURSE, out)
    return out / "student"


def bundle_command(bundle: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m autograder ARGS` inside the bundle: the bundle's own package, with this interpreter's packages
    (click, numpy, ...), quicker than a venv of its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("GRADE_COURSE_DIR", "PYTHONPATH")}
    env["PYTHONPATH"] = str(bundle)
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=bundle, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_the_bundle_has_each_assignments_template_notebook_and_public_tests(bundle, assignment_id):
    template = ROOT / "student_template" / f"{assignment_id}.py"
    assert (bundle / template.name).read_text() == template.read_text()
    assert (bundle / f"{assignment_id}.ipynb").exists()
    public = sorted(p.name for p in (bundle / "assignments" / assignment_id).iterdir())
    shared = [name for name in ("helpers.py", "recipes.py") if (ROOT / "assignments" / assignment_id / name).exists()]
    assert public == sorted(["assignment.toml", "public.py", "weights.json", *shared])


def test_the_bundle_installs_the_grade_command_and_explains_itself(bundle):
    pyproject = (bundle / "pyproject.toml").read_text()
    assert 'grade = "autograder.cli:main"' in pyproject and '"numpy' in pyproject and "otter" not in pyproject
    readme = (bundle / "README.md").read_text()
    for step in ("Install", "Work", "Check", "Submit", "grade check"):
        assert step in readme
    assert (bundle / "autograder" / "cli.py").exists() and not list(bundle.rglob("__pycache__"))


def test_the_bundle_ships_its_install_script_and_the_torch_pin_it_installs(bundle):
    assert (bundle / "install.py").read_text() == Path(install.__file__).read_text()
    assert install.torch_pin(bundle) == install.torch_pin(ROOT) == "torch==2.13.0"
    assert "python3 install.py" in readme_block((bundle / "README.md").read_text(), "## 1. Install")


# --- the student edition: `grade` offers the student's commands, and says so of the others ---------------------

STUDENT_COMMANDS = ["check", "list", "run"]
INSTRUCTOR_COMMANDS = ["batch", "build", "demo", "similarity", "templates", "train", "verify", "worker"]


def listed_commands(help_text: str) -> list[str]:
    """The command names under "Commands:" in click's help."""
    section = help_text.split("Commands:", 1)[1]
    return [line.split()[0] for line in section.splitlines() if line.startswith("  ") and line.strip()]


def test_the_bundles_package_is_marked_as_the_student_edition_and_the_instructors_is_not(bundle):
    assert edition.edition(bundle / "autograder") == edition.STUDENT
    assert edition.edition() == edition.INSTRUCTOR
    assert f'"autograder" = ["{edition.MARKER}"]' in (bundle / "pyproject.toml").read_text()  # installed with it


def test_the_marker_is_installed_with_the_package_not_only_in_place(bundle, tmp_path):
    copy = shutil.copytree(bundle, tmp_path / "student")
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path),
         str(copy)], cwd=tmp_path, env=dict(os.environ))
    (wheel,) = tmp_path.glob("*.whl")
    assert f"autograder/{edition.MARKER}" in zipfile.ZipFile(wheel).namelist()


def test_grade_in_the_bundle_lists_the_students_commands_only(bundle):
    result = bundle_command(bundle, "--help")
    assert result.returncode == 0, result.stderr
    assert listed_commands(result.stdout) == STUDENT_COMMANDS
    assert "public tests only" in bundle_command(bundle, "run", "--help").stdout


def test_grade_in_the_instructors_repository_lists_every_command():
    from click.testing import CliRunner

    from autograder.cli import main

    assert listed_commands(CliRunner().invoke(main, ["--help"]).output) == sorted(STUDENT_COMMANDS +
                                                                                  INSTRUCTOR_COMMANDS)


@pytest.mark.parametrize("command", INSTRUCTOR_COMMANDS)
def test_an_instructors_command_in_the_bundle_is_a_sentence_and_a_usage_error(bundle, command):
    result = bundle_command(bundle, command)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"Error: 'grade {command}' is an instructor's command: this is the student bundle" in result.stderr
    assert "Here: 'grade check', 'grade list', 'grade run'" in result.stderr


def test_the_bundle_leaves_out_grade_trains_module_which_repeats_the_reference(bundle):
    assert not (bundle / "autograder" / "training_demo.py").exists()
    assert (ROOT / "autograder" / "training_demo.py").exists()


def test_the_bundle_holds_no_hidden_py_and_no_solutions_folder(bundle):
    assert forbidden_paths(bundle) == []
    assert not (bundle / "solutions").exists() and not list(bundle.rglob("hidden.py"))


def test_the_bundle_repeats_no_solution_code_and_no_hidden_test(bundle):
    secrets = course_secrets(ROOT)
    assert {s.origin.split(":")[0] for s in secrets} >= {f"solutions/{a}.py" for a in ASSIGNMENTS}
    leaks = find_leaks(bundle, ROOT)
    assert not leaks, "\n".join(map(str, leaks))


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_the_leak_scan_finds_a_solution_or_a_hidden_test_copied_into_a_bundle(tmp_path, assignment_id):
    (tmp_path / "copied.py").write_text((ROOT / "solutions" / f"{assignment_id}.py").read_text())
    hidden = (ROOT / "assignments" / assignment_id / "hidden.py").read_text().splitlines()
    (tmp_path / "tests.txt").write_text("\n".join("  " + line.replace(" ", "  ") for line in hidden))
    origins = {leak.origin.split(":")[0] for leak in find_leaks(tmp_path, ROOT)}
    assert f"solutions/{assignment_id}.py" in origins
    assert f"assignments/{assignment_id}/hidden.py" in origins


def test_the_leak_scan_reads_notebook_cells_and_ignores_whitespace(tmp_path):
    import nbformat

    source = (ROOT / "solutions" / "linear_regression.py").read_text()
    block = next(lines for _, lines in solution_blocks(source) if len(lines) > 3)
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("\n".join("\t" + line.strip() for line in block)))
    nbformat.write(nb, tmp_path / "answers.ipynb")
    assert find_leaks(tmp_path, ROOT)
    assert normalise("  return  np.dot(X,\tw)  ") == "returnnp.dot(X,w)"


def test_building_refuses_a_bundle_that_would_leak(tmp_path, monkeypatch):
    def leaky(course, target):
        written = write_student_files(course, target)
        shutil.copy(ROOT / "assignments" / ASSIGNMENTS[0] / "hidden.py", target / "hidden.py")
        return written

    write_student_files = student.write_student_files
    monkeypatch.setattr(student, "write_student_files", leaky)
    with pytest.raises(student.LeakError, match="hidden.py"):
        student.build(COURSE, tmp_path)


def test_grade_check_works_in_the_bundle_without_the_instructors_repository(bundle):
    located = subprocess.run([sys.executable, "-c", "import autograder; print(autograder.__file__)"], cwd=bundle,
                             env={**os.environ, "PYTHONPATH": str(bundle)}, capture_output=True, text=True)
    assert Path(located.stdout.strip()).is_relative_to(bundle), "the test must use the bundle's own package"
    for submission in ("linear_regression.py", "linear_regression.ipynb"):
        result = bundle_command(bundle, "check", submission, "--format", "json")
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)
        # the public tests' points, as grading weighs them (weights.json): what `grade check` says in the repository
        public = grade_source(COURSE.get("linear_regression"), "", hidden=False).max_score
        assert document["score"] == 0 and document["max_score"] == pytest.approx(public)
        assert 0 < public < COURSE.get("linear_regression").points
        assert document["tests"] and all("public" in t["tags"] for t in document["tests"])
        assert all("not implemented yet" in t["output"] for t in document["tests"])


def test_grade_run_in_the_bundle_runs_the_public_tests_only(bundle):
    result = bundle_command(bundle, "run", "linear_regression.py", "--format", "json")
    assert result.returncode == 0, result.stderr
    tests = json.loads(result.stdout)["tests"]
    assert tests and all("public" in t["tags"] for t in tests)
    assert not Course.load(bundle).has_hidden_tests(["linear_regression"])
    assert COURSE.has_hidden_tests(["linear_regression"])


def test_grade_run_in_the_bundle_says_that_hidden_tests_are_not_there(bundle):
    result = bundle_command(bundle, "run", "linear_regression.py", "--format", "json")
    assert "no hidden tests" in result.stderr and json.loads(result.stdout)


def test_hidden_tests_without_the_reference_fail_with_a_clear_message(bundle, tmp_path):
    """A bundle given hidden.py but no solutions/: the tests that need the reference fail and say why."""
    copy = tmp_path / "student"
    shutil.copytree(bundle, copy)
    shutil.copy(ROOT / "assignments" / "linear_regression" / "hidden.py", copy / "assignments" / "linear_regression")
    (copy / "mine").mkdir()
    shutil.copy(ROOT / "solutions" / "linear_regression.py", copy / "mine" / "linear_regression.py")
    result = bundle_command(copy, "run", "mine/linear_regression.py", "--format", "json")
    assert result.returncode == 0, result.stderr
    failed = [t for t in json.loads(result.stdout)["tests"] if t["status"] == "failed"]
    assert failed and all("hidden" in t["tags"] for t in failed)
    assert all("hidden tests need the instructor's repository" in t["output"] for t in failed)


# --- as a student installs it: a fresh virtual environment made by the README's own commands ---------------


def readme_block(readme: str, heading: str) -> list[str]:
    """The command lines of the first sh block under `heading` in the bundle's README."""
    section = readme.split(heading, 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1).strip().splitlines()


#: What the README's install printed, kept beside the installed copy.
INSTALL_LOG = "install.log"


@pytest.fixture(scope="module")
def installed(bundle, tmp_path_factory) -> Path:
    """A copy of the bundle in which the README's install commands ran as written, in a bare shell with the
    system's python3. PyTorch's CPU index is out of reach (here a refused loopback port), so install.py falls
    back to pip's own configuration: the course's pin, from the local disk here."""
    readme = (bundle / "README.md").read_text()
    lines = readme_block(readme, "## 1. Install")

    def make(folder: Path) -> None:
        shutil.copytree(bundle, folder / "student")
        done = run(["sh", "-c", "set -e\n" + "\n".join(lines)], cwd=folder / "student",
                   env=bare_env(TORCH_INDEX_URL=UNREACHABLE_INDEX), timeout=1800)
        (folder / INSTALL_LOG).write_text(done.stdout + done.stderr)

    key = readme + (bundle / "pyproject.toml").read_text() + (bundle / "install.py").read_text()
    return shared_folder(tmp_path_factory, "student-bundle", key, make) / "student"


def in_venv(folder: Path, command: str) -> subprocess.CompletedProcess:
    """`command` in a shell where the README's virtual environment is activated, as a student types it."""
    return subprocess.run(["sh", "-c", f". .venv/bin/activate && {command}"], cwd=folder, env=bare_env(),
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_the_readmes_install_makes_a_venv_with_the_grade_command_and_no_grader_secrets(installed):
    assert (installed / ".venv" / "bin" / "grade").exists() and (installed / ".venv" / "bin" / "jupyter").exists()
    listed = in_venv(installed, "grade list")
    assert listed.returncode == 0 and "mnist_training" in listed.stdout
    versions = in_venv(installed, "python3 -c 'import torch, numpy; print(torch.__version__)'")
    assert versions.returncode == 0, versions.stderr


@pytest.mark.slow
def test_the_readmes_install_names_each_step_and_falls_back_where_the_cpu_index_is_out_of_reach(installed):
    said = [line for line in (installed.parent / INSTALL_LOG).read_text().splitlines()
            if line.startswith("install.py: ")]
    assert f"PyTorch's CPU index {UNREACHABLE_INDEX} cannot be reached" in said[0], said
    assert "falling back to pip's usual index" in said[0]
    assert said[1].startswith("install.py: torch 2.13.0")  # here the local CPU wheel: "+cpu, without CUDA packages"
    assert "the `grade` command" in said[2] and "JupyterLab" in said[3] and said[4].startswith("install.py: done")


@pytest.mark.slow
def test_the_installed_grade_offers_the_students_commands_and_refuses_the_others_in_a_sentence(installed):
    listed = in_venv(installed, "grade --help")
    assert listed.returncode == 0 and listed_commands(listed.stdout) == STUDENT_COMMANDS
    refused = in_venv(installed, "grade verify")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "'grade verify' is an instructor's command" in refused.stderr


@pytest.mark.slow
@pytest.mark.parametrize("command", ["grade check {id}.py", "grade check {id}.ipynb"])
def test_checking_as_the_readme_says_runs_the_public_tests(installed, command):
    for assignment_id in ("linear_regression", "mnist_training"):
        result = in_venv(installed, command.format(id=assignment_id) + " --format json")
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)
        assert document["score"] == 0 and document["tests"]
        assert all("not implemented yet" in t["output"] for t in document["tests"]), document["tests"]


@pytest.mark.slow
def test_a_finished_module_passes_the_public_tests_in_the_students_venv(installed, tmp_path):
    for assignment_id in ("linear_regression", "mnist_training"):
        work = tmp_path / assignment_id
        work.mkdir()
        shutil.copy(ROOT / "solutions" / f"{assignment_id}.py", work / f"{assignment_id}.py")
        result = in_venv(installed, f"grade check {work / assignment_id}.py --format json")
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)
        assert document["score"] == document["max_score"] > 0, [t["output"] for t in document["tests"]]


@pytest.mark.slow
def test_the_notebooks_check_cells_run_in_the_students_kernel(installed, tmp_path):
    notebook = tmp_path / "linear_regression.ipynb"
    shutil.copy(installed / "linear_regression.ipynb", notebook)
    result = in_venv(installed, f"jupyter nbconvert --to notebook --execute --allow-errors --output executed "
                                f"{notebook}")
    assert result.returncode == 0, result.stderr
    executed = json.loads((tmp_path / "executed.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                      for c in executed["cells"] for o in c.get("outputs", []))
    questions = COURSE.get("linear_regression").questions
    assert printed.count("✗ failed") >= len(questions) and "not implemented yet" in printed

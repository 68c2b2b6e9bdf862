"""The README's two commands, as a new user types them: on a clean clone, with the system's own python3."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

from autograder.distribute.student import student_readme

from .conftest import COURSE, ROOT
from .fresh_env import SYSTEM_PYTHON, UNREACHABLE_INDEX, bare_env, run


def two_commands() -> list[str]:
    """The shell commands of the README's "Two commands" section, in order."""
    section = (ROOT / "README.md").read_text().split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_the_readme_has_two_commands_and_ci_runs_exactly_the_second():
    commands = two_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    ci = [line for line in lines if line and not line.startswith(("#", "set ", "cd "))]
    assert ci == [commands[1]]


def externally_managed(python: str) -> bool:
    stdlib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
                            capture_output=True, text=True).stdout.strip()
    return (Path(stdlib) / "EXTERNALLY-MANAGED").exists()


@pytest.mark.slow
def test_the_first_command_installs_and_grades_the_demo_on_a_clean_clone_with_the_systems_python(tmp_path):
    if not Path(SYSTEM_PYTHON).exists() or not externally_managed(SYSTEM_PYTHON):
        pytest.skip("this machine's python3 is not a distribution's externally managed one")
    clone = tmp_path / "clone"
    run(["git", "clone", "--quiet", str(ROOT), str(clone)], cwd=tmp_path, env=bare_env())
    env = bare_env()
    which = run(["sh", "-c", "command -v python3"], cwd=clone, env=env).stdout.strip()
    assert Path(which).resolve() == Path(SYSTEM_PYTHON).resolve(), which
    result = run(["sh", "-c", two_commands()[0]], cwd=clone, env={**env, "TORCH_INDEX_URL": UNREACHABLE_INDEX},
                 timeout=1800)
    rows = {row["submission"]: row for row in csv.DictReader(open(clone / "grades" / "grades.csv"))}
    assert rows["reference"]["total"] == rows["reference"]["max_total"] != "0"
    assert rows["untouched_template"]["total"] == "0"
    assert "Scores" in result.stdout
    said = [line for line in result.stdout.splitlines() if line.startswith(("install.sh: ", "install.py: "))]
    steps = ["install.sh: 1/4 system packages: ", "install.sh: 2/4 virtual environment .venv: making it with ",
             "install.sh: 3/4 torch, as pinned in constraints.txt",
             f"install.py: torch==2.13.0: PyTorch's CPU index {UNREACHABLE_INDEX} cannot be reached",
             "install.py: torch 2.13.0", "install.sh: 4/4 the grader and the packages it needs: pip install ",
             "install.sh: done: .venv/bin/grade"]
    assert len(said) == len(steps) and all(line.startswith(step) for line, step in zip(said, steps)), said
    assert "falling back to pip's usual index" in said[3]


def students_install(readme: str, heading: str) -> list[str]:
    """The install commands under `heading`, one command a line (`a && b` is two)."""
    block = re.search(r"```sh\n(.*?)```", readme.split(heading, 1)[1], re.S).group(1)
    return [command.strip() for line in block.splitlines() for command in line.split("&&") if command.strip()]


def test_the_readmes_student_install_is_the_student_bundles_own():
    bundle = students_install(student_readme(COURSE.chosen()), "## 1. Install")
    assert students_install((ROOT / "README.md").read_text(), "## For students") == bundle
    assert bundle[-1] == "python3 install.py"

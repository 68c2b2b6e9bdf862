"""The student distribution: templates, public tests and the grader, without a single secret.

    OUT/student/
      README.md                  install, work, check, submit
      install.py                 the README's install step: torch (its CPU build where it can), `pip install -e .`,
                                 JupyterLab (`install.py` of this package)
      constraints.txt            the torch release the course's tests ran with
      pyproject.toml             `pip install -e .` gives the `grade` command
      autograder/                the grader's source (nothing secret lives in the package), marked as the
                                 student edition: `grade` offers check, list and run (`edition`)
      assignments/<id>/          assignment.toml and public.py only: no hidden.py
      <id>.ipynb, <id>.py        the notebook and the module to complete

`grade check` finds `assignments/` by walking up from the working directory. `grade run`
there runs the public tests only (without hidden.py there is nothing else to run) and says so.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..assignments import Assignment
from ..edition import MARKER, STUDENT, marker_text
from . import install
from .files import (
    bundle_pyproject,
    copy_assignment,
    copy_package,
    fresh_folder,
    torch_requirement,
    write_text,
)

if TYPE_CHECKING:
    from ..course import Course


#: Modules of commands the student edition does not offer, left out where they would show a solution: `grade
#: train` trains the reference and picks its device as `get_device()` does.
INSTRUCTOR_ONLY = ("training_demo.py",)


class LeakError(RuntimeError):
    """A distribution meant for students holds solution code or hidden tests."""


def write_student_files(course: Course, target: Path) -> list[Path]:
    """Write the student's files of every assignment into `target` (which may already hold other files)."""
    written = [copy_package(target, leave_out=INSTRUCTOR_ONLY)]
    written.append(write_text(target / "autograder" / MARKER, marker_text(STUDENT)))
    root, assignments = course.root, course.chosen()
    for assignment in assignments:
        written += copy_assignment(assignment, target, hidden=False)
        for suffix in (".ipynb", ".py"):
            template = root / "student_template" / f"{assignment.id}{suffix}"
            if not template.exists():
                raise FileNotFoundError(f"{template} is missing: run `grade templates` first")
            written.append(Path(shutil.copy2(template, target / template.name)))
    written.append(write_text(target / "pyproject.toml", bundle_pyproject(
        root, "Neural-networks course: assignments, public tests and the `grade` command (student bundle)")))
    written.append(write_text(target / "install.py", Path(install.__file__).read_text(encoding="utf-8")))
    written.append(write_text(target / "constraints.txt", "# The torch release the course's tests ran with; "
                              "install.py installs it.\n" + torch_requirement(root) + "\n"))
    written.append(write_text(target / "README.md", student_readme(assignments)))
    return written


def build(course: Course, out: Path) -> list[Path]:
    """Write `out/student/` for `course`; raise `LeakError` if it would hold a secret."""
    target = fresh_folder(out / "student")
    written = write_student_files(course, target)
    assert_no_secrets(target, course.root)
    return written


def assert_no_secrets(folder: Path, root: Path) -> None:
    """Raise `LeakError` when `folder` holds hidden.py, a solutions/ folder, or repeats a secret of `root`."""
    from .leaks import find_leaks, forbidden_paths  # deferred: `grade run` imports this module for its note

    problems = [f"{path} must not be handed to students" for path in forbidden_paths(folder)]
    problems += [str(leak) for leak in find_leaks(folder, root)]
    if problems:
        raise LeakError(f"{folder} is not safe to hand out:\n  " + "\n  ".join(problems))


def student_readme(assignments: list[Assignment]) -> str:
    """The student bundle's README: install, work, check, submit."""
    rows = "\n".join(f"| {a.number} | `{a.id}` | {a.title} | {a.points:g} |" for a in assignments)
    first = assignments[0].id if assignments else "linear_regression"
    return f"""# Neural-networks course: your assignments

Each assignment is a notebook (`<id>.ipynb`) and the same code as a module
(`<id>.py`). Complete the functions in one of them, check your work with the
public tests, and submit that file.

| # | id | assignment | points |
|---|---|---|---|
{rows}

## 1. Install

You need Python 3.10 or newer. In this folder:

```sh
python3 -m venv .venv
. .venv/bin/activate
python3 install.py
```

The first two lines make a virtual environment for the course and activate it (on Windows:
`py -m venv .venv`, then `.venv\\Scripts\\activate`, then `python install.py`); activate it again
in every new terminal. `install.py` then installs, saying what it does at each step:

- PyTorch's CPU build, smaller than the default and all the course needs, from PyTorch's
  own index ({install.CPU_INDEX}). Where that index cannot be reached, it says so and
  takes torch from pip's usual index instead (on Linux, a CUDA build of several GB). On Linux
  with an NVIDIA GPU it takes the CUDA build, which uses the GPU (`python3 install.py --cpu`:
  the CPU build all the same).
- the `grade` command (`pip install -e .`), with numpy, click, rich and nbformat;
- JupyterLab, for the notebooks.

`python3 install.py --help` lists its options.

## 2. Work

- In the notebook: `jupyter lab {first}.ipynb`. Replace each `raise NotImplementedError`
  with your code. Each docstring gives the shapes and the lecture section to reread.
- Or in the module `{first}.py`, with any editor.

Functions must not print, read files or use the network.

## 3. Check

- In the notebook: run the check cell under each question. It runs the public tests on
  the code as it stands in the kernel (no need to save).
- From a terminal, in this folder, with the environment activated: `grade check {first}.py`
  (or `grade check {first}.ipynb`).

A failed test says what was called, what came back, what was expected and which
lecture section to reread, and shows what your code printed while you debug (remove
the prints before you submit). The last line, "public tests: 5 of 11 points' worth
pass", is the public tests' share, not your grade.

`grade` has three commands here: `grade check FILE` (the public tests, with feedback),
`grade list` (every assignment's questions and points) and `grade run FILE` (the same
public tests: the hidden ones stay with your instructor). `grade --help` says the same.

## 4. Submit

Hand in the one file you worked in, named `<id>.py` or `<id>.ipynb` (several
assignments: a zip or a folder of such files), where your course asks for it
(Gradescope, GitHub Classroom, ...). It is then graded with hidden tests as well:
random inputs and the edge cases the docstrings describe, so passing the public
tests is necessary but not sufficient.
"""

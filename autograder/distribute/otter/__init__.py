"""Otter-Grader master notebooks (`otter assign` format v1), one per assignment.

    OUT/otter/
      README.md             how to run `otter assign`, and which tests could not be translated
      requirements.txt      what the grading image installs
      autograder/           the grader's package, shipped with the notebooks (`files:`): the tests import it
      <id>.ipynb            the master notebook: config, questions, solutions, public and hidden tests

    source.py      a test's own source (with the helpers it imports)
    recording.py   the reference's answers to a hidden test, recorded once here
    notebook.py    the master notebook's cells and the README
    runtime.py     what a test cell runs in the student's kernel (imported there; keep it light)

Each question's tests are the course's own tests: a test cell holds the test function's
source and calls it on the notebook's globals. A hidden test also holds the reference's
results on its inputs, recorded with the test's fixed seed, so the Otter autograder needs no
reference code. A test is left out, and listed in the README, when it cannot be replayed
that way; its question's points are then shared by the question's other tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...course import Course


def build(course: Course, out: Path) -> list[Path]:
    """Write `out/otter/`: a master notebook per assignment, the package the tests import, a README."""
    import nbformat

    from ..files import copy_package, fresh_folder, runtime_requirements, write_text
    from .notebook import master_notebook, otter_readme
    from .recording import translate

    target = fresh_folder(out / "otter")
    written = [copy_package(target)]
    translations = []
    root = course.root
    for assignment in course.chosen():
        translation = translate(assignment, root)
        translations.append(translation)
        path = target / f"{assignment.id}.ipynb"
        nbformat.write(master_notebook(assignment, root, translation), path)
        written.append(path)
    written.append(write_text(target / "requirements.txt", "\n".join(runtime_requirements(root)) + "\n"))
    written.append(write_text(target / "README.md", otter_readme(translations)))
    return written

"""Templates and notebooks are generated from the solutions and must not drift from them."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from click.testing import CliRunner

from autograder.build import MarkerError, make_notebook, stale_templates, strip_solutions
from autograder.cli import main

from .conftest import COURSE, ROOT


def test_committed_templates_match_what_the_generator_writes():
    stale = stale_templates(COURSE)
    assert not stale, f"run `grade templates`: out of date: {[str(p) for p in stale]}"


def test_a_function_body_becomes_its_hints_and_a_stub():
    source = ('def f(x):\n    """Doc."""\n    # BEGIN SOLUTION\n    # HINT: square it.\n'
              '    return x**2\n    # END SOLUTION\n')
    template = strip_solutions(source)
    assert template == ('def f(x):\n    """Doc."""\n    # TODO: square it.\n'
                        '    raise NotImplementedError("f is not implemented yet")\n')


def test_a_module_level_block_becomes_none_for_each_name():
    template = strip_solutions("# BEGIN SOLUTION\nAND_GATE = (w, b)\nA, B = 1, 2\n# END SOLUTION\n")
    assert "AND_GATE = None" in template and "A = None" in template and "B = None" in template


@pytest.mark.parametrize("source", ["# BEGIN SOLUTION\nx = 1\n", "x = 1\n# END SOLUTION\n",
                                    "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n"])
def test_unbalanced_markers_are_an_error(source):
    with pytest.raises(MarkerError):
        strip_solutions(source)


@pytest.mark.parametrize("assignment_id", list(COURSE.assignments))
def test_templates_hold_no_solution_code(assignment_id):
    template = (ROOT / "student_template" / f"{assignment_id}.py").read_text()
    assert "BEGIN SOLUTION" not in template and "END SOLUTION" not in template


@pytest.mark.parametrize("assignment_id", list(COURSE.assignments))
def test_notebooks_are_valid_nbformat_4_with_a_check_cell_per_question(assignment_id):
    nb = nbformat.read(ROOT / "student_template" / f"{assignment_id}.ipynb", as_version=4)
    nbformat.validate(nb)
    checks = [c for c in nb.cells if "grader-check" in c.metadata.get("tags", [])]
    assert len(checks) == len(COURSE.get(assignment_id).questions) + 1  # + the import cell


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", list(COURSE.assignments))
def test_the_notebook_with_the_solution_filled_in_runs_top_to_bottom(assignment_id, tmp_path):
    from nbclient import NotebookClient

    assignment = COURSE.get(assignment_id)
    nb = make_notebook(assignment, (ROOT / "solutions" / f"{assignment_id}.py").read_text())
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                      for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert outputs.count("All public tests of") == len(assignment.questions), outputs
    assert "failed" not in outputs


def test_verify_passes_on_a_course_whose_templates_are_generated(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "tests" / "data" / "toy_course", tmp_path / "course")
    monkeypatch.setenv("GRADE_COURSE_DIR", str(tmp_path / "course"))
    runner = CliRunner()
    assert runner.invoke(main, ["templates"]).exit_code == 0
    assert runner.invoke(main, ["templates", "--check"]).exit_code == 0
    result = runner.invoke(main, ["verify"])
    assert result.exit_code == 0, result.output
    (tmp_path / "course" / "student_template" / "toy.py").write_text(
        (tmp_path / "course" / "solutions" / "toy.py").read_text())
    assert runner.invoke(main, ["verify"]).exit_code == 1
    assert runner.invoke(main, ["templates", "--check"]).exit_code == 1

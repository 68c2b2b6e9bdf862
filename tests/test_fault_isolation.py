"""One hand-in's failure is that hand-in's status, never the class's: a fault injected into each stage of a
batch for one student (`inject`: tests/fault_plugin) leaves every other student graded and reported."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from rich.console import Console

from autograder.batch import run_batch

from .conftest import COURSE, ROOT

LR = "linear_regression"
SOLUTION = ROOT / "solutions" / f"{LR}.py"
#: The stage, the grader's function that a fault breaks, and the student it is broken for.
STAGES = [("layout", "autograder.layouts.plain:student_of", "victimlayout"),
          ("loader", "autograder.loading:read_submission", "victimloader"),
          ("grading", "autograder.integrity.forbidden:check", "victimgrading"),  # its source names the student
          ("feedback page", "autograder.reports.class_reports:write_feedback", "victimfeedback")]


def grades(output) -> dict[str, dict[str, str]]:
    return {r["submission"]: r for r in csv.DictReader(io.StringIO((output / "grades.csv").read_text()))}


@pytest.mark.slow
def test_a_fault_in_each_stage_costs_only_its_students_row(tmp_path, inject):
    submissions = tmp_path / "class"
    submissions.mkdir()
    for student in ["ada", *(victim for _, _, victim in STAGES), "zoe"]:
        (submissions / f"{student}_{LR}.py").write_text(SOLUTION.read_text() + f"\n# {student}'s own\n")
    for _, target, victim in STAGES:
        inject(target, victim)
    console = Console(record=True, width=200)

    run_batch(COURSE, submissions, tmp_path / "out", jobs=2, assignment_id=LR, console=console)

    table = grades(tmp_path / "out")
    assert set(table) == {"ada", "zoe", "victimloader", "victimgrading", "victimfeedback", f"victimlayout_{LR}.py"}
    for honest in ("ada", "zoe", "victimfeedback"):
        assert (table[honest]["status"], table[honest]["total"]) == ("graded", "8"), honest
    assert "its entry could not be read (RuntimeError('injected fault" in table[f"victimlayout_{LR}.py"]["status"]
    assert table["victimloader"]["status"].startswith("the grader failed while reading it: RuntimeError('injected")
    assert table["victimgrading"]["status"].startswith("the grader failed while grading it: RuntimeError('injected")
    similarity = (tmp_path / "out" / "reports" / "similarity" / "index.md").read_text()
    assert "victimloader" in similarity and "it could not be read (RuntimeError" in similarity
    feedback = tmp_path / "out" / "reports" / "feedback"
    assert sorted(p.name for p in feedback.glob("*.md")) == sorted(f"{n}.md" for n in table if n != "victimfeedback")
    assert "no feedback page for victimfeedback (RuntimeError" in console.export_text()
    assert (tmp_path / "out" / "reports" / "summary.html").is_file()


@pytest.mark.slow
def test_a_damaged_gradescope_record_costs_only_its_submission(tmp_path, inject):
    export = tmp_path / "export"
    records = ""
    for i, name in enumerate(["Ada", "Cy", "Bob"]):  # Bob's last: a later record's call would mention his
        (export / f"submission_{i}").mkdir(parents=True)
        shutil.copy(SOLUTION, export / f"submission_{i}" / f"{LR}.py")
        records += f"submission_{i}:\n  :submitters:\n  - :name: {name}\n    :email: {name.lower()}@x.edu\n"
    (export / "submission_metadata.yml").write_text(records)
    inject("autograder.layouts.gradescope:_add", "Bob")

    run_batch(COURSE, export, tmp_path / "out", jobs=2, assignment_id=LR, console=Console(width=200))

    table = grades(tmp_path / "out")
    assert (table["Ada"]["total"], table["Cy"]["total"]) == ("8", "8")
    assert table["submission_2"]["status"].startswith("its metadata could not be read (RuntimeError")

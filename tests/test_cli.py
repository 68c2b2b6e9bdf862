"""The `grade` command through click's runner: output, JSON form and exit statuses."""

from __future__ import annotations

import csv
import json
import shutil

import jsonschema
import pytest
from click.testing import CliRunner

from autograder.cli import main

from .conftest import ROOT

#: Gradescope's results.json, as its documentation describes it.
GRADESCOPE_SCHEMA = {
    "type": "object",
    "required": ["tests"],
    "properties": {
        "score": {"type": "number"},
        "max_score": {"type": "number"},
        "output": {"type": "string"},
        "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "score", "max_score", "status", "output", "visibility"],
            "properties": {
                "name": {"type": "string"},
                "number": {"type": "string"},
                "score": {"type": "number", "minimum": 0},
                "max_score": {"type": "number", "minimum": 0},
                "status": {"enum": ["passed", "failed"]},
                "output": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
            },
        }},
    },
}


def grade(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_list_shows_every_assignment_and_its_points():
    result = grade("list")
    assert result.exit_code == 0
    assert "linear_regression" in result.output and "fit_closed_form" in result.output


def test_run_on_the_solution_prints_full_marks_as_gradescope_json():
    result = grade("run", ROOT / "solutions" / "linear_regression.py", "--format", "json")
    document = json.loads(result.output)
    jsonschema.validate(document, GRADESCOPE_SCHEMA)
    assert result.exit_code == 0
    assert document["score"] == document["max_score"] > 0
    assert {t["status"] for t in document["tests"]} == {"passed"}


def test_run_on_the_template_prints_zero_and_still_exits_0():
    result = grade("run", ROOT / "student_template" / "linear_regression.py", "--format", "json")
    document = json.loads(result.output)
    jsonschema.validate(document, GRADESCOPE_SCHEMA)
    assert result.exit_code == 0 and document["score"] == 0
    assert all("not implemented yet" in t["output"] for t in document["tests"])


def test_check_runs_only_public_tests_and_shows_expected_values():
    result = grade("check", ROOT / "student_template" / "linear_regression.py", "--format", "json")
    tests = json.loads(result.output)["tests"]
    assert tests and all("public" in t["tags"] for t in tests)


def test_check_names_its_total_the_public_tests_share_and_shows_no_grade():
    output = grade("check", ROOT / "solutions" / "linear_regression.py").output
    assert "public tests: 3.3 of 3.3 points' worth pass; hidden tests are graded when you submit" in output
    assert "Total:" not in output and "│ total" not in output


def test_check_reports_one_missing_colon_once_at_its_line(tmp_path):
    source = (ROOT / "solutions" / "linear_regression.py").read_text()
    lines = source.splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith("def predict("))
    lines[line] = lines[line].rstrip(":")
    (tmp_path / "linear_regression.py").write_text("\n".join(lines) + "\n")
    output = grade("check", tmp_path / "linear_regression.py").output
    assert output.count("SyntaxError") == 1
    assert f"line {line + 1}: SyntaxError: expected ':'" in output
    assert "MissingName" not in output and "docstring" not in output
    assert "public tests: 2.5 of 3.3 points' worth pass" in output  # each public test worth what it is when graded


def test_hidden_feedback_never_shows_the_expected_value(tmp_path):
    wrong = (ROOT / "solutions" / "linear_regression.py").read_text().replace(
        "return np.dot(np.asarray(X, dtype=float), w) + b", "return np.dot(np.asarray(X, dtype=float), w)")
    path = tmp_path / "linear_regression.py"
    path.write_text(wrong)
    tests = json.loads(grade("run", path, "--format", "json").output)["tests"]
    public = [t for t in tests if "public" in t["tags"] and t["status"] == "failed"]
    hidden = [t for t in tests if "hidden" in t["tags"] and t["status"] == "failed"]
    assert public and hidden
    assert all("Expected:" in t["output"] and "Called:" in t["output"] for t in public)
    assert all("Expected:" not in t["output"] and "Reread:" in t["output"] for t in hidden)


def test_min_score_turns_a_low_score_into_exit_status_1():
    template = ROOT / "student_template" / "linear_regression.py"
    assert grade("run", template, "--min-score", "1").exit_code == 1
    assert grade("run", ROOT / "solutions" / "linear_regression.py", "--min-score", "1").exit_code == 0


@pytest.mark.parametrize("args", [
    ["run", "does-not-exist.py"],
    ["run", "README.md"],
    ["run", "solutions/linear_regression.py", "--assignment", "nope"],
    ["frobnicate"],
])
def test_usage_errors_exit_2(args, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert grade(*args).exit_code == 2


def test_batch_writes_one_row_and_one_result_per_submission(tmp_path):
    submissions = tmp_path / "in"
    submissions.mkdir()
    shutil.copy(ROOT / "solutions" / "linear_regression.py", submissions / "ada.py")
    (submissions / "bob").mkdir()
    shutil.copy(ROOT / "student_template" / "linear_regression.py", submissions / "bob" / "linear_regression.py")
    (submissions / "eve.zip").write_bytes(b"not a zip")
    result = grade("batch", submissions, "-o", tmp_path / "out", "--assignment", "linear_regression")
    assert result.exit_code == 0, result.output
    rows = {row["submission"]: row for row in csv.DictReader(open(tmp_path / "out" / "grades.csv"))}
    assert set(rows) == {"ada", "bob", "eve"}
    assert rows["ada"]["linear_regression"] == rows["ada"]["max_total"] == "8"
    assert rows["bob"]["total"] == "0"
    assert rows["eve"]["status"] == "unreadable archive"  # the kind; the summary and feedback say why
    assert len(list((tmp_path / "out" / "results").glob("*.json"))) == 3


def test_a_folder_holding_every_assignment_gets_full_marks_on_each(tmp_path):
    """One submission, eleven sandboxes one after the other: none may disturb the next."""
    result = grade("run", ROOT / "solutions", "--format", "json")
    assignments = json.loads(result.output)["extra_data"]["assignments"]
    assert len(assignments) == len(list((ROOT / "assignments").glob("*/assignment.toml")))
    assert {a: s["score"] for a, s in assignments.items()} == {a: s["max_score"] for a, s in assignments.items()}


@pytest.mark.slow
def test_the_demo_grades_the_examples_as_their_readme_says(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = grade("demo", "-o", tmp_path / "grades")
    assert result.exit_code == 0, result.output
    rows = {row["submission"]: row for row in csv.DictReader(open(tmp_path / "grades" / "grades.csv"))}
    assert rows["reference"]["total"] == rows["reference"]["max_total"]
    assert rows["untouched_template"]["total"] == "0"
    assert {name: rows[name]["total"] for name in ("alice", "bob_loops", "carol_syntax", "dave_exits")} == \
        {"alice": "6.5", "bob_loops": "6", "carol_syntax": "7", "dave_exits": "7"}
    last = result.output.rstrip().splitlines()[-4:]  # a line per example: what is wrong, and its score out of 8
    assert last[0] == "alice: mse_cost forgets the ½: 6.5/8 (linear_regression; points lost in mse_cost)"
    assert [line.split(":")[0] for line in last] == ["alice", "bob_loops", "carol_syntax", "dave_exits"]
    assert all("/8 (linear_regression" in line for line in last), last
    assert (tmp_path / "grades" / "reports" / "charts" / "score_distribution.png").read_bytes()[:8] == \
        b"\x89PNG\r\n\x1a\n"


def test_the_command_list_gives_each_commands_summary_in_full():
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    commands = result.output.split("Commands:", 1)[1]
    assert "..." not in commands and "…" not in commands
    assert all(line.startswith("  ") and not line.startswith("   ") for line in commands.strip("\n").splitlines())
    assert "batch       Grade every hand-in under DIRECTORY, as a platform exports it" in commands


def test_batch_help_names_every_roster_column_and_what_assignment_and_course_do_to_the_totals():
    text = " ".join(grade("batch", "--help").output.split())
    for column in ("name", "student_id", "email", "canvas_id", "sis_login_id", "github", "section", "submission",
                   "extension"):
        assert f" {column}" in text, column
    assert "--assignment ID Grade this assignment only: every total is out of its points. Default: the one " \
           "assignment the folder holds (a platform's download), else the whole course." in text
    assert "--course Grade as the whole course: every total is out of all the course's points" in text
    assert "--regrade Grade every hand-in again with the course as it is now" in text


def test_build_counts_every_file_it_wrote(tmp_path):
    result = grade("build", "-o", tmp_path, "--only", "student")
    files = sum(1 for p in (tmp_path / "student").rglob("*") if p.is_file())
    assert result.exit_code == 0 and result.output == f"student: {files} files in {tmp_path / 'student'}\n"


def test_train_refuses_a_data_dir_that_does_not_exist(tmp_path):
    result = grade("train", "--data-dir", tmp_path / "nowhere")
    assert result.exit_code == 2 and "does not exist" in result.output

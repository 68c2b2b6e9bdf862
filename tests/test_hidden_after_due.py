"""`[feedback] hidden_details = "after_due"`: once a student's due date (their extension included) has
passed, a failed hidden test's feedback shows its call, returned and expected values as a public test's
does. Before it, and in a course that keeps the default ("never"), nothing about the hidden test changes.
The Gradescope zip marks those details `after_due_date`, so Gradescope reveals them itself.
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from autograder import results
from autograder.cli import main
from autograder.course import Course
from autograder.distribute import gradescope
from autograder.grader import grade_source
from autograder.reports.class_reports import REPORTS
from autograder.reports.gradescope import AFTER_DUE, gradescope_json
from autograder.settings import SettingsError, read_settings

from . import exports
from .conftest import COURSE, replace_definition, solution_source

LR = "linear_regression"
HALF_MISSING = """
def mse_cost(y_hat, y):
    return float(np.mean((np.asarray(y_hat) - np.asarray(y)) ** 2))
"""
#: hidden.py's "a single sample": mse_cost([3.0], [1.0]) is 2.0 (and 4.0 without the ½).
SINGLE_SAMPLE = "mse_cost: a single sample"
PAST = datetime.now(timezone.utc) - timedelta(days=3)
FUTURE = datetime.now(timezone.utc) + timedelta(days=3)


def settings_toml(details: str | None, due: datetime | None) -> str:
    text = f'[feedback]\nhidden_details = "{details}"\n' if details else ""
    return text + (f"\n[assignments.{LR}]\ndue = {due.isoformat()}\n" if due else "")


def half_missing() -> str:
    return replace_definition(solution_source(LR), "mse_cost", HALF_MISSING)


def test_the_setting_reads_and_defaults_to_never(tmp_path):
    assert not read_settings(tmp_path).reveals
    (tmp_path / "course.toml").write_text(settings_toml("after_due", None))
    assert read_settings(tmp_path).reveals


def test_a_setting_that_means_nothing_is_refused_with_the_values_it_may_take(tmp_path):
    (tmp_path / "course.toml").write_text(settings_toml("sometimes", None))
    with pytest.raises(SettingsError, match="'never', 'after_due'"):
        read_settings(tmp_path)


def test_grading_keeps_a_hidden_tests_details_apart_only_for_a_course_that_reveals_them():
    kept = grade_source(COURSE.get(LR), half_missing(), withhold=True)
    plain = grade_source(COURSE.get(LR), half_missing())
    single = next(t for t in kept.tests if f"{t.question}: {t.description}" == SINGLE_SAMPLE)
    assert not single.passed and single.verdict.expected is None and single.verdict.call is None
    assert single.verdict.withheld["expected"] == "2.0" and single.verdict.withheld["returned"] == "4.0"
    assert "mse_cost(" in single.verdict.withheld["call"]
    assert all(t.verdict.withheld is None for t in plain.tests)
    assert [t.verdict for t in kept.tests if t.public] == [t.verdict for t in plain.tests if t.public]


def batch_feedback(tmp_path, monkeypatch, settings: str) -> str:
    """ada.md after `grade batch` of one hand-in (mse_cost without the ½) in a course with `settings`."""
    course = exports.small_course(tmp_path / "course", settings)
    monkeypatch.setenv("GRADE_COURSE_DIR", str(course))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ada.py").write_text(half_missing())
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1",
                                       "--assignment", LR], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "out" / REPORTS / "feedback" / "ada.md").read_text()
    page = (tmp_path / "out" / REPORTS / "feedback" / "ada.html").read_text()
    assert ("Expected: 2.0" in markdown) == ("Expected: 2.0" in page)
    return markdown


def single_sample_section(markdown: str) -> str:
    return markdown.split(f"#### {LR}: {SINGLE_SAMPLE}")[1].split("####")[0]


def test_after_the_due_date_a_failed_hidden_test_shows_its_call_and_expected_value(tmp_path, monkeypatch):
    section = single_sample_section(batch_feedback(tmp_path, monkeypatch, settings_toml("after_due", PAST)))
    assert "(hidden" in section
    assert "Called:   mse_cost(" in section and "Returned: 4.0" in section and "Expected: 2.0" in section


@pytest.mark.parametrize("settings", [settings_toml("after_due", FUTURE), settings_toml("never", PAST),
                                      settings_toml(None, PAST), settings_toml("after_due", None)],
                         ids=["before the due date", "never", "the default", "no due date"])
def test_otherwise_a_hidden_test_shows_no_value(tmp_path, monkeypatch, settings):
    section = single_sample_section(batch_feedback(tmp_path, monkeypatch, settings))
    assert "Expected:" not in section and "Called:" not in section and "Returned:" not in section
    assert "far from the expected value" in section


def test_an_extension_keeps_the_details_hidden_until_the_students_own_due_date(tmp_path, monkeypatch):
    course = exports.small_course(tmp_path / "course", settings_toml("after_due", PAST))
    monkeypatch.setenv("GRADE_COURSE_DIR", str(course))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ada.py").write_text(half_missing())
    (tmp_path / "roster.csv").write_text("name,email,login,extension_linear_regression\nAda,ada@example.edu,ada,7d\n")
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1",
                                       "--assignment", LR, "--roster", str(tmp_path / "roster.csv")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "out" / REPORTS / "feedback" / "ada.md").read_text()
    assert "Expected: 2.0" not in single_sample_section(markdown)


def test_gradescopes_results_mark_the_details_after_due_date_and_nothing_else():
    kept = grade_source(COURSE.get(LR), half_missing(), withhold=True)
    tests = gradescope_json([kept])["tests"]
    details = [t for t in tests if t["visibility"] == AFTER_DUE]
    assert details and all(t["max_score"] == 0 and t["score"] == 0 for t in details)
    single = next(t for t in details if SINGLE_SAMPLE in t["name"])
    assert "Expected: 2.0" in single["output"]
    assert not any("Expected: 2.0" in t["output"] for t in tests if t["visibility"] != AFTER_DUE)
    plain = gradescope_json([grade_source(COURSE.get(LR), half_missing())])["tests"]
    assert not any(t["visibility"] == AFTER_DUE for t in plain)
    assert sum(t["max_score"] for t in tests) == sum(t["max_score"] for t in plain)


@pytest.mark.slow
def test_the_gradescope_zip_carries_the_after_due_date_visibility(tmp_path, tmp_path_factory):
    from .test_distribute_gradescope import gradescope_tree, run_autograder, setup_venv

    course = exports.small_course(tmp_path / "course", settings_toml("after_due", None))
    gradescope.build(Course.load(course), tmp_path / "build")
    archive = tmp_path / "build" / "gradescope" / LR / "autograder.zip"
    with zipfile.ZipFile(archive) as zipped:
        assert "hidden_details" in zipped.read("course.toml").decode()
    (tmp_path / LR).mkdir()
    (tmp_path / LR / f"{LR}.py").write_text(half_missing())
    root = gradescope_tree(tmp_path, archive, tmp_path / LR / f"{LR}.py")
    document = run_autograder(root, setup_venv(tmp_path_factory, archive))
    single = next(t for t in document["tests"] if SINGLE_SAMPLE in t["name"] and t["visibility"] == AFTER_DUE)
    assert "Expected: 2.0" in single["output"]
    assert document["score"] < document["max_score"] == 8
    shutil.rmtree(root)


def test_a_batch_graded_before_the_due_date_reveals_the_details_when_resumed_after_it(tmp_path, monkeypatch):
    due = datetime.now(timezone.utc) + timedelta(hours=1)
    before = batch_feedback(tmp_path, monkeypatch, settings_toml("after_due", due))
    assert "Expected: 2.0" not in single_sample_section(before)
    monkeypatch.setattr(results, "_now", lambda: due + timedelta(minutes=1))  # the due date has come
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1",
                                       "--assignment", LR, "--resume"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    after = (tmp_path / "out" / REPORTS / "feedback" / "ada.md").read_text()
    assert "Expected: 2.0" in single_sample_section(after)

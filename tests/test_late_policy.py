"""The late policy: what it takes off, exactly as configured, and the sentence that says why."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from autograder.late import Dates, LatePolicy, decide, parse_extension, parse_time
from autograder.settings import SettingsError, read_settings

from .conftest import ROOT

DUE = datetime(2026, 9, 14, 23, 59, tzinfo=timezone.utc)
FINAL = DUE + timedelta(days=7)
DATES = Dates(DUE, FINAL)
TEN_A_DAY = LatePolicy(per="day", penalty=10, cap=50, grace=timedelta(minutes=15))


def at(**late: float) -> datetime:
    return DUE + timedelta(**late)


@pytest.mark.parametrize(("policy", "submitted", "raw", "penalty", "says"), [
    (TEN_A_DAY, at(hours=-1), 8, 0, ""),                                      # on time: nothing, and nothing said
    (TEN_A_DAY, at(minutes=10), 8, 0, "within the 15 min grace period"),
    (TEN_A_DAY, at(minutes=20), 8, 0.8, "1 day late × 10 % = 10 %"),         # past the grace: counted from the due date
    (TEN_A_DAY, at(days=1), 8, 0.8, "1 day late"),                           # exactly one day
    (TEN_A_DAY, at(days=1, seconds=1), 8, 1.6, "2 days late × 10 % = 20 %"),  # a started day counts whole
    (TEN_A_DAY, at(days=6, hours=1), 8, 4.0, "capped at 50 %"),
    (TEN_A_DAY, at(days=7, minutes=1), 8, 8.0, "after the final date"),      # no credit, whatever the cap
    (TEN_A_DAY, at(days=2), 5, 1.0, "20 % of the score (5)"),                # of the score earned...
    (LatePolicy(penalty=10, of="points"), at(days=2), 5, 1.6, "20 % of the points (8)"),  # ...or of the points
    (LatePolicy(penalty=10, of="points"), at(days=5), 1, 1.0, "= −1 points"),  # never below zero
    (LatePolicy(per="hour", penalty=2), at(hours=3, minutes=5), 8, 0.64, "4 hours late × 2 % = 8 %"),
    (LatePolicy(), at(days=3), 8, 0, "the course takes no points for lateness"),
])
def test_the_penalty_is_exactly_the_configured_one(policy, submitted, raw, penalty, says):
    decision = decide(policy, DATES, submitted, raw, 8)
    assert decision.penalty == pytest.approx(penalty)
    assert says in decision.explanation


def test_the_explanation_names_the_times_and_the_policy():
    decision = decide(TEN_A_DAY, DATES, at(days=1, hours=1), 8, 8)
    assert decision.explanation == (
        "submitted 2026-09-16 00:59 UTC, 1 day 1 h after the due date 2026-09-14 23:59 UTC: 2 days late × 10 % = "
        "20 % of the score (8) = −1.6 points (policy: 10 % of the score per day late, at most 50 %, "
        "15 min of grace)")


def test_an_extension_moves_the_due_date_and_the_final_date():
    assert decide(TEN_A_DAY, DATES, at(days=1), 8, 8, extension=timedelta(days=2)).penalty == 0
    decision = decide(TEN_A_DAY, DATES, at(days=8), 8, 8, extension=timedelta(days=2))
    assert decision.penalty == pytest.approx(4.0) and "with an extension of 2 days" in decision.explanation


def test_a_platforms_late_tag_counts_only_when_the_time_is_unknown():
    unknown = decide(TEN_A_DAY, DATES, None, 8, 8, marked_late=True, platform="Canvas")
    assert unknown.penalty == pytest.approx(0.8) and "Canvas marked it late" in unknown.explanation
    on_time = decide(TEN_A_DAY, DATES, at(hours=-2), 8, 8, marked_late=True, platform="Canvas")
    assert on_time.penalty == 0 and "by its time it was on time" in on_time.explanation
    assert decide(TEN_A_DAY, DATES, None, 8, 8).penalty == 0  # no time, no tag: no policy, and it says so


def test_without_a_due_date_nothing_is_taken():
    assert decide(TEN_A_DAY, None, at(days=30), 8, 8).penalty == 0
    assert decide(TEN_A_DAY, Dates(), at(days=30), 8, 8).penalty == 0


@pytest.mark.parametrize(("text", "span"), [
    ("2d", timedelta(days=2)), ("36h", timedelta(hours=36)), ("90m", timedelta(minutes=90)),
    ("1d12h", timedelta(days=1, hours=12)), ("3", timedelta(days=3)), ("", timedelta(0)),
    ("2026-09-16T23:59:00+00:00", timedelta(days=2)),  # the student's own due date
])
def test_a_rosters_extension_is_a_duration_or_a_due_date(text, span):
    assert parse_extension(text, DUE) == span


def test_an_extension_that_means_nothing_is_refused_with_the_forms_it_may_take():
    with pytest.raises(ValueError, match="neither a duration"):
        parse_extension("next week", DUE)


@pytest.mark.parametrize("text", ["2026-09-14T23:59:00Z", "2026-09-14T23:59:00.000000+00:00",
                                  "2026-09-14 23:59:00.123456789 +00:00", "2026-09-14T19:59:00-04:00"])
def test_times_are_read_as_the_platforms_write_them(text):
    assert abs(parse_time(text) - DUE) < timedelta(seconds=1)


def test_course_toml_gives_the_policy_the_dates_and_the_zone(tmp_path):
    (tmp_path / "course.toml").write_text(
        'timezone = "America/New_York"\n[grading]\nper_student_inputs = false\n'
        '[late]\nper = "hour"\npenalty = 2\ncap = 40\ngrace_minutes = 5\nof = "points"\n'
        '[assignments.linear_regression]\ndue = 2026-09-14T23:59:00\nfinal = "2026-09-21T23:59:00-04:00"\n')
    settings = read_settings(tmp_path)
    assert not settings.per_student_inputs
    assert settings.late == LatePolicy("hour", 2, 40, timedelta(minutes=5), "points")
    due = settings.dates["linear_regression"].due
    assert due.utcoffset() == timedelta(hours=-4) and due.hour == 23  # a local time, in the course's zone


def test_without_course_toml_every_setting_is_its_default(tmp_path):
    settings = read_settings(tmp_path)
    assert settings.per_student_inputs and settings.late == LatePolicy() and settings.dates == {}


@pytest.mark.parametrize(("toml", "problem"), [
    ("[late]\npenalty = 10\nevery = 1\n", "unknown settings"),
    ('[late]\nper = "week"\n', "per = 'week'"),
    ("[late]\npenalty = 150\n", "percents"),
    ('[assignments.a]\ndue = "soon"\n', "not a date and time"),
    ("[assignments.a]\ndue = 2026-09-14T23:59:00Z\nfinal = 2026-09-13T23:59:00Z\n", "before the due date"),
])
def test_a_setting_that_means_nothing_is_refused_with_a_sentence(tmp_path, toml, problem):
    (tmp_path / "course.toml").write_text(toml)
    with pytest.raises(SettingsError, match=problem):
        read_settings(tmp_path)


def test_the_example_course_toml_reads():
    settings = read_settings(ROOT / "examples")
    assert settings.late.penalty > 0 and settings.dates

"""The course's own settings: `course.toml` beside `assignments/` (optional; every setting has a default).

    timezone = "America/New_York"        dates written without an offset are in this zone (default UTC)

    [grading]
    per_student_inputs = true            hidden tests' random inputs differ per student (false: one set for all)

    [late]                               the late policy (see `late`): per, penalty, cap, grace_minutes, of
    per = "day"
    penalty = 10
    cap = 50
    grace_minutes = 15

    [feedback]
    hidden_details = "never"             or "after_due": once the due date (or the student's extension) has
                                         passed, hidden tests' feedback shows the call, returned and expected
                                         values as public tests' does

    [assignments.linear_regression]      each assignment's dates (TOML date-times or ISO 8601 text)
    due = 2026-09-14T23:59:00-04:00
    final = 2026-09-21T23:59:00-04:00    no credit after it

Per-student extensions are a roster column (`layouts.roster`). The Gradescope autograders
carry this file, so that Gradescope applies the same policy.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo
from pathlib import Path

from .errors import CourseError
from .late import BASES, UNITS, Dates, LatePolicy, parse_time

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FILE = "course.toml"
_SECTIONS = {"timezone", "grading", "late", "assignments", "feedback"}
#: `[feedback] hidden_details`: whether a hidden test's details are ever shown, and when.
HIDDEN_DETAILS = ("never", "after_due")
_LATE_KEYS = {"per", "penalty", "cap", "grace_minutes", "of"}


class SettingsError(CourseError):
    """course.toml cannot be read, or holds a value that means nothing."""


@dataclass(frozen=True)
class CourseSettings:
    """What course.toml says, with its defaults."""

    per_student_inputs: bool = True
    late: LatePolicy = LatePolicy()
    dates: dict[str, Dates] = field(default_factory=dict)
    zone: tzinfo = timezone.utc
    hidden_details: str = "never"

    @property
    def reveals(self) -> bool:
        """Whether hidden tests' details are ever shown (after the due date): grading then keeps them."""
        return self.hidden_details == "after_due"


def read_settings(root: Path) -> CourseSettings:
    """The settings of the course at `root` (the defaults when it has no course.toml). A distribution may carry
    the dates of assignments it does not hold: they are kept, and never used."""
    path = root / FILE
    if not path.exists():
        return CourseSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path} could not be read: {exc}") from None
    _known(data, _SECTIONS, str(path))
    zone = _zone(data.get("timezone", "UTC"), path)
    grading = data.get("grading", {})
    _known(grading, {"per_student_inputs"}, f"{path} [grading]")
    feedback = data.get("feedback", {})
    _known(feedback, {"hidden_details"}, f"{path} [feedback]")
    details = feedback.get("hidden_details", "never")
    if details not in HIDDEN_DETAILS:
        raise SettingsError(f"{path} [feedback] hidden_details = {details!r}; expected one of "
                            f"{', '.join(map(repr, HIDDEN_DETAILS))}")
    return CourseSettings(per_student_inputs=bool(grading.get("per_student_inputs", True)),
                          late=_policy(data.get("late", {}), path),
                          dates=_dates(data.get("assignments", {}), zone, path), zone=zone, hidden_details=details)


def _known(table: object, keys: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise SettingsError(f"{where} should be a table of settings")
    unknown = sorted(set(table) - keys)
    if unknown:
        raise SettingsError(f"{where} has unknown settings {unknown}; expected some of {sorted(keys)}")


def _zone(name: str, path: Path) -> tzinfo:
    if name.upper() == "UTC":
        return timezone.utc
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError, a missing tzdata
        raise SettingsError(f"{path}: timezone {name!r} is unknown here; write it as Region/City "
                            f"(America/New_York), or write every date with its offset") from None


def _policy(table: dict, path: Path) -> LatePolicy:
    _known(table, _LATE_KEYS, f"{path} [late]")
    try:
        policy = LatePolicy(per=table.get("per", "day"), penalty=float(table.get("penalty", 0.0)),
                            cap=float(table.get("cap", 100.0)), of=table.get("of", "score"),
                            grace=timedelta(minutes=float(table.get("grace_minutes", 0))))
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path} [late]: a value is not a number ({exc})") from None
    if policy.per not in UNITS:
        raise SettingsError(f"{path} [late] per = {policy.per!r}; expected one of {sorted(UNITS)}")
    if policy.of not in BASES:
        raise SettingsError(f"{path} [late] of = {policy.of!r}; expected one of {list(BASES)}")
    if not (0 <= policy.penalty <= 100 and 0 <= policy.cap <= 100):
        raise SettingsError(f"{path} [late]: penalty and cap are percents, between 0 and 100")
    return policy


def _dates(table: dict, zone: tzinfo, path: Path) -> dict[str, Dates]:
    found = {}
    for assignment_id, entry in table.items():
        _known(entry, {"due", "final"}, f"{path} [assignments.{assignment_id}]")
        try:
            due, final = (parse_time(entry[k], zone) if k in entry else None for k in ("due", "final"))
        except (ValueError, TypeError) as exc:
            raise SettingsError(f"{path} [assignments.{assignment_id}]: {exc}") from None
        if due is not None and final is not None and final < due:
            raise SettingsError(f"{path} [assignments.{assignment_id}]: the final date is before the due date")
        found[assignment_id] = Dates(due, final)
    return found

"""Late submissions: what a course's late policy takes off one assignment's score, and why.

Arithmetic on dates and points only (it imports `results` alone). The policy is
`course.toml`'s `[late]` table (see `settings`):

    per = "day"          lateness is counted in days or hours; a started day (hour) counts whole
    penalty = 10         percent taken per day (hour) late
    cap = 50             the most percent taken, however late (default 100)
    grace_minutes = 15   lateness up to this is forgiven; beyond it, lateness counts from the due date
    of = "score"         the percent is of the score earned ("score") or of the assignment's points ("points")

Each assignment may have a due date and a final date (after which a submission earns
nothing); a student's extension moves both. The score never goes below zero.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from .results import AssignmentResult

UNITS = {"day": timedelta(days=1), "hour": timedelta(hours=1)}
BASES = ("score", "points")

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(d|day|days|h|hour|hours|m|min|minutes)?", re.I)
_STEP = {"d": "days", "h": "hours", "m": "minutes"}


@dataclass(frozen=True)
class LatePolicy:
    """A course's late policy (see the module's docstring); the default takes nothing."""

    per: str = "day"
    penalty: float = 0.0
    cap: float = 100.0
    grace: timedelta = timedelta(0)
    of: str = "score"

    def describe(self) -> str:
        """The policy in one phrase: "10 % per day late, at most 50 %, 15 min grace"."""
        if not self.penalty:
            return "no points taken for lateness before the final date"
        words = f"{_number(self.penalty)} % of the {'score' if self.of == 'score' else 'points'} per {self.per} late"
        if self.cap < 100:
            words += f", at most {_number(self.cap)} %"
        if self.grace:
            words += f", {duration_words(self.grace)} of grace"
        return words


@dataclass(frozen=True)
class Dates:
    """One assignment's due date and final date (no credit after it); either may be unset."""

    due: datetime | None = None
    final: datetime | None = None


@dataclass(frozen=True)
class Decision:
    """What the policy takes off one assignment (points) and the sentence that says why."""

    penalty: float = 0.0
    explanation: str = ""


def decide(policy: LatePolicy, dates: Dates | None, submitted: datetime | None, raw: float, points: float, *,
           extension: timedelta = timedelta(0), marked_late: bool = False, platform: str = "the platform") -> Decision:
    """The late policy's decision on a submission scoring `raw` of `points`, handed in at `submitted`.

    `marked_late` is the platform's own late tag (Canvas): it counts only when the submission
    time is unknown, as one unit late. Without a due date nothing is taken.
    """
    if dates is None or dates.due is None:
        if marked_late:
            return Decision(0.0, f"{platform} marked it late, but course.toml gives this assignment no due date: "
                                 f"no penalty")
        return Decision()
    due = dates.due + extension
    final = dates.final + extension if dates.final is not None else None
    granted = f" (with an extension of {duration_words(extension)})" if extension else ""
    if submitted is None:
        if not marked_late:
            return Decision(0.0, f"due {format_time(due)}{granted}; no submission time is known, so no late "
                                 f"policy applied")
        lateness, when = UNITS[policy.per], f"{platform} marked it late (its time is unknown: counted one {policy.per})"
    else:
        lateness, when = submitted - due, f"submitted {format_time(submitted.astimezone(due.tzinfo))}"
        if final is not None and submitted > final:
            return Decision(round(float(raw), 6),
                            f"{when}, after the final date {format_time(final)}{granted}: no credit")
        if lateness <= timedelta(0):
            tag = f"; {platform} marked it late, but by its time it was on time" if marked_late else ""
            return Decision(0.0, f"{when}, on time for {format_time(due)}{granted}{tag}") if tag else Decision()
        when += f", {duration_words(lateness)} after the due date {format_time(due)}{granted}"
        if lateness <= policy.grace:
            return Decision(0.0, f"{when}: within the {duration_words(policy.grace)} grace period, no penalty")
    if not policy.penalty:
        return Decision(0.0, f"{when}: late, but the course takes no points for lateness")
    units = math.ceil(lateness / UNITS[policy.per] - 1e-9)
    percent = min(policy.cap, units * policy.penalty)
    base = raw if policy.of == "score" else points
    penalty = round(min(raw, base * percent / 100), 6)
    capped = f" (capped at {_number(policy.cap)} %)" if units * policy.penalty > policy.cap else ""
    return Decision(penalty, f"{when}: {units} {policy.per}{'s' if units != 1 else ''} late × "
                             f"{_number(policy.penalty)} % = {_number(percent)} %{capped} of the "
                             f"{policy.of} ({_number(base)}) = −{_number(penalty)} points "
                             f"(policy: {policy.describe()})")


def apply(assignments: list[AssignmentResult], policy: LatePolicy, dates: dict[str, Dates],
          extensions: dict[str, timedelta] | None = None, platform: str = "the platform") -> None:
    """Set each handed-in assignment's `penalty` and `late` from its own submission time, and its `due`: the
    student's own due date (with their extension), where the assignment has one."""
    for result in assignments:
        own = dates.get(result.assignment)
        if own is not None and own.due is not None:
            result.due = (own.due + (extensions or {}).get(result.assignment, timedelta(0))).isoformat()
        if result.missing:
            continue
        submitted = parse_time(result.submitted_at) if result.submitted_at else None
        decision = decide(policy, dates.get(result.assignment), submitted, result.raw_score, result.max_score,
                          extension=(extensions or {}).get(result.assignment, timedelta(0)),
                          marked_late=result.marked_late, platform=platform)
        result.penalty, result.late = decision.penalty, decision.explanation


def parse_time(value: str | date, zone: tzinfo = timezone.utc) -> datetime:
    """An aware date-time from ISO 8601 text ("2026-09-14T23:59:00-04:00", "…Z", "2026-09-14 23:59"), a
    datetime, or a date (23:59 that day); one without an offset is taken in `zone`. `ValueError` names
    the text otherwise."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(23, 59))
    else:
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        text = re.sub(r"(\.\d{1,6})\d*", lambda m: m.group(1).ljust(7, "0"), text)  # Python 3.10 takes 6 digits
        text = re.sub(r"\s+([+-]\d\d:?\d\d)$", r"\1", text)  # "2026-09-14 23:59:00 -07:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} is not a date and time; write it as 2026-09-14T23:59:00-04:00") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def parse_extension(value: str, due: datetime | None, zone: tzinfo = timezone.utc) -> timedelta:
    """A roster's extension: a duration ("2d", "36h", "90m", "1d12h"; a bare number is days) or the
    student's own due date (ISO 8601), as the time added to `due`."""
    value = value.strip()
    if not value:
        return timedelta(0)
    if re.fullmatch(r"\d{4}-\d\d-\d\d.*", value):
        if due is None:
            return timedelta(0)
        return parse_time(value, zone) - due
    parts = _DURATION.findall(value)
    if not parts or _DURATION.sub("", value).strip():
        raise ValueError(f"extension {value!r} is neither a duration (2d, 36h, 90m) nor a date (2026-09-16T23:59)")
    total = timedelta(0)
    for amount, unit in parts:
        total += timedelta(**{_STEP[(unit or "d")[0].lower()]: float(amount)})
    return total


def duration_words(span: timedelta) -> str:
    """A duration as people say it: "2 days 3 h", "45 min", "30 s"."""
    seconds = int(span.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    words = [f"{days} day{'s' if days != 1 else ''}" if days else "", f"{hours} h" if hours else "",
             f"{minutes} min" if minutes and not days else ""]
    text = " ".join(w for w in words if w)
    return text or f"{seconds} s"


def format_time(moment: datetime) -> str:
    """A date-time as the feedback shows it: "2026-09-14 23:59 -04:00", "2026-09-14 23:59 UTC"."""
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} " + ("UTC" if offset in ("", "+0000") else f"{offset[:3]}:{offset[3:]}")


def _number(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")

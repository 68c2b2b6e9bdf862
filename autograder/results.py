"""What grading found, as plain data: the bottom of the stack, importing nothing else of `autograder`.

Calling a test and judging what happened (`autograder.verdicts`) gives a `Verdict`: an
explicit `Outcome` and the parts a report words (problem, call, returned, expected,
traceback, what to reread). Then, one level up at a time:

    TestResult          one test: its verdict and its points
    AssignmentResult    every test of one assignment for one submission, with import notes
    SubmissionResult    one student's hand-in of `grade batch`: who, its assignments, and whether it was graded

Each reduces to JSON with a `"type"` tag and is rebuilt from it (`to_json`, `from_json`),
as pytest's reports cross processes: `grade batch` keeps one such document per submission.
Fields added later have defaults, so a document written before them still reads.
"""

from __future__ import annotations

import enum
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

__all__ = ["AssignmentResult", "Outcome", "Status", "SubmissionResult", "TYPES", "TestResult", "Verdict", "from_json",
           "to_json"]


class Outcome(str, enum.Enum):
    """What happened to one test."""

    PASSED = "passed"
    WRONG = "wrong"                # a value came back, and it is wrong
    RAISED = "raised"              # the student's code raised an exception
    TIMED_OUT = "timed out"        # a call ran out of time; the process was stopped
    CRASHED = "crashed"            # the student's process ended, or its answer was not valid
    MISSING_NAME = "missing name"  # the submission does not define what the test calls
    NOT_RUN = "not run"            # the time budget was used up, or the file could not be read
    FORBIDDEN = "not allowed"      # the code uses what the assignment does not allow (a package, a call)
    GRADER_ERROR = "grader error"  # the grader's own failure, never the student's


class Status(str, enum.Enum):
    """Whether a hand-in (or one part of it) was graded; where it was not, which kind of reason
    (`SubmissionResult.reason` words it). Decisions are made on these, never on the wording.

    The kinds of unusable input (`is_input_problem`) are also what the loader finds wrong with one file
    (`submission.Source.kind`, `AssignmentResult.unusable`): a hand-in none of whose files could be used
    takes its file's kind as its status, which grades.csv then shows as it is ("empty file")."""

    GRADED = "graded"
    MISSING = "missing"          # nothing handed in for the batch's assignments (a roster student, or files left out)
    UNREADABLE = "unreadable"    # nothing gradable could be read from it (the reason says what was wrong)
    EMPTY = "empty file"         # a file with nothing in it (0 bytes, or blank)
    BINARY = "binary file"       # not text at all (it holds NUL bytes)
    NOT_TEXT = "not UTF-8 text"  # text in another encoding
    NOT_JSON = "not a notebook (invalid JSON)"  # an .ipynb that is not JSON
    NOT_NOTEBOOK = "not a notebook"  # JSON, but not a Python notebook
    TOO_LARGE = "file too large"     # over the loader's cap for its kind
    UNREADABLE_ARCHIVE = "unreadable archive"  # a zip that cannot be opened, or an entry of it that cannot be read
    NO_ASSIGNMENT = "no assignment file"  # nothing in it is named for an assignment of the course
    REFUSED = "refused"          # not graded here: the course's secrets would be exposed, another course version
    FAILED = "grader failed"     # the grader failed while grading it: ours to mend, never the student's
    DIED = "grader died"         # its grading process was killed or exited (a cluster tries it again)
    TIMED_OUT = "timed out"      # grading it did not finish within the batch's budget

    @property
    def is_input_problem(self) -> bool:
        """Whether this is what was handed in being unusable (the student's file), not the grader's doing."""
        return self in _INPUT_PROBLEMS


_INPUT_PROBLEMS = frozenset({Status.UNREADABLE, Status.EMPTY, Status.BINARY, Status.NOT_TEXT, Status.NOT_JSON,
                             Status.NOT_NOTEBOOK, Status.TOO_LARGE, Status.UNREADABLE_ARCHIVE, Status.NO_ASSIGNMENT})


@dataclass(frozen=True)
class Verdict:
    """The judgement on one test: its outcome, and the parts of its explanation.

    `call`, `returned` and `expected` are set on public tests only (hidden tests never
    carry their inputs or expected values); `returned` and `expected` are values as the
    feedback shows them. `reread` is "Lecture › section"; `output` what the student's
    code printed while the test ran; `note` what the checks noted on a value that passed anyway
    (numbers in a container the SPEC does not name, and what it asks for). `withheld` holds, for a failed
    hidden test of a course that reveals them after the due date (`[feedback] hidden_details`), what a
    public test's verdict would show (`problem`, `call`, `returned`, `expected`); reports show it only then.
    """

    outcome: Outcome
    problem: str = ""
    call: str | None = None
    returned: str | None = None
    expected: str | None = None
    traceback: str = ""
    reread: str = ""
    output: str = ""
    note: str = ""
    withheld: dict[str, str] | None = None
    #: For the instructor's count across a class (`reports.misconceptions`), never a student's feedback: the
    #: known mistake a wrong value shows ("a factor ½ missing"), and what came back ("returned <digest of the
    #: value>", "raised ValueError: <its message>").
    diagnosis: str = ""
    signature: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED


@dataclass
class TestResult:
    """One test of one submission: its verdict, and `max_score` points when it passed."""

    __test__ = False  # not a pytest test class

    assignment: str
    question: str
    name: str
    description: str
    public: bool
    max_score: float
    verdict: Verdict
    duration: float = 0.0
    seed: int | None = None  # the seed of the test's `rng`, when it asked for one

    @property
    def passed(self) -> bool:
        return self.verdict.passed

    @property
    def score(self) -> float:
        return self.max_score if self.passed else 0.0


@dataclass
class AssignmentResult:
    """Every test of one assignment for one submission, notes on importing it, and the uses of what the
    assignment does not allow found in its source (`forbidden`: plain dicts with `question`, `function`,
    `rule`, `used`, `line`, `where`, `policy` and the `sentence` a report shows).

    An assignment that was not handed in is `missing`: no tests, zero points out of its
    `points`, so that it still counts in the maximum. `penalty` is the points a late policy
    took (`late` says which policy and why); `submitted_at` (ISO 8601) is when the platform
    says it was handed in, and `marked_late` whether the platform itself called it late.
    """

    assignment: str
    title: str
    tests: list[TestResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    student_seconds: float = 0.0  # spent in the student's process: importing it and answering calls
    forbidden: list[dict[str, Any]] = field(default_factory=list)
    missing: bool = False
    points: float = 0.0  # the assignment's points, for a missing one (it has no tests to add up)
    submitted_at: str | None = None
    marked_late: bool = False
    penalty: float = 0.0
    late: str = ""
    #: Questions the grader failed on in every test (`{question: its points}`): out of the maximum, not scored 0.
    ungradable: dict[str, float] = field(default_factory=dict)
    #: The student's own due date (ISO 8601, their extension included), where the assignment has one.
    due: str | None = None
    #: What made the file handed in for it unusable (an input problem: `Status.EMPTY`, ...), None when it was usable.
    unusable: Status | None = None

    def due_passed(self, now: datetime | None = None) -> bool:
        """Whether the student's due date has passed (`now`, by default the present): never without one."""
        if self.due is None:
            return False
        return (now or _now()) >= datetime.fromisoformat(self.due)

    @property
    def raw_score(self) -> float:
        """The tests' points, before any late penalty."""
        return round(sum(t.score for t in self.tests), 6)

    @property
    def score(self) -> float:
        """The final score: the tests' points less the late penalty, never below zero."""
        return round(max(0.0, self.raw_score - self.penalty), 6)

    @property
    def max_score(self) -> float:
        return self.points if self.missing else round(sum(t.max_score for t in self.tests), 6)

    def question_scores(self) -> dict[str, tuple[float, float]]:
        """`{question: (score, max_score)}` in test order (points of the tests, before any penalty)."""
        totals: dict[str, tuple[float, float]] = {}
        for t in self.tests:
            score, max_score = totals.get(t.question, (0.0, 0.0))
            totals[t.question] = (round(score + t.score, 6), round(max_score + t.max_score, 6))
        return totals


@dataclass
class SubmissionResult:
    """One student's hand-in: its name, the results of each assignment (missing ones included), and
    its `status` (with the `reason` it was not graded, a sentence, where it was not).

    `student` is the key the student's hidden inputs were seeded from; `identity` what the
    platform and the roster say of them (name, email, student_id, login, canvas_id, ...);
    `notes` what the batch found besides (a part of the hand-in that could not be graded).
    `parts` are the names of what was graded (its files, folders, zips), `failed_parts` those of
    them that could not be (`--resume` grades a hand-in again unless both are as they were).
    `extra` holds what the grader reports besides (the sandbox's layers); `course` the version of the course it
    was graded with (`Course.version`: `--resume` keeps only results of the course as it is)."""

    submission: str
    assignments: list[AssignmentResult] = field(default_factory=list)
    status: Status = Status.GRADED
    extra: dict[str, Any] = field(default_factory=dict)
    student: str = ""
    identity: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reason: str = ""
    parts: list[str] = field(default_factory=list)
    failed_parts: list[str] = field(default_factory=list)
    course: str = ""

    @property
    def graded(self) -> bool:
        return self.status is Status.GRADED

    @property
    def scored(self) -> bool:
        """Whether its assignments' scores count as they are: graded, or missing altogether (every one 0)."""
        return self.status in (Status.GRADED, Status.MISSING)

    @property
    def ungradable_points(self) -> float:
        """The points of the questions the grader could grade in no test: out of this hand-in's maximum."""
        return round(sum(sum(a.ungradable.values()) for a in self.assignments), 6)

    @property
    def said(self) -> str:
        """The status as grades.csv and the reports word it: "graded", "missing", the kind of an unusable hand-in
        ("empty file"), else why it was not graded (the reason)."""
        if self.scored or (self.status.is_input_problem and self.status is not Status.UNREADABLE):
            return self.status.value
        return self.reason or self.status.value

    @property
    def explained(self) -> str:
        """`said`, with the reason after it where `said` does not give it already ("empty file: ada.py is empty")."""
        return self.said if not self.reason or self.reason == self.said else f"{self.said}: {self.reason}"

    @property
    def raw_score(self) -> float:
        return round(sum(a.raw_score for a in self.assignments), 6)

    @property
    def penalty(self) -> float:
        return round(self.raw_score - self.score, 6)

    @property
    def score(self) -> float:
        return round(sum(a.score for a in self.assignments), 6)

    @property
    def max_score(self) -> float:
        return round(sum(a.max_score for a in self.assignments), 6)


#: The result classes by name: the "type" tag of their JSON.
TYPES = {cls.__name__: cls for cls in (Verdict, TestResult, AssignmentResult, SubmissionResult)}


def to_json(result: Verdict | TestResult | AssignmentResult | SubmissionResult) -> dict[str, Any]:
    """`result` as JSON-ready data, each object tagged with its `"type"`."""
    data: dict[str, Any] = {"type": type(result).__name__}
    for f in fields(result):
        value = getattr(result, f.name)
        if isinstance(value, (Outcome, Status)):
            value = value.value
        elif isinstance(value, tuple(TYPES.values())):
            value = to_json(value)
        elif isinstance(value, list):
            value = [to_json(v) if isinstance(v, tuple(TYPES.values())) else v for v in value]
        data[f.name] = value
    return data


def from_json(data: dict[str, Any]) -> Any:
    """The object `to_json` made `data` from; `ValueError` when its type tag is unknown or a field is missing."""
    kind = TYPES.get(data.get("type", ""))
    if kind is None:
        raise ValueError(f"not a grading result: type {data.get('type')!r}")
    values = {}
    for f in fields(kind):
        if f.name not in data:
            if f.default is MISSING and f.default_factory is MISSING:
                raise ValueError(f"a {kind.__name__} needs {f.name!r}")
            continue  # a field with a default may be absent
        value = data[f.name]
        if f.name == "outcome":
            value = Outcome(value)
        elif f.name == "unusable" and value is not None:
            value = Status(value)
        elif isinstance(value, dict) and "type" in value and value["type"] in TYPES:
            value = from_json(value)
        elif isinstance(value, list):
            value = [from_json(v) if isinstance(v, dict) and v.get("type") in TYPES else v for v in value]
        values[f.name] = value
    if kind is SubmissionResult:
        _read_older(values)
    return kind(**values)


def _read_older(values: dict[str, Any]) -> None:
    """A SubmissionResult's fields as this version has them, from a document of an older one: a status that was a
    sentence (then `FAILED`, the sentence its reason), `parts` and `failed_parts` that were kept in `extra`."""
    status = values.get("status", Status.GRADED.value)
    if not isinstance(status, str):
        raise ValueError(f"a status should be text, not {type(status).__name__}")
    if status not in {s.value for s in Status}:
        values.setdefault("reason", status)
        status = Status.FAILED.value
    values["status"] = Status(status)
    extra = values.get("extra")
    if isinstance(extra, dict):
        for key in ("parts", "failed_parts"):
            if key in extra and key not in values:
                values[key] = extra.pop(key)


def _now() -> datetime:
    return datetime.now(timezone.utc)

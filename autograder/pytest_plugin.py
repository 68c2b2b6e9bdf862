"""pytest as a runner of the course's tests: `pytest --grade SUBMISSION [--hidden] [--assignment ID]`.

Off unless asked for: without `--grade` this plugin only adds its options (it is installed with the package,
and the package's own test suite runs with pytest too). With `--grade`, pytest collects no files; each test of
each assignment in the hand-in is an item, its node id `<assignment>::<question>::<test>`:

    GradeSession        reads the hand-in once (`loading.read_submission`), as `grade run` does
    AssignmentNode      grades the assignment when its first item runs: `grader.grade_submission`, the one owner
                        of grading, with the same sandbox, limits, packages, forbidden calls and verdicts as
                        `grade run`, in one student process, for the items pytest selected (-k, --lf, -x)
    GradedTest          reports its own verdict: passed; failed with the grader's feedback
                        (`reports.wording.explain`), not a traceback of the grader; a grader error (the course's
                        own test is broken) as an error, never a failure; its points as user properties (junit XML)

Without `--hidden` the public tests run (as `grade check`), with it every test (as `grade run`). Under
pytest-xdist (`-n`) each assignment goes to one worker (`--dist loadfile`), so each is graded once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .assignments import Assignment
    from .course import Course
    from .results import AssignmentResult, TestResult
    from .submission import Submission
    from .testing import TestCase


def pytest_addoption(parser: pytest.Parser) -> None:
    """The options, in a group of their own; every one is inert without `--grade`."""
    group = parser.getgroup("grade", "grading a hand-in with the course's tests (the autograder's plugin)")
    group.addoption("--grade", dest="grade_submission", metavar="SUBMISSION", default=None,
                    help="Run the course's tests on SUBMISSION (.py, .ipynb, folder or .zip) as pytest items, "
                         "<assignment>::<question>::<test>, graded as `grade run` grades them.")
    group.addoption("--hidden", dest="grade_hidden", action="store_true",
                    help="With --grade: the hidden tests too, as `grade run` (default: the public ones, as "
                         "`grade check`).")
    group.addoption("--assignment", dest="grade_assignment", metavar="ID", default=None,
                    help="With --grade: the assignment, when the file name does not say it; the only one graded.")
    group.addoption("--insecure", dest="grade_insecure", action="store_true",
                    help="With --grade: grade even where the student's code could read the references and hidden "
                         "tests (no bubblewrap, no uid of its own), as `grade run --insecure`.")


def pytest_configure(config: pytest.Config) -> None:
    """With `--grade`, the session's collection and reports become the grader's; without it, nothing."""
    if config.getoption("grade_submission", None) is None:
        for dest, flag in (("grade_hidden", "--hidden"), ("grade_assignment", "--assignment"),
                           ("grade_insecure", "--insecure")):
            if config.getoption(dest, None):
                raise pytest.UsageError(f"{flag} is an option of --grade SUBMISSION: give the hand-in to grade too")
        return
    config.pluginmanager.register(GradeSession(config), "grade-session")


class GradeSession:
    """One `pytest --grade` run: the course and the hand-in, the items collected from them, and the summary."""

    def __init__(self, config: pytest.Config) -> None:
        from .course import Course
        from .errors import GradeError
        from .loading import read_submission

        self.config = config
        self.hidden = bool(config.getoption("grade_hidden"))
        self.insecure = bool(config.getoption("grade_insecure"))
        assignment = config.getoption("grade_assignment")
        path = Path(config.getoption("grade_submission"))
        worker = hasattr(config, "workerinput")
        source = getattr(config, "args_source", None)
        if not worker and source is not None and source.name == "ARGS":
            raise pytest.UsageError(f"--grade collects the course's tests itself: give no paths to collect "
                                    f"({' '.join(config.args)}); choose tests with -k or --lf")
        try:
            self.course: Course = Course.load()
            only = (self.course.get(assignment).id,) if assignment else None
            self.submission: Submission = read_submission(path, self.course.ids, assignment)
        except GradeError as exc:
            raise pytest.UsageError(f"--grade {path}: {exc}") from None
        self.assignments = [a for a in self.course.chosen(only) if a.id in self.submission.sources]
        self.totals: dict[str, list[float]] = {}
        self.notes: dict[str, list[str]] = {}
        if not worker and getattr(config.option, "dist", "no") == "load":  # -n: one worker per assignment
            config.option.dist = "loadfile"
        here = config.invocation_params.dir
        if not worker and config.option.rootdir is None and here != config.rootpath:  # ids are not paths
            config.issue_config_time_warning(pytest.PytestConfigWarning(
                f"pytest took {config.rootpath} for its rootdir (a folder above the path given to --grade, or "
                f"above this one): it shows the node ids as paths from there and keeps its cache (--lf) there; "
                f"write --grade={path} as one word, or pass --rootdir=."), stacklevel=2)

    @pytest.hookimpl(tryfirst=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> pytest.CollectReport | None:
        """The session collects the hand-in's assignments, not files."""
        if not isinstance(collector, pytest.Session):
            return None
        nodes = [AssignmentNode.from_parent(collector, name=a.id, nodeid=a.id, path=a.directory, assignment=a,
                                            grading=self) for a in self.assignments]
        return pytest.CollectReport(collector.nodeid, "passed", None, list(nodes))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Each item's points and score (its user properties: they cross from xdist's workers too), summed."""
        if report.when != "teardown":
            return
        properties = dict(report.user_properties)
        if "assignment" in properties and "score" in properties:
            totals = self.totals.setdefault(str(properties["assignment"]), [0.0, 0.0, 0])
            totals[0] += float(properties["score"])
            totals[1] += float(properties["points"])
            totals[2] += 1
            if properties.get("notes"):
                self.notes[str(properties["assignment"])] = str(properties["notes"]).splitlines()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """The points of each assignment graded, as `grade run` adds them up, and the grader's notes."""
        from .reports.wording import points

        if not self.totals:
            return
        terminalreporter.section("grade")
        kind = "every test" if self.hidden else "public tests only"
        for assignment in [a.id for a in self.assignments if a.id in self.totals]:
            score, total, count = self.totals[assignment]
            terminalreporter.write_line(f"{assignment}: {points(score)} of {points(total)} points from the "
                                        f"{count} tests run ({kind})")
            if self.notes.get(assignment):
                terminalreporter.write_line("  notes:")
            for line in self.notes.get(assignment, []):
                terminalreporter.write_line(f"    {line}")


class AssignmentNode(pytest.Collector):
    """An assignment of the hand-in: its questions, and its grading, done once when its first item runs."""

    def __init__(self, *, assignment: Assignment, grading: GradeSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.assignment = assignment
        self.grading = grading
        self.result: AssignmentResult | None = None
        self.collected = 0

    def collect(self) -> list[QuestionNode]:
        from .errors import GradeError
        from .scoring import test_points

        try:
            cases = self.assignment.tests(self.grading.hidden)
        except GradeError as exc:  # a test file that does not import: the course's to mend, said in one sentence
            raise self.CollectError(str(exc)) from None
        self.collected = len(cases)
        points = test_points(self.assignment, cases, self.assignment.weights())
        questions = [q.name for q in self.assignment.questions if any(c.question == q.name for c in cases)]
        return [QuestionNode.from_parent(self, name=q, cases=[c for c in cases if c.question == q], points=points)
                for q in questions]

    def setup(self) -> None:
        """Grade the items of this assignment that pytest selected (all of them: `grade run`'s grading)."""
        from .grader import Context, grade_submission
        from .results import Status

        mine = [item for item in self.session.items if isinstance(item, GradedTest) and item.assignment is self]
        tests = None if len(mine) == self.collected else tuple(item.name for item in mine)
        context = Context(hidden=self.grading.hidden, only=(self.name,), tests=tests, insecure=self.grading.insecure)
        result = grade_submission(self.grading.course, self.grading.submission, context)
        if result.status is not Status.GRADED:
            pytest.fail(f"{self.name} was not graded ({result.status.value}): {result.reason}", pytrace=False)
        self.result = result.assignments[0]
        if mine and self.result.notes:
            mine[0].user_properties.append(("notes", "\n".join(self.result.notes)))

    def test(self, name: str) -> TestResult:
        """The result of the test `name` (graded by `setup`)."""
        assert self.result is not None, "the assignment is graded before its tests report"
        for test in self.result.tests:
            if test.name == name:
                return test
        raise LookupError(f"{self.name} was graded without its test {name}")


class QuestionNode(pytest.Collector):
    """A question of an assignment: its tests, in the course's order."""

    def __init__(self, *, cases: list[TestCase], points: dict[str, float], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cases = cases
        self.points = points

    def collect(self) -> list[GradedTest]:
        return [GradedTest.from_parent(self, name=case.name, case=case, points=self.points[case.name],
                                       path=Path(case.function.__code__.co_filename)) for case in self.cases]


class WrongAnswer(Exception):
    """A test the submission failed: its feedback is the grader's, not a traceback."""

    def __init__(self, test: TestResult) -> None:
        super().__init__(test.verdict.problem)
        self.test = test


class GradedTest(pytest.Item):
    """One test of the course: it passes or fails as the grader judged it."""

    def __init__(self, *, case: TestCase, points: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.assignment: AssignmentNode = self.parent.parent  # type: ignore[union-attr, assignment]
        self.user_properties += [("assignment", self.assignment.name), ("question", case.question),
                                 ("visibility", "public" if case.public else "hidden"), ("points", round(points, 6))]
        self.extra_keyword_matches.add("public" if case.public else "hidden")
        self.result: TestResult | None = None

    def setup(self) -> None:
        """Its result; a grader error (the course's test is broken, not the student's code) is an error here."""
        from .reports.wording import explain
        from .results import Outcome

        self.result = self.assignment.test(self.name)
        self.user_properties[:] = [(k, v) for k, v in self.user_properties if k != "points"]
        self.user_properties += [("points", self.result.max_score), ("score", self.result.score)]
        if self.result.verdict.outcome is Outcome.GRADER_ERROR:
            pytest.fail(explain(self.result), pytrace=False)

    def runtest(self) -> None:
        assert self.result is not None
        if not self.result.passed:
            raise WrongAnswer(self.result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """The grader's feedback: Called, Returned, Expected, Problem, Reread (`reports.wording.explain`)."""
        if isinstance(excinfo.value, WrongAnswer):
            from .reports.wording import explain

            return explain(excinfo.value.test)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the test is written (an IDE opens it), and its node id."""
        code = self.case.function.__code__
        return Path(code.co_filename), code.co_firstlineno - 1, self.nodeid

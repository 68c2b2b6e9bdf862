"""Per-student variants: each student's hidden tests draw their own random inputs, seeded from (student,
assignment, test); a regrade reproduces them exactly; public tests keep the lecture's numbers."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from autograder.batch import run_batch
from autograder.cli import main
from autograder.grader import grade_source
from autograder.grading import run_tests, seed_for
from autograder.local_transport import LocalTransport
from autograder.reports.feedback import feedback_markdown
from autograder.results import SubmissionResult

from . import exports
from .conftest import COURSE, ROOT, replace_definition, solution_source

LR = COURSE.get("linear_regression")
ADA, BOB = "ada@example.edu", "bob@example.edu"
#: Right only for inputs below 1.5: how many hidden tests it passes depends on the inputs drawn.
PICKY = replace_definition(solution_source(LR.id), "residuals", """
def residuals(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    return np.where(y_hat < 1.5, y_hat - y, 0.0)
""")


def test_a_seed_is_the_students_own_and_the_course_one_without_a_student():
    assert seed_for(LR.id, "fit_random", ADA) == seed_for(LR.id, "fit_random", ADA)
    assert seed_for(LR.id, "fit_random", ADA) != seed_for(LR.id, "fit_random", BOB)
    assert seed_for(LR.id, "fit_random", ADA) != seed_for(LR.id, "mse_random", ADA)
    assert seed_for(LR.id, "fit_random") == seed_for(LR.id, "fit_random", None) == seed_for(LR.id, "fit_random", "")


def test_two_students_hidden_tests_get_different_seeds_and_public_tests_none():
    ada, bob = (grade_source(LR, solution_source(LR.id), student=s) for s in (ADA, BOB))
    assert ada.score == bob.score == LR.points
    seeded = [(a, b) for a, b in zip(ada.tests, bob.tests) if a.seed is not None]
    assert seeded and all(not a.public and a.seed != b.seed for a, b in seeded)
    assert all(a.seed == seed_for(LR.id, a.name, ADA) for a, _ in seeded)  # each result records its seed
    assert all(t.seed is None for t in ada.tests if t.public)  # the lecture's own numbers, no rng


def test_a_public_test_that_asks_for_rng_gets_the_courses_seed_never_the_students(monkeypatch):
    from autograder.testing import TestCase

    drawn = {}

    def public_test(student, rng):
        drawn["value"] = rng.normal()

    case = TestCase("lecture_example", "predict", "the lecture's example", public_test, public=True)
    monkeypatch.setattr(type(LR), "tests", lambda self, hidden=True: [case])
    result = run_tests(LR, LocalTransport({}), student=ADA)
    assert result.tests[0].seed == seed_for(LR.id, "lecture_example")
    assert drawn["value"] == np.random.default_rng(seed_for(LR.id, "lecture_example")).normal()


def timeless(result) -> list[tuple]:
    """Everything a test's result says but how long it took."""
    return [(t.name, t.verdict, t.score, t.seed) for t in result.tests]


def test_regrading_a_student_reproduces_their_result_exactly():
    first, again = (grade_source(LR, PICKY, student=ADA) for _ in range(2))
    assert timeless(first) == timeless(again)
    pages = [feedback_markdown(SubmissionResult("ada", [r])) for r in (first, again)]
    assert pages[0] == pages[1]


class Recording(LocalTransport):
    """The reference answering in this process, every call's arguments and result kept."""

    def __init__(self, namespace):
        super().__init__(namespace)
        self.calls = []

    def call(self, target, args=(), kwargs=None, **options):
        value = super().call(target, args, kwargs, **options)
        self.calls.append((target, args, value))
        return value


def test_an_answer_hard_coded_to_one_students_hidden_results_fails_for_another():
    namespace: dict = {}
    exec(compile(solution_source(LR.id), "reference", "exec"), namespace)
    recording = Recording(namespace)
    run_tests(LR, recording, questions={"mse_cost"}, student=ADA)  # what the reference answers Ada's tests
    table = {round(float(np.sum(args[0])), 9): float(value) for target, args, value in recording.calls
             if "mse_cost" in str(target)}
    copied = replace_definition(solution_source(LR.id), "mse_cost", f"""
def mse_cost(y_hat, y):
    return {table!r}.get(round(float(np.sum(y_hat)), 9), 0.0)  # Ada's answers, looked up
""")
    as_ada, as_bob = (grade_source(LR, copied, student=s).question_scores()["mse_cost"] for s in (ADA, BOB))
    assert as_ada == (2.0, 2.0)
    assert as_bob[0] < as_bob[1]


@pytest.mark.slow
def test_in_a_batch_each_student_gets_their_own_inputs_and_a_regrade_the_same_result(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    for name in ("ada", "bob"):
        (submissions / f"{name}_linear_regression.py").write_text(PICKY)
    graded = [run_batch(COURSE, submissions, tmp_path / f"out{i}", jobs=2, assignment_id=LR.id) for i in (1, 2)]
    ada, bob = graded[0]
    assert (ada.student, bob.student) == ("ada", "bob")
    assert [t.seed for t in ada.assignments[0].tests] != [t.seed for t in bob.assignments[0].tests]
    again = graded[1][0]
    assert timeless(again.assignments[0]) == timeless(ada.assignments[0])
    feedback = [(tmp_path / f"out{i}" / "reports" / "feedback" / "ada.md").read_bytes() for i in (1, 2)]
    assert feedback[0] == feedback[1]


def test_a_course_may_give_every_student_the_same_inputs(tmp_path, monkeypatch):
    course_dir = exports.small_course(tmp_path / "course", "[grading]\nper_student_inputs = false\n")
    monkeypatch.setenv("GRADE_COURSE_DIR", str(course_dir))
    path = tmp_path / "linear_regression.py"
    shutil.copy(ROOT / "solutions" / "linear_regression.py", path)
    result = CliRunner().invoke(main, ["run", str(path), "--format", "results", "--student", ADA])
    document = json.loads(result.output)
    assert document["student"] == ""
    seeds = {t["name"]: t["seed"] for t in document["assignments"][0]["tests"] if t["seed"] is not None}
    assert seeds and all(seed == seed_for(LR.id, name) for name, seed in seeds.items())

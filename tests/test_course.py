"""The course is an explicit object, loaded and checked once; a broken one is a sentence and exit 2; a bug in the
course's own tests is the grader's error, never the student's."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.course import Course
from autograder.errors import CourseError, UnknownAssignment
from autograder.grader import grade_source
from autograder.results import Outcome, Status, SubmissionResult, from_json, to_json
from autograder.sandbox.limits import Limits

from .conftest import COURSE, ROOT

TOY = ROOT / "tests" / "data" / "toy_course"
PACKAGE = ROOT / "autograder"


@pytest.fixture
def toy(tmp_path) -> Path:
    """A private copy of the toy course, to break."""
    shutil.copytree(TOY, tmp_path / "course")
    return tmp_path / "course"


def toml_of(course: Path) -> Path:
    return course / "assignments" / "toy" / "assignment.toml"


def test_the_course_holds_its_assignments_in_order_with_typed_limits_and_what_each_declares():
    assert COURSE.ids[0] == "linear_regression" and COURSE.ids[-1] == "mnist_training"
    assert [a.number for a in COURSE.assignments.values()] == list(range(1, 12))
    mnist = COURSE.get("mnist_training")
    assert isinstance(mnist.limits, Limits) and mnist.limits.data_bytes == 6 * 1024**3
    assert [a.id for a in COURSE.assignments.values() if a.gpu] == ["mnist_training"]
    assert {a.id for a in COURSE.assignments.values() if a.recipes} == {"backpropagation", "mnist_training"}
    assert mnist.mounts and all(m.startswith("$MNIST_DIR/") for m in mnist.mounts)


@pytest.mark.parametrize("added, said", [
    ("[limits]\nmemroy_bytes = 5\n", "[limits] memroy_bytes: no such setting"),
    ("[limits]\ncpu_seconds = 'ten'\n", "[limits] cpu_seconds: 'ten' is not a number"),
    ("gpu = 'yes'\n", "gpu: 'yes' is not true or false"),
    ("colour = 'red'\n", "colour: no such setting"),
    ("[sandbox]\nrecipes = 'missing.py'\n", "[sandbox] recipes: 'missing.py' is not a file"),
])
def test_a_broken_assignment_toml_is_one_sentence_naming_the_file_and_the_key(toy, added, said):
    toml_of(toy).write_text(added + toml_of(toy).read_text() if not added.startswith("[") else
                            toml_of(toy).read_text() + "\n" + added)
    with pytest.raises(CourseError) as raised:
        Course.load(toy)
    assert str(toml_of(toy)) in str(raised.value) and said in str(raised.value)


def test_a_broken_course_exits_2_with_one_sentence_in_every_command(toy, monkeypatch):
    toml_of(toy).write_text(toml_of(toy).read_text() + "\n[limits]\nmemroy_bytes = 5\n")
    monkeypatch.setenv("GRADE_COURSE_DIR", str(toy))
    for args in (["list"], ["verify"], ["check", str(ROOT / "solutions" / "linear_regression.py")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.count("\n") == 1 and "memroy_bytes" in result.output and "Traceback" not in result.output


def test_a_course_folder_that_does_not_exist_is_one_sentence_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADE_COURSE_DIR", str(tmp_path / "nowhere"))
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 2 and "does not exist" in result.output and result.output.count("\n") == 1


def test_two_assignments_with_one_number_are_refused(toy):
    shutil.copytree(toy / "assignments" / "toy", toy / "assignments" / "twin")
    with pytest.raises(CourseError, match="number: 1 is toy's number too"):
        Course.load(toy)


@pytest.mark.parametrize("command", [["check", "{file}"], ["run", "{file}"], ["batch", "{folder}", "-o", "{out}"],
                                     ["similarity", "{folder}", "-o", "{out}"]])
def test_an_unknown_assignment_is_one_sentence_and_exit_2_in_every_command(command, tmp_path):
    (tmp_path / "in").mkdir()
    file = shutil.copy(ROOT / "solutions" / "linear_regression.py", tmp_path / "in" / "ada.py")
    args = [a.format(file=file, folder=tmp_path / "in", out=tmp_path / "out") for a in command]
    result = CliRunner().invoke(main, [*args, "--assignment", "nosuch"])
    assert result.exit_code == 2 and "'nosuch' is not an assignment of this course" in result.output
    assert result.output.count("\n") == 1
    with pytest.raises(UnknownAssignment):
        COURSE.get("nosuch")


# --- set up, call, judge: the course's own bugs -----------------------------------------------------------

BROKEN_TESTS = '''

@test("add", "a test whose own code has a NameError", timeout=2)
def add_broken_name(student):
    check.close(student.add(1.0, 2.0), three)


@test("add", "a test asking for a fixture that does not exist", timeout=2)
def add_broken_fixture(student, refrence):
    check.close(student.add(1.0, 2.0), 3.0)


@test("scale", "the only working test of scale is broken too", timeout=2)
def scale_broken(student):
    undefined_helper()
'''


@pytest.fixture
def broken(toy) -> Course:
    """The toy course whose hidden tests hold a NameError and a fixture that does not exist (beside a working
    test of the same question), and whose question `scale` has only a broken test."""
    folder = toy / "assignments" / "toy"
    public = folder / "public.py"
    text = public.read_text()
    public.write_text(text[:text.index('@test("scale"')] + text[text.index('@test("divide"'):])
    hidden = folder / "hidden.py"
    text = hidden.read_text()
    hidden.write_text(text[:text.index('@test("scale"')] + BROKEN_TESTS.lstrip("\n"))
    return Course.load(toy)


def graded_reference(course: Course):
    assignment = course.get("toy")
    return grade_source(assignment, (course.root / "solutions" / "toy.py").read_text())


def test_a_name_error_in_a_test_and_a_missing_fixture_are_grader_errors_that_cost_nothing(broken):
    result = graded_reference(broken)
    tests = {t.name: t for t in result.tests}
    for name in ("add_broken_name", "add_broken_fixture"):
        assert tests[name].verdict.outcome is Outcome.GRADER_ERROR, tests[name].verdict
        assert "tell your instructor" in tests[name].verdict.problem and tests[name].max_score == 0
    assert "could not be set up" in tests["add_broken_fixture"].verdict.problem
    assert result.question_scores()["add"] == (2.0, 2.0)  # its points went to add's working tests


def test_a_question_left_with_no_working_test_is_ungradable_not_scored_zero(broken):
    result = graded_reference(broken)
    assert [t.verdict.outcome for t in result.tests if t.question == "scale"] == [Outcome.GRADER_ERROR]
    assert result.ungradable == {"scale": 1.0}
    assert result.score == result.max_score == broken.get("toy").points - 1.0
    assert any("scale could not be graded" in n for n in result.notes)


def test_grade_verify_names_the_broken_tests(broken, monkeypatch):
    monkeypatch.setenv("GRADE_COURSE_DIR", str(broken.root))
    runner = CliRunner()
    assert runner.invoke(main, ["templates"]).exit_code == 0
    result = runner.invoke(main, ["verify"])
    assert result.exit_code == 1
    for name in ("add_broken_name", "add_broken_fixture", "scale_broken"):
        assert f"broken test: toy.{name}" in result.output


# --- typed statuses ---------------------------------------------------------------------------------------

def test_a_status_is_a_kind_plus_a_reason_and_crosses_json():
    result = SubmissionResult("ada", status=Status.DIED, reason="the grading process was killed by SIGKILL")
    data = to_json(result)
    assert data["status"] == "grader died" and from_json(data) == result and result.said == data["reason"]


def test_a_result_written_when_a_status_was_a_sentence_still_reads():
    old = {"type": "SubmissionResult", "submission": "eve", "status": "'eve.zip' is not a readable zip file",
           "extra": {"parts": ["eve.zip"], "failed_parts": ["eve.zip"]}}
    result = from_json(json.loads(json.dumps(old)))
    assert result.status is Status.FAILED and result.said == "'eve.zip' is not a readable zip file"
    assert (result.parts, result.failed_parts, result.extra) == (["eve.zip"], ["eve.zip"], {})


# --- the engine names no assignment, and no module finds the course by itself ---------------------------

def test_the_sandbox_and_the_cluster_name_no_assignment():
    for folder in (PACKAGE / "sandbox", PACKAGE / "cluster"):
        for path in folder.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not [a for a in COURSE.ids if a in text], path


def test_only_the_entry_points_find_the_course_themselves():
    finders = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Call) and not node.args and ast.unparse(node.func) in ("Course.load", "locate")}
    # the command line (in two modules), the notebook's check cell and pytest's --grade
    assert finders == {"cli.py", "cli_class.py", "notebook.py", "course.py", "pytest_plugin.py"}, finders


def test_the_package_holds_no_test_hooks():
    for path in PACKAGE.rglob("*.py"):
        assert "GRADE_TEST" not in path.read_text(encoding="utf-8"), path

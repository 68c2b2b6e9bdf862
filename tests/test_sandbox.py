"""The sandbox's own guarantees: student code runs in its own process and can only send back plain data.

These tests grade small submissions of the toy course (tests/data/toy_course): a broken
function fails with a clear message and the rest of the same file is still graded, the
process restarts after it dies, and grading is repeatable. Hostile submissions are in
test_redteam.py.
"""

from __future__ import annotations

import pytest

from autograder.course import Course
from autograder.grader import grade_source
from autograder.reports.wording import explain
from autograder.sandbox.runner import Limits, Sandbox
from autograder.sandbox.runtime.errors import CallTimeout, ChildExited, RemoteError
from autograder.sandbox.templates import Kind

from .conftest import ROOT

TOY = ROOT / "tests" / "data" / "toy_course"
TOY_SOLUTION = (TOY / "solutions" / "toy.py").read_text()


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setenv("GRADE_COURSE_DIR", str(TOY))
    return Course.load(TOY).get("toy")


def grade(toy, source: str):
    result = grade_source(toy, source)
    return result, {q: s for q, (s, _) in result.question_scores().items()}, \
        "\n".join(explain(t) for t in result.tests)


def with_function(name: str, body: str) -> str:
    """The toy solution with `name` replaced by a definition whose body is `body`."""
    from .conftest import replace_definition

    args = {"add": "a, b", "scale": "x, k", "divide": "a, b"}[name]
    indented = "\n".join("    " + line for line in body.strip().splitlines())
    return replace_definition(TOY_SOLUTION, name, f"def {name}({args}):\n{indented}\n")


def test_the_reference_passes_everything(toy):
    result, scores, _ = grade(toy, TOY_SOLUTION)
    assert result.score == result.max_score == 5


def test_an_infinite_loop_fails_its_tests_and_the_rest_is_graded(toy):
    result, scores, feedback = grade(toy, with_function("add", "while True:\n    pass"))
    assert scores == {"add": 0, "scale": 1, "divide": 1, "ANSWER": 1}
    assert "within its time limit of 2 s, so the process was stopped" in feedback
    assert "not called again" in feedback  # the second test of add does not wait again


def test_a_syntax_error_hides_only_the_broken_definition(toy):
    broken = with_function("scale", "return x * k +")
    result, scores, feedback = grade(toy, broken)
    assert scores == {"add": 2, "scale": 0, "divide": 1, "ANSWER": 1}
    assert any("SyntaxError" in note and "scale" in note for note in result.notes)
    assert "scale is not defined" in feedback and "the syntax error at line" in feedback


def test_an_exception_at_import_time_is_a_note_and_the_rest_still_loads(toy):
    source = TOY_SOLUTION + "\nprint(add(1, 2))\nraise RuntimeError('testing my code')\n"
    result, scores, _ = grade(toy, source)
    assert result.score == result.max_score
    assert any("RuntimeError: testing my code" in note for note in result.notes)


def test_a_missing_function_is_named(toy):
    source = TOY_SOLUTION.replace("def divide(", "def divide_numbers(")
    _, scores, feedback = grade(toy, source)
    assert scores["divide"] == 0 and scores["add"] == 2
    assert "divide is not defined in your submission" in feedback


def test_output_is_captured_and_shown_in_feedback(toy):
    body = "print('debugging: a =', a)\nreturn a - b"
    _, _, feedback = grade(toy, with_function("add", body))
    assert "Your code printed:" in feedback and "debugging: a = 2.0" in feedback


def test_grading_twice_gives_the_same_result(toy):
    first = grade_source(toy, with_function("add", "return a + b + 1e-3 * a"))
    second = grade_source(toy, with_function("add", "return a + b + 1e-3 * a"))
    assert [(t.name, t.score, explain(t)) for t in first.tests] == [(t.name, t.score, explain(t)) for t in second.tests]


def test_the_sandbox_reports_an_exception_as_data():
    with Sandbox("def f():\n    raise KeyError('k')\n", "m") as sandbox:
        error = sandbox.call("f")
    assert isinstance(error, RemoteError) and error.type == "KeyError" and "Exception" in error.classes


def test_the_child_environment_is_minimal(monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "hunter2")
    with Sandbox("import os\ndef env():\n    return dict(os.environ)\n", "m") as sandbox:
        env = sandbox.call("env")
    assert "SECRET_TOKEN" not in env and env["GRADE_SANDBOX"] == "1"


def test_a_call_timeout_kills_the_process_group():
    source = "import subprocess, time\ndef spawn():\n    subprocess.Popen(['sleep', '60'])\n    time.sleep(60)\n"
    with Sandbox(source, "m", Limits(cpu_seconds=5)) as sandbox:
        with pytest.raises(CallTimeout):
            sandbox.call("spawn", timeout=1.0)
        assert sandbox.starts == 1


def test_the_process_restarts_after_it_exits():
    with Sandbox("import os\ndef die():\n    os._exit(1)\ndef ok():\n    return 1\n", "m") as sandbox:
        with pytest.raises(ChildExited):
            sandbox.call("die")
        assert sandbox.call("ok") == 1
        assert sandbox.starts == 2


def test_closing_one_sandbox_spares_another_of_the_same_worker():
    first, second = Sandbox("def f():\n    return 1\n", "a"), Sandbox("def f():\n    return 2\n", "b")
    first.spawn()
    second.spawn()
    try:
        assert first.call("f") == 1 and second.call("f") == 2
        first.close()
        assert second.call("f") == 2
    finally:
        first.close()
        second.close()


def test_the_frameworks_own_imports_are_not_charged_to_the_students_import_budget():
    # torch takes seconds to import, far past this budget; the runtime imports it before the clock starts
    limits = Limits(load_timeout=0.5)
    with Sandbox("import torch\ndef f():\n    return torch.ones(2).sum().item()\n", "m", limits,
                 kind=Kind(("numpy", "torch"))) as sandbox:
        assert sandbox.call("f") == 2.0


def test_a_slow_import_names_the_cause_and_what_was_not_counted():
    with Sandbox("import time\ntime.sleep(5)\n", "m", Limits(load_timeout=0.5)) as sandbox:
        with pytest.raises(CallTimeout) as error:
            sandbox.call("f")
    assert "its own top-level code ran that long" in error.value.summary
    assert "numpy included, is not counted" in error.value.summary

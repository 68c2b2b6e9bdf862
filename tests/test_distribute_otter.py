"""`grade build`'s Otter-Grader master notebooks: the course's own tests, replayed in a kernel.

`otter assign` and `otter run` take about half a minute per assignment, so the full
round trip runs on a representative pair of numpy-only assignments (one with module
constants); every assignment's tests are checked in-process, without Otter.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.build import split_cells
from autograder.distribute import otter
from autograder.distribute.files import copy_package
from autograder.distribute.leaks import find_leaks
from autograder.distribute.otter import notebook as otter_notebook
from autograder.distribute.otter import recording
from autograder.distribute.otter.runtime import CourseTest
from autograder.distribute.otter.source import source_of_test
from autograder.grading import seed_for

from .conftest import COURSE, ROOT, mutants, replace_definition, solution_source

ASSIGNMENTS = list(COURSE.assignments)
#: The Otter round trip: numpy only, one with functions and one with module-level answers.
ROUND_TRIP = ASSIGNMENTS


def namespace_of(source: str) -> dict:
    namespace: dict = {"__name__": "submission"}
    exec(compile(source, "submission", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def translations() -> dict[str, recording.Translation]:
    return {}


def translation_of(translations: dict, assignment_id: str) -> recording.Translation:
    if assignment_id not in translations:
        translations[assignment_id] = recording.translate(COURSE.get(assignment_id), ROOT)
    return translations[assignment_id]


def test_a_tests_source_brings_the_helpers_and_constants_it_uses_and_nothing_else(tmp_path):
    path = tmp_path / "public.py"
    path.write_text('"""Doc."""\nimport math\n\nimport numpy as np\n\nfrom autograder.testing import check, test\n\n'
                    "DATA = np.arange(3.0)\nUNUSED = 1\n\n\ndef helper(x):\n    return math.sqrt(x)\n\n\n"
                    '@test("f", "one")\ndef first(student):\n    check.close(student.f(DATA), helper(4.0))\n\n\n'
                    '@test("f", "two")\ndef second(student):\n    pass\n')
    source = source_of_test(path, "first")
    assert "DATA = np.arange(3.0)" in source and "def helper" in source and "import math" in source
    assert '@test("f", "one")' in source and "UNUSED" not in source and "def second" not in source
    compile(source, "first", "exec")


def test_solution_blocks_get_their_end_back_and_hints_become_todos():
    code = ('def f(x):\n    """Doc."""\n    # BEGIN SOLUTION\n    # HINT: square it.\n    return x**2\n\n\n'
            "# BEGIN SOLUTION\n# HINT: any gate will do.\nGATE = (np.array([1.0]), -0.5)\n\n\n"
            "WEIGHTS = np.array([[1.0, 2.0],\n                    [3.0, 4.0]])")
    converted = otter_notebook.otter_solution_code(code, {"GATE", "WEIGHTS"})
    assert converted.count("# BEGIN SOLUTION") == 2 and converted.count("# END SOLUTION") == 2
    assert "    # TODO: square it.\n    # BEGIN SOLUTION\n    return x**2\n    # END SOLUTION" in converted
    assert "# TODO: any gate will do.\nGATE = (np.array([1.0]), -0.5)  # SOLUTION" in converted
    assert "# TODO: define WEIGHTS\n# BEGIN SOLUTION\nWEIGHTS" in converted
    compile(converted, "cell", "exec")


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_each_test_runs_in_otter_passing_on_the_solution_failing_on_the_template_or_is_left_out_with_a_reason(
        translations, assignment_id):
    """`translate` keeps a test only when, replayed, it passes on the solution; here it must also fail on
    the untouched template, with the grader's wording."""
    assignment = COURSE.get(assignment_id)
    translation = translation_of(translations, assignment_id)
    names = [case.name for case, _ in translation.tests] + [case.name for case, _ in translation.skipped]
    assert sorted(names) == sorted(case.name for case in assignment.tests(hidden=True))
    assert translation.skipped == [], "every test of the course must run in Otter"
    template = namespace_of((ROOT / "student_template" / f"{assignment_id}.py").read_text())
    for case, test in translation.tests:
        assert test.info["seed"] == seed_for(assignment_id, case.name)
        assert json.loads(test.reference) == [] or not case.public, "public tests never need the reference"
        feedback = test.feedback(dict(template))
        assert feedback.startswith(f"{case.question}: {case.description}"), feedback
        assert "Reread:" in feedback and ("Expected:" not in feedback or case.public)


def numpy_only_mutants():
    """The mutants of `tests/test_assignments.py` whose assignment needs no torch."""
    return [p for p in mutants() if "torch" not in solution_source(p.values[0])]


@pytest.fixture(scope="module")
def references() -> dict:
    return {}


@pytest.mark.slow
@pytest.mark.parametrize(("assignment_id", "question", "name", "source"), list(numpy_only_mutants()))
def test_replayed_tests_judge_a_wrong_implementation_as_the_original_tests_do(
        translations, references, assignment_id, question, name, source):
    """On each wrong implementation, a translated test passes exactly when the original test does (both run
    in-process here; the original with the real reference, the translation with the recorded one)."""
    from autograder.calls import CallLog, Student
    from autograder.local_transport import LocalTransport

    mutant = replace_definition(solution_source(assignment_id), name, source)
    reference = COURSE.get(assignment_id).reference()
    for case, test in translation_of(translations, assignment_id).of(question):
        translated = test.feedback(namespace_of(mutant)) == ""
        namespace = namespace_of(mutant)
        student = Student(LocalTransport(namespace), CallLog(), float("inf"))
        fixtures = {"student": student, "ref": reference, "rng": np.random.default_rng(test.info["seed"])}
        try:
            case.function(**{p: fixtures[p] for p in recording.case_parameters(case)})
            original = True
        except Exception:  # noqa: BLE001 - any failure is a failed test
            original = False
        assert translated == original, f"{case.name}: translated {translated}, original {original}"


@pytest.mark.parametrize("assignment_id", ROUND_TRIP)
def test_the_master_notebook_is_in_otter_assign_format(translations, assignment_id):
    assignment = COURSE.get(assignment_id)
    translation = translation_of(translations, assignment_id)
    nb = otter_notebook.master_notebook(assignment, ROOT, translation)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("# ASSIGNMENT CONFIG")
    raw = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "raw"][1:]
    assert raw.count("# BEGIN QUESTION") == raw.count("# END QUESTION") == raw.count("# BEGIN TESTS")
    questions = [c.source for c in nb.cells if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION")]
    for text in questions:
        name = text.splitlines()[1].removeprefix("name: ")
        points = json.loads(text.splitlines()[2].removeprefix("points: "))
        assert len(points) == len(translation.of(name))
        assert sum(points) == pytest.approx(assignment.question(name).points)
    hidden_cells = [c.source for c in nb.cells if c.cell_type == "code" and "hidden: true" in c.source]
    assert len(hidden_cells) == sum(not case.public for case, _ in translation.tests)
    assert len(questions) == len({case.question for case, _ in translation.tests})


def otter_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "otter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def otter_score(results: Path) -> tuple[float, float]:
    tests = json.loads(results.read_text())["tests"]
    graded = [t for t in tests if t.get("max_score") is not None]
    return sum(t["score"] for t in graded), sum(t["max_score"] for t in graded)


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", ROUND_TRIP)
def test_otter_assign_and_otter_run_give_the_solution_full_marks_and_the_template_zero(
        translations, assignment_id, tmp_path):
    pytest.importorskip("otter")
    assignment = COURSE.get(assignment_id)
    copy_package(tmp_path)
    (tmp_path / "requirements.txt").write_text("numpy\n")
    nbformat.write(otter_notebook.master_notebook(assignment, ROOT, translation_of(translations, assignment_id)),
                   tmp_path / f"{assignment_id}.ipynb")
    assigned = otter_cli("assign", "--no-run-tests", f"{assignment_id}.ipynb", "dist", cwd=tmp_path)
    assert assigned.returncode == 0, assigned.stdout + assigned.stderr
    dist = tmp_path / "dist"
    assert not find_leaks(dist / "student", ROOT), "Otter's student folder must hold no solution or hidden test"
    autograder_zip = next((dist / "autograder").glob("*.zip"))
    scores = {}
    for kind, notebook in (("solution", dist / "autograder" / f"{assignment_id}.ipynb"),
                           ("template", dist / "student" / f"{assignment_id}.ipynb")):
        (tmp_path / kind).mkdir()
        ran = otter_cli("run", "--no-logo", "-a", str(autograder_zip), "-o", str(tmp_path / kind), str(notebook),
                        cwd=dist)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        scores[kind] = otter_score(tmp_path / kind / "results.json")
    translated = {case.question for case, _ in translation_of(translations, assignment_id).tests}
    expected_total = sum(q.points for q in assignment.questions if q.name in translated)
    assert scores["solution"] == (pytest.approx(expected_total), pytest.approx(expected_total))
    passing = [t["name"] for t in json.loads((tmp_path / "template" / "results.json").read_text())["tests"]
               if t.get("score")]
    assert scores["template"] == (0, pytest.approx(expected_total)), passing


@pytest.mark.slow
def test_the_readmes_commands_work_as_written(translations, tmp_path):
    """`otter assign`, `mkdir` and `otter run` exactly as dist/otter/README.md shows them, on the solution."""
    pytest.importorskip("otter")
    assignment_id = ASSIGNMENTS[0]
    translation = translation_of(translations, assignment_id)
    readme = otter_notebook.otter_readme([translation])
    commands = re.search(r"```sh\n(.*?)```", readme, re.S).group(1).strip().splitlines()
    assert commands[0] == "python3 -m pip install otter-grader" and "-autograder_*.zip" in commands[-1]
    copy_package(tmp_path)
    (tmp_path / "requirements.txt").write_text("numpy\n")
    nbformat.write(otter_notebook.master_notebook(COURSE.get(assignment_id), ROOT, translation),
                   tmp_path / f"{assignment_id}.ipynb")
    script = "set -e\n" + "\n".join(commands[1:]).replace(
        "SUBMISSION.ipynb", f"dist/{assignment_id}/autograder/{assignment_id}.ipynb")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    ran = subprocess.run(["sh", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    score, total = otter_score(tmp_path / "results" / "results.json")
    assert score == total == COURSE.get(assignment_id).points
    assert "?" not in readme.split("| assignment |")[0].replace("SUBMISSION", ""), "no open question"


def test_build_writes_a_master_notebook_per_assignment_and_a_readme(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(recording, "translate", lambda a, root: calls.append(a.id) or recording.Translation(a))
    written = otter.build(COURSE, tmp_path)
    folder = tmp_path / "otter"
    assert calls == ASSIGNMENTS
    assert {p.name for p in folder.glob("*.ipynb")} == {f"{a}.ipynb" for a in ASSIGNMENTS}
    assert (folder / "autograder" / "distribute" / "otter" / "runtime.py").exists()
    assert "otter assign" in (folder / "README.md").read_text() and folder / "README.md" in written
    nb = nbformat.read(folder / f"{ASSIGNMENTS[0]}.ipynb", as_version=4)
    setup, questions = split_cells(solution_source(ASSIGNMENTS[0]), COURSE.get(ASSIGNMENTS[0]))
    assert sum("graded by the course's own autograder only" in c.source for c in nb.cells) == len(questions)


def test_a_recorded_reference_answers_only_the_questions_it_was_asked():
    from autograder.distribute.otter.runtime import RecordedReference, ReplayError
    from autograder.sandbox.runtime import protocol

    records = [{"kind": "call", "name": "predict", "args": protocol.encode([[np.array([1.0, 2.0]), 2.0], {}]),
                "value": protocol.encode(np.array([2.0, 4.0]))}]
    ref = RecordedReference(json.loads(json.dumps(records)))
    assert ref.predict(np.array([1.0, 2.0]), 2.0).tolist() == [2.0, 4.0]
    with pytest.raises(ReplayError, match="more times"):
        ref.predict(np.array([1.0, 2.0]), 2.0)
    with pytest.raises(ReplayError, match="not recorded"):
        RecordedReference(json.loads(json.dumps(records))).predict(np.array([1.0, 3.0]), 2.0)


def test_a_test_that_hangs_is_stopped_by_its_time_limit():
    source = ('from autograder.testing import check, test\n\n\n@test("f", "loops")\ndef loops(student):\n'
              "    student.f()\n")
    info = {"assignment": "toy", "name": "loops", "question": "f", "description": "loops", "public": True,
            "reread": "l › s", "seed": 0, "timeout": 0.5}

    def f():
        while True:
            pass

    feedback = CourseTest(source, info).feedback({"f": f})
    assert "did not finish within 0.5 s" in feedback

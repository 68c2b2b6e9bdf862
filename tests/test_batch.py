"""`grade batch` loses nothing: atomic results, resumable, a row for every submission."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from autograder.batch import run_batch

from .conftest import COURSE, ROOT

SOLUTION = ROOT / "solutions" / "linear_regression.py"
TEMPLATE = ROOT / "student_template" / "linear_regression.py"


def make_class(folder, n):
    folder.mkdir()
    for i in range(n):
        shutil.copy(SOLUTION if i % 2 == 0 else TEMPLATE, folder / f"student{i:02d}.py")
    return folder


def rows(output):
    return {r["submission"]: r for r in csv.DictReader(open(output / "grades.csv"))}


def test_a_killed_batch_resumes_and_grades_each_remaining_submission_once(tmp_path):
    submissions = make_class(tmp_path / "in", 6)
    output = tmp_path / "out"
    command = [sys.executable, "-m", "autograder", "batch", str(submissions), "-o", str(output), "-j", "1",
               "--assignment", "linear_regression"]
    batch = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list((output / "results").glob("*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    done = {p.name: p.stat().st_mtime_ns for p in (output / "results").glob("*.json")}
    assert 2 <= len(done) < 6
    assert all(json.loads(p.read_text()) for p in (output / "results").glob("*.json"))  # none half-written

    run_batch(COURSE, submissions, output, jobs=2, resume=True, assignment_id="linear_regression")

    after = {p.name: p.stat().st_mtime_ns for p in (output / "results").glob("*.json")}
    assert {name: after[name] for name in done} == done  # finished ones were not graded again
    assert not list((output / "results").glob(".*.tmp"))  # what the killed batch left half-written is gone
    assert len(after) == 6 and set(rows(output)) == {f"student{i:02d}" for i in range(6)}
    assert [rows(output)[f"student{i:02d}"]["total"] for i in range(6)] == ["8", "0"] * 3


def test_a_submission_whose_grading_must_be_killed_still_gets_a_row(tmp_path):
    submissions = make_class(tmp_path / "in", 2)
    looping = "import time\ntime.sleep(600)\n"  # hangs at import: the worker is killed by the batch
    (submissions / "stuck.py").write_text(looping)
    documents = run_batch(COURSE, submissions, tmp_path / "out", jobs=2, assignment_id="linear_regression", timeout=8)
    table = rows(tmp_path / "out")
    assert set(table) == {"student00", "student01", "stuck"}
    assert table["stuck"]["status"] == "grading did not finish within 8 s" and table["stuck"]["total"] == "0"
    assert table["student00"]["total"] == "8"
    assert json.loads((tmp_path / "out" / "results" / "stuck.json").read_text())["submission"] == "stuck"
    assert len(documents) == 3


def _workers_of(pid: int) -> list[int]:
    """The `python -m autograder.grading_process` processes started by process `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid and b"autograder.grading_process" in command:
            found.append(int(entry))
    return found


def test_a_worker_killed_mid_grade_costs_only_the_submission_in_flight_and_resume_regrades_it(tmp_path):
    submissions = make_class(tmp_path / "in", 4)
    slow = SOLUTION.read_text() + "\nimport time\ntime.sleep(4)\n"  # at import: long enough to be caught
    (submissions / "student02.py").write_text(slow)
    output = tmp_path / "out"
    killed = []

    def kill_the_worker_grading_student02():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            if len(list((output / "graded").glob("*.json"))) == 2:  # student00 and 01 done: 02 is in flight
                for worker in _workers_of(os.getpid()):
                    os.kill(worker, signal.SIGKILL)
                    killed.append(worker)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_worker_grading_student02)
    killer.start()
    run_batch(COURSE, submissions, output, jobs=1, assignment_id="linear_regression")
    killer.join()
    assert killed
    table = rows(output)
    assert table["student02"]["status"] == "the grading process was killed by SIGKILL"
    assert [table[f"student{i:02d}"]["total"] for i in (0, 1, 3)] == ["8", "0", "0"]  # the next worker went on
    done = {p.name: p.stat().st_mtime_ns for p in (output / "graded").glob("*.json")}

    run_batch(COURSE, submissions, output, jobs=1, resume=True, assignment_id="linear_regression")

    after = {p.name: p.stat().st_mtime_ns for p in (output / "graded").glob("*.json")}
    assert sorted(after) == sorted(done) == [f"student{i:02d}.json" for i in range(4)]
    assert {name for name in after if after[name] != done[name]} == {"student02.json"}
    assert rows(output)["student02"]["total"] == "8" and rows(output)["student02"]["status"] == "graded"


def test_a_result_written_before_students_seeds_and_late_policies_still_reads():
    from autograder.results import from_json

    old = {"type": "SubmissionResult", "submission": "ada.py", "status": "graded", "extra": {}, "assignments": [
        {"type": "AssignmentResult", "assignment": "linear_regression", "title": "Linear regression", "notes": [],
         "tests": [{"type": "TestResult", "assignment": "linear_regression", "question": "predict", "name": "t",
                    "description": "d", "public": True, "max_score": 2.0, "duration": 0.1,
                    "verdict": {"type": "Verdict", "outcome": "passed"}}]}]}
    result = from_json(old)
    assert (result.score, result.max_score, result.penalty, result.student) == (2.0, 2.0, 0.0, "")
    assert result.assignments[0].tests[0].seed is None and not result.assignments[0].missing


def test_while_a_torch_template_warms_up_the_other_assignments_are_graded_first_to_the_same_results(
        tmp_path, monkeypatch):
    import autograder.pool as workers
    from autograder.sandbox.templates import Templates

    submissions = tmp_path / "in"
    for i, folder in enumerate(("solutions", "student_template")):
        (submissions / f"student{i}").mkdir(parents=True)
        for assignment in ("linear_regression", "xor_mlp", "parameter_counting"):
            shutil.copy(ROOT / folder / f"{assignment}.py", submissions / f"student{i}" / f"{assignment}.py")
    run_batch(COURSE, submissions, tmp_path / "at-once", jobs=2)

    merged = []
    monkeypatch.setattr(Templates, "is_ready", lambda self, kind: "torch" not in kind.preload)  # never warm
    merge = workers.merge_passes
    monkeypatch.setattr(workers, "merge_passes", lambda *passes: merged.append(passes) or merge(*passes))
    run_batch(COURSE, submissions, tmp_path / "in-two-passes", jobs=2)

    def graded(output):
        found = {}
        for path in sorted((output / "graded").glob("*.json")):
            result = json.loads(path.read_text())
            result["extra"].pop("seconds")
            for assignment in result["assignments"]:
                assignment.pop("student_seconds")
                for test in assignment["tests"]:
                    test.pop("duration")
            found[path.name] = result
        return found

    assert len(merged) == 2  # each hand-in: its numpy assignments first, then the torch ones
    assert [len(p.assignments) for passes in merged for p in passes] == [1, 2, 1, 2]
    assert graded(tmp_path / "in-two-passes") == graded(tmp_path / "at-once")
    assert rows(tmp_path / "in-two-passes") == rows(tmp_path / "at-once")


def test_a_batch_leaves_nothing_in_the_temporary_folder_and_removes_what_killed_graders_left(tmp_path, monkeypatch):
    import tempfile

    from autograder.sandbox.sweep import remove_stale_scratch

    folder = tmp_path / "tmp"  # the batch's own, so that other tests' scratch folders do not show up here
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    ended = subprocess.Popen(["true"])
    ended.wait()  # a pid no process has any more
    left = [folder / f"grade-{ended.pid}-killed", folder / f"grade-template-{ended.pid}-killed.log"]
    left[0].mkdir()
    left[1].write_text("")
    mine = folder / f"grade-{os.getpid()}-alive"
    mine.mkdir()
    try:
        assert remove_stale_scratch.__wrapped__() >= 2
        assert not any(path.exists() for path in left) and mine.exists()  # a live grader's folder stays

        run_batch(COURSE, make_class(tmp_path / "in", 2), tmp_path / "out", jobs=2, assignment_id="linear_regression")
        assert sorted(os.listdir(folder)) == [mine.name]
    finally:
        shutil.rmtree(mine, ignore_errors=True)


# --- a regrade is audited; --resume never mixes two versions of the course ---------------------------------------


def test_after_a_course_change_resume_refuses_and_regrade_records_every_changed_test_with_old_and_new_points(
        tmp_path, monkeypatch):
    from rich.console import Console

    from autograder.course import Course
    from autograder.errors import UsageError

    from . import exports

    course = exports.small_course(tmp_path / "course", settings="")
    monkeypatch.setenv("GRADE_COURSE_DIR", str(course))
    submissions = exports.canvas_download(tmp_path / "in")
    roster = exports.roster(tmp_path / "roster.csv", [*exports.CLASS, exports.EMPTY, exports.ABSENT])
    output = tmp_path / "out"
    run_batch(Course.load(course), submissions, output, jobs=2, roster=roster, console=Console(width=200))
    before = rows(output)
    toml = course / "assignments" / "linear_regression" / "assignment.toml"
    toml.write_text(toml.read_text().replace('name = "predict"\npoints = 2', 'name = "predict"\npoints = 3', 1))
    changed = Course.load(course)
    predict = [c.name for c in changed.get("linear_regression").tests(hidden=True) if c.question == "predict"]

    with pytest.raises(UsageError, match="graded with another version of the course.*Pass --regrade"):
        run_batch(changed, submissions, output, jobs=2, resume=True, roster=roster)
    console = Console(record=True, width=200)
    run_batch(changed, submissions, output, jobs=2, regrade=True, roster=roster, console=console)

    table = list(csv.DictReader(open(output / "changes.csv", encoding="utf-8")))
    assert list(table[0]) == ["student", "assignment", "test", "old", "new", "reason"]
    # Ada and Carol pass every predict test: each is worth more; Bob (the template), Dan (an empty file) and Eve
    # (nothing handed in) scored 0 on them before and after
    assert sorted((r["student"], r["test"]) for r in table) == sorted(
        (student, test) for student in ("Ada Lovelace", "Carol Shaw") for test in predict)
    for row in table:
        assert row["assignment"] == "linear_regression" and float(row["new"]) == pytest.approx(1.5 * float(row["old"]))
        assert row["reason"].startswith("the test's points changed (")
    after = rows(output)
    assert [after[s]["total"] for s in ("lovelaceada", "shawcarol", "babbagebob")] == ["9", "9", "0"]
    assert {after[s]["max_total"] for s in after} == {"9"}
    assert "regrade: 2 students' totals changed (2 up, 0 down)" in console.export_text()
    (previous,) = (output / "previous").iterdir()  # the earlier results, kept as they were
    assert {name: r["total"] for name, r in csv_rows(previous / "grades.csv").items()} == \
        {name: r["total"] for name, r in before.items()}
    assert len(list((previous / "graded").glob("*.json"))) == 5
    summary = (output / "reports" / "summary.html").read_text(encoding="utf-8")
    assert "regrade: 2 students&#x27; totals changed (2 up, 0 down)" in summary and 'href="changes.html"' in summary
    page = (output / "reports" / "changes.html").read_text(encoding="utf-8")
    assert page.count('<a href="feedback/lovelaceada.html">Ada Lovelace</a>') == len(predict)


def csv_rows(path):
    return {r["submission"]: r for r in csv.DictReader(open(path, encoding="utf-8"))}


def test_resume_and_regrade_together_are_one_sentence_and_exit_2(tmp_path):
    from click.testing import CliRunner

    from autograder.cli import main

    submissions = make_class(tmp_path / "in", 1)
    result = CliRunner().invoke(main, ["batch", str(submissions), "-o", str(tmp_path / "out"), "--resume",
                                       "--regrade"])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "contradict" in result.output


@pytest.mark.parametrize("command", [["batch", "{folder}", "-o", "{out}", "--assignment", "nosuch"],
                                     ["similarity", "{folder}", "-o", "{out}", "--assignment", "nosuch"],
                                     ["templates", "nosuch"]])
def test_an_unknown_assignment_is_one_sentence_and_exit_2(command, tmp_path):
    from click.testing import CliRunner

    from autograder.cli import main

    submissions = make_class(tmp_path / "in", 1)
    args = [a.format(folder=submissions, out=tmp_path / "out") for a in command]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "'nosuch' is not an assignment of this course; expected one of: linear_regression" in result.output
    assert not (tmp_path / "out").exists()


def test_an_unusable_hand_in_has_a_status_that_says_what_it_is_not_graded_0(tmp_path):
    from click.testing import CliRunner

    from autograder.cli import main

    submissions = make_class(tmp_path / "in", 1)
    (submissions / "bin_linear_regression.py").write_bytes(b"\x7fELF\x02\x01\x00\x00" * 8)
    (submissions / "nb_linear_regression.ipynb").write_text("{not json")
    (submissions / "zero_linear_regression.py").write_bytes(b"")
    (submissions / "zipped.zip").write_bytes(b"PK\x03\x04 not really a zip")
    result = CliRunner().invoke(main, ["batch", str(submissions), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    table = rows(tmp_path / "out")
    assert {name: (row["status"], row["total"], row["max_total"]) for name, row in table.items()} == {
        "student00": ("graded", "8", "8"), "bin": ("binary file", "0", "8"),
        "nb": ("not a notebook (invalid JSON)", "0", "8"), "zero": ("empty file", "0", "8"),
        "zipped": ("unreadable archive", "0", "8")}
    assert "binary file" in result.output and "unreadable archive" in result.output  # the score table
    summary = (tmp_path / "out" / "reports" / "summary.md").read_text(encoding="utf-8")
    assert "Students: 5: 1 graded, 1 empty file, 1 binary file, 1 not a notebook (invalid JSON), 1 unreadable " \
           "archive" in summary
    assert "[`bin`](feedback/bin.md): binary file: bin_linear_regression.py is a binary file" in summary

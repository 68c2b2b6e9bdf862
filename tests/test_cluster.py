"""Grading on a Celery cluster: a real redis-server on loopback and real `grade worker` processes.

The batch's results are the same as a local batch's; a worker killed mid-grade, a submission
that kills its grader every time, a broker restart and an interrupted batch lose nothing and
grade nothing twice; a worker refuses another course version; the broker is untrusted transport.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from autograder.batch import run_batch
from autograder.cluster.app import TASK, make_app
from autograder.cluster.checked import from_untrusted_json
from autograder.cluster.payload import PayloadError, pack, unpack
from autograder.results import Status, SubmissionResult, to_json

from .cluster import REDIS, VISIBILITY, Redis, Workers
from .conftest import COURSE, FAULT_PLUGIN, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.skipif(REDIS is None, reason="redis-server is not installed "
                                                                        "(sh scripts/install.sh installs it as root)")]
SOLUTION = ROOT / "solutions" / "linear_regression.py"
TEMPLATE = ROOT / "student_template" / "linear_regression.py"


@pytest.fixture
def redis(tmp_path):
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers(redis):
    started = Workers(redis.url, {"PYTHONPATH": str(FAULT_PLUGIN),  # the grader dies grading "killer", each time
                                  "GRADE_TEST_FAULTS": "autograder.loading:read_submission:killer:kill"})
    started.start(2)
    yield started
    started.stop()


def make_class(folder: Path, n: int) -> Path:
    """n students' folders, each with linear_regression.py: the solution, then the template, in turn."""
    for i in range(n):
        (folder / f"student{i:02d}").mkdir(parents=True)
        shutil.copy(SOLUTION if i % 2 == 0 else TEMPLATE, folder / f"student{i:02d}" / "linear_regression.py")
    return folder


def graded(output: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in (output / "graded").glob("*.json")}


def outcomes(result: dict) -> list:
    return [(a["assignment"], [(t["name"], t["verdict"]["outcome"], t["max_score"]) for t in a["tests"]])
            for a in result["assignments"]]


def rows(output: Path) -> dict[str, dict]:
    return {r["submission"]: r for r in csv.DictReader(open(output / "grades.csv"))}


def test_a_cluster_batch_gives_the_same_grades_and_verdicts_as_a_local_one(tmp_path, redis, workers):
    submissions = make_class(tmp_path / "in", 4)
    (submissions / "dana").mkdir()  # a folder with two assignments: two files of one hand-in
    shutil.copy(SOLUTION, submissions / "dana" / "linear_regression.py")
    shutil.copy(ROOT / "student_template" / "activations.py", submissions / "dana" / "activations.py")
    local, cluster = tmp_path / "local", tmp_path / "cluster"

    run_batch(COURSE, submissions, local, jobs=2)
    run_batch(COURSE, submissions, cluster, jobs=2, broker=redis.url)

    assert (cluster / "grades.csv").read_text() == (local / "grades.csv").read_text()
    here, there = graded(local), graded(cluster)
    assert sorted(here) == sorted(there) == ["dana", "student00", "student01", "student02", "student03"]
    assert all(outcomes(here[name]) == outcomes(there[name]) for name in here)
    assert {there[name]["extra"]["worker"] for name in there} <= {n for n in make_app(redis.url).control.inspect(
        timeout=1).ping()}


def test_a_worker_killed_mid_grade_loses_nothing_and_grades_nothing_twice(tmp_path, redis, workers):
    submissions = make_class(tmp_path / "in", 6)
    slow = SOLUTION.read_text() + "\nimport time\ntime.sleep(3)\n"  # at import: long enough to be caught
    for i in range(6):
        (submissions / f"student{i:02d}" / "linear_regression.py").write_text(slow)
    output = tmp_path / "out"
    killed = []

    def kill_one_worker_mid_grade():
        victim = workers.processes[0]
        inspect = make_app(redis.url).control.inspect(destination=[f"grade-{victim.pid}@{socket.gethostname()}"],
                                                      timeout=0.5)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any((inspect.active() or {}).values()):
            time.sleep(0.1)
        time.sleep(0.5)  # in the middle of its grade: the submission sleeps 3 s at import
        killed.append(victim)
        workers.kill(victim)

    killer = threading.Thread(target=kill_one_worker_mid_grade)
    killer.start()
    run_batch(COURSE, submissions, output, jobs=2, assignment_id="linear_regression", broker=redis.url)
    killer.join()

    assert killed
    results = graded(output)
    assert sorted(results) == [f"student{i:02d}" for i in range(6)]  # each once: one file per hand-in
    assert all(r["status"] == "graded" for r in results.values())
    assert any(r["extra"]["tries"] == 2 for r in results.values())  # the killed worker's task, given to the other
    assert [rows(output)[f"student{i:02d}"]["total"] for i in range(6)] == ["8"] * 6


def test_a_submission_that_kills_its_grader_every_time_is_failed_after_three_tries(tmp_path, redis, workers):
    submissions = make_class(tmp_path / "in", 2)
    (submissions / "killer").mkdir()  # its grader dies each time: see `workers`
    shutil.copy(SOLUTION, submissions / "killer" / "linear_regression.py")
    output = tmp_path / "out"

    run_batch(COURSE, submissions, output, jobs=2, assignment_id="linear_regression", broker=redis.url)

    table = rows(output)
    assert "died in each of 3 tries" in table["killer"]["status"]
    assert table["student00"]["total"] == "8" and table["student01"]["status"] == "graded"


def test_a_resumed_cluster_batch_grades_only_what_is_missing(tmp_path, redis, workers):
    submissions = make_class(tmp_path / "in", 4)
    output = tmp_path / "out"
    run_batch(COURSE, submissions, output, jobs=2, assignment_id="linear_regression", broker=redis.url)
    (output / "graded" / "student02.json").unlink()
    kept = {p.name: p.stat().st_mtime_ns for p in (output / "graded").glob("*.json")}

    run_batch(COURSE, submissions, output, jobs=2, resume=True, assignment_id="linear_regression", broker=redis.url)

    after = {p.name: p.stat().st_mtime_ns for p in (output / "graded").glob("*.json")}
    assert {name: after[name] for name in kept} == kept and "student02.json" in after
    assert rows(output)["student02"]["total"] == "8"


def test_a_broker_restart_during_a_batch_loses_nothing_and_delays_it_by_seconds(tmp_path, redis, workers):
    """The worst moment: the broker stops while a worker holds the lock under which workers give a dead
    worker's tasks back (the append-only file keeps it). Kombu's own expiry of that lock, 300 s, once held
    this batch for five minutes; the course's is seconds."""
    import redis as redis_client

    submissions = make_class(tmp_path / "in", 6)
    output = tmp_path / "out"
    expire = make_app(redis.url, visibility_timeout=VISIBILITY).conf.broker_transport_options["unacked_mutex_expire"]
    restarted = []

    def restart_the_broker():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list((output / "graded").glob("*.json")):
            time.sleep(0.05)
        redis_client.Redis.from_url(redis.url).set("unacked_mutex", "a worker's", ex=expire)
        redis.stop()
        time.sleep(1)
        redis.start()
        restarted.append(time.monotonic())

    restarter = threading.Thread(target=restart_the_broker)
    restarter.start()
    run_batch(COURSE, submissions, output, jobs=2, assignment_id="linear_regression", broker=redis.url)
    ended = time.monotonic()
    restarter.join()

    assert sorted(graded(output)) == [f"student{i:02d}" for i in range(6)]
    assert [rows(output)[f"student{i:02d}"]["total"] for i in range(6)] == ["8", "0"] * 3
    assert expire <= 3 * VISIBILITY + 2 and ended - restarted[0] < 120  # not kombu's 300 s


def test_a_worker_refuses_a_task_from_another_course_version_and_says_why(tmp_path, redis, workers):
    payload = pack(SOLUTION, course="0123456789abcdef", assignment="linear_regression", student="")
    task = make_app(redis.url).send_task(TASK, args=[payload])
    result = from_untrusted_json(task.get(timeout=60))
    assert result.status is Status.REFUSED and "refused" in result.said and "0123456789abcdef" in result.said
    assert COURSE.version in result.said


def test_without_gpu_workers_mnist_training_falls_back_to_the_cpu_queue_and_the_result_says_so(tmp_path, redis,
                                                                                               workers):
    submissions = tmp_path / "in"
    (submissions / "ada").mkdir(parents=True)
    shutil.copy(ROOT / "student_template" / "mnist_training.py", submissions / "ada" / "mnist_training.py")
    output = tmp_path / "out"

    run_batch(COURSE, submissions, output, jobs=1, assignment_id="mnist_training", broker=redis.url)

    result = next(iter(graded(output).values()))
    assert result["status"] == "graded" and result["extra"]["queue"] == "cpu"
    assert any("no GPU worker" in note for note in result["notes"])


def test_odd_names_cross_the_broker_and_an_answer_the_batch_cannot_read_costs_only_its_student(
        tmp_path, redis, workers, inject):
    submissions = make_class(tmp_path / "in", 2)
    for name in (os.fsdecode(b"b\xffob"), "victimanswer"):
        (submissions / name).mkdir()
        shutil.copy(SOLUTION, submissions / name / "linear_regression.py")
    inject("autograder.cluster.collect:_result", "victimanswer")
    output = tmp_path / "out"

    run_batch(COURSE, submissions, output, jobs=2, assignment_id="linear_regression", broker=redis.url)

    table = rows(output)
    assert (table["b_ob"]["student"], table["b_ob"]["total"]) == ("b\\xffob", "8")
    assert table["victimanswer"]["status"].startswith("the batch could not read the worker's answer: RuntimeError")
    assert table["student00"]["total"] == "8" and table["student01"]["status"] == "graded"


# ------------------------------------------------------------------ the broker is untrusted transport

def test_a_payload_carries_bytes_and_a_name_and_unpacks_only_inside_its_folder(tmp_path):
    payload = pack(SOLUTION, course="v", assignment=None, student="ada@example.org")
    assert set(payload["files"]) == {"linear_regression.py"} and "/" not in json.dumps(payload["name"])
    path, assignment, student = unpack(payload, ["linear_regression"], tmp_path)
    assert path.read_bytes() == SOLUTION.read_bytes() and (assignment, student) == (None, "ada@example.org")
    data = base64.b64encode(b"x = 1\n").decode()
    for bad in ({**payload, "files": {"../escape.py": data}}, {**payload, "files": {"/etc/x.py": data}},
                {**payload, "name": "..", "files": {"../x.py": data}}, {**payload, "files": {"other/x.py": data}},
                {**payload, "files": {"linear_regression.py": "not base64!"}}, {**payload, "extra": 1},
                {**payload, "assignment": "no_such_assignment"}, "just a string"):
        with pytest.raises(PayloadError):
            unpack(bad, ["linear_regression"], tmp_path / "bad")
    assert not (tmp_path / "escape.py").exists() and not (tmp_path / "bad").exists()


def test_a_result_from_the_broker_is_checked_for_shape_before_use():
    good = to_json(SubmissionResult("ada.py", status="graded"))
    assert from_untrusted_json(good).submission == "ada.py"
    for bad in ({**good, "status": 3}, {**good, "assignments": [{"type": "TestResult"}]}, {**good, "notes": "x"},
                {**good, "type": "Verdict"}, {**good, "extra": ["not", "a", "mapping"]}, [good]):
        with pytest.raises((ValueError, TypeError)):
            from_untrusted_json(bad)

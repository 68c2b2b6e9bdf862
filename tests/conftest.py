"""Shared helpers for the project's own tests."""

from __future__ import annotations

import importlib
import os
import urllib.request
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.pysource import replace_definition  # noqa: F401 - the tests' helper

ROOT = Path(__file__).resolve().parent.parent
#: This repository's course, loaded once (each test that changes a course loads its own copy).
COURSE = Course.load(ROOT)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to download (urllib, as the MNIST loader does) fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("tests must not use the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.fixture
def sample_mnist_only(no_network, monkeypatch, tmp_path):
    """No network, no $MNIST_DIR from the caller and a cache folder of the test's own: the shipped sample."""
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture(autouse=True)
def _course_root(monkeypatch):
    """Every test sees this repository as the course, wherever pytest was started."""
    monkeypatch.setenv("GRADE_COURSE_DIR", str(ROOT))


@pytest.fixture
def inject(monkeypatch):
    """`inject("module:function", needle, action)` breaks the grader's `module.function` for one hand-in (calls
    whose arguments mention `needle`): in this process, and in every grader process it starts (the batch's
    workers, `grade worker`, the similarity report: tests/fault_plugin). Returns nothing; undone after the test."""
    from .fault_plugin.sitecustomize import broken

    faults: list[str] = []

    def inject(target: str, needle: str, action: str = "raise") -> None:
        module_name, function_name = target.split(":")
        module = importlib.import_module(module_name)
        if action != "kill":  # a kill is for the grader's other processes, never the test's own
            monkeypatch.setattr(module, function_name, broken(getattr(module, function_name), needle, action))
        faults.append(f"{target}:{needle}:{action}")
        monkeypatch.setenv("GRADE_TEST_FAULTS", ";".join(faults))
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(FAULT_PLUGIN),
                                                                       os.environ.get("PYTHONPATH")])))

    return inject


FAULT_PLUGIN = ROOT / "tests" / "fault_plugin"


def solution_source(assignment_id: str) -> str:
    return (ROOT / "solutions" / f"{assignment_id}.py").read_text(encoding="utf-8")


def mutants():
    """Every plausible wrong implementation in tests/mutants, as pytest params
    `(assignment_id, question, name_replaced, source)`."""
    for assignment_id in COURSE.assignments:
        try:
            module = importlib.import_module(f"tests.mutants.{assignment_id}")
        except ModuleNotFoundError:
            continue
        for question, name, description, source in module.MUTANTS:
            yield pytest.param(assignment_id, question, name, source, id=f"{assignment_id}-{question}-{description}")

"""`grade similarity`: a copied pair is found through its disguise, and honest work is not.

tests/data/similarity/class is a class of seven. Ana, Ben, Chloe, Dev, Emma and Finn each solved
linear_regression and gradient_descent on their own, in the styles students write (vectorised,
loops, helpers, matrices); every file scores full marks. Gus copied Dev's files and disguised
them: every variable renamed, the functions reordered, docstrings added, comments reworded,
lines broken differently.

tests/data/similarity/honest holds six more honest linear_regression solutions (Ivy to Nia), and
tests/data/similarity/rewritten/hal Hal's copy of Emma's files, lightly rewritten: every line
touched, expressions split into temporaries, operands swapped, no-ops between the lines (`pass`, an
unused variable, `* 1`, `if False:`). Every file scores full marks.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest
from click.testing import CliRunner
from rich.console import Console

from autograder.batch import run_batch
from autograder.cli import main
from autograder.similarity.compare import compare_class
from autograder.similarity.normalise import normalise
from autograder.similarity.report import THRESHOLD

from .conftest import COURSE, ROOT, replace_definition

DATA = ROOT / "tests" / "data" / "similarity"
CLASS, HONEST, HAL = DATA / "class", DATA / "honest", DATA / "rewritten" / "hal"
COPIED = {"dev", "gus"}
STUDENTS = ["ana", "ben", "chloe", "dev", "emma", "finn"]  # the class's honest ones


@pytest.fixture(scope="module")
def comparisons():
    return {c.assignment: c for c in compare_class(COURSE, CLASS)}


@pytest.mark.parametrize("assignment_id", ["linear_regression", "gradient_descent"])
def test_the_disguised_pair_ranks_first_and_no_honest_pair_reaches_the_threshold(comparisons, assignment_id):
    pairs = comparisons[assignment_id].pairs
    assert {pairs[0].a.name, pairs[0].b.name} == COPIED
    assert pairs[0].similarity >= 0.9
    assert all(share >= 0.9 for share in (o.share for o in pairs[0].units.values()))
    honest = [(p.a.name, p.b.name, round(p.similarity, 2)) for p in pairs[1:]]
    assert all(similarity < THRESHOLD for *_, similarity in honest), honest


def test_renaming_reordering_recommenting_and_reformatting_leave_the_canonical_code_unchanged():
    original = ("import numpy as np\n\ndef residuals(y_hat, y):\n    return np.asarray(y_hat) - y\n\n"
                "def mse_cost(y_hat, y):\n    # half the mean square\n    e = residuals(y_hat, y)\n"
                "    return float(np.mean(e ** 2) / 2)\n")
    disguised = ('import numpy as numpy_lib\n\n\ndef mse_cost(pred: list, target) -> float:\n    """Cost."""\n'
                 "    err = residuals(pred,\n                    target)  # the errors\n"
                 "    return float(numpy_lib.mean(err**2) / 2)\n\n\ndef residuals(a, b):\n"
                 "    return (numpy_lib.asarray(a) - b)\n")
    functions = {"residuals", "mse_cost"}
    assert {k: u.text for k, u in normalise(original, functions).items()} == \
           {k: u.text for k, u in normalise(disguised, functions).items()}


def test_library_calls_keep_their_names_so_different_code_stays_different():
    functions = {"f"}
    one = normalise("import numpy as np\ndef f(x):\n    return np.sum(x)\n", functions)["f"].text
    other = normalise("import numpy as np\ndef f(x):\n    return np.mean(x)\n", functions)["f"].text
    assert "numpy.sum(v1)" in one and one != other


def test_the_templates_code_is_left_out_so_untouched_templates_are_not_alike(tmp_path):
    for name in ("a", "b", "c"):
        shutil.copy(ROOT / "student_template" / "linear_regression.py", tmp_path / f"{name}.py")
    assert compare_class(COURSE, tmp_path, assignment_id="linear_regression") == []


def test_a_notebook_is_compared_by_its_code_cells(tmp_path):
    for student in ("ana", "ben", "dev"):
        shutil.copy(CLASS / student / "linear_regression.py", tmp_path / f"{student}.py")
    code = (CLASS / "gus" / "linear_regression.py").read_text(encoding="utf-8")
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"language": "python"}},
                "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# My work"},
                          {"cell_type": "code", "metadata": {}, "source": code, "outputs": [], "execution_count": 1}]}
    (tmp_path / "gus.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (comparison,) = compare_class(COURSE, tmp_path, assignment_id="linear_regression")
    assert {comparison.pairs[0].a.name, comparison.pairs[0].b.name} == {"dev.py", "gus.ipynb"}


def test_an_archive_of_earlier_terms_is_compared_with_the_class_but_not_with_itself(tmp_path):
    current, archive = tmp_path / "2026-fall", tmp_path / "2025-fall"
    for folder, students in ((current, ("ana", "ben", "dev")), (archive, ("gus", "emma"))):
        for student in students:
            shutil.copytree(CLASS / student, folder / student)
    (comparison,) = compare_class(COURSE, current, archives=[archive], assignment_id="linear_regression")
    top = comparison.pairs[0]
    assert {top.a.name, top.b.name} == {"dev", "2025-fall/gus"} and top.similarity >= 0.9
    assert not [p for p in comparison.pairs if p.a.archived and p.b.archived]
    assert comparison.compared == 3


def test_grade_similarity_writes_a_ranked_table_and_a_page_per_pair_that_says_it_is_no_verdict(tmp_path):
    result = CliRunner().invoke(main, ["similarity", str(CLASS), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "dev – gus" in result.output and "not a verdict" in result.output
    table = list(csv.DictReader(open(tmp_path / "out" / "similarity.csv", encoding="utf-8")))
    first = {r["assignment"]: r for r in table if r["rank"] == "1"}
    assert set(first) == {"linear_regression", "gradient_descent"}
    for row in first.values():
        assert {row["submission_a"], row["submission_b"]} == COPIED and float(row["matched_share"]) >= 0.9
        assert "fit" in row["similarity_per_function"] and row["page"]
    page = (tmp_path / "out" / first["linear_regression"]["page"]).read_text(encoding="utf-8")
    assert "evidence for a person to review, not a verdict" in page
    assert page.count("<mark>") >= 10 and "can&#x27;t compute a slope" in page  # gus's own lines, side by side
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "not a verdict" in index and first["gradient_descent"]["page"] in index


def test_a_submission_that_cannot_be_read_is_named_and_the_rest_compared(tmp_path):
    for student in ("ana", "dev", "gus"):
        shutil.copytree(CLASS / student, tmp_path / student)
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    (comparison, _) = compare_class(COURSE, tmp_path)
    assert "broken.zip" in comparison.skipped
    assert {comparison.pairs[0].a.name, comparison.pairs[0].b.name} == COPIED


def test_grade_batch_writes_the_similarity_report_among_its_class_reports(tmp_path):
    (tmp_path / "in").mkdir()
    for student in ("ana", "dev", "gus"):
        shutil.copy(CLASS / student / "linear_regression.py", tmp_path / "in" / f"{student}.py")
    run_batch(COURSE, tmp_path / "in", tmp_path / "out", jobs=2, assignment_id="linear_regression",
              console=Console(file=io.StringIO()))
    table = list(csv.DictReader(open(tmp_path / "out" / "reports" / "similarity" / "similarity.csv")))
    assert {table[0]["submission_a"], table[0]["submission_b"]} == {"dev.py", "gus.py"}


@pytest.mark.parametrize("assignment_id", ["linear_regression", "gradient_descent"])
def test_a_copy_disguised_by_light_rewriting_ranks_first_above_the_threshold(tmp_path, assignment_id):
    for student in STUDENTS:
        shutil.copytree(CLASS / student, tmp_path / student)
    for student in (HONEST.iterdir() if assignment_id == "linear_regression" else ()):
        shutil.copytree(student, tmp_path / student.name)
    shutil.copytree(HAL, tmp_path / "hal")
    (comparison,) = compare_class(COURSE, tmp_path, assignment_id=assignment_id)
    top, *honest = comparison.pairs
    assert {top.a.name, top.b.name} == {"emma", "hal"} and top.similarity >= THRESHOLD
    assert all(p.similarity < THRESHOLD for p in honest), [(p.a.name, p.b.name, p.similarity) for p in honest]


LEAKED = """def mse_cost(y_hat, y):
    predictions = np.asarray(y_hat, dtype=float).ravel()
    targets = np.asarray(y, dtype=float).ravel()
    if predictions.shape != targets.shape:
        raise ValueError("y_hat and y must have the same length")
    squared = (predictions - targets) ** 2
    return float(squared.sum() / (2 * len(targets)))
"""


def test_code_shared_by_most_of_the_class_is_reported_with_the_students_who_share_it(tmp_path):
    folders = [CLASS / s for s in STUDENTS] + sorted(HONEST.iterdir())
    leaked = ["ana", "chloe", "emma", "ivy", "kai", "lea", "nia"]
    for folder in folders:
        source = (folder / "linear_regression.py").read_text(encoding="utf-8")
        if folder.name in leaked:
            source = replace_definition(source, "mse_cost", LEAKED.replace("squared", f"{folder.name}_sq"))
        (tmp_path / "in" / folder.name).mkdir(parents=True)
        (tmp_path / "in" / folder.name / "linear_regression.py").write_text(source, encoding="utf-8")
    result = CliRunner().invoke(main, ["similarity", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    said = re.escape("7 of 12 submissions share `mse_cost`'s code") + r" \(\d+ lines\): " + ", ".join(leaked)
    index_md, index_html = ((tmp_path / "out" / f).read_text(encoding="utf-8") for f in ("index.md", "index.html"))
    assert re.search(f"^  shared by many: {said}$", result.output, re.MULTILINE)
    assert re.search(f"^- {said}$", index_md, re.MULTILINE)
    assert re.search(f"<li>{said}</li>", re.sub("</?code>", "`", index_html).replace("&#x27;", "'"))


def test_a_report_never_says_no_pair_shares_code_when_the_whole_class_shares_it(tmp_path):
    students = ["ann", "bob", "cy", "di", "eve", "flo"]
    dev = (CLASS / "dev" / "linear_regression.py").read_text(encoding="utf-8")
    for i, student in enumerate(students):
        renamed = dev.replace("centred", f"c{i}").replace("features", f"inputs_{i}")
        (tmp_path / "in" / student).mkdir(parents=True)
        (tmp_path / "in" / student / "linear_regression.py").write_text(renamed, encoding="utf-8")
    result = CliRunner().invoke(main, ["similarity", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    said = (re.escape("6 of 6 submissions share the code of `fit_closed_form`, `mse_cost`, `predict` and "
                      "`residuals`") + r" \(\d+ lines\): " + ", ".join(students))
    for page in ("index.md", "index.html"):
        text = re.sub("</?code>", "`", (tmp_path / "out" / page).read_text(encoding="utf-8"))
        assert re.search(said, text) and "No pair shares code." not in text


HOSTILE = {
    "nested": ("def predict(X, w, b):\n    return " + "(" * 1000 + "X" + ")" * 1000 + "\n", "does not parse"),
    "unary": ("def predict(X, w, b):\n    return " + "-" * 100_000 + "X\n", "nested too deeply to parse"),
    "chain": ("def predict(X, w, b):\n    return X" + " + X" * 1000 + "\n", "nests more than"),
    "statements": ("".join(f"w{i} = {i} * 2 + 1\n" for i in range(10_000)), "syntax nodes"),
    "one_line": ("X = [" + "1," * (1024**2 - 1024) + "]\n", "more than 256 KiB of code"),
    "broken": ("def predict(X, w, b)\n    return X\n", "does not parse"),
}


def test_hostile_submissions_are_listed_as_not_compared_and_the_rest_of_the_report_is_complete(tmp_path):
    for student in ("ana", "dev", "gus"):
        shutil.copytree(CLASS / student, tmp_path / "in" / student)
    for name, (source, _) in HOSTILE.items():
        (tmp_path / "in" / name).mkdir()
        (tmp_path / "in" / name / "linear_regression.py").write_text(source, encoding="utf-8")
    result = CliRunner().invoke(main, ["similarity", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                       "--assignment", "linear_regression"])
    assert result.exit_code == 0, result.output
    assert "3 submissions compared; 1 pair(s) at or above 60 % matched share; 6 not compared" in result.output
    table = list(csv.DictReader(open(tmp_path / "out" / "similarity.csv", encoding="utf-8")))
    assert {table[0]["submission_a"], table[0]["submission_b"]} == COPIED and table[0]["page"]
    reasons = dict(re.findall(r"^- not compared: `(.+?)`: (.+)$", (tmp_path / "out" / "index.md").read_text(
        encoding="utf-8"), re.MULTILINE))
    assert set(reasons) == set(HOSTILE)
    for name, (_, reason) in HOSTILE.items():
        assert reason in reasons[name], reasons[name]

"""Reading submissions: .py, .ipynb, folders and zips become source text, nothing runs."""

from __future__ import annotations

import zipfile

import nbformat
import pytest

from autograder.cells import notebook_to_source
from autograder.loading import SubmissionError, assignment_of, read_submission, to_source

KNOWN = ["linear_regression", "gradient_descent"]


def notebook(*cells, language="python"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "x", "display_name": "x", "language": language}
    nb.cells = list(cells)
    return nbformat.writes(nb)


def test_a_python_file_is_read_as_is(tmp_path):
    path = tmp_path / "linear_regression.py"
    path.write_text("def predict(X, w, b):\n    return X\n")
    submission = read_submission(path, KNOWN)
    assert submission.sources["linear_regression"].text.startswith("def predict")


def test_the_assignment_comes_from_the_option_when_the_name_does_not_say(tmp_path):
    path = tmp_path / "my_work.py"
    path.write_text("x = 1\n")
    with pytest.raises(SubmissionError, match="cannot tell which assignment"):
        read_submission(path, KNOWN)
    assert "linear_regression" in read_submission(path, KNOWN, assignment="linear_regression").sources


def test_notebook_code_cells_are_joined_and_magics_made_inert():
    text = notebook(nbformat.v4.new_markdown_cell("# Title"),
                    nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np\n!pip install x"),
                    nbformat.v4.new_code_cell("%%timeit\nslow()"),
                    nbformat.v4.new_code_cell("def f():\n    return 1\nfiles = !ls"))
    source, cells = notebook_to_source(text)
    compile(source, "nb", "exec")
    assert [c.label for c in cells.cells] == ['the 2nd cell under "Title"', 'the 4th cell under "Title"']
    assert cells.place(source.splitlines().index("def f():") + 1) == 'the 4th cell under "Title", line 1'
    assert "import numpy as np" in source and "def f():" in source
    assert "slow()" not in source and "%matplotlib" not in source.replace("left out: %matplotlib", "")


def test_check_cells_are_left_out():
    check = nbformat.v4.new_code_cell('check("linear_regression", "predict", globals())')
    check.metadata["tags"] = ["grader-check"]
    source, _ = notebook_to_source(notebook(nbformat.v4.new_code_cell("x = 1"), check))
    assert "check(" not in source


@pytest.mark.parametrize(("data", "problem"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
    (b"x = '\xff\xfe'\n", "not UTF-8"),
])
def test_unreadable_python_files_become_a_problem_not_an_exception(data, problem):
    assert problem in to_source("linear_regression", "linear_regression.py", data).problem


def test_a_notebook_with_invalid_json_is_a_clear_problem():
    source = to_source("linear_regression", "linear_regression.ipynb", b"{not json")
    assert "not valid JSON" in source.problem


def test_a_notebook_in_another_language_is_refused():
    source = to_source("linear_regression", "linear_regression.ipynb",
                       notebook(nbformat.v4.new_code_cell("x <- 1"), language="R").encode())
    assert "'R'" in source.problem


def test_an_empty_file_is_empty_source(tmp_path):
    assert to_source("linear_regression", "linear_regression.py", b"").text == ""


def test_a_folder_is_searched_for_assignment_files(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "linear_regression.py").write_text("a = 1\n")
    (tmp_path / "gradient_descent.ipynb").write_text(notebook(nbformat.v4.new_code_cell("b = 2")))
    (tmp_path / "notes.py").write_text("ignored = True\n")
    submission = read_submission(tmp_path, KNOWN)
    assert set(submission.sources) == {"linear_regression", "gradient_descent"}


def test_a_py_file_is_preferred_to_a_notebook_of_the_same_assignment(tmp_path):
    (tmp_path / "linear_regression.py").write_text("a = 1\n")
    (tmp_path / "linear_regression.ipynb").write_text(notebook(nbformat.v4.new_code_cell("a = 2")))
    submission = read_submission(tmp_path, KNOWN)
    assert submission.sources["linear_regression"].origin == "linear_regression.py"
    assert any("ignored linear_regression.ipynb" in note for note in submission.notes)


def test_a_zip_is_read_in_memory_and_path_traversal_is_ignored(tmp_path):
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("alice/linear_regression.py", "a = 1\n")
        z.writestr("../../gradient_descent.py", "evil = True\n")
    submission = read_submission(archive, KNOWN)
    assert set(submission.sources) == {"linear_regression"}
    assert any("outside the archive" in note for note in submission.notes)
    assert not (tmp_path.parent / "gradient_descent.py").exists()


def test_a_zip_bomb_is_cut_off(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("linear_regression.py", "#" * (50 * 1024**2))
    source = read_submission(archive, KNOWN).sources["linear_regression"]
    assert source.text is None and "larger than" in source.problem


def test_a_corrupt_zip_is_a_clear_error(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SubmissionError, match="not a readable zip"):
        read_submission(archive, KNOWN)


def test_a_folder_without_assignment_files_is_a_clear_error(tmp_path):
    (tmp_path / "readme.txt").write_text("hi")
    with pytest.raises(SubmissionError, match="no assignment files found"):
        read_submission(tmp_path, KNOWN)


@pytest.mark.parametrize(("name", "assignment_id"), [
    ("linear_regression.py", "linear_regression"),
    ("dave_linear_regression.py", "linear_regression"),            # a platform's (or the student's) prefix
    ("lovelaceada_501_9001_linear_regression-1.py", "linear_regression"),  # Canvas: ids, then a re-submission
    ("Ada Lovelace - gradient_descent (2).ipynb", "gradient_descent"),
    ("DAVE_Linear_Regression.py", "linear_regression"),
    ("my_work.py", None),
    ("linear_regressions.py", None),                               # not the id, only like it
    ("linear_regression.txt", None),
])
def test_the_assignment_is_the_id_a_files_name_ends_in(name, assignment_id):
    assert assignment_of(name, KNOWN) == assignment_id


def test_the_longest_id_a_name_ends_in_wins():
    assert assignment_of("ada_logistic_regression.py", ["regression", "logistic_regression"]) == "logistic_regression"


def test_a_prefixed_file_is_graded_as_its_assignment(tmp_path):
    path = tmp_path / "dave_linear_regression.py"
    path.write_text("a = 1\n")
    assert read_submission(path, KNOWN).sources["linear_regression"].origin == "dave_linear_regression.py"


def test_an_exact_name_wins_over_a_prefixed_one(tmp_path):
    (tmp_path / "linear_regression.py").write_text("a = 1\n")
    (tmp_path / "old_linear_regression.py").write_text("a = 2\n")
    submission = read_submission(tmp_path, KNOWN)
    assert submission.sources["linear_regression"].origin == "linear_regression.py"
    assert submission.notes == ["linear_regression: graded linear_regression.py; ignored old_linear_regression.py"]


def test_two_prefixed_files_of_one_assignment_are_reported_as_ambiguous(tmp_path):
    (tmp_path / "ada_linear_regression.py").write_text("a = 1\n")
    (tmp_path / "draft_linear_regression.py").write_text("a = 2\n")
    submission = read_submission(tmp_path, KNOWN)
    assert submission.sources["linear_regression"].origin == "ada_linear_regression.py"
    (note,) = submission.notes
    assert "2 files could be this assignment" in note and "hand in one file named linear_regression.py" in note

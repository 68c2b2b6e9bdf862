"""Class reports from `grade batch`'s documents: feedback, a class summary, charts and grade exports."""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path

import pytest
from rich.console import Console

from autograder.errors import RosterError
from autograder.grader import grade_source
from autograder.layouts.roster import read_roster
from autograder.reports.class_reports import write_class_reports
from autograder.results import AssignmentResult, Status, SubmissionResult

from .conftest import COURSE, ROOT, replace_definition, solution_source

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
ASSIGNMENT = COURSE.get("linear_regression")
TITLE = f"{ASSIGNMENT.number}. {ASSIGNMENT.title}"


def document(name: str, source: str) -> SubmissionResult:
    """The result `grade batch` keeps for a submission (see pool.Worker)."""
    return SubmissionResult(name, [grade_source(ASSIGNMENT, source)])


@pytest.fixture(scope="module")
def documents() -> list[SubmissionResult]:
    wrong = replace_definition(solution_source("linear_regression"), "predict",
                               "def predict(X, w, b):\n    return np.dot(X, w)\n")
    return [document("ada.py", solution_source("linear_regression")),
            document("bob", (ROOT / "student_template" / "linear_regression.py").read_text()),
            document("carol.py", wrong),
            SubmissionResult("eve.zip", status=Status.UNREADABLE, reason="'eve.zip' is not a readable zip file")]


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("submission,student_id,email,name,section\n"
                    "ada,1001,ada@example.edu,Ada Lovelace,A\n"
                    "bob,1002,bob@example.edu,Bob Babbage,A\n"
                    "carol.py,1003,carol@example.edu,Carol Shaw,B\n"
                    "eve,1005,eve@example.edu,Eve Online,B\n"
                    "dave,1004,dave@example.edu,Dave Null,B\n")
    return path


@pytest.fixture
def reports(documents, roster, tmp_path) -> tuple[list[Path], Path, str]:
    console = Console(record=True, width=140)
    written = write_class_reports(documents, tmp_path / "out", roster, console, COURSE)
    return written, tmp_path / "out" / "reports", console.export_text()


def rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


def test_every_submission_gets_markdown_and_html_feedback(reports):
    written, folder, _ = reports
    for name in ("ada.py", "bob", "carol.py", "eve.zip"):
        assert folder / "feedback" / f"{name}.md" in written and folder / "feedback" / f"{name}.html" in written
    carol = (folder / "feedback" / "carol.py.md").read_text()
    assert "Carol Shaw" in carol and "Failed tests" in carol and "Called:" in carol and "| predict |" in carol
    assert "Failed tests" not in (folder / "feedback" / "ada.py.md").read_text()
    assert "Not graded" in (folder / "feedback" / "eve.zip.md").read_text()
    page = (folder / "feedback" / "carol.py.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<pre>" in page and "Carol Shaw" in page


def test_the_summary_gives_each_questions_pass_rate_and_the_score_distribution(reports):
    _, folder, printed = reports
    summary = (folder / "summary.md").read_text()
    assert f"| {TITLE} | predict | 2 | 3 | 33 % |" in summary  # ada passes; bob and carol do not
    assert f"| {TITLE} | residuals | 1 | 3 | 67 % |" in summary
    assert "| 90–100 % | 2 |" not in summary and "| 90–100 % | 1 |" in summary
    assert "eve.zip" in summary and "![Score distribution](charts/score_distribution.png)" in summary
    assert "<img src=\"charts/question_pass_rates.png\"" in (folder / "summary.html").read_text()
    assert "Questions" in printed and "Score distribution" in printed and "33 %" in printed


def test_the_charts_are_png_images_matplotlib_can_read_back(reports):
    import matplotlib.image

    written, folder, _ = reports
    for name in ("score_distribution.png", "question_pass_rates.png"):
        path = folder / "charts" / name
        assert path in written and path.read_bytes()[:8] == PNG_SIGNATURE
        image = matplotlib.image.imread(path)
        assert image.ndim == 3 and image.shape[0] > 200 and image.shape[1] > 400


def test_the_canvas_file_has_canvas_columns_a_points_possible_row_and_one_row_per_student(reports):
    _, folder, _ = reports
    table = rows(folder / "canvas_grades.csv")
    assert list(table[0]) == [*CANVAS_COLUMNS, TITLE]
    assert table[0]["Student"] == "Points Possible" and table[0][TITLE] == "8"
    by_name = {r["Student"]: r for r in table[1:]}
    assert by_name["Ada Lovelace"] == {"Student": "Ada Lovelace", "ID": "", "SIS User ID": "1001",
                                       "SIS Login ID": "ada@example.edu", "Section": "A", TITLE: "8"}
    assert by_name["Bob Babbage"][TITLE] == "0" and 0 < float(by_name["Carol Shaw"][TITLE]) < 8
    assert by_name["Dave Null"][TITLE] == "" and by_name["Eve Online"][TITLE] == ""  # no file; not gradable


def test_the_gradescope_file_identifies_students_by_email(reports):
    _, folder, _ = reports
    table = rows(folder / "gradescope_grades.csv")
    assert list(table[0]) == ["Name", "SID", "Email", "Section", TITLE, "Total Score"]
    ada = next(r for r in table if r["Email"] == "ada@example.edu")
    assert ada["SID"] == "1001" and ada["Total Score"] == "8"


def test_without_a_roster_the_files_name_the_submissions(documents, tmp_path):
    console = Console(record=True, width=140)
    write_class_reports(documents, tmp_path, None, console, COURSE)
    table = rows(tmp_path / "reports" / "canvas_grades.csv")
    assert [r["Student"] for r in table[1:]] == ["ada", "bob", "carol", "eve"]
    assert "no --roster" in console.export_text()


def test_a_roster_is_read_by_its_column_names_whatever_their_spelling(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Name,Student ID,E-mail,SIS Login ID\nAda,7,ada@x.edu,alove\n")
    (entry,) = read_roster(path)
    assert (entry.name, entry.student_id, entry.email, entry.sis_login_id) == ("Ada", "7", "ada@x.edu", "alove")


def test_a_roster_without_a_column_naming_the_student_is_refused(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,section\nAda,A\n")
    with pytest.raises(RosterError, match="expected one that names the submission or the student"):
        read_roster(path)


def test_the_score_table_keeps_every_score_visible_whatever_a_status_says():
    from autograder.reports.grade_files import grades_row
    from autograder.reports.terminal import print_scores

    ids = list(COURSE.assignments)
    graded = SubmissionResult("ada", [AssignmentResult(a, a, missing=True, points=5.0) for a in ids[1:]])
    graded.assignments.insert(0, grade_source(ASSIGNMENT, solution_source("linear_regression")))
    broken = SubmissionResult("eve", status=Status.UNREADABLE,
                              reason="cannot tell which assignment 'eve.py' is for: " + "x" * 400)
    rows = [grades_row(r, graded.max_score) for r in (graded, broken)]
    for width in (100, 160):
        console = Console(record=True, width=width)
        print_scores(rows, {a: i + 1 for i, a in enumerate(ids)}, console)
        text = console.export_text()
        lines = text.splitlines()
        header = next(line for line in lines if "submission" in line)
        assert all(f" A{i} " in header for i in range(1, len(ids) + 1)), header
        ada = next(line for line in lines if line.startswith("│ ada"))
        assert " 8 │" in ada and ada.count("–") == len(ids) - 1 and f"8/{graded.max_score:g}" in ada
        assert all(len(line) <= width for line in lines)
        assert "cannot tell which" in text  # shortened, or in full under the table


def test_grade_files_say_graded_or_the_reason_never_a_prefix_and_share_one_maximum():
    from autograder.reports.grade_files import grades_row

    row = grades_row(SubmissionResult("eve", status=Status.UNREADABLE, reason="'eve.zip' is not a readable zip file"),
                     96)
    assert row["status"] == "'eve.zip' is not a readable zip file" and row["max_total"] == 96


def drawn_texts(axes) -> list:
    """Every text a chart draws: title, axis labels, the ticks' labels in view, bar labels, the legend."""
    texts = [axes.title, axes.xaxis.label, axes.yaxis.label, *axes.texts]
    for axis in (axes.xaxis, axes.yaxis):
        low, high = sorted(axis.get_view_interval())
        texts += [label for loc, label in zip(axis.get_majorticklocs(), axis.get_majorticklabels())
                  if low - 1e-9 <= loc <= high + 1e-9]
    legend = axes.get_legend()
    return texts + (list(legend.get_texts()) if legend else [])


@pytest.mark.parametrize("questions", [1, 4, 40])
def test_the_charts_titles_and_labels_lie_inside_the_image_and_clear_of_the_bars(documents, questions):
    from matplotlib.transforms import Bbox

    from autograder.reports.charts import distribution_figure, pass_rate_figure
    from autograder.reports.statistics import QuestionStat
    from autograder.reports.summary import Summary

    stats = [QuestionStat("linear_regression", f"question {i} with a long name", 1.0, 4, 4 if i % 2 else i % 5)
             for i in range(questions)]
    summary = Summary(documents, {}, stats, [0] * 9 + [len(documents)])
    for figure in (distribution_figure(summary), pass_rate_figure(summary)):
        figure.draw_without_rendering()
        renderer = figure.canvas.get_renderer()
        page = Bbox.from_bounds(0, 0, *figure.canvas.get_width_height())
        texts = [t for t in drawn_texts(figure.axes[0]) if t.get_text()]
        bars = [p.get_window_extent(renderer) for p in figure.axes[0].patches if p.get_width() > 0]
        for text in texts:
            box = text.get_window_extent(renderer)
            assert page.containsx(box.x0) and page.containsx(box.x1) and page.containsy(box.y0) \
                and page.containsy(box.y1), f"clipped: {text.get_text()!r}"
            assert not any(box.overlaps(bar) for bar in bars), f"drawn over a bar: {text.get_text()!r}"


def test_each_charts_title_counts_what_its_bars_count(documents):
    from autograder.reports.charts import distribution_figure, pass_rate_figure
    from autograder.reports.statistics import distribution, question_stats
    from autograder.reports.summary import Summary

    missing = SubmissionResult("fay", [AssignmentResult("linear_regression", "Linear regression", missing=True,
                                                        points=8.0)], status=Status.MISSING)
    results = [*documents, missing]  # three graded, one missing (0 points), one not graded (no score)
    summary = Summary(results, {}, question_stats(results), distribution(results))
    histogram = distribution_figure(summary).axes[0]
    assert sum(p.get_height() for p in histogram.patches) == 4
    assert histogram.get_title() == "Score distribution (4 students)"
    rates = pass_rate_figure(summary).axes[0]
    assert {q.attempted for q in summary.questions} == {3}  # fay handed nothing in: no question of hers
    assert rates.get_title() == "Full marks per question (of 3 students)"


def test_a_grade_import_has_a_column_for_each_assignment_the_batch_graded_and_no_other(documents, tmp_path):
    other = COURSE.get("gradient_descent")
    results = copy.deepcopy(documents)
    for result in results:  # graded as the whole course: nobody handed in gradient_descent
        if result.graded:
            result.assignments.append(AssignmentResult(other.id, other.title, missing=True, points=other.points))
    write_class_reports(results, tmp_path, None, Console(record=True, width=140), COURSE)
    for name in ("canvas_grades.csv", "gradescope_grades.csv"):
        header = (tmp_path / "reports" / name).read_text().splitlines()[0]
        assert TITLE in header and f"{other.number}. {other.title}" not in header, name


def test_roster_students_without_a_submission_are_named(documents, roster, tmp_path):
    console = Console(record=True, width=200)
    write_class_reports(documents, tmp_path / "out", roster, console, COURSE)
    assert "roster: 1 student(s) without a submission (blank in the grade files): Dave Null" in console.export_text()

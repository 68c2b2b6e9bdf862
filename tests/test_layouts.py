"""Platform exports, read as exported: each layout's tree is detected, each student identified and joined to
the roster, each assignment found, with the platform's submission times; then graded as a class."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from rich.console import Console

from autograder.batch import run_batch
from autograder.course import Course
from autograder.errors import UsageError
from autograder.layouts import detect, read_layout
from autograder.layouts.classroom import login_of
from autograder.reports.charts import distribution_figure
from autograder.reports.class_reports import REPORTS
from autograder.reports.statistics import distribution, question_stats
from autograder.reports.summary import Summary
from autograder.results import Status

from . import exports
from .conftest import COURSE
from .exports import CLASS, GD, LR, ON_TIME, TWO_DAYS_LATE

KNOWN = [LR, GD]


@pytest.fixture(params=list(exports.LAYOUTS))
def layout(request) -> str:
    return request.param


@pytest.fixture
def tree(layout, tmp_path):
    return exports.LAYOUTS[layout](tmp_path / layout)


def test_each_platforms_export_is_recognised_by_its_shape(layout, tree):
    assert detect(tree)[0] == layout


def by_name(found):
    return {h.identity.get("name"): h for h in found.hand_ins}


def test_canvas_names_give_the_student_the_late_tag_and_the_latest_resubmission(tmp_path):
    found = read_layout(exports.canvas(tmp_path / "c"), KNOWN)
    students = by_name(found)
    assert set(students) == {"lovelaceada", "babbagebob", "shawcarol"}
    ada, bob, carol = students["lovelaceada"], students["babbagebob"], students["shawcarol"]
    assert ada.identity == {"name": "lovelaceada", "canvas_id": "501"} and ada.name == "lovelaceada"
    assert [p.path.name for p in ada.parts] == ["lovelaceada_501_9001_linear_regression-1.py",
                                                "lovelaceada_501_9002_gradient_descent.py"]
    assert any("earlier submission of linear_regression.py" in n for n in ada.notes)
    late = {p.path.name: (p.marked_late, p.submitted_at) for p in bob.parts}
    assert late["babbagebob_late_502_9004_gradient_descent.py"] == (True, TWO_DAYS_LATE)
    assert late["babbagebob_502_9003_linear_regression.py"] == (False, ON_TIME)
    assert [p.path.name for p in carol.parts] == ["shawcarol_503_9005_linear_regression.py"]
    assert any("text.html: not a .py" in n for n in carol.notes)


def test_canvas_files_extracted_without_their_times_give_no_times_but_keep_the_late_tag(tmp_path):
    for name in ("adaa_1_1_linear_regression.py", "bobb_late_2_2_linear_regression.py",
                 "cece_3_3_linear_regression.py"):
        (tmp_path / name).write_text("x = 1\n")  # all written now, as an extraction that drops the times does
    found = read_layout(tmp_path, KNOWN, "canvas")
    assert all(p.submitted_at is None for h in found.hand_ins for p in h.parts)
    assert [p.marked_late for h in found.hand_ins for p in h.parts] == [False, True, False]
    assert any("extracted without its files' times" in n for n in found.notes)


def test_canvas_names_written_lastname_underscore_firstname_are_read_too(tmp_path):
    (tmp_path / "doe_jane_late_123_456_linear_regression.py").write_text("x = 1\n")
    (hand_in,) = read_layout(tmp_path, KNOWN, "canvas").hand_ins
    assert hand_in.identity == {"name": "doe_jane", "canvas_id": "123"} and hand_in.parts[0].marked_late


def test_gradescope_metadata_names_each_submitter_and_the_submission_time(tmp_path):
    found = read_layout(exports.gradescope(tmp_path / "g"), KNOWN)
    students = by_name(found)
    assert set(students) == {s.name for s in CLASS}
    bob = students["Bob Babbage"]
    assert bob.name == "Bob_Babbage" and bob.identity["student_id"] == "1002"
    assert bob.identity["email"] == "bob@example.edu"
    assert {p.path.parent.name: p.submitted_at for p in bob.parts} == {"assignment_7001_export": ON_TIME,
                                                                       "assignment_7002_export": TWO_DAYS_LATE}


def test_a_gradescope_group_submission_counts_for_each_submitter(tmp_path):
    export = tmp_path / "export"
    (export / "submission_1").mkdir(parents=True)
    (export / "submission_1" / "linear_regression.py").write_text("x = 1\n")
    (export / "submission_metadata.yml").write_text(
        "submission_1:\n  :submitters:\n  - :name: Pair One\n    :sid: '200'\n    :email: one@x.edu\n"
        "  - :name: Pair Two\n    :sid: '201'\n    :email: two@x.edu\n  :created_at: 2026-09-14 10:00:00 -07:00\n")
    found = read_layout(export, KNOWN)
    assert [h.name for h in found.hand_ins] == ["Pair_One", "Pair_Two"]
    assert all(h.parts[0].path == export / "submission_1" for h in found.hand_ins)


def test_classroom_repositories_give_the_login_and_the_last_commits_time(tmp_path):
    found = read_layout(exports.classroom(tmp_path / "r"), KNOWN)
    students = {h.identity["github"]: h for h in found.hand_ins}
    assert set(students) == {s.github for s in CLASS}
    assert {p.path.name: p.submitted_at for p in students["bobbage"].parts} == {
        "gradient-descent-bobbage": TWO_DAYS_LATE, "linear-regression-bobbage": ON_TIME}


@pytest.mark.parametrize(("repository", "login"), [
    ("linear-regression-ada-l", "ada-l"),
    ("hw1-linear_regression-bob", "bob"),
    ("nn-hw1-carol", "carol"),  # no id in the name, and no other repository: the last part
])
def test_a_repositorys_login_follows_the_assignments_name(repository, login):
    assert login_of(repository, KNOWN) == login


def test_a_login_follows_the_prefix_every_repository_shares(tmp_path):
    for name in ("week1-hw-ada-l", "week1-hw-bob"):
        (tmp_path / name / ".git").mkdir(parents=True)
    assert sorted(h.name for h in read_layout(tmp_path, KNOWN).hand_ins) == ["ada-l", "bob"]


def test_moodle_folders_and_flat_files_are_joined_per_student_and_online_text_left_out(tmp_path):
    found = read_layout(exports.moodle(tmp_path / "m"), KNOWN)
    students = by_name(found)
    assert set(students) == {s.name for s in CLASS}
    assert len(students["Ada Lovelace"].parts) == 2 and students["Ada Lovelace"].name == "Ada_Lovelace"
    assert [p.path.name for p in students["Carol Shaw"].parts] == [
        "Carol Shaw_1002_assignsubmission_file_linear_regression.py"]
    assert any("onlinetext" in n for n in students["Carol Shaw"].notes)


def test_plain_folders_zips_and_a_students_loose_files(tmp_path):
    for name in ("dave_linear_regression.py", "dave-gradient_descent-1.py", "eve.py"):
        (tmp_path / name).write_text("x = 1\n")
    (tmp_path / "ivan.zip").write_bytes(b"PK")
    (tmp_path / "Zoë O'Neil").mkdir()
    found = read_layout(tmp_path, KNOWN)
    assert {h.name: sorted(p.path.name for p in h.parts) for h in found.hand_ins} == {
        "dave": ["dave-gradient_descent-1.py", "dave_linear_regression.py"], "eve": ["eve.py"],
        "ivan": ["ivan.zip"], "Zoe_O_Neil": ["Zoë O'Neil"]}


def test_names_that_differ_only_in_unsafe_characters_stay_two_students(tmp_path):
    for name in ("a b.py", "a_b.py"):
        (tmp_path / name).write_text("x = 1\n")
    names = {h.identity["name"]: h.name for h in read_layout(tmp_path, KNOWN).hand_ins}
    assert names["a_b"] == "a_b" and names["a b"].startswith("a_b-")  # the safe name keeps it, whatever the order


def test_two_students_of_the_same_name_get_names_of_their_own(tmp_path):
    for user in ("11", "12"):
        (tmp_path / f"smithjohn_{user}_9{user}_linear_regression.py").write_text("x = 1\n")
    assert sorted(h.name for h in read_layout(tmp_path, KNOWN, "canvas").hand_ins) == ["smithjohn_11",
                                                                                          "smithjohn_12"]


def rows(path) -> dict[str, dict]:
    return {r["student"]: r for r in csv.DictReader(io.StringIO(path.read_text()))}


@pytest.mark.slow
def test_a_class_in_each_layout_is_graded_with_every_student_and_assignment_found(layout, tree, tmp_path,
                                                                                     monkeypatch):
    course = exports.small_course(tmp_path / "course")
    monkeypatch.setenv("GRADE_COURSE_DIR", str(course))
    console = Console(record=True, width=160)
    results = run_batch(Course.load(course), tree, tmp_path / "out", jobs=2,
                        roster=exports.roster(tmp_path / "roster.csv"), console=console)
    printed = console.export_text()
    assert f"layout: {layout}" in printed and "roster: no student for" not in printed
    table = rows(tmp_path / "out" / "grades.csv")
    assert set(table) == {s.name for s in CLASS}  # every student identified, by the roster's name
    for student in CLASS:
        row = table[student.name]
        assert row["status"] == "graded" and row["max_total"] == "20"
        penalties = exports.PENALTY.get(student.name, {}) if layout in exports.TIMED else {}
        for assignment_id in KNOWN:
            raw = exports.RAW[student.name].get(assignment_id)
            expected = 0.0 if raw is None else raw - penalties.get(assignment_id, 0.0)
            assert float(row[assignment_id]) == pytest.approx(expected), (student.name, assignment_id)
            assert (assignment_id in row["missing"].split()) == (raw is None)
        assert float(row["penalty"]) == pytest.approx(sum(penalties.values()))
        assert float(row["total"]) == pytest.approx(float(row["raw_total"]) - float(row["penalty"]))
        if penalties:  # the feedback says which policy applied, and why
            feedback = (tmp_path / "out" / REPORTS / "feedback" / f"{row['submission']}.md").read_text()
            assert "late: submitted 2026-09-16 01:00 UTC" in feedback and "2 days late × 10 % = 20 %" in feedback
        name = row["submission"]  # the one name of the hand-in, in every file
        for path in (f"{REPORTS}/feedback/{name}.md", f"{REPORTS}/feedback/{name}.html", f"results/{name}.json",
                     f"graded/{name}.json"):
            assert (tmp_path / "out" / path).is_file(), path
    # grades.csv, the summary and the chart tell the same totals
    summary = Summary(results, {}, question_stats(results), distribution(results))
    percents = sorted(100 * float(r["total"]) / float(r["max_total"]) for r in table.values())
    assert sorted(summary.percents()) == pytest.approx(percents)
    bars = [patch.get_height() for patch in distribution_figure(summary).axes[0].patches]
    assert bars == summary.counts
    text = (tmp_path / "out" / REPORTS / "summary.md").read_text()
    assert "Every total is out of 20 points" in text
    assert all(f"| {bin_} | {count} |" in text for bin_, count, _ in summary.distribution_rows())


@pytest.mark.slow
def test_with_assignment_a_students_file_for_another_assignment_is_left_out_not_graded_as_it(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    (submissions / "dave_linear_regression.py").write_bytes(exports.source("template", LR))
    (submissions / "dave_gradient_descent.py").write_bytes(exports.source("solution", GD))
    (submissions / "eve_gradient_descent.py").write_bytes(exports.source("solution", GD))
    results = run_batch(COURSE, submissions, tmp_path / "out", jobs=2, assignment_id=LR, console=Console(width=160))
    dave, eve = results
    assert (dave.score, dave.max_score) == (0, 8) and not dave.assignments[0].missing
    assert any("dave_gradient_descent.py is for gradient_descent" in n for n in dave.notes)
    assert eve.status is Status.MISSING and eve.said == "missing"  # her only file is for another assignment
    assert eve.assignments[0].missing and (eve.score, eve.max_score) == (0, 8)


# --- one-assignment downloads: graded as that assignment, with every roster student ---------------------------


@pytest.fixture(scope="module")
def canvas_download(tmp_path_factory):
    """A Canvas download of linear_regression, graded with this repository's course (eleven assignments) and a
    roster of five: three hand-ins, an empty upload, a student who handed in nothing."""
    folder = tmp_path_factory.mktemp("canvas-download")
    console = Console(record=True, width=200)
    roster = exports.roster(folder / "roster.csv", [*CLASS, exports.EMPTY, exports.ABSENT])
    results = run_batch(COURSE, exports.canvas_download(folder / "submissions"), folder / "out", jobs=2,
                        roster=roster, console=console)
    return folder / "out", results, console.export_text()


def by_student(path) -> dict[str, dict]:
    return {r["student"]: r for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}


def test_a_one_assignment_download_is_graded_out_of_that_assignments_points_and_says_so(canvas_download):
    out, _, printed = canvas_download
    table = by_student(out / "grades.csv")
    assert {name: (row["total"], row["max_total"]) for name, row in table.items() if row["status"] == "graded"} == {
        "Ada Lovelace": ("8", "8"), "Bob Babbage": ("0", "8"), "Carol Shaw": ("8", "8")}
    assert "graded as one assignment, linear_regression: every total is out of its 8 points (the only assignment " \
           "this Canvas download holds" in " ".join(printed.split())
    assert list(next(iter(table.values()))) == ["submission", "student", LR, "raw_total", "penalty", "total",
                                                "max_total", "status", "missing", "late"]


def test_an_lms_import_has_no_column_for_an_assignment_the_batch_did_not_grade(canvas_download):
    out, _, _ = canvas_download
    title = f"{COURSE.get(LR).number}. {COURSE.get(LR).title}"
    canvas = list(csv.DictReader(io.StringIO((out / REPORTS / "canvas_grades.csv").read_text(encoding="utf-8"))))
    assert list(canvas[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title]
    assert canvas[0][title] == "8"  # Points Possible: the assignment's own
    gradescope = (out / REPORTS / "gradescope_grades.csv").read_text(encoding="utf-8").splitlines()[0]
    assert gradescope == f"Name,SID,Email,Section,{title},Total Score"


def test_every_roster_student_is_in_every_grade_file_a_missing_one_as_missing_with_0(canvas_download):
    out, results, printed = canvas_download
    eve = by_student(out / "grades.csv")["Eve Absent"]
    assert (eve["status"], eve["total"], eve["max_total"], eve["missing"]) == ("missing", "0", "8", LR)
    assert [r.status for r in results if r.identity.get("name") == "Eve Absent"] == [Status.MISSING]
    for grade_file, name_column, score in (("canvas_grades.csv", "Student", "0"),
                                            ("gradescope_grades.csv", "Name", "0")):
        rows = csv.DictReader(io.StringIO((out / REPORTS / grade_file).read_text(encoding="utf-8")))
        assert [list(r.values())[-1] for r in rows if r[name_column] == "Eve Absent"] == [score], grade_file
    assert "missing: 1 student handed in nothing for this batch (0 points): Eve Absent" in printed
    feedback = (out / REPORTS / "feedback" / f"{by_student(out / 'grades.csv')['Eve Absent']['submission']}.md")
    assert "Not handed in: nothing handed in for linear_regression; 0 / 8 points" in feedback.read_text()
    summary = (out / REPORTS / "summary.md").read_text(encoding="utf-8")
    assert "Students: 5: 3 graded, 1 missing, 1 empty file" in summary
    assert f"| {COURSE.get(LR).number}. {COURSE.get(LR).title} | 3 | 1 |" in summary  # handed in, missing


def test_an_empty_upload_is_an_empty_file_in_grades_csv_the_score_table_and_the_summary(canvas_download):
    out, _, printed = canvas_download
    dan = by_student(out / "grades.csv")["Dan Empty"]
    assert (dan["status"], dan["total"], dan["max_total"]) == ("empty file", "0", "8")
    assert next(line for line in printed.splitlines() if line.startswith("│ emptydan")).rstrip(" │").endswith(
        "empty file")
    summary = (out / REPORTS / "summary.md").read_text(encoding="utf-8")
    assert "[`emptydan`](feedback/emptydan.md): empty file: the linear_regression file handed in is empty" in summary


def test_the_summary_links_each_student_to_their_feedback_and_each_flagged_pair_to_its_page(canvas_download):
    out, results, _ = canvas_download
    page = (out / REPORTS / "summary.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', page)
    feedback = {text: href for href, text in links if href.startswith("feedback/")}
    assert set(feedback) == {r.submission for r in results}  # Eve's too
    assert all((out / REPORTS / href).is_file() for href in feedback.values())
    pairs = [(href, text) for href, text in links if href.startswith("similarity/pairs/")]
    assert [text for _, text in pairs] == ["lovelaceada – shawcarol"]  # the two identical solutions
    assert (out / REPORTS / pairs[0][0]).is_file()
    index = (out / REPORTS / "similarity" / "index.html").read_text(encoding="utf-8")
    table = index.split("<table>", 1)[1].split("</table>", 1)[0]
    assert re.search(r'<td><a href="pairs/linear_regression/[^"]+\.html">lovelaceada_501_9100_linear_regression\.py'
                     r' – shawcarol_503_9102_linear_regression\.py</a></td>', table), table


@pytest.mark.parametrize("layout", ["canvas", "gradescope", "classroom", "moodle"])
def test_a_platforms_download_of_one_assignment_is_that_assignment_and_of_two_the_whole_course(layout, tmp_path):
    from autograder.scope import decide

    tree = exports.LAYOUTS[layout](tmp_path / layout)
    course = Course.load(exports.small_course(tmp_path / "course"))
    assert decide(course, read_layout(tree, KNOWN)).assignment is None  # both assignments: the whole course
    for path in sorted(tree.rglob("*"), key=lambda p: -len(p.parts)):  # every file, repository, export of GD
        if path.exists() and any(n in str(path.relative_to(tree)) for n in ("gradient", "7002")):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    scope = decide(course, read_layout(tree, KNOWN))
    assert scope.assignment == LR and "the only assignment this" in scope.why
    assert decide(course, read_layout(tree, KNOWN), whole_course=True).assignment is None
    assert decide(course, read_layout(tree, KNOWN), GD).assignment == GD
    with pytest.raises(UsageError, match="contradict"):
        decide(course, read_layout(tree, KNOWN), LR, whole_course=True)


def test_a_moodle_name_with_accents_is_the_rosters_student_of_that_name_and_the_match_is_named(tmp_path):
    from autograder.layouts.roster import call_roll, read_roster

    (tmp_path / "Cara Díaz_2001_assignsubmission_file_").mkdir()
    (tmp_path / "Cara Díaz_2001_assignsubmission_file_" / "linear_regression.py").write_text("x = 1\n")
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nCara Diaz,cara@example.edu\nAda Lovelace,ada@example.edu\n", encoding="utf-8")
    found = read_layout(tmp_path, KNOWN, "moodle")
    roll = call_roll(read_roster(roster), found.hand_ins)
    (cara,) = found.hand_ins
    assert roll.entries[cara.name].email == "cara@example.edu" and not roll.strangers
    assert roll.warnings == ["'Cara Díaz' matched to the roster's 'Cara Diaz' by name, accents set aside: check "
                             "that they are one student"]
    assert [h.identity["name"] for h in roll.absent] == ["Ada Lovelace"]  # and Ada handed in nothing


def test_a_folder_with_no_hand_in_is_one_sentence_naming_the_layouts_tried(tmp_path):
    from click.testing import CliRunner

    from autograder.cli import main

    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "empty"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "no hand-in found in" in result.output
    assert "tried the layouts canvas, gradescope, classroom, moodle and plain" in result.output
    moodle = exports.moodle(tmp_path / "moodle")
    for flat in moodle.glob("*_assignsubmission_file_*.py"):
        flat.unlink()  # downloaded "in folders": every entry is a folder, none of them a Canvas file
    result = CliRunner().invoke(main, ["batch", str(moodle), "-o", str(tmp_path / "out"), "--layout", "canvas"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "read as canvas (--layout canvas): none of its" in result.output and "leave out --layout" in result.output
    assert not (tmp_path / "out" / "grades.csv").exists()

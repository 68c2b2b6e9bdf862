"""`grade batch`'s class reports, from the batch's results.

    OUT/reports/
      feedback/<submission>.md, .html    each submission's scores and the feedback of every failed test
      summary.md, summary.html           per-question pass rates, per-assignment scores, the score distribution,
                                         the most common mistakes and the tests' item analysis (`reteach`)
      charts/score_distribution.png      histogram of total scores (% of the maximum)
      charts/question_pass_rates.png     share of submissions with full marks, per question
      charts/mistakes_<id>.png           an assignment's most common mistakes (`misconceptions`)
      charts/tests_<id>.png              its tests' difficulty against discrimination (`items`)
      items.csv                          every test's item analysis: difficulty, discrimination, flags
      canvas_grades.csv                  Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, ...
      gradescope_grades.csv              Gradescope score import: Name, SID, Email, ..., Total Score
      changes.html                       a regrade's record (`regrade`), where there was one

The grade imports have a column for each assignment this batch graded, and no other: importing one never
overwrites another assignment's grades. Every roster student has a row.

An optional roster CSV joins submissions to students (see `roster.read_roster`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from ..layouts.roster import RosterEntry, match_roster, read_roster
from ..names import file_key, listing, shown
from ..results import SubmissionResult, from_json, to_json
from .charts import write_charts
from .feedback import feedback_html, feedback_markdown
from .files import MAX_PAGE_BYTES, cut_strings, within, write_atomic
from .grade_files import canvas_csv, gradescope_csv
from .items import item_analysis, items_csv
from .misconceptions import misconceptions
from .pairs import SIMILARITY, FlaggedPair
from .statistics import assignment_ids, assignment_titles, distribution, graded_ids, question_stats
from .summary import Summary, summary_html, summary_markdown
from .terminal import print_summary

if TYPE_CHECKING:
    from ..course import Course
    from ..regrade import Regrade

REPORTS = "reports"


def write_class_reports(results: list[SubmissionResult], output: Path, roster: Path | list[RosterEntry] | None,
                        console: Console, course: Course | None = None, *,
                        matched: dict[str, RosterEntry] | None = None, changes: Regrade | None = None,
                        pairs: list[FlaggedPair] | None = None) -> list[Path]:
    """Write `output/reports/` for a batch's `results`; print the summary; return the files written. `roster` is the
    roster CSV, or its entries as the batch read them; `matched` the batch's match of them, by hand-in name (else
    the roster is matched here); `changes` a regrade's record, `pairs` the similarity report's flagged pairs,
    which the summary links."""
    folder = output / REPORTS
    written: list[Path] = []
    entries = read_roster(roster) if isinstance(roster, Path) else roster
    called = matched is not None
    if matched is None:
        matched = match_roster(results, entries) if entries is not None else {}
    titles = assignment_titles(assignment_ids(results), course)
    imported = {a: titles[a] for a in graded_ids(results)}  # a grade import carries what this batch graded, only

    failed: list[str] = []
    for result in results:
        try:
            written += write_feedback(result, matched.get(result.submission), titles, folder / "feedback")
        except Exception as exc:  # noqa: BLE001 - one student's page never stops the others'
            failed.append(f"{shown(result.submission)} ({shown(repr(exc), 100)})")
    if failed:
        console.print(f"no feedback page for {listing(failed, other='others')}: write it again with --resume",
                      style="yellow", markup=False)

    summary = Summary(results, titles, question_stats(results), distribution(results), pairs or [], changes,
                      (folder / SIMILARITY / "index.html").is_file(), misconceptions(results), item_analysis(results))
    charts = write_charts(summary, folder / "charts") if results else {}
    written += list(charts.values())
    relative = {title: path.relative_to(folder) for title, path in charts.items()}
    for name, text in (("summary.md", summary_markdown(summary, relative)),
                       ("summary.html", summary_html(summary, relative)),
                       ("items.csv", items_csv(summary.items)),
                       ("canvas_grades.csv", canvas_csv(results, imported, entries, matched)),
                       ("gradescope_grades.csv", gradescope_csv(results, imported, entries, matched))):
        write_atomic(folder / name, text)
        written.append(folder / name)

    print_summary(summary, console)
    if entries is not None and not called:  # the batch names these itself, with the roster's missing students' rows
        unmatched = [r.identity.get("name") or r.submission for r in results if r.submission not in matched]
        missing = [e.name or e.email or e.student_id for e in entries
                   if not any(m is e for m in matched.values())]
        if unmatched:
            console.print(f"roster: no student for {listing(unmatched, 10, 'more')}", style="yellow", markup=False)
        if missing:
            console.print(f"roster: {len(missing)} student(s) without a submission (blank in the grade files): "
                          f"{listing(missing, 10, 'more')}", style="yellow", markup=False)
    elif entries is None:
        console.print("[yellow]no --roster: the grade files name submissions, not students; Canvas and Gradescope "
                      "need ids or emails to import them[/]")
    if summary.errors:
        kinds = ", ".join(f"{n} {kind}" for kind, n in Counter(r.status.value for r in summary.errors).items())
        console.print(f"[yellow]{len(summary.errors)} hand-in(s) not graded ({kinds}): blank in the grade files; the "
                      f"summary says why[/]")
    console.print(f"wrote {len(written)} report files in {folder}")
    return written


def write_feedback(result: SubmissionResult, student: RosterEntry | None, titles: dict[str, str],
                   folder: Path) -> list[Path]:
    """One student's feedback pages, Markdown and HTML, each at most MAX_PAGE_BYTES whatever the hand-in."""
    data = to_json(result)
    written = []
    for suffix, render in ((".md", feedback_markdown), (".html", feedback_html)):
        path = folder / f"{file_key(result.submission)}{suffix}"
        write_atomic(path, within(lambda cap, render=render: render(from_json(cut_strings(data, cap)), student,
                                                                    titles), MAX_PAGE_BYTES))
        written.append(path)
    return written


"""The class summary: per-assignment scores, per-question pass rates and the score distribution."""

from __future__ import annotations

import html
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..names import file_key
from ..results import Status, SubmissionResult
from .html import figure, link, markdown_table, page, table
from .items import Item
from .misconceptions import Misconception
from .pairs import SIMILARITY, FlaggedPair
from .reteach import chart_titles, reteach_html, reteach_markdown
from .statistics import QuestionStat, bin_label, percent
from .wording import points

if TYPE_CHECKING:
    from ..regrade import Regrade

ASSIGNMENT_HEADERS = ["assignment", "submissions", "missing", "late", "mean", "median", "full marks"]
QUESTION_HEADERS = ["assignment", "question", "points", "handed in", "full marks", "mean points"]
DISTRIBUTION_HEADERS = ["total score", "students", ""]
STUDENT_HEADERS = ["student", "submission", "status", "total", "missing"]
PAIR_HEADERS = ["assignment", "pair", "matched share"]
FORBIDDEN_HEADERS = ["submission", "assignment", "question", "uses", "line", "rule", "policy"]
FORBIDDEN_NOTE = ("Found in the source by a static check (assignment.toml `forbidden` and `packages`), or reported by "
                  "the student's process when a forbidden function ran, and code the check could not cover (rule "
                  "\"unchecked\"): evidence for a person to review. See SECURITY.md for what neither can see.")


@dataclass
class Summary:
    """Everything the summary shows, computed once: the results, the assignments' titles, each question's and
    the distribution's numbers; the similarity report's flagged pairs and a regrade's record, where there are;
    the class's misconceptions and its tests' item analysis (`reteach`)."""

    results: list[SubmissionResult]
    titles: dict[str, str]
    questions: list[QuestionStat]
    counts: list[int]
    pairs: list[FlaggedPair] = field(default_factory=list)
    changes: Regrade | None = None
    similarity: bool = False  # whether OUT/reports/similarity/ holds a report to link
    misconceptions: list[Misconception] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    @property
    def graded(self) -> list[SubmissionResult]:
        """The students whose scores count: graded, or missing altogether (0 points)."""
        return [r for r in self.results if r.scored]

    @property
    def errors(self) -> list[SubmissionResult]:
        """The hand-ins that could not be graded (an unusable file, the grader's failure): no score."""
        return [r for r in self.results if not r.scored]

    def percents(self) -> list[float]:
        return [percent(r.score, r.max_score) for r in self.graded]

    def assignment_rows(self) -> list[list[str]]:
        """Per assignment: hand-ins, missing ones, late ones (penalised), then the mean and median final
        score over every student with a score (a missing assignment counts 0) and how many got full marks."""
        rows = []
        for assignment, title in self.titles.items():
            entries = [a for r in self.graded for a in r.assignments if a.assignment == assignment]
            if not entries:
                continue
            got = [a.score for a in entries]
            top = max(a.max_score for a in entries)
            missing = sum(a.missing for a in entries)
            rows.append([title, str(len(entries) - missing), str(missing), str(sum(a.penalty > 0 for a in entries)),
                         f"{points(statistics.mean(got))} / {points(top)}", points(statistics.median(got)),
                         str(sum(a.score >= a.max_score - 1e-9 for a in entries if not a.missing))])
        return rows

    def question_rows(self) -> list[list[str]]:
        return [[self.titles.get(q.assignment, q.assignment), q.question, points(q.max_score), str(q.attempted),
                 f"{q.pass_rate:.0f} %", points(q.mean)] for q in self.questions]

    def distribution_rows(self) -> list[list[str]]:
        return [[bin_label(i), str(n), "█" * n] for i, n in enumerate(self.counts)]

    def forbidden_rows(self) -> list[list[str]]:
        """Every use of what an assignment does not allow, by submission."""
        return [[r.submission, self.titles.get(a.assignment, a.assignment), f["question"] or "(none)", f["used"],
                 str(f["line"]), f["rule"], f["policy"]] for r in self.graded for a in r.assignments
                for f in a.forbidden]

    def student_rows(self) -> list[list[str]]:
        """Each student: their name, their hand-in (the name of its feedback pages), the status, the total and the
        assignments missing."""
        return [[r.identity.get("name") or r.submission, r.submission, r.said,
                 f"{points(r.score)} / {points(r.max_score)}" if r.scored else "",
                 " ".join(a.assignment for a in r.assignments if a.missing) if r.scored else ""]
                for r in self.results]

    def pair_rows(self) -> list[list[str]]:
        """Each flagged pair: its assignment, its two hand-ins and its matched share (`pairs` has its page)."""
        return [[self.titles.get(p.assignment, p.assignment), f"{p.a} – {p.b}", f"{100 * p.share:.0f} %"]
                for p in self.pairs]

    def counts_line(self) -> str:
        """"Students: 6: 3 graded, 1 missing, 1 empty file, 1 unreadable archive" (by status, in `Status`'s order)."""
        counts = Counter(r.status for r in self.results)
        return f"Students: {len(self.results)}: " + ", ".join(f"{counts[s]} {s.value}" for s in Status if counts[s])

    def overview(self) -> list[str]:
        percents = self.percents()
        lines = [self.counts_line()]
        maxima = sorted({r.max_score for r in self.graded})
        if len(maxima) == 1:
            lines.append(f"Every total is out of {points(maxima[0])} points: every assignment counts, a missing "
                         f"one as 0")
        if percents:
            lines.append(f"Total score: mean {statistics.mean(percents):.1f} %, median "
                         f"{statistics.median(percents):.1f} %, lowest {min(percents):.1f} %, "
                         f"highest {max(percents):.1f} %")
        return lines


def _feedback(submission: str, suffix: str) -> str:
    return f"feedback/{file_key(submission)}{suffix}"


def _extras_markdown(summary: Summary) -> list[str]:
    """The sections that link out: the regrade's record, the flagged pairs, each student's feedback."""
    lines = []
    if summary.changes is not None:
        lines += ["## Regrade", "", f"{summary.changes.sentence()}: [changes.html](changes.html).", ""]
    if summary.similarity:
        lines += ["## Similar code", "", f"Pairs at or above the threshold ([the similarity report]"
                                         f"({SIMILARITY}/index.md)):" if summary.pairs else
                  f"No pair at or above the threshold ([the similarity report]({SIMILARITY}/index.md)).", ""]
        rows = summary.pair_rows()
        for row, pair in zip(rows, summary.pairs):
            row[1] = f"[{row[1]}]({pair.page})"
        lines += [*markdown_table(PAIR_HEADERS, rows, {2}), ""] if rows else []
    rows = summary.student_rows()
    for row in rows:
        row[1] = f"[{row[1]}]({_feedback(row[1], '.md')})"
    return lines + ["## Students", "", *markdown_table(STUDENT_HEADERS, rows, {3}), ""]


def _extras_html(summary: Summary) -> list[str]:
    body = []
    if summary.changes is not None:
        body += ["<h2>Regrade</h2>", f"<p>{html.escape(summary.changes.sentence())}: "
                                    f"{link('changes.html', 'changes.html')}.</p>"]
    if summary.similarity:
        index = link("the similarity report", f"{SIMILARITY}/index.html")
        body.append("<h2>Similar code</h2>")
        body.append(f"<p>Pairs at or above the threshold ({index}):</p>" if summary.pairs else
                    f"<p>No pair at or above the threshold ({index}).</p>")
        rows = summary.pair_rows()
        for row, pair in zip(rows, summary.pairs):
            row[1] = link(row[1], pair.page)
        body += [table(PAIR_HEADERS, rows, {2})] if rows else []
    rows = summary.student_rows()
    for row in rows:
        row[1] = link(row[1], _feedback(row[1], ".html"))
    return body + ["<h2>Students</h2>", table(STUDENT_HEADERS, rows, {3})]


def summary_markdown(summary: Summary, charts: dict[str, Path]) -> str:
    """The class summary as Markdown; `charts` maps a chart's title to its path relative to the summary."""
    lines = ["# Class summary", "", *summary.overview(), ""]
    lines += ["## Assignments", "", *markdown_table(ASSIGNMENT_HEADERS, summary.assignment_rows(), {1, 2, 3, 4, 5, 6}),
              ""]
    lines += ["## Questions", "", "A question passes when a student gets all of its points; each is out of the "
              "students who handed its assignment in.", "",
              *markdown_table(QUESTION_HEADERS, summary.question_rows(), {2, 3, 4, 5}), ""]
    lines += ["## Score distribution", "", *markdown_table(DISTRIBUTION_HEADERS, summary.distribution_rows(), {1}), ""]
    teaching = {t for a in summary.titles.values() for t in chart_titles(a)}
    lines += [f"![{title}]({path.as_posix()})" for title, path in charts.items() if title not in teaching]
    lines += ["", *reteach_markdown(summary.misconceptions, summary.items, summary.results, summary.titles, charts)]
    if summary.forbidden_rows():
        lines += ["", "## Forbidden uses", "", FORBIDDEN_NOTE, "",
                  *markdown_table(FORBIDDEN_HEADERS, summary.forbidden_rows(), {4})]
    if summary.errors:
        lines += ["", "## Not graded", ""]
        lines += [f"- [`{r.submission}`]({_feedback(r.submission, '.md')}): {r.explained}" for r in summary.errors]
    lines += ["", *_extras_markdown(summary)]
    return "\n".join(lines).rstrip() + "\n"


def summary_html(summary: Summary, charts: dict[str, Path]) -> str:
    """The class summary as an HTML page with its charts, each student linked to their feedback page and each
    flagged pair to its page of the similarity report."""
    body = ["<h1>Class summary</h1>", *(f"<p>{html.escape(line)}</p>" for line in summary.overview()),
            "<h2>Assignments</h2>", table(ASSIGNMENT_HEADERS, summary.assignment_rows(), {1, 2, 3, 4, 5, 6}),
            "<h2>Questions</h2><p>A question passes when a student gets all of its points; each is out of the "
            "students who handed its assignment in.</p>",
            table(QUESTION_HEADERS, summary.question_rows(), {2, 3, 4, 5}),
            "<h2>Score distribution</h2>",
            table(DISTRIBUTION_HEADERS[:2], [r[:2] for r in summary.distribution_rows()], {1})]
    teaching = {t for a in summary.titles.values() for t in chart_titles(a)}
    body += [figure(path, title) for title, path in charts.items() if title not in teaching]
    body += reteach_html(summary.misconceptions, summary.items, summary.results, summary.titles, charts)
    if summary.forbidden_rows():
        body += ["<h2>Forbidden uses</h2>", f"<p>{html.escape(FORBIDDEN_NOTE)}</p>",
                 table(FORBIDDEN_HEADERS, summary.forbidden_rows(), {4})]
    if summary.errors:
        body.append("<h2>Not graded</h2><ul>" + "".join(
            f"<li>{link(r.submission, _feedback(r.submission, '.html'))}: {html.escape(r.explained)}</li>"
            for r in summary.errors) + "</ul>")
    body += _extras_html(summary)
    return page("Class summary", body)

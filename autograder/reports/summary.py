"""The class summary: per-assignment scores, per-question pass rates and the score distribution."""

from __future__ import annotations

import html
import statistics
from dataclasses import dataclass
from pathlib import Path

from ..results import SubmissionResult
from .html import markdown_table, page, table
from .statistics import QuestionStat, bin_label, percent
from .wording import points

ASSIGNMENT_HEADERS = ["assignment", "submissions", "missing", "late", "mean", "median", "full marks"]
QUESTION_HEADERS = ["assignment", "question", "points", "submissions", "full marks", "mean points"]
DISTRIBUTION_HEADERS = ["total score", "submissions", ""]
FORBIDDEN_HEADERS = ["submission", "assignment", "question", "uses", "line", "rule", "policy"]
FORBIDDEN_NOTE = ("Found in the source by a static check (assignment.toml `forbidden` and `packages`), or reported by "
                  "the student's process when a forbidden function ran, and code the check could not cover (rule "
                  "\"unchecked\"): evidence for a person to review. See SECURITY.md for what neither can see.")


@dataclass
class Summary:
    """Everything the summary shows, computed once."""

    results: list[SubmissionResult]
    titles: dict[str, str]
    questions: list[QuestionStat]
    counts: list[int]

    @property
    def graded(self) -> list[SubmissionResult]:
        return [r for r in self.results if r.graded]

    @property
    def errors(self) -> list[SubmissionResult]:
        return [r for r in self.results if not r.graded]

    def percents(self) -> list[float]:
        return [percent(r.score, r.max_score) for r in self.graded]

    def assignment_rows(self) -> list[list[str]]:
        """Per assignment: hand-ins, missing ones, late ones (penalised), then the mean and median final
        score over every graded student (a missing assignment counts 0) and how many got full marks."""
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

    def overview(self) -> list[str]:
        percents = self.percents()
        lines = [f"Submissions: {len(self.results)} ({len(self.graded)} graded, {len(self.errors)} not graded)"]
        maxima = sorted({r.max_score for r in self.graded})
        if len(maxima) == 1:
            lines.append(f"Every total is out of {points(maxima[0])} points: every assignment counts, a missing "
                         f"one as 0")
        if percents:
            lines.append(f"Total score: mean {statistics.mean(percents):.1f} %, median "
                         f"{statistics.median(percents):.1f} %, lowest {min(percents):.1f} %, "
                         f"highest {max(percents):.1f} %")
        return lines


def summary_markdown(summary: Summary, charts: dict[str, Path]) -> str:
    """The class summary as Markdown; `charts` maps a chart's title to its path relative to the summary."""
    lines = ["# Class summary", "", *summary.overview(), ""]
    lines += ["## Assignments", "", *markdown_table(ASSIGNMENT_HEADERS, summary.assignment_rows(), {1, 2, 3, 4, 5, 6}),
              ""]
    lines += ["## Questions", "", "A question passes when a submission gets all of its points.", "",
              *markdown_table(QUESTION_HEADERS, summary.question_rows(), {2, 3, 4, 5}), ""]
    lines += ["## Score distribution", "", *markdown_table(DISTRIBUTION_HEADERS, summary.distribution_rows(), {1}), ""]
    lines += [f"![{title}]({path.as_posix()})" for title, path in charts.items()]
    if summary.forbidden_rows():
        lines += ["", "## Forbidden uses", "", FORBIDDEN_NOTE, "",
                  *markdown_table(FORBIDDEN_HEADERS, summary.forbidden_rows(), {4})]
    if summary.errors:
        lines += ["", "## Not graded", ""]
        lines += [f"- `{r.submission}`: {r.said}" for r in summary.errors]
    return "\n".join(lines).rstrip() + "\n"


def summary_html(summary: Summary, charts: dict[str, Path]) -> str:
    """The class summary as an HTML page with its charts."""
    body = ["<h1>Class summary</h1>", *(f"<p>{html.escape(line)}</p>" for line in summary.overview()),
            "<h2>Assignments</h2>", table(ASSIGNMENT_HEADERS, summary.assignment_rows(), {1, 2, 3, 4, 5, 6}),
            "<h2>Questions</h2><p>A question passes when a submission gets all of its points.</p>",
            table(QUESTION_HEADERS, summary.question_rows(), {2, 3, 4, 5}),
            "<h2>Score distribution</h2>",
            table(DISTRIBUTION_HEADERS[:2], [r[:2] for r in summary.distribution_rows()], {1})]
    body += [f"<figure><img src=\"{html.escape(path.as_posix())}\" alt=\"{html.escape(title)}\"></figure>"
             for title, path in charts.items()]
    if summary.forbidden_rows():
        body += ["<h2>Forbidden uses</h2>", f"<p>{html.escape(FORBIDDEN_NOTE)}</p>",
                 table(FORBIDDEN_HEADERS, summary.forbidden_rows(), {4})]
    if summary.errors:
        body.append("<h2>Not graded</h2><ul>" + "".join(
            f"<li><code>{html.escape(r.submission)}</code>: {html.escape(r.said)}</li>" for r in summary.errors)
            + "</ul>")
    return page("Class summary", body)

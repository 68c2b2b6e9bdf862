"""Class reports from `grade batch`'s results documents.

    OUT/reports/
      feedback/<submission>.md, .html    each submission's scores and the feedback of every failed test
      summary.md, summary.html           per-question pass rates, per-assignment scores, the score distribution
      charts/score_distribution.png      histogram of total scores (% of the maximum)
      charts/question_pass_rates.png     share of submissions with full marks, per question
      canvas_grades.csv                  Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, ...
      gradescope_grades.csv              Gradescope score import: Name, SID, Email, ..., Total Score

The documents are Gradescope `results.json` objects as `grade batch` writes them
(`submission`, `status`, `score`, `max_score`, `tests` with tags `[assignment,
question, public|hidden]`, `extra_data.assignments`). An optional roster CSV
joins submissions to students; see `read_roster` for its columns.
"""

from __future__ import annotations

import csv
import html
import io
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .reports import write_atomic

REPORTS = "reports"
BINS = 10  # the score distribution's bins: 0-10 %, ..., 90-100 %

#: Roster columns and the header names accepted for each (case, spaces, dashes and underscores ignored).
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "submission": ("submission", "file", "folder", "submissionname"),
    "name": ("name", "student", "studentname", "fullname"),
    "student_id": ("studentid", "sid", "sisuserid", "studentnumber"),
    "canvas_id": ("canvasid", "id", "canvasuserid"),
    "sis_login_id": ("sisloginid", "login", "loginid", "username"),
    "email": ("email", "emailaddress", "mail"),
    "section": ("section", "sections"),
}


@dataclass
class RosterEntry:
    """One student of the roster; every field may be empty."""

    submission: str = ""
    name: str = ""
    student_id: str = ""
    canvas_id: str = ""
    sis_login_id: str = ""
    email: str = ""
    section: str = ""

    def keys(self) -> set[str]:
        """The values a submission's name may match: the submission column, else the ids and the email."""
        if self.submission:
            return {_key(self.submission), _key(Path(self.submission).stem)}
        return {_key(v) for v in (self.student_id, self.sis_login_id, self.email, self.canvas_id) if v}


def _key(text: str) -> str:
    return text.strip().lower()


def _header(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def read_roster(path: Path) -> list[RosterEntry]:
    """Read a roster CSV with a header row.

    Columns (any order, names as in `ROSTER_COLUMNS`): `submission` (the file or folder
    name handed in, with or without its extension), `name`, `student_id` (the SIS user id),
    `canvas_id`, `sis_login_id`, `email`, `section`. Without a `submission` column a
    submission is matched by its name against the student id, login or email.
    """
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ValueError(f"roster {str(path)!r} is empty; expected a header row such as "
                         f"submission,student_id,email,name")
    columns: dict[str, str] = {}
    for header in reader.fieldnames:
        for field_name, aliases in ROSTER_COLUMNS.items():
            if _header(header) in aliases and field_name not in columns:
                columns[field_name] = header
    identifying = {"submission", "student_id", "sis_login_id", "email", "canvas_id"}
    if not identifying & columns.keys():
        raise ValueError(f"roster {str(path)!r} has the columns {reader.fieldnames}; expected one that names "
                         f"the submission or the student: submission, student_id, sis_login_id or email")
    return [RosterEntry(**{f: (row.get(h) or "").strip() for f, h in columns.items()}) for row in reader]


def match_roster(documents: list[dict[str, Any]], roster: list[RosterEntry]) -> dict[str, RosterEntry]:
    """`{submission name: roster entry}` for the submissions the roster names."""
    by_key: dict[str, RosterEntry] = {}
    for entry in roster:
        for key in entry.keys():
            by_key.setdefault(key, entry)
    matched = {}
    for document in documents:
        name = document["submission"]
        entry = by_key.get(_key(name)) or by_key.get(_key(Path(name).stem))
        if entry is not None:
            matched[name] = entry
    return matched


# --- what the documents say ---------------------------------------------------------------------


@dataclass
class QuestionScore:
    """One question of one submission."""

    assignment: str
    question: str
    score: float = 0.0
    max_score: float = 0.0
    passed: int = 0
    tests: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def full_marks(self) -> bool:
        return self.max_score > 0 and self.score >= self.max_score - 1e-9


def graded(document: dict[str, Any]) -> bool:
    """Whether the grader produced results for this submission (not an error row)."""
    return document.get("status", "graded") == "graded"


def question_scores(document: dict[str, Any]) -> list[QuestionScore]:
    """The submission's questions in test order, with their scores and failed tests."""
    found: dict[tuple[str, str], QuestionScore] = {}
    for test in document.get("tests", []):
        tags = test.get("tags") or []
        if len(tags) >= 2:
            assignment, question = tags[0], tags[1]
        else:
            parts = test.get("name", "").split(": ")
            assignment, question = (parts + ["", ""])[:2]
        entry = found.setdefault((assignment, question), QuestionScore(assignment, question))
        entry.score += float(test.get("score", 0.0))
        entry.max_score += float(test.get("max_score", 0.0))
        entry.tests += 1
        if test.get("status") == "passed":
            entry.passed += 1
        else:
            entry.failures.append(test)
    return list(found.values())


def assignment_scores(document: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """`{assignment: (score, max_score)}` of one submission."""
    assignments = document.get("extra_data", {}).get("assignments", {})
    return {a: (float(s["score"]), float(s["max_score"])) for a, s in assignments.items()}


def _percent(score: float, max_score: float) -> float:
    return 100.0 * score / max_score if max_score > 0 else 0.0


def _points(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


@dataclass
class QuestionStat:
    """A question across the class: how many submissions attempted it and how many got full marks."""

    assignment: str
    question: str
    max_score: float
    attempted: int = 0
    full_marks: int = 0
    total: float = 0.0

    @property
    def pass_rate(self) -> float:
        return 100.0 * self.full_marks / self.attempted if self.attempted else 0.0

    @property
    def mean(self) -> float:
        return self.total / self.attempted if self.attempted else 0.0


def question_stats(documents: list[dict[str, Any]]) -> list[QuestionStat]:
    """Per-question statistics over the graded submissions, in order of first appearance."""
    stats: dict[tuple[str, str], QuestionStat] = {}
    for document in filter(graded, documents):
        for q in question_scores(document):
            stat = stats.setdefault((q.assignment, q.question), QuestionStat(q.assignment, q.question, q.max_score))
            stat.max_score = max(stat.max_score, q.max_score)
            stat.attempted += 1
            stat.full_marks += q.full_marks
            stat.total += q.score
    return list(stats.values())


def distribution(documents: list[dict[str, Any]]) -> list[int]:
    """Counts of graded submissions per 10 % bin of their total score (100 % falls in the last bin)."""
    counts = [0] * BINS
    for document in filter(graded, documents):
        percent = _percent(float(document["score"]), float(document["max_score"]))
        counts[min(int(percent // (100 / BINS)), BINS - 1)] += 1
    return counts


def _bin_label(i: int) -> str:
    return f"{i * 100 // BINS}–{(i + 1) * 100 // BINS} %"


def assignment_titles(ids: list[str]) -> dict[str, str]:
    """`{id: "1. Linear regression"}` from the course when it can be found, else the ids themselves."""
    try:
        from . import assignments as course

        known = course.all_assignments()
    except Exception:  # noqa: BLE001 - reports work without a course folder too
        known = {}
    return {a: f"{known[a].number}. {known[a].title}" if a in known else a for a in ids}


def assignment_ids(documents: list[dict[str, Any]]) -> list[str]:
    """Every assignment graded in any document, in order of first appearance."""
    ids: list[str] = []
    for document in documents:
        ids += [a for a in assignment_scores(document) if a not in ids]
    return ids


# --- per-submission feedback --------------------------------------------------------------------


def _who(document: dict[str, Any], student: RosterEntry | None) -> str:
    if student is None:
        return ""
    details = [d for d in (student.student_id and f"id {student.student_id}", student.email) if d]
    return f"{student.name or student.email or student.student_id}" + (f" ({', '.join(details)})" if details else "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def feedback_markdown(document: dict[str, Any], student: RosterEntry | None = None,
                      titles: dict[str, str] | None = None) -> str:
    """One submission's feedback as Markdown: scores per assignment and question, then each failed test."""
    titles = titles or {}
    lines = [f"# Feedback: {document['submission']}", ""]
    if student is not None:
        lines += [f"Student: {_who(document, student)}", ""]
    if not graded(document):
        lines += [f"**Not graded**: {document.get('output') or document.get('status')}", ""]
        return "\n".join(lines)
    score, max_score = float(document["score"]), float(document["max_score"])
    lines += [f"**Score: {_points(score)} / {_points(max_score)}** ({_percent(score, max_score):.0f} %)", ""]
    questions = question_scores(document)
    notes = document.get("extra_data", {}).get("assignments", {})
    for assignment, (a_score, a_max) in assignment_scores(document).items():
        lines += [f"## {titles.get(assignment, assignment)}: {_points(a_score)} / {_points(a_max)}", ""]
        lines += [f"> note: {note}\n" for note in notes.get(assignment, {}).get("notes", [])]
        lines += ["| question | points | tests passed |", "|---|---:|---:|"]
        own = [q for q in questions if q.assignment == assignment]
        lines += [f"| {_cell(q.question)} | {_points(q.score)} / {_points(q.max_score)} | {q.passed} / {q.tests} |"
                  for q in own]
        failures = [t for q in own for t in q.failures]
        if failures:
            lines += ["", "### Failed tests", ""]
            for test in failures:
                kind = (test.get("tags") or ["", "", ""])[2:3] or [""]
                lines += [f"#### {test['name']} ({kind[0] or 'test'}, {_points(float(test['max_score']))} points)",
                          "", "```text", test.get("output", "").strip(), "```", ""]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:0.5rem 0 1rem}th,td{border:1px solid #ccc;padding:0.25rem 0.6rem}
td.n{text-align:right}pre{background:#f6f6f6;padding:0.6rem;overflow-x:auto;white-space:pre-wrap}
.pass{color:#17692f}.fail{color:#a11}.note{color:#8a5a00}img{max-width:100%}"""


def _page(title: str, body: list[str]) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{html.escape(title)}"
            f"</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    numeric_cell = ' class="n"'
    body = "".join("<tr>" + "".join(f"<td{numeric_cell if i in numeric else ''}>{html.escape(c)}</td>"
                                    for i, c in enumerate(row)) + "</tr>\n" for row in rows)
    return f"<table>\n<tr>{head}</tr>\n{body}</table>"


def feedback_html(document: dict[str, Any], student: RosterEntry | None = None,
                  titles: dict[str, str] | None = None) -> str:
    """One submission's feedback as a stand-alone HTML page (same content as `feedback_markdown`)."""
    titles = titles or {}
    body = [f"<h1>Feedback: {html.escape(document['submission'])}</h1>"]
    if student is not None:
        body.append(f"<p>Student: {html.escape(_who(document, student))}</p>")
    if not graded(document):
        body.append(f"<p class=\"fail\"><strong>Not graded</strong>: "
                    f"{html.escape(str(document.get('output') or document.get('status')))}</p>")
        return _page(f"Feedback: {document['submission']}", body)
    score, max_score = float(document["score"]), float(document["max_score"])
    body.append(f"<p><strong>Score: {_points(score)} / {_points(max_score)}</strong> "
                f"({_percent(score, max_score):.0f} %)</p>")
    questions = question_scores(document)
    notes = document.get("extra_data", {}).get("assignments", {})
    for assignment, (a_score, a_max) in assignment_scores(document).items():
        heading = f"{titles.get(assignment, assignment)}: {_points(a_score)} / {_points(a_max)}"
        body.append(f"<h2>{html.escape(heading)}</h2>")
        body += [f"<p class=\"note\">note: {html.escape(n)}</p>" for n in notes.get(assignment, {}).get("notes", [])]
        own = [q for q in questions if q.assignment == assignment]
        body.append(_table(["question", "points", "tests passed"],
                           [[q.question, f"{_points(q.score)} / {_points(q.max_score)}", f"{q.passed} / {q.tests}"]
                            for q in own], numeric={1, 2}))
        failures = [t for q in own for t in q.failures]
        if failures:
            body.append("<h3>Failed tests</h3>")
            for test in failures:
                body.append(f"<h4 class=\"fail\">{html.escape(test['name'])}</h4>")
                body.append(f"<pre>{html.escape(test.get('output', '').strip())}</pre>")
    return _page(f"Feedback: {document['submission']}", body)


# --- the class summary --------------------------------------------------------------------------


@dataclass
class Summary:
    """Everything the summary shows, computed once."""

    documents: list[dict[str, Any]]
    titles: dict[str, str]
    questions: list[QuestionStat]
    counts: list[int]

    @property
    def graded(self) -> list[dict[str, Any]]:
        return [d for d in self.documents if graded(d)]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [d for d in self.documents if not graded(d)]

    def percents(self) -> list[float]:
        return [_percent(float(d["score"]), float(d["max_score"])) for d in self.graded]

    def assignment_rows(self) -> list[list[str]]:
        rows = []
        for assignment, title in self.titles.items():
            scores = [assignment_scores(d)[assignment] for d in self.graded if assignment in assignment_scores(d)]
            if not scores:
                continue
            points = [s for s, _ in scores]
            top = max(m for _, m in scores)
            rows.append([title, str(len(scores)), f"{_points(statistics.mean(points))} / {_points(top)}",
                         _points(statistics.median(points)), str(sum(s >= m - 1e-9 for s, m in scores))])
        return rows

    def question_rows(self) -> list[list[str]]:
        return [[self.titles.get(q.assignment, q.assignment), q.question, _points(q.max_score), str(q.attempted),
                 f"{q.pass_rate:.0f} %", _points(q.mean)] for q in self.questions]

    def distribution_rows(self) -> list[list[str]]:
        return [[_bin_label(i), str(n), "█" * n] for i, n in enumerate(self.counts)]

    def overview(self) -> list[str]:
        percents = self.percents()
        lines = [f"Submissions: {len(self.documents)} ({len(self.graded)} graded, {len(self.errors)} not graded)"]
        if percents:
            lines.append(f"Total score: mean {statistics.mean(percents):.1f} %, median "
                         f"{statistics.median(percents):.1f} %, lowest {min(percents):.1f} %, "
                         f"highest {max(percents):.1f} %")
        return lines


ASSIGNMENT_HEADERS = ["assignment", "submissions", "mean", "median", "full marks"]
QUESTION_HEADERS = ["assignment", "question", "points", "submissions", "full marks", "mean points"]
DISTRIBUTION_HEADERS = ["total score", "submissions", ""]


def _markdown_table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> list[str]:
    align = ["---:" if i in numeric else "---" for i in range(len(headers))]
    return (["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
            + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows])


def summary_markdown(summary: Summary, charts: dict[str, Path]) -> str:
    """The class summary as Markdown; `charts` maps a chart's title to its path relative to the summary."""
    lines = ["# Class summary", "", *summary.overview(), ""]
    lines += ["## Assignments", "", *_markdown_table(ASSIGNMENT_HEADERS, summary.assignment_rows(), {1, 2, 3, 4}), ""]
    lines += ["## Questions", "", "A question passes when a submission gets all of its points.", "",
              *_markdown_table(QUESTION_HEADERS, summary.question_rows(), {2, 3, 4, 5}), ""]
    lines += ["## Score distribution", "", *_markdown_table(DISTRIBUTION_HEADERS, summary.distribution_rows(), {1}), ""]
    lines += [f"![{title}]({path.as_posix()})" for title, path in charts.items()]
    if summary.errors:
        lines += ["", "## Not graded", ""]
        lines += [f"- `{d['submission']}`: {d.get('output') or d.get('status')}" for d in summary.errors]
    return "\n".join(lines).rstrip() + "\n"


def summary_html(summary: Summary, charts: dict[str, Path]) -> str:
    """The class summary as an HTML page with its charts."""
    body = ["<h1>Class summary</h1>", *(f"<p>{html.escape(line)}</p>" for line in summary.overview()),
            "<h2>Assignments</h2>", _table(ASSIGNMENT_HEADERS, summary.assignment_rows(), {1, 2, 3, 4}),
            "<h2>Questions</h2><p>A question passes when a submission gets all of its points.</p>",
            _table(QUESTION_HEADERS, summary.question_rows(), {2, 3, 4, 5}),
            "<h2>Score distribution</h2>",
            _table(DISTRIBUTION_HEADERS[:2], [r[:2] for r in summary.distribution_rows()], {1})]
    body += [f"<figure><img src=\"{html.escape(path.as_posix())}\" alt=\"{html.escape(title)}\"></figure>"
             for title, path in charts.items()]
    if summary.errors:
        body.append("<h2>Not graded</h2><ul>" + "".join(
            f"<li><code>{html.escape(d['submission'])}</code>: {html.escape(str(d.get('output') or d.get('status')))}"
            f"</li>" for d in summary.errors) + "</ul>")
    return _page("Class summary", body)


def print_summary(summary: Summary, console: Console) -> None:
    """The per-question pass rates and the score distribution, as rich tables."""
    for line in summary.overview():
        console.print(line)
    table = Table(title="Questions: submissions with full marks")
    for i, header in enumerate(QUESTION_HEADERS):
        table.add_column(header, justify="right" if i >= 2 else "left")
    for row in summary.question_rows():
        table.add_row(*row)
    console.print(table)
    table = Table(title="Score distribution")
    for i, header in enumerate(DISTRIBUTION_HEADERS):
        table.add_column(header, justify="right" if i == 1 else "left")
    for row in summary.distribution_rows():
        table.add_row(*row)
    console.print(table)


def write_charts(summary: Summary, folder: Path) -> dict[str, Path]:
    """Draw the score distribution and the per-question pass rates as PNGs; `{title: path}`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    folder.mkdir(parents=True, exist_ok=True)
    charts = {}
    n = len(summary.graded)

    figure = Figure(figsize=(8, 4.5), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    percents = summary.percents()
    axes.hist(percents, bins=[i * 100 / BINS for i in range(BINS + 1)], color="#3b6ea5", edgecolor="white")
    if percents:
        mean = statistics.mean(percents)
        axes.axvline(mean, color="#a11", linestyle="--", label=f"mean {mean:.1f} %")
        axes.legend(loc="best")
    axes.set_title(f"Score distribution ({n} graded submission{'s' if n != 1 else ''})")
    axes.set_xlabel("total score (% of the maximum)")
    axes.set_ylabel("submissions")
    axes.set_xlim(0, 100)
    axes.yaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    path = folder / "score_distribution.png"
    figure.savefig(path)
    charts["Score distribution"] = path

    questions = summary.questions
    figure = Figure(figsize=(8, max(2.5, 0.35 * len(questions) + 1.5)), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [f"{q.assignment}: {q.question}" for q in questions]
    rates = [q.pass_rate for q in questions]
    positions = list(range(len(questions)))
    axes.barh(positions, rates, color="#3b8a4f")
    axes.set_yticks(positions, labels)
    axes.set_ylim(len(questions) - 0.5, -0.5)
    for y, rate in zip(positions, rates):
        axes.text(min(rate + 1, 92), y, f"{rate:.0f} %", va="center", fontsize=8)
    axes.set_xlim(0, 100)
    figure.suptitle(f"Full marks per question ({n} graded submission{'s' if n != 1 else ''})")
    axes.set_xlabel("submissions with all of the question's points (%)")
    axes.set_ylabel("question")
    figure.tight_layout()
    path = folder / "question_pass_rates.png"
    figure.savefig(path)
    charts["Question pass rates"] = path
    return charts


# --- grade exports ------------------------------------------------------------------------------


def _rows(documents: list[dict[str, Any]], roster: list[RosterEntry] | None,
          matched: dict[str, RosterEntry]) -> list[tuple[RosterEntry, dict[str, Any] | None]]:
    """One row per student: the roster's students in roster order (with their submission or None),
    then the submissions the roster does not name."""
    by_entry = {id(entry): document for document in documents
                for entry in [matched.get(document["submission"])] if entry is not None}
    rows: list[tuple[RosterEntry, dict[str, Any] | None]] = [(entry, by_entry.get(id(entry))) for entry in roster or []]
    rows += [(RosterEntry(submission=d["submission"], name=Path(d["submission"]).stem), d)
             for d in documents if d["submission"] not in matched]
    return rows


def _score(document: dict[str, Any] | None, assignment: str | None = None) -> str:
    if document is None or not graded(document):
        return ""
    if assignment is None:
        return _points(float(document["score"]))
    scores = assignment_scores(document)
    return _points(scores[assignment][0]) if assignment in scores else ""


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def canvas_csv(documents: list[dict[str, Any]], titles: dict[str, str], roster: list[RosterEntry] | None,
               matched: dict[str, RosterEntry]) -> str:
    """Canvas's gradebook import: the five student columns, one column per assignment, a Points Possible row."""
    maxima = {a: max((assignment_scores(d)[a][1] for d in documents if a in assignment_scores(d)), default=0.0)
              for a in titles}
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles.values()]
    rows = [["Points Possible", "", "", "", "", *(_points(maxima[a]) for a in titles)]]
    for entry, document in _rows(documents, roster, matched):
        rows.append([entry.name, entry.canvas_id, entry.student_id, entry.sis_login_id or entry.email,
                     entry.section, *(_score(document, a) for a in titles)])
    return _csv(header, rows)


def gradescope_csv(documents: list[dict[str, Any]], titles: dict[str, str], roster: list[RosterEntry] | None,
                   matched: dict[str, RosterEntry]) -> str:
    """Gradescope's score import: Name, SID, Email, Section, a column per assignment and Total Score."""
    header = ["Name", "SID", "Email", "Section", *titles.values(), "Total Score"]
    rows = [[entry.name, entry.student_id, entry.email, entry.section, *(_score(document, a) for a in titles),
             _score(document)] for entry, document in _rows(documents, roster, matched)]
    return _csv(header, rows)


# --- the entry point ----------------------------------------------------------------------------


def write_class_reports(documents: list[dict], output: Path, roster: Path | None, console: Console) -> list[Path]:
    """Write `output/reports/` from `grade batch`'s documents; print the summary; return the files written."""
    folder = output / REPORTS
    written: list[Path] = []
    entries = read_roster(roster) if roster is not None else None
    matched = match_roster(documents, entries) if entries is not None else {}
    titles = assignment_titles(assignment_ids(documents))

    from .batch import result_key

    for document in documents:
        student = matched.get(document["submission"])
        stem = folder / "feedback" / result_key(Path(document["submission"]))
        for suffix, text in ((".md", feedback_markdown(document, student, titles)),
                             (".html", feedback_html(document, student, titles))):
            write_atomic(stem.with_name(stem.name + suffix), text)
            written.append(stem.with_name(stem.name + suffix))

    summary = Summary(documents, titles, question_stats(documents), distribution(documents))
    charts = write_charts(summary, folder / "charts") if documents else {}
    written += list(charts.values())
    relative = {title: path.relative_to(folder) for title, path in charts.items()}
    for name, text in (("summary.md", summary_markdown(summary, relative)),
                       ("summary.html", summary_html(summary, relative)),
                       ("canvas_grades.csv", canvas_csv(documents, titles, entries, matched)),
                       ("gradescope_grades.csv", gradescope_csv(documents, titles, entries, matched))):
        write_atomic(folder / name, text)
        written.append(folder / name)

    print_summary(summary, console)
    if entries is not None:
        unmatched = [d["submission"] for d in documents if d["submission"] not in matched]
        missing = sum(1 for e in entries if not any(m is e for m in matched.values()))
        if unmatched:
            console.print(f"[yellow]roster: no student for {', '.join(unmatched)}[/]")
        if missing:
            console.print(f"[yellow]roster: {missing} student(s) without a submission (blank in the grade files)[/]")
    else:
        console.print("[yellow]no --roster: the grade files name submissions, not students; Canvas and Gradescope "
                      "need ids or emails to import them[/]")
    if summary.errors:
        console.print(f"[yellow]{len(summary.errors)} submission(s) not graded: blank in the grade files[/]")
    console.print(f"wrote {len(written)} report files in {folder}")
    return written

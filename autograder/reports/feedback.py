"""Each submission's feedback page: scores per assignment and question, then every failed test, worded."""

from __future__ import annotations

import html

from ..results import SubmissionResult, TestResult
from .html import cell, page, table
from .roster import RosterEntry
from .statistics import assignment_scores, percent, question_scores
from .wording import explain, points


def who(student: RosterEntry | None) -> str:
    """The student as the page names them: name, then id and email."""
    if student is None:
        return ""
    details = [d for d in (student.student_id and f"id {student.student_id}", student.email) if d]
    return f"{student.name or student.email or student.student_id}" + (f" ({', '.join(details)})" if details else "")


def _failure(test: TestResult) -> tuple[str, str]:
    """A failed test's heading and text (the assignment's notes are shown once, above its tests)."""
    return f"{test.assignment}: {test.question}: {test.description}", explain(test).strip()


def _note_markdown(note: str) -> list[str]:
    return [f"> note: {note}", ""] if "\n" not in note else ["```text", f"note: {note}", "```", ""]


def feedback_markdown(result: SubmissionResult, student: RosterEntry | None = None,
                      titles: dict[str, str] | None = None) -> str:
    """One submission's feedback as Markdown: scores per assignment and question, then each failed test."""
    titles = titles or {}
    lines = [f"# Feedback: {result.submission}", ""]
    if student is not None:
        lines += [f"Student: {who(student)}", ""]
    if not result.graded:
        lines += [f"**Not graded**: {result.status}", ""]
        return "\n".join(lines)
    lines += [f"**Score: {points(result.score)} / {points(result.max_score)}** "
              f"({percent(result.score, result.max_score):.0f} %)", ""]
    questions = question_scores(result)
    notes = {a.assignment: a.notes for a in result.assignments}
    for assignment, (a_score, a_max) in assignment_scores(result).items():
        lines += [f"## {titles.get(assignment, assignment)}: {points(a_score)} / {points(a_max)}", ""]
        lines += [line for note in notes[assignment] for line in _note_markdown(note)]
        lines += ["| question | points | tests passed |", "|---|---:|---:|"]
        own = [q for q in questions if q.assignment == assignment]
        lines += [f"| {cell(q.question)} | {points(q.score)} / {points(q.max_score)} | {q.passed} / {q.tests} |"
                  for q in own]
        failures = [t for q in own for t in q.failures]
        if failures:
            lines += ["", "### Failed tests", ""]
            for test in failures:
                heading, text = _failure(test)
                kind = "public" if test.public else "hidden"
                lines += [f"#### {heading} ({kind}, {points(test.max_score)} points)", "", "```text", text, "```", ""]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def feedback_html(result: SubmissionResult, student: RosterEntry | None = None,
                  titles: dict[str, str] | None = None) -> str:
    """One submission's feedback as a stand-alone HTML page (same content as `feedback_markdown`)."""
    titles = titles or {}
    body = [f"<h1>Feedback: {html.escape(result.submission)}</h1>"]
    if student is not None:
        body.append(f"<p>Student: {html.escape(who(student))}</p>")
    if not result.graded:
        body.append(f"<p class=\"fail\"><strong>Not graded</strong>: {html.escape(result.status)}</p>")
        return page(f"Feedback: {result.submission}", body)
    body.append(f"<p><strong>Score: {points(result.score)} / {points(result.max_score)}</strong> "
                f"({percent(result.score, result.max_score):.0f} %)</p>")
    questions = question_scores(result)
    notes = {a.assignment: a.notes for a in result.assignments}
    for assignment, (a_score, a_max) in assignment_scores(result).items():
        heading = f"{titles.get(assignment, assignment)}: {points(a_score)} / {points(a_max)}"
        body.append(f"<h2>{html.escape(heading)}</h2>")
        body += [f"<pre class=\"note\">note: {html.escape(n)}</pre>" for n in notes[assignment]]
        own = [q for q in questions if q.assignment == assignment]
        body.append(table(["question", "points", "tests passed"],
                          [[q.question, f"{points(q.score)} / {points(q.max_score)}", f"{q.passed} / {q.tests}"]
                           for q in own], numeric={1, 2}))
        failures = [t for q in own for t in q.failures]
        if failures:
            body.append("<h3>Failed tests</h3>")
            for test in failures:
                heading, text = _failure(test)
                body.append(f"<h4 class=\"fail\">{html.escape(heading)}</h4>")
                body.append(f"<pre>{html.escape(text)}</pre>")
    return page(f"Feedback: {result.submission}", body)

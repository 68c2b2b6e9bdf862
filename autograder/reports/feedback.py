"""Each submission's feedback page: scores per assignment and question, then every failed test, worded."""

from __future__ import annotations

import html

from ..layouts.roster import RosterEntry
from ..results import AssignmentResult, Status, SubmissionResult, TestResult
from .html import cell, page, table
from .statistics import percent, question_scores
from .wording import explain, passed_notes, points, revealed


def who(student: RosterEntry | None) -> str:
    """The student as the page names them: name, then id and email."""
    if student is None:
        return ""
    details = [d for d in (student.student_id and f"id {student.student_id}", student.email) if d]
    return f"{student.name or student.email or student.student_id}" + (f" ({', '.join(details)})" if details else "")


def _student(result: SubmissionResult, student: RosterEntry | None) -> RosterEntry | None:
    """The roster's entry, else the student as the platform named them."""
    if student is not None or not result.identity.get("name"):
        return student
    return RosterEntry(name=result.identity["name"], student_id=result.identity.get("student_id", ""),
                       email=result.identity.get("email", ""))


def _score_line(result: SubmissionResult) -> str:
    line = (f"Score: {points(result.score)} / {points(result.max_score)} "
            f"({percent(result.score, result.max_score):.0f} %)")
    if result.penalty:
        line += f", after a late penalty of {points(result.penalty)} (tests: {points(result.raw_score)})"
    missing = [a.assignment for a in result.assignments if a.missing]
    if missing:
        line += f"; not handed in, 0 points each: {', '.join(missing)}"
    return line


def _not_graded(result: SubmissionResult) -> str:
    """Why there is nothing to show: nothing handed in (0 points), else what could not be graded, and why."""
    if result.status is Status.MISSING:
        return f"Not handed in: {result.reason or 'nothing'}; 0 / {points(result.max_score)} points"
    return f"Not graded: {result.explained}"


def _heading(assignment: AssignmentResult, titles: dict[str, str]) -> str:
    title = titles.get(assignment.assignment, assignment.assignment)
    if assignment.missing:
        return f"{title}: not handed in, 0 / {points(assignment.max_score)}"
    late = f" (tests {points(assignment.raw_score)}, late −{points(assignment.penalty)})" if assignment.penalty else ""
    return f"{title}: {points(assignment.score)} / {points(assignment.max_score)}{late}"


def _failure(test: TestResult, assignment: AssignmentResult) -> tuple[str, str]:
    """A failed test's heading and text (the assignment's notes are shown once, above its tests): a hidden test's
    details too, once the student's due date has passed, where the course reveals them (they are kept then)."""
    shown = revealed(test) if not test.public and test.verdict.withheld and assignment.due_passed() else test
    return f"{test.assignment}: {test.question}: {test.description}", explain(shown).strip()


def _note_markdown(note: str) -> list[str]:
    return [f"> note: {note}", ""] if "\n" not in note else ["```text", f"note: {note}", "```", ""]


def feedback_markdown(result: SubmissionResult, student: RosterEntry | None = None,
                      titles: dict[str, str] | None = None) -> str:
    """One submission's feedback as Markdown: scores per assignment and question, then each failed test."""
    titles = titles or {}
    student = _student(result, student)
    lines = [f"# Feedback: {result.submission}", ""]
    if student is not None:
        lines += [f"Student: {who(student)}", ""]
    lines += [f"> note: {note}\n" for note in result.notes]
    if not result.graded:
        lines += [f"**{_not_graded(result)}**", ""]
        return "\n".join(lines)
    lines += [f"**{_score_line(result)}**", ""]
    questions = question_scores(result)
    for a in result.assignments:
        assignment = a.assignment
        lines += [f"## {_heading(a, titles)}", ""]
        if a.missing:
            continue
        lines += [f"> late: {a.late}", ""] if a.late else []
        lines += [line for note in a.notes for line in _note_markdown(note)]
        lines += ["| question | points | tests passed |", "|---|---:|---:|"]
        own = [q for q in questions if q.assignment == assignment]
        lines += [f"| {cell(q.question)} | {points(q.score)} / {points(q.max_score)} | {q.passed} / {q.tests} |"
                  for q in own]
        notes = passed_notes(a.tests)
        if notes:
            lines += ["", "### Notes on passed tests", ""] + [f"- {cell(note)}" for note in notes]
        failures = [t for q in own for t in q.failures]
        if failures:
            lines += ["", "### Failed tests", ""]
            for test in failures:
                heading, text = _failure(test, a)
                kind = "public" if test.public else "hidden"
                lines += [f"#### {heading} ({kind}, {points(test.max_score)} points)", "", "```text", text, "```", ""]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def feedback_html(result: SubmissionResult, student: RosterEntry | None = None,
                  titles: dict[str, str] | None = None) -> str:
    """One submission's feedback as a stand-alone HTML page (same content as `feedback_markdown`)."""
    titles = titles or {}
    student = _student(result, student)
    body = [f"<h1>Feedback: {html.escape(result.submission)}</h1>"]
    if student is not None:
        body.append(f"<p>Student: {html.escape(who(student))}</p>")
    body += [f"<p class=\"note\">note: {html.escape(n)}</p>" for n in result.notes]
    if not result.graded:
        body.append(f"<p class=\"fail\"><strong>{html.escape(_not_graded(result))}</strong></p>")
        return page(f"Feedback: {result.submission}", body)
    body.append(f"<p><strong>{html.escape(_score_line(result))}</strong></p>")
    questions = question_scores(result)
    for a in result.assignments:
        assignment = a.assignment
        body.append(f"<h2>{html.escape(_heading(a, titles))}</h2>")
        if a.missing:
            continue
        body += [f"<p class=\"note\">late: {html.escape(a.late)}</p>"] if a.late else []
        body += [f"<pre class=\"note\">note: {html.escape(n)}</pre>" for n in a.notes]
        own = [q for q in questions if q.assignment == assignment]
        body.append(table(["question", "points", "tests passed"],
                          [[q.question, f"{points(q.score)} / {points(q.max_score)}", f"{q.passed} / {q.tests}"]
                           for q in own], numeric={1, 2}))
        body += [f"<p class=\"note\">note: {html.escape(note)}</p>" for note in passed_notes(a.tests)]
        failures = [t for q in own for t in q.failures]
        if failures:
            body.append("<h3>Failed tests</h3>")
            for test in failures:
                heading, text = _failure(test, a)
                body.append(f"<h4 class=\"fail\">{html.escape(heading)}</h4>")
                body.append(f"<pre>{html.escape(text)}</pre>")
    return page(f"Feedback: {result.submission}", body)

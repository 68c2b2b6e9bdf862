"""A test's verdict as the sentences a student reads.

A failed test says what was called, what came back and what was expected (public tests
only: a hidden test's verdict carries none of them), the problem, the traceback of the
student's own code, what to reread, and what the code printed. A passed test may carry a
note (a value in a container the SPEC does not name): the reports show it once per question.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..results import Outcome, TestResult

#: How the student's process writes a warning to its output (`sandbox.runtime.child._warning_line`).
WARNING = "warning: "

TRACEBACK_LINES = 8


def explain(test: TestResult) -> str:
    """The feedback of `test`: the verdict's parts, one labelled line each."""
    verdict = test.verdict
    lines = [f"{test.question}: {test.description}"]
    if verdict.call:
        lines.append(f"Called:   {verdict.call}")
        if verdict.returned is not None:
            lines.append(f"Returned: {verdict.returned}")
        if verdict.expected is not None:
            lines.append(f"Expected: {verdict.expected}")
    lines.append(f"Problem:  {verdict.problem}")
    if verdict.note:
        lines.append(f"Note:     {verdict.note}")
    if verdict.traceback:
        lines.append("Traceback (your code):\n" + "\n".join(
            "  " + line for line in verdict.traceback.splitlines()[-TRACEBACK_LINES:]))
    lines.append(f"Reread:   {verdict.reread}")
    text = "\n".join(lines)
    lines_out = verdict.output.splitlines()
    printed = [line for line in lines_out if not line.startswith(WARNING)]
    warned = list(dict.fromkeys(line[len(WARNING):] for line in lines_out if line.startswith(WARNING)))
    if printed:
        text += "\nYour code printed:\n" + "\n".join(printed)
    if warned:
        text += "\nWarnings (numpy's or Python's, about your code):\n" + "\n".join(warned)
    return text


_UNDEFINED = re.compile(r"^(\w+) is not defined")


def said_once(tests: list[TestResult]) -> tuple[list[str], set[str]]:
    """What several failed tests fail for alike, said once: the functions the code does not define (an empty
    file, a cell not run, a syntax error that hid them), and any problem two tests or more share word for
    word (a package the assignment does not allow, say). Returns the sentences and the names of the tests
    they explain, which a report then lists without repeating them."""
    failed = [t for t in tests if not t.passed]
    undefined = {t.name: m.group(1) for t in failed if t.verdict.outcome is Outcome.MISSING_NAME
                 and (m := _UNDEFINED.match(t.verdict.problem))}
    said, covered = [], set()
    if len(undefined) >= 2:
        names = ", ".join(dict.fromkeys(undefined.values()))
        said.append(f"Not defined in your code: {names}. Every test that calls one fails (an empty file, a cell not "
                    f"run, or a syntax error that hid it: see the notes).")
        covered |= set(undefined)
    by_problem: dict[str, list[str]] = {}
    for t in failed:
        if t.name not in covered:
            by_problem.setdefault(t.verdict.problem, []).append(t.name)
    for problem, names in by_problem.items():
        if len(names) >= 2:
            said.append(f"{len(names)} tests fail for one reason: {problem}")
            covered |= set(names)
    return said, covered


def revealed(test: TestResult) -> TestResult:
    """`test` with what its verdict withheld (a hidden test's problem, call, returned and expected values, kept for
    a course that reveals them after the due date) in place, to word as a public test's feedback."""
    withheld = test.verdict.withheld or {}
    return replace(test, verdict=replace(test.verdict, **{k: withheld[k] for k in ("problem", "call", "returned",
                                                                                   "expected") if k in withheld}))


def passed_notes(tests: list[TestResult]) -> list[str]:
    """The notes of passed tests, once each, as "question: note": points kept, with what the SPEC asks for."""
    return list(dict.fromkeys(f"{t.question}: {t.verdict.note}" for t in tests if t.passed and t.verdict.note))


def points(x: float) -> str:
    """A score as people write it: 8, 6.5, 0.33."""
    return f"{x:.2f}".rstrip("0").rstrip(".")

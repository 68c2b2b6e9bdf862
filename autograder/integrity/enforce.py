"""The grader's side of the guards in the student's process (`sandbox.runtime.guard`).

What `LOAD` asks the student's process to guard (each function's forbidden names, the course's
policy), and the uses it reports back turned into findings. Such a use was seen where it ran, so no
spelling hides it: `np.linalg._linalg.lstsq`, a name built at run time, `exec`. It is worded as the
static check's findings are, and costs what the assignment's `[integrity] forbidden` policy says:
under "flag" it is reported and the function ran as written; under "zero" the guarded function raised
instead of running, and the question's tests fail with the rule named.
"""

from __future__ import annotations

from typing import Any

from ..assignments import Assignment
from .forbidden import Finding, Integrity, matches


def guard_request(assignment: Assignment) -> dict[str, Any]:
    """`{"forbid": {function: [rule, ...]}, "policy"}` for the `LOAD` message; {} where nothing is forbidden.
    Attribute rules (".backward") stay with the static check: torch's `backward` runs `torch.autograd`'s."""
    forbid: dict[str, list[str]] = {}
    for question in assignment.questions:
        for function in question.functions:
            for rule in question.forbidden:
                if not rule.startswith(".") and rule not in forbid.get(function, []):
                    forbid.setdefault(function, []).append(rule)
    return {"forbid": forbid, "policy": assignment.policy} if forbid else {}


def reported(integrity: Integrity, assignment: Assignment, question: str,
             uses: list[tuple[str, dict[str, Any]]], public: bool) -> list[Finding]:
    """Add to `integrity` the uses the student's process reported during a test of `question` (`(function
    called, use)` pairs, `CallLog.forbidden`); return the new findings. A use counts against the question
    whose function was called (else the test's own), only for a rule that question has, and once per
    question and rule: a use the source check already found is not repeated. The line, the function it
    was in and the name used come from the student's process, which could make them carry a hidden
    test's inputs: they are kept from a `public` test only (else the rule and the function called)."""
    new = []
    for called, use in uses:
        owner = next((q for q in assignment.questions if called in q.functions), assignment.question(question))
        rule = use["rule"]
        if rule not in owner.forbidden or any(f.question == owner.name and f.rule == rule
                                              for f in integrity.findings):
            continue
        used = use["name"] if public and matches(use["name"], rule) else rule
        line, where = (use["line"], use["where"] or called) if public else (0, called)
        finding = Finding(owner.name, called, rule, used, line, where, assignment.policy, ran=True)
        integrity.findings.append(finding)
        new.append(finding)
    return new

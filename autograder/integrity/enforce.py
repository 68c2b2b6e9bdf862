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
from .forbidden import Finding, Integrity


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
             uses: list[tuple[str, dict[str, Any]]]) -> list[Finding]:
    """Add to `integrity` the uses the student's process reported during a test of `question` (`(function
    called, use)` pairs, `CallLog.forbidden`); return the new findings. A use counts against the question
    whose function was called (else the test's own), only for a rule that question has, and once per
    question and rule: a use the source check already found is not repeated."""
    new = []
    for called, use in uses:
        owner = next((q for q in assignment.questions if called in q.functions), assignment.question(question))
        if use["rule"] not in owner.forbidden or any(f.question == owner.name and f.rule == use["rule"]
                                                     for f in integrity.findings):
            continue
        finding = Finding(owner.name, called, use["rule"], use["name"] or use["rule"], use["line"],
                          use["where"] or called, assignment.policy, ran=True)
        integrity.findings.append(finding)
        new.append(finding)
    return new

"""Gradescope's results.json: `score`, `max_score`, and one entry per test (SPEC's `--format json`)."""

from __future__ import annotations

from typing import Any

from ..results import AssignmentResult, SubmissionResult
from ..scoring import total
from .wording import explain, revealed

#: Gradescope's visibility of what it shows only once the due date has passed.
AFTER_DUE = "after_due_date"


def gradescope_json(results: list[AssignmentResult], extra: dict[str, Any] | None = None) -> dict:
    """Gradescope's results.json for `results`; `extra` joins `extra_data` (e.g. the sandbox's layers)."""
    score, max_score = total(results)
    tests = []
    for result in results:
        flagged: dict[str, str] = {}
        for finding in result.forbidden:
            flagged[finding["question"]] = flagged.get(finding["question"], "") + f"\nnote: {finding['sentence']}"
        for t in result.tests:
            tests.append({
                "name": f"{result.assignment}: {t.question}: {t.description}",
                "name_format": "text",
                "number": f"{result.assignment}.{t.name}",
                "score": round(t.score, 6),
                "max_score": round(t.max_score, 6),
                "status": "passed" if t.passed else "failed",
                "output": explain(t) if not t.passed else "Passed." + (f"\nnote: {t.verdict.note}" if t.verdict.note
                                                                      else "") + flagged.get(t.question, ""),
                "output_format": "text",
                "visibility": "visible",
                "tags": [result.assignment, t.question, "public" if t.public else "hidden"],
            })
            if not t.passed and t.verdict.withheld:  # Gradescope shows it itself once the due date has passed
                tests.append({"name": f"{result.assignment}: {t.question}: {t.description} (its details)",
                              "name_format": "text", "number": f"{result.assignment}.{t.name}.details",
                              "score": 0.0, "max_score": 0.0, "status": "failed",
                              "output": explain(revealed(t)), "output_format": "text",
                              "visibility": AFTER_DUE,
                              "tags": [result.assignment, t.question, "hidden", "details"]})
    document: dict[str, Any] = {"score": round(score, 4), "max_score": round(max_score, 4), "tests": tests,
                                "output_format": "text", "visibility": "visible"}
    notes = [f"{r.assignment}: note: {note}" for r in results for note in r.notes]
    late = [f"{r.assignment}: {r.late}" for r in results if r.late]
    # once, above the tests, not repeated in each (Gradescope shows `output` first); the tests' points add
    # up to the raw score, `score` is the final one, and the late policy says why
    output = (["Late policy:", *late] if late else []) + notes
    if output:
        document["output"] = "\n".join(output)
    document["extra_data"] = {
        "assignments": {r.assignment: {"score": round(r.score, 4), "raw_score": round(r.raw_score, 4),
                                       "penalty": round(r.penalty, 4), "max_score": round(r.max_score, 4),
                                       "missing": r.missing, "late": r.late, "notes": r.notes,
                                       "forbidden": r.forbidden} for r in results},
        **(extra or {}),
    }
    return document


def submission_document(result: SubmissionResult) -> dict:
    """One batch submission as Gradescope's results.json, with its `submission` and `status` (the
    reason, when it could not be graded)."""
    if not result.graded:
        return {"submission": result.submission, "status": result.said, "score": 0.0,
                "max_score": 0.0, "tests": [], "output": result.said}
    return {**gradescope_json(result.assignments, result.extra), "submission": result.submission,
            "status": result.said}

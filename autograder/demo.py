"""`grade demo`: grade the bundled example submissions, to see the whole pipeline at work.

The batch is the reference solutions (full marks), the untouched templates
(zero) and the deliberately wrong submissions in `examples/submissions/`; the demo ends
with a line per example: what is wrong with it (`examples/submissions.toml`) and what it
scored, out of the points of the assignments it hands in.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from .names import listing
from .reports.statistics import question_scores
from .reports.wording import points
from .results import SubmissionResult
from .scoring import total

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: What is wrong with each example, beside the examples.
EXAMPLES = Path("examples") / "submissions.toml"


def assemble(root: Path, into: Path) -> Path:
    """Lay out the demo batch under `into`: one folder per submission. Returns `into`."""
    into.mkdir(parents=True, exist_ok=True)
    shutil.copytree(root / "solutions", into / "reference", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    template = into / "untouched_template"
    template.mkdir(exist_ok=True)
    for module in sorted((root / "student_template").glob("*.py")):
        shutil.copy(module, template / module.name)
    examples = root / "examples" / "submissions"
    if examples.is_dir():
        for example in sorted(examples.iterdir()):
            if example.is_dir():
                shutil.copytree(example, into / example.name, dirs_exist_ok=True)
    return into


def verdicts(root: Path, results: list[SubmissionResult]) -> list[str]:
    """A line per example of `root/examples/`: "alice: mse_cost forgets the ½: 6.5/8 (linear_regression; points
    lost in mse_cost)", its score out of the assignments it handed in (not the whole course's)."""
    path = root / EXAMPLES
    wrong = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    lines = []
    for result in results:
        if result.submission not in wrong:
            continue
        said = wrong[result.submission].get("wrong", "")
        handed = [a for a in result.assignments if not a.missing]
        if not result.graded or not handed:
            lines.append(f"{result.submission}: {said}: {result.explained}")
            continue
        score, top = total(handed)
        lost = [q.question for q in question_scores(result) if not q.full_marks]
        where = ", ".join(a.assignment for a in handed) + (f"; points lost in {listing(lost)}" if lost else "")
        lines.append(f"{result.submission}: {said}: {points(score)}/{points(top)} ({where})")
    return lines

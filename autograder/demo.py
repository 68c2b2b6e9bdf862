"""`grade demo`: grade the bundled example submissions, to see the whole pipeline at work.

The batch is the reference solutions (full marks), the untouched templates
(zero) and the deliberately wrong submissions in `examples/submissions/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path


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

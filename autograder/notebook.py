"""A notebook's check cell: a question's public tests on the kernel's code, graded as `grade check` grades it.

The check cell takes the code cells run in this kernel so far, in the order they ran (what the
kernel's definitions come from; a cell run again counts once, where it last ran), makes them one
module as a handed-in notebook is made (`cells.cells_to_source`), and grades it with the one owner of
grading (`grader.grade_submission`): in a process of its own, sandboxed where the machine allows,
with the assignment's packages, forbidden calls, time limits, output caps and points. What a check
cell says is what `grade check` says of the same code, and an infinite loop stops at its time
limit while the kernel goes on. It prints its verdict and returns nothing (no `Out:` line).
"""

from __future__ import annotations

import atexit
import os
import re
import sys
from pathlib import Path
from typing import Any

from .cells import cells_to_source
from .course import Course
from .submission import Source, Submission

#: A check cell's own code: never graded.
_CHECK = re.compile(r"^\s*(from autograder\.notebook import check\b.*|check\(\s*['\"][\w]+['\"]\s*,.*\))\s*$",
                    re.DOTALL)
_DEFINES = re.compile(r"^(?:def|class)\s+(\w+)|^(\w+)\s*=", re.MULTILINE)
_templates: list[Any] = []  # the kernel's warm templates, made on the first check (one per kind)


def check(assignment_id: str, question: str, namespace: dict[str, Any]) -> None:
    """Grade the public tests of `question` on the code this kernel has run (pass `globals()`); print the verdict."""
    if os.environ.get("GRADE_SANDBOX"):
        return  # a notebook graded elsewhere: its check cells do nothing
    from .grader import Context, grade_submission
    from .reports.cell import show

    course = Course.load()  # an entry point, in the student's kernel
    assignment = course.get(assignment_id)
    text, cells = kernel_source(namespace)
    source = Source(assignment_id, "this notebook", text=text, cells=cells)
    submission = Submission(f"{assignment_id}.ipynb", Path(f"{assignment_id}.ipynb"), {assignment_id: source})
    context = Context(hidden=False, assignment=assignment_id, questions=(assignment.question(question).name,),
                      templates=_warm())
    show(grade_submission(course, submission, context), question, sys.stdout)


def kernel_source(namespace: dict[str, Any]) -> tuple[str, Any]:
    """The module the kernel's code makes, and where each of its lines came from: the cells run so far in an
    IPython kernel (check cells left out), else the file `namespace` was run from."""
    shell = namespace.get("get_ipython")
    history = getattr(getattr(shell() if callable(shell) else None, "history_manager", None), "input_hist_raw", None)
    if history is None:
        path = namespace.get("__file__")
        return (Path(path).read_text(encoding="utf-8") if path else ""), None
    ran: dict[str, int] = {}
    for count, code in enumerate(history):
        if code.strip() and not _CHECK.match(code):
            ran.pop(code, None)
            ran[code] = count  # a cell run again counts where it last ran
    return cells_to_source([(_label(count, code), code) for code, count in ran.items()])


def _label(count: int, code: str) -> str:
    defined = list(dict.fromkeys(a or b for a, b in _DEFINES.findall(code)))[:3]
    return f"cell [{count}]" + (f" (defining {', '.join(defined)})" if defined else "")


def _warm() -> Any:
    """The kernel's warm templates (each child forked in milliseconds), where this machine can keep them."""
    from .sandbox.templates import Templates

    if not _templates and Templates.usable():
        _templates.append(Templates())
        atexit.register(_templates[0].close)
    return _templates[0] if _templates else None

"""The student's processes of one hand-in: which kind each assignment is graded in, started ahead of its
tests, and whether grading here would expose the course's secrets.

    kind(assignment)        what its process preloads and which packages, data and recipes its view holds
    exposure(course, ids)   why grading here would let the student's code read the secrets, or None
    Ahead                   each assignment's process started while the one before it is graded

Nothing here runs a test: `grading` does, through the sandbox a process is started in.
"""

from __future__ import annotations

import glob
import importlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .integrity.enforce import guard_request
from .sandbox import closing, isolation
from .sandbox.runner import Sandbox
from .sandbox.templates import Kind, TemplateError

if TYPE_CHECKING:
    from .assignments import Assignment
    from .course import Course
    from .sandbox.templates import Templates

#: The grader's own modules that grading and reporting import after the student's process started.
GRADER_MODULES = ("autograder.verdicts", "autograder.checks", "autograder.calls", "autograder.results",
                  "autograder.reports.wording", "autograder.reports.gradescope", "autograder.reports.terminal")
#: What `sandbox_description` adds for a result graded with --insecure.
INSECURE = "graded with --insecure: the student's code may have read the course's secrets"


def kind(assignment: Assignment) -> Kind:
    """The kind of student process `assignment` is graded in: what it preloads (numpy, and torch where the
    assignment uses it), which packages its view holds, and the data and recipes the assignment declares."""
    preload = ("numpy", "torch") if assignment.uses_torch else ("numpy",)
    recipes = ((assignment.id, assignment.recipes.read_text(encoding="utf-8")),) if assignment.recipes else ()
    return Kind(preload, assignment.packages, mounts(assignment), recipes)


def mounts(assignment: Assignment) -> tuple[str, ...]:
    """The files `[sandbox] mounts` names here and now: $VARIABLES expanded (a pattern whose variable is unset
    names nothing), globs matched, in sorted order."""
    found: set[str] = set()
    for pattern in assignment.mounts:
        expanded = os.path.expandvars(pattern)
        if "$" not in expanded:
            found |= {os.path.realpath(p) for p in glob.glob(expanded) if os.path.isfile(p)}
    return tuple(sorted(found))


def template_kinds(assignments: list[Assignment]) -> list[Kind]:
    """The kinds of student process `assignments` are graded in, in course order: the templates a worker needs."""
    return list(dict.fromkeys(kind(a) for a in assignments))


def exposure(course: Course, assignment_ids: list[str]) -> str | None:
    """Why grading these assignments here would let the student's code read the secrets it is graded
    against (no bubblewrap view, and no uid of its own that cannot read the course), or None."""
    root = course.root
    secrets = [p for p in isolation.exposed(root) if any(a in p.parts or p.stem == a for a in assignment_ids)]
    if not secrets or not course.has_hidden_tests(assignment_ids):
        return None
    return (f"the student's code could read {secrets[0]} here (no bubblewrap view, and no uid of its own that "
            f"cannot read the course): install bubblewrap (`sh scripts/install.sh` as root), make the course "
            f"unreadable to others (`chmod -R o-rwx {root}`) and grade as root, or pass --insecure to grade "
            f"anyway (the results then say so)")


def sandbox_description(insecure: bool = False) -> dict[str, Any]:
    """What isolated the student's code, for a result's `extra["sandbox"]`."""
    described = isolation.probe().describe()
    if insecure:
        described["insecure"] = INSECURE
    return described


def preload(assignments: list[Assignment], hidden: bool) -> None:
    """Without a filesystem view, import everything of the grader and of the course that grading will
    use before any student code starts: nothing a student's process wrote can be imported afterwards."""
    for name in GRADER_MODULES:
        importlib.import_module(name)
    for assignment in assignments:
        assignment.tests(hidden)
        if hidden and assignment.solution.exists():
            assignment.reference()


def sandbox(assignment: Assignment, source: str, templates: Templates | None = None) -> Sandbox:
    """A sandbox for `source` as `assignment`'s module: forked from the warm template of its kind where
    `templates` has one, else started cold (slower, as safe); its process guards what the assignment's
    questions forbid (`integrity.enforce`)."""
    wanted = kind(assignment)
    try:
        template = templates.get(wanted) if templates is not None else None
    except TemplateError:
        template = None
    return Sandbox(source, assignment.id, assignment.limits, kind=wanted, template=template,
                   guard=guard_request(assignment))


class Ahead:
    """The sandboxes of a hand-in's assignments, each started (forked or started, and confined) while the one
    before it is graded; each imports the student's module only when its own tests begin, so no student code
    runs beside another's. Use as a context manager: leaving it closes what was started and not taken."""

    def __init__(self, sources: list[tuple[Assignment, str]], templates: Templates | None) -> None:
        self._sources, self._templates = iter(sources), templates
        self._next: Sandbox | None = None

    def __enter__(self) -> Iterator[Sandbox]:
        self._next = self._start(load=True)
        return self._taken()

    def _taken(self) -> Iterator[Sandbox]:
        while self._next is not None:
            current, self._next = self._next, None
            self._next = self._start()  # closed by `__exit__` should the current one's grading fail
            yield current

    def _start(self, load: bool = False) -> Sandbox | None:
        item = next(self._sources, None)
        if item is None:
            return None
        assignment, source = item
        started = sandbox(assignment, source, self._templates)
        started.spawn(load=load)
        return started

    def __exit__(self, *exc: object) -> None:
        if self._next is not None:
            self._next.close()
        closing.finish()  # the last children reaped, their uids, cgroups and scratch folders released

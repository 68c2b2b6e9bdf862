"""Run an assignment's tests against one submission and collect their verdicts.

For each test: call it through a transport (the sandbox when grading, the notebook's
kernel for a check cell), then judge what happened (`verdicts`), under the test's
own deadline and the whole submission's time budget.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import time
import zlib
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from . import assignments as course
from .assignments import Assignment
from .integrity.enforce import guard_request, reported
from .integrity.forbidden import Integrity, allowed_text, check, missing_package
from .results import AssignmentResult, Outcome, TestResult, Verdict
from .sandbox import closing, isolation
from .sandbox.runner import Limits, Sandbox
from .sandbox.runtime.errors import GraderError, SandboxError
from .scoring import test_points
from .submission import Submission

if TYPE_CHECKING:
    from .calls import Student, Transport
    from .sandbox.templates import Kind, Templates
    from .testing import TestCase

_monotonic = time.monotonic

#: The most import notes kept per assignment, and the longest each may be (characters).
MAX_NOTES, MAX_NOTE = 10, 500


def seed_for(assignment_id: str, test_name: str, student: str | None = None) -> int:
    """The seed of a test's `rng`: the same for every run and every machine. Without `student` it is the
    course's one seed for the test; with it, the student's own (48 bits of a SHA-256 of student,
    assignment and test: an integer every JSON reader keeps exactly), so two students get different
    random inputs and a regrade the same ones."""
    if not student:
        return zlib.crc32(f"{assignment_id}/{test_name}".encode())
    digest = hashlib.sha256(f"{student}\x00{assignment_id}\x00{test_name}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def grade_submission(submission: Submission, *, hidden: bool = True, only: list[str] | None = None,
                     templates: Templates | None = None, student: str | None = None) -> list[AssignmentResult]:
    """Grade every assignment found in `submission` (or those in `only`), in course order; with
    `templates` (a long-lived worker's), each student process is forked from a warm one; hidden tests'
    random inputs are `student`'s own when one is given (see `seed_for`)."""
    chosen = [a for a in course.all_assignments().values()
              if a.id in submission.sources and (not only or a.id in only)]
    readable = [a for a in chosen if submission.sources[a.id].text is not None]
    if readable and not isolation.probe().filesystem:
        _preload(readable, hidden)
    # Each assignment's process starts (forks or execs, and confines itself) while the one before it is
    # graded, the first one's while the grader imports its tests; it imports the student's module only
    # when its own tests begin (`Sandbox.load_report`).
    results = []
    following = iter(readable)
    ahead = _started(next(following, None), submission, templates, load=True)
    try:
        for assignment in chosen:
            source = submission.sources[assignment.id]
            if source.text is None:
                results.append(unreadable(assignment, source.problem or "the file could not be read", hidden))
            else:
                sandbox = ahead  # closed by `finally` should the next one fail to start
                ahead = _started(next(following, None), submission, templates)
                results.append(grade_source(assignment, source.text, hidden=hidden, sandbox=sandbox,
                                            student=student))
            results[-1].notes[:0] = [n for n in submission.notes if n.startswith(f"{assignment.id}:")]
    finally:
        if ahead is not None:
            ahead.close()
        closing.finish()  # the last children reaped, their uids, cgroups and scratch folders released
    return results


def _started(assignment: Assignment | None, submission: Submission, templates: Templates | None,
             load: bool = False) -> Sandbox | None:
    """The sandbox of `assignment` in `submission`, its process started, importing the submission at once with
    `load` (else when its tests begin); None for no assignment."""
    if assignment is None:
        return None
    sandbox = _sandbox(assignment, submission.sources[assignment.id].text, templates)
    sandbox.spawn(load=load)
    return sandbox


#: The grader's own modules that grading and reporting import after the student's process started.
GRADER_MODULES = ("autograder.verdicts", "autograder.checks", "autograder.calls", "autograder.results",
                  "autograder.reports.wording", "autograder.reports.gradescope", "autograder.reports.terminal")


def exposure(assignment_ids: list[str]) -> str | None:
    """Why grading these assignments here would let the student's code read the secrets it is graded
    against (no bubblewrap view, no uid of its own that cannot read the course), or None."""
    root = course.course_dir()
    secrets = [p for p in isolation.exposed(root) if any(a in p.parts or p.stem == a for a in assignment_ids)]
    if not secrets or not course.has_hidden_tests(assignment_ids):
        return None
    return (f"the student's code could read {secrets[0]} here (no bubblewrap view, and no uid of its own that "
            f"cannot read the course): install bubblewrap (`sh scripts/install.sh` as root), make the course "
            f"unreadable to others (`chmod -R o-rwx {root}`) and grade as root, or pass --insecure to grade "
            f"anyway (the results then say so)")


def _preload(assignments: list[Assignment], hidden: bool) -> None:
    """Without a filesystem view, import everything of the grader and of the course that grading will
    use before any student code starts: nothing a student's process wrote can be imported afterwards."""
    for name in GRADER_MODULES:
        importlib.import_module(name)
    for assignment in assignments:
        assignment.tests(hidden)
        if hidden and (assignment.directory.parent.parent / "solutions" / f"{assignment.id}.py").exists():
            course.reference(assignment.id, assignment.directory.parent.parent)


def _sandbox(assignment: Assignment, source: str, templates: Templates | None = None) -> Sandbox:
    from .sandbox.templates import TemplateError

    kind = student_process(assignment)
    try:
        template = templates.get(kind) if templates is not None else None
    except TemplateError:  # started cold instead: slower, as safe
        template = None
    return Sandbox(source, assignment.id, Limits(**assignment.limits), preload=kind.preload,
                   packages=kind.packages, template=template, guard=guard_request(assignment))


def student_process(assignment: Assignment) -> Kind:
    """The kind of student process `assignment` is graded in: what it preloads, which packages it may import."""
    from .sandbox.templates import Kind

    return Kind(_packages(assignment), assignment.packages)


def template_kinds(assignment_ids: list[str] | None = None) -> list[Kind]:
    """The kinds of student process the course (or `assignment_ids`) grades in, in course order: the
    templates a worker needs."""
    chosen = [a for a in course.all_assignments().values() if assignment_ids is None or a.id in assignment_ids]
    return list(dict.fromkeys(student_process(a) for a in chosen))


def _packages(assignment: Assignment) -> tuple[str, ...]:
    """What the student's process imports before their code: numpy, and torch where the assignment uses it."""
    return ("numpy", "torch") if assignment.uses_torch else ("numpy",)


def grade_source(assignment: Assignment, source: str, *, hidden: bool = True,
                 sandbox: Sandbox | None = None, student: str | None = None) -> AssignmentResult:
    """Grade `source` (the text of the student's module) in a fresh sandbox (or in `sandbox`,
    made for that source)."""
    sandbox = sandbox or _sandbox(assignment, source)
    with sandbox:
        sandbox.spawn()  # the child starts while the tests load and the source is checked
        result = run_tests(assignment, sandbox, hidden=hidden, integrity=check(assignment, source), student=student)
        result.student_seconds = round(sandbox.student_seconds, 4)
        return result


def run_tests(assignment: Assignment, transport: Transport, *, hidden: bool = True,
              questions: set[str] | None = None, budget: float | None = None,
              integrity: Integrity | None = None, student: str | None = None) -> AssignmentResult:
    """Run the tests (all of them, or those of `questions`) through `transport`; `integrity` is what the
    source check found (forbidden uses), reported, and under the "zero" policy failing their questions.
    A hidden test's `rng` is seeded for `student` when one is given; a public test's never is: it keeps
    the lecture's numbers."""
    from .verdicts import cap, judge  # deferred with the checks and numpy: see grade_submission

    integrity = integrity or Integrity()
    cases = [c for c in assignment.tests(hidden) if questions is None or c.question in questions]
    points = test_points(assignment, cases)
    result = AssignmentResult(assignment.id, assignment.title)
    hidden_names = _load_notes(transport, result, assignment.packages)
    zeroed = integrity.zeroed(tuple(q.name for q in assignment.questions))
    deadline = _monotonic() + (budget if budget is not None else assignment.timeout)
    timed_out: dict[str, str] = {}
    for case in cases:
        started = _monotonic()
        reread = assignment.reread(case.question)
        seed = (seed_for(assignment.id, case.name, None if case.public else student)
                if "rng" in fixture_names(case.function) else None)
        if case.question in zeroed:
            problem = cap(zeroed[case.question].sentence(assignment.packages), MAX_NOTE)
            verdict = Verdict(Outcome.FORBIDDEN, f"not run: {problem}", reread=reread)
        elif started >= deadline:
            problem = (f"not run: the time budget for the whole submission ({assignment.timeout:g} s) "
                       f"was used up by earlier tests")
            verdict = Verdict(Outcome.NOT_RUN, problem, reread=reread)
        else:
            call = _call(assignment, case, transport, min(started + case.timeout, deadline), timed_out, seed)
            verdict = judge(call, public=case.public, reread=reread, hidden_names=hidden_names,
                            packages=assignment.packages, unavailable=integrity.unavailable)
            for finding in reported(integrity, assignment, case.question, call.log.forbidden, case.public):
                if finding.policy == "zero":  # the guard raised instead of running it
                    zeroed.setdefault(finding.question, finding)
                    problem = cap(finding.sentence(assignment.packages), MAX_NOTE)
                    verdict = Verdict(Outcome.FORBIDDEN, problem, reread=reread)
        output = transport.take_output()
        if not verdict.passed and output and case.public:  # a hidden test's inputs could be printed
            verdict = replace(verdict, output=output)
        result.tests.append(TestResult(assignment.id, case.question, case.name, case.description, case.public,
                                       points[case.name], verdict, round(_monotonic() - started, 4), seed))
    _report_integrity(result, integrity, zeroed, assignment)
    return result


def _report_integrity(result: AssignmentResult, integrity: Integrity, zeroed: dict[str, Any],
                      assignment: Assignment) -> None:
    """The findings (the source check's, then what the student's process reported) in the result and its
    notes; under "zero", a question a use was reported in fails every test, those run before it too."""
    from .verdicts import cap

    result.forbidden = integrity.records(assignment.packages)
    result.notes += [cap(f["sentence"], MAX_NOTE) for f in result.forbidden][:MAX_NOTES]
    for test in result.tests:
        if test.question in zeroed and test.verdict.outcome is not Outcome.FORBIDDEN:
            problem = cap(zeroed[test.question].sentence(assignment.packages), MAX_NOTE)
            test.verdict = Verdict(Outcome.FORBIDDEN, problem, reread=test.verdict.reread)


def _call(assignment: Assignment, case: TestCase, transport: Transport, deadline: float,
          timed_out: dict[str, str], seed: int | None) -> Any:
    from .calls import CallLog, Student
    from .verdicts import TestCall

    log = CallLog()
    student = Student(transport, log, deadline, call_timeout=case.timeout, timed_out=timed_out)
    return TestCall.run(case.function, lambda: _fixtures(assignment, case, student, seed), log)


@functools.cache
def fixture_names(function: Callable[..., Any]) -> tuple[str, ...]:
    """The fixtures a test function asks for: its parameters' names."""
    return tuple(inspect.signature(function).parameters)


def _fixtures(assignment: Assignment, case: TestCase, student: Student, seed: int | None) -> dict[str, Any]:
    """The arguments `case` asks for by name: `student`, `ref`, `rng` (seeded with `seed`)."""
    import numpy as np

    wanted = fixture_names(case.function)
    available = {
        "student": lambda: student,
        "ref": lambda: LazyReference(assignment),
        "rng": lambda: np.random.default_rng(seed),
    }
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise TypeError(f"test {case.name} asks for unknown fixtures {unknown}")
    return {name: available[name]() for name in wanted}


class LazyReference:
    """The `ref` fixture: the assignment's reference module, imported on first use. A test that calls
    the student first and fails there (an untouched template) never pays for importing it (torch)."""

    def __init__(self, assignment: Assignment) -> None:
        self._assignment = assignment

    def __getattr__(self, name: str) -> Any:
        module = course.reference(self._assignment.id, self._assignment.directory.parent.parent)
        return getattr(module, name)


def _load_notes(transport: Transport, result: AssignmentResult, packages: tuple[str, ...] | None) -> dict[str, str]:
    """Import problems as notes on the result; return `{name: note}` for definitions they hid."""
    from .verdicts import cap, grader_problem

    try:
        report = transport.load_report()
    except SandboxError as exc:
        result.notes.append(grader_problem(str(exc)) if isinstance(exc, GraderError) else str(exc))
        return {}
    hidden_names = {}
    for error in report["syntax_errors"]:
        note = f"line {error['line']}: {error['message']}"
        if error["names"]:
            note += f" (so {', '.join(error['names'])} could not be defined)"
        if error["text"].strip():
            indent = len(error["text"]) - len(error["text"].lstrip())
            caret = " " * max(error["offset"] - 1 - indent, 0) + "^"
            note += f"\n    {error['text'].strip()}\n    {caret}"
        result.notes.append(note)
        for name in error["names"]:
            hidden_names[name] = f"the syntax error at line {error['line']} hid it (see the note)"
    for error in report["runtime_errors"]:
        note = f"line {error['line']}: importing your module raised {error['message']}"
        package = missing_package(error["message"], packages)
        if package:
            note = (f"line {error['line']}: this assignment asks for your own code with "
                    f"{allowed_text(packages)}, so {package} is not available here ({note.split(': ', 1)[1]})")
        result.notes.append(note)
    if len(result.notes) > MAX_NOTES:
        result.notes[MAX_NOTES:] = [f"… and {len(result.notes) - MAX_NOTES} more problems like these"]
    result.notes[:] = [cap(note, MAX_NOTE) for note in result.notes]
    return hidden_names


def unreadable(assignment: Assignment, problem: str, hidden: bool = True) -> AssignmentResult:
    """Every test not run, with the same explanation, for a file that could not be read."""
    cases = assignment.tests(hidden)
    points = test_points(assignment, cases)
    result = AssignmentResult(assignment.id, assignment.title, notes=[problem])
    for case in cases:
        verdict = Verdict(Outcome.NOT_RUN, problem, reread=assignment.reread(case.question))
        result.tests.append(TestResult(assignment.id, case.question, case.name, case.description, case.public,
                                       points[case.name], verdict))
    return result

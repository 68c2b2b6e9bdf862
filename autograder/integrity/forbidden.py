"""Forbidden calls and packages the assignment does not allow, found in a submission's source.

Two rules, both read from `assignments/<id>/assignment.toml` and checked on the grader's
side from the source alone (`uses`), never by running it:

- a question's `forbidden` names: library calls its functions must not use, where the
  lecture asks for the work by hand (`numpy.polyfit` in `fit_closed_form`; `torch.autograd`
  and `.backward` in the backpropagation by hand); a private spelling of one counts as the
  name itself (`spellings`);
- the assignment's `packages`: a third-party package it does not list (torch in a numpy
  assignment). With bubblewrap such a package is not even installed in the sandbox, so the
  code fails when it runs; this check also says so where the view is missing.

The assignment's `[integrity] forbidden` policy says what a finding costs: "flag" (reported
in the feedback and the instructor's reports; the tests keep their outcome) or "zero" (the
question's tests fail, not run, with the rule named).

The check runs within a budget (`budget`: a forked child with a memory, CPU and wall-clock limit;
sources over MAX_CHECKED_BYTES are not parsed at all). What it could not fully check is a finding
too (rule UNCHECKED: the whole module, or a definition nested too deeply, and the questions whose
functions reach it), and `[integrity] unchecked` says what that costs: "flag" or "zero".
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from ..assignments import Assignment
from ..pysource import parse
from .budget import OverBudget, within_budget
from .spellings import public_name, spellings
from .uses import MODULE, Analysis, Use, analyse

#: Top-level names that are no third-party package.
STANDARD = frozenset(sys.stdlib_module_names) | {"__future__", "builtins"}
#: The most findings one submission's results keep (the policy still applies to every one), and the most of
#: them that say what could not be checked.
MAX_FINDINGS, MAX_UNCHECKED = 20, 5
#: The largest source the check parses, in bytes (a finished module is a few KiB; a notebook's code rarely 50).
MAX_CHECKED_BYTES = 256 * 1024
#: The rule of a finding that says the check could not cover some code, and its `used` for the whole module.
UNCHECKED, WHOLE_MODULE = "unchecked", "your module"
_MISSING = re.compile(r"^ModuleNotFoundError: No module named '([A-Za-z_][\w.]*)'")


@dataclass(frozen=True)
class Finding:
    """A use of what a rule forbids: `used` (e.g. "numpy.polyfit") at `line`, in the definition `where`,
    reached from `function` of `question` ("" for code outside the assignment's functions). `rule` is the
    forbidden name, "package X" for a package the assignment does not allow, or UNCHECKED for code the
    check could not cover (`used`: the definition, or WHOLE_MODULE; `reason`: why). `ran`: the
    student's process reported the use while the function ran (`sandbox.runtime.guard`)."""

    question: str
    function: str
    rule: str
    used: str
    line: int
    where: str
    policy: str
    reason: str = ""
    ran: bool = False

    @property
    def package(self) -> bool:
        return self.rule.startswith("package ")

    @property
    def everywhere(self) -> bool:
        """Whether it concerns every question: the whole module could not be checked."""
        return self.rule == UNCHECKED and self.used == WHOLE_MODULE

    def sentence(self, packages: tuple[str, ...] | None = None, place: Callable[[int], str] | None = None,
                 local: bool = False) -> str:
        """The finding as the feedback words it; `place` says where a line is (a notebook's cell), and `local`
        words it for a student's own check, which reports nothing to anyone."""
        place = place or (lambda line: f"line {line}")
        if self.rule == UNCHECKED:
            return self._unchecked(place, local)
        where = place(self.line) + (f", in {self.where}, which it calls"
                                    if self.function and self.where != self.function else "")
        subject = self.function or "your module"
        rule = f"which question {self.question} does not allow (its rule: {self.rule} is forbidden)"
        if self.package:
            what = (f"{subject} uses {self.used} ({where}), which this assignment does not allow: it asks for your "
                    f"own code with {allowed_text(packages)}")
        elif self.ran:  # on a hidden test, without a line: the student's code chose it, and could say anything
            what = (f"{subject} called {self.used} when the grader ran it{f' ({where})' if self.line else ''}, "
                    f"{rule}: the lecture asks you to write this part yourself")
        else:
            what = f"{subject} uses {self.used} ({where}), {rule}: the lecture asks you to write this part yourself"
        flagged = "flagged when your work is graded" if local else "reported to your instructor"
        cost = {"flag": flagged, "zero": "so this question scores zero"}[self.policy]
        return f"{what} ({cost})"

    def _unchecked(self, place: Callable[[int], str], local: bool) -> str:
        review = "so grading flags it for review" if local else "so it is flagged for your instructor to review"
        if self.everywhere:
            cost = {"flag": review, "zero": "so every question scores zero"}[self.policy]
            return f"your module could not be fully checked for forbidden calls: {self.reason} ({cost})"
        cost = {"flag": review, "zero": "so this question scores zero" if self.question else review}[self.policy]
        what = f"{self.used} ({place(self.line)}) {self.reason}"
        if self.function and self.function != self.used:
            what = f"{self.function} could not be fully checked for forbidden calls: {what}, and {self.function} " \
                   f"calls it"
        return f"{what} ({cost})"


@dataclass
class Integrity:
    """What the check found in one submission: its findings, the module-level names bound to packages the
    assignment does not allow (`{name: package}`), to word a NameError they cause, and what it could not
    check (findings of rule UNCHECKED)."""

    findings: list[Finding] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    unchecked: list[Finding] = field(default_factory=list)

    @property
    def problem(self) -> str:
        """Why some of the source could not be checked ("" when all of it was)."""
        return "; ".join(f.sentence() for f in self.unchecked)

    def zeroed(self, questions: tuple[str, ...] = ()) -> dict[str, Finding]:
        """`{question: its first finding}` for the questions (of `questions`) whose tests the policy zeroes."""
        found: dict[str, Finding] = {}
        for finding in self.findings + self.unchecked:
            if finding.policy == "zero":
                for question in [finding.question] if finding.question else questions if finding.everywhere else ():
                    found.setdefault(question, finding)
        return found

    def records(self, packages: tuple[str, ...] | None, place: Callable[[int], str] | None = None,
                local: bool = False) -> list[dict]:
        """The findings as the results keep them (plain data, with their sentence: see `Finding.sentence`), at
        most MAX_FINDINGS, of which at most MAX_UNCHECKED say what could not be checked (so that many too-deep
        definitions cannot push a use out of the report)."""
        unchecked = self.unchecked[:MAX_UNCHECKED]
        kept = unchecked + self.findings[:MAX_FINDINGS - len(unchecked)]
        return [{**asdict(f), "sentence": f.sentence(packages, place, local)} for f in kept]

    def plain(self) -> dict:
        """As plain data, to cross from the budgeted check (`from_plain`)."""
        return {"findings": [asdict(f) for f in self.findings], "unavailable": self.unavailable,
                "unchecked": [asdict(f) for f in self.unchecked]}

    @classmethod
    def from_plain(cls, data: dict) -> Integrity:
        return cls([Finding(**f) for f in data["findings"]], dict(data["unavailable"]),
                   [Finding(**f) for f in data["unchecked"]])


def matches(used: str, rule: str) -> bool:
    """Whether the name `used` is what `rule` forbids: the name itself or anything inside it
    ("numpy.polynomial" forbids "numpy.polynomial.Polynomial.fit"); ".name" forbids an attribute of that name."""
    return used == rule or not rule.startswith(".") and used.startswith(rule + ".")


def disallowed(used: str, packages: tuple[str, ...] | None) -> str | None:
    """The third-party package `used` belongs to when the assignment does not allow it."""
    top = used.split(".")[0]
    if packages is None or used.startswith(".") or top in STANDARD or top in packages:
        return None
    return top


def missing_package(message: str, packages: tuple[str, ...] | None) -> str | None:
    """The package a `ModuleNotFoundError` message ("ModuleNotFoundError: No module named 'torch'") names,
    when the assignment does not allow it."""
    found = _MISSING.match(message)
    return disallowed(found.group(1), packages) if found else None


def allowed_text(packages: tuple[str, ...] | None) -> str:
    """"numpy", "numpy and torch": what the assignment's code is written with."""
    return " and ".join(packages or ()) or "the standard library"


def check(assignment: Assignment, source: str) -> Integrity:
    """Every forbidden use in `source`, for each question's functions, and every use of a package the
    assignment does not allow; nothing of `source` is executed. Checked within a budget of size, memory
    and time; what could not be checked is a finding under the `[integrity] unchecked` policy."""
    rules = tuple(sorted({r for q in assignment.questions for r in q.forbidden}))
    if not rules and assignment.packages is None:
        return Integrity()  # nothing to look for
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > MAX_CHECKED_BYTES:
        return _unchecked(assignment, f"it holds {size // 1024:,} KiB of code, and the grader checks at most "
                                      f"{MAX_CHECKED_BYTES // 1024} KiB")
    names = spellings(rules)  # from the grader's own modules, before the fork: once per grader
    try:
        return Integrity.from_plain(within_budget(lambda: _check(assignment, source, names).plain()))
    except OverBudget as exc:
        return _unchecked(assignment, str(exc))


def _unchecked(assignment: Assignment, reason: str) -> Integrity:
    return Integrity(unchecked=[Finding("", "", UNCHECKED, WHOLE_MODULE, 0, "", assignment.unchecked, reason)])


def _check(assignment: Assignment, source: str, names: dict[str, str]) -> Integrity:
    body, problem = parse(source)
    if problem:
        return _unchecked(assignment, problem)
    analysis = analyse(body)
    if MODULE in analysis.unchecked:
        return _unchecked(assignment, f"line {analysis.unchecked[MODULE]} of its top level is nested too deeply "
                                      f"to analyse")
    result = Integrity(unavailable={name: top for name, target in analysis.aliases.items()
                                    if (top := disallowed(target, assignment.packages))})
    reached: set[str] = set()
    for question in assignment.questions:
        # `layer.backward(grad)` on a class of the student's own is their own work, not autograd's
        rules = tuple(r for r in question.forbidden if not (r.startswith(".") and r[1:] in analysis.functions))
        for function in question.functions:
            uses = analysis.used_by(function)
            reached |= analysis.reached(function)
            result.findings += _findings(question.name, function, uses, rules, assignment, names)
            result.unchecked += _too_deep(question.name, function, analysis, assignment)
    rest = [use for name, uses in sorted(analysis.uses.items()) if name not in reached for use in uses]
    result.findings += _findings("", "", rest, (), assignment, names)
    result.unchecked += [Finding("", "", UNCHECKED, name, line, name, assignment.unchecked, TOO_DEEP)
                         for name, line in sorted(analysis.unchecked.items()) if name not in reached]
    return result


TOO_DEEP = "is nested too deeply to check for forbidden calls"


def _too_deep(question: str, function: str, analysis: Analysis, assignment: Assignment) -> list[Finding]:
    """A finding for each definition `function` reaches that was too deeply nested to analyse."""
    reached = analysis.reached(function)
    return [Finding(question, function, UNCHECKED, name, line, name, assignment.unchecked, TOO_DEEP)
            for name, line in sorted(analysis.unchecked.items()) if name in reached]


def _findings(question: str, function: str, uses: list[Use], rules: tuple[str, ...],
              assignment: Assignment, names: dict[str, str]) -> list[Finding]:
    """One finding per rule broken: its first use (`uses` are in line order), the most specific name there."""
    first: dict[str, Use] = {}
    for use in uses:
        public = public_name(use.name, names)
        broken = [r for r in rules if matches(use.name, r) or matches(public, r)]
        package = disallowed(use.name, assignment.packages)
        for rule in broken + ([f"package {package}"] if package else []):
            kept = first.get(rule)
            if kept is None or kept.line == use.line and len(use.name) > len(kept.name):
                first[rule] = use
    where = {MODULE: "your module's top level"}
    return [Finding(question, function, rule, use.name, use.line, where.get(use.definition, use.definition),
                    assignment.policy) for rule, use in sorted(first.items(), key=lambda item: item[1].line)]

"""Forbidden calls and packages the assignment does not allow, found in a submission's source.

Two rules, both read from `assignments/<id>/assignment.toml` and checked on the grader's
side from the source alone (`uses`), never by running it:

- a question's `forbidden` names: library calls its functions must not use, where the
  lecture asks for the work by hand (`numpy.polyfit` in `fit_closed_form`; `torch.autograd`
  and `.backward` in the backpropagation by hand);
- the assignment's `packages`: a third-party package it does not list (torch in a numpy
  assignment). With bubblewrap such a package is not even installed in the sandbox, so the
  code fails when it runs; this check also says so where the view is missing.

The assignment's `[integrity] forbidden` policy says what a finding costs: "flag" (reported
in the feedback and the instructor's reports; the tests keep their outcome) or "zero" (the
question's tests fail, not run, with the rule named).
"""

from __future__ import annotations

import re
import sys
from dataclasses import asdict, dataclass, field

from ..assignments import Assignment
from .uses import MODULE, Use, analyse

#: Top-level names that are no third-party package.
STANDARD = frozenset(sys.stdlib_module_names) | {"__future__", "builtins"}
#: The most findings one submission's results keep (the policy still applies to every one).
MAX_FINDINGS = 20
_MISSING = re.compile(r"^ModuleNotFoundError: No module named '([A-Za-z_][\w.]*)'")


@dataclass(frozen=True)
class Finding:
    """A use of what a rule forbids: `used` (e.g. "numpy.polyfit") at `line`, in the definition `where`,
    reached from `function` of `question` ("" for code outside the assignment's functions). `rule` is the
    forbidden name, or "package X" for a package the assignment does not allow."""

    question: str
    function: str
    rule: str
    used: str
    line: int
    where: str
    policy: str

    @property
    def package(self) -> bool:
        return self.rule.startswith("package ")

    def sentence(self, packages: tuple[str, ...] | None = None) -> str:
        """The finding as the feedback words it."""
        place = f"line {self.line}" + (f", in {self.where}, which it calls"
                                       if self.function and self.where != self.function else "")
        subject = self.function or "your module"
        if self.package:
            what = (f"{subject} uses {self.used} ({place}): this assignment asks for your own code with "
                    f"{allowed_text(packages)}, so {self.rule.split()[1]} is not available here")
        else:
            what = (f"{subject} uses {self.used} ({place}), which this question does not allow: the lecture asks "
                    f"you to write this part yourself")
        cost = {"flag": "reported to your instructor", "zero": "so this question scores zero"}[self.policy]
        return f"{what} ({cost})"


@dataclass
class Integrity:
    """What the check found in one submission: its findings, and the module-level names bound to packages
    the assignment does not allow (`{name: package}`), to word a NameError they cause."""

    findings: list[Finding] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    problem: str = ""  # why the source could not be checked (then nothing was found)

    def zeroed(self) -> dict[str, Finding]:
        """`{question: its first finding}` for the questions whose tests the policy zeroes."""
        found: dict[str, Finding] = {}
        for finding in self.findings:
            if finding.policy == "zero" and finding.question:
                found.setdefault(finding.question, finding)
        return found

    def records(self, packages: tuple[str, ...] | None) -> list[dict]:
        """The findings as the results keep them (plain data, with their sentence), at most MAX_FINDINGS."""
        return [{**asdict(f), "sentence": f.sentence(packages)} for f in self.findings[:MAX_FINDINGS]]


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
    assignment does not allow; nothing of `source` is executed."""
    try:
        analysis = analyse(source)
    except (RecursionError, MemoryError):
        return Integrity(problem="your module is nested too deeply for the grader to check what it uses")
    result = Integrity(unavailable={name: top for name, target in analysis.aliases.items()
                                    if (top := disallowed(target, assignment.packages))})
    reached: set[str] = set()
    for question in assignment.questions:
        # `layer.backward(grad)` on a class of the student's own is their own work, not autograd's
        rules = tuple(r for r in question.forbidden if not (r.startswith(".") and r[1:] in analysis.functions))
        for function in question.functions:
            uses = analysis.used_by(function)
            reached |= {function, *(u.definition for u in uses)}
            result.findings += _findings(question.name, function, uses, rules, assignment)
    rest = [use for name, uses in sorted(analysis.uses.items()) if name not in reached for use in uses]
    result.findings += _findings("", "", rest, (), assignment)
    return result


def _findings(question: str, function: str, uses: list[Use], rules: tuple[str, ...],
              assignment: Assignment) -> list[Finding]:
    """One finding per rule broken: its first use (`uses` are in line order), the most specific name there."""
    first: dict[str, Use] = {}
    for use in uses:
        broken = [r for r in rules if matches(use.name, r)]
        package = disallowed(use.name, assignment.packages)
        for rule in broken + ([f"package {package}"] if package else []):
            kept = first.get(rule)
            if kept is None or kept.line == use.line and len(use.name) > len(kept.name):
                first[rule] = use
    where = {MODULE: "your module's top level"}
    return [Finding(question, function, rule, use.name, use.line, where.get(use.definition, use.definition),
                    assignment.policy) for rule, use in sorted(first.items(), key=lambda item: item[1].line)]

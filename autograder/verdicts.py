"""Call, then judge: where every test's verdict is made.

Two steps, as pytest keeps `CallInfo.from_call` apart from `TestReport.from_item_and_call`:

1. `TestCall.run` calls a test function with its fixtures and keeps what happened: what it
   raised (if anything), the calls it made into the submission and how long it took.
2. `judge` turns that into a `Verdict`: an `Outcome` and the parts of its explanation. On a
   hidden test the verdict keeps no call, returned or expected value.

The grader (`grading.run_tests`) and the Otter runtime both judge here, so a test reads
the same wherever it runs.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .calls import Called, CallLog, StudentRaised, builtin_name, format_value
from .checks import CheckFailed, noting
from .errors import CourseError
from .integrity.forbidden import allowed_text, missing_package
from .results import Outcome, Verdict
from .sandbox.runtime.errors import GRADER, CallTimeout, GraderError, SandboxError

_monotonic = time.monotonic

#: What a test's own code raises where it is wrong whatever the submission returned: a NameError, an import that
#: fails. Such a test is broken (the course's to mend), never the student's failure (`grading._without_broken_tests`).
COURSE_BUGS: tuple[type[BaseException], ...] = (NameError, ImportError, SyntaxError)
#: The longest each part of a verdict may be, in characters: whatever the student's code sends,
#: a report stays small.
MAX_PART = {"problem": 2000, "call": 1000, "returned": 1000, "expected": 1000, "traceback": 4000, "note": 1000,
            "diagnosis": 300, "signature": 300}


def cap(text: str, limit: int) -> str:
    """`text`, cut to `limit` characters with a mark where it was cut."""
    return text if len(text) <= limit else text[:limit] + " … (cut)"


@dataclass
class TestCall:
    """What happened when a test function ran: the exception it raised (None when it returned),
    the calls it made into the submission, its wall-clock duration in seconds, and the checks' notes
    (a value that passed in a container the SPEC does not name)."""

    __test__ = False  # not a pytest test class

    raised: BaseException | None
    log: CallLog
    duration: float
    notes: tuple[str, ...] = ()

    @classmethod
    def run(cls, function: Callable[..., Any], fixtures: dict[str, Any], log: CallLog) -> TestCall:
        """Call `function(**fixtures)` (set up beforehand: a failing set-up is the course's, never a call's); never
        raises what the test or the sandbox raised."""
        started = _monotonic()
        with noting() as notes:
            try:
                function(**fixtures)
            except (Exception, SandboxError) as exc:  # noqa: BLE001 - whatever it raised is judged below
                raised: BaseException | None = exc
            else:
                raised = None
        return cls(raised, log, _monotonic() - started, tuple(notes))


def judge(call: TestCall, *, public: bool, reread: str, hidden_names: dict[str, str] | None = None,
          plain: tuple[type[BaseException], ...] = (), packages: tuple[str, ...] | None = None,
          unavailable: dict[str, str] | None = None, withhold: bool = False) -> Verdict:
    """The verdict on `call`.

    `hidden_names` maps a name to why the import did not define it (a syntax error); exceptions
    of the types in `plain` make a wrong answer worded by their own message. `packages` are the
    third-party packages the assignment allows (None: any), `unavailable` the module's names bound
    to others (`{name: package}`): code that fails for want of one is not allowed. With `withhold`, a failed
    hidden test keeps what a public test's verdict would show, apart (`Verdict.withheld`).
    """
    exc, log = call.raised, call.log

    def verdict(outcome: Outcome, problem: str, called: Called | str | None = None, returned: Any = None,
                expected: Any = None, traceback: str = "", shown: str | None = None, diagnosis: str = "",
                signature: str = "") -> Verdict:
        alike = {"diagnosis": cap(diagnosis, MAX_PART["diagnosis"]), "signature": cap(signature, MAX_PART["signature"])}
        parts: dict[str, str | None] = {}
        if public or withhold:  # written out only where a report may show them: a call's text costs
            parts = {"call": None if called is None else str(called),
                     "returned": None if returned is None else format_value(returned),
                     "expected": None if expected is None else format_value(expected)}
            parts = {k: None if v is None else cap(v, MAX_PART[k]) for k, v in parts.items()}
        if public:
            return Verdict(outcome, cap(problem, MAX_PART["problem"]), parts["call"], parts["returned"],
                           parts["expected"], cap(traceback, MAX_PART["traceback"]), reread, note=note, **alike)
        withheld = {"problem": cap(shown or problem, MAX_PART["problem"]),
                    **{k: v for k, v in parts.items() if v is not None}} if withhold else None
        return Verdict(outcome, cap(problem, MAX_PART["problem"]), traceback=cap(traceback, MAX_PART["traceback"]),
                       reread=reread, note=note, withheld=withheld, **alike)

    latest = log.records[-1] if log.records else None
    note = cap("; ".join(call.notes), MAX_PART["note"])
    if exc is None:
        return Verdict(Outcome.PASSED, reread=reread, note=note)
    if isinstance(exc, CheckFailed):
        record = log.find(exc.got) if exc.got is not None else log.find(None)
        return verdict(Outcome.WRONG, exc.problem if public else exc.hidden, record and record.called,
                       record and record.value, exc.expected if exc.has_expected else None, shown=exc.problem,
                       diagnosis=exc.diagnosis, signature=f"returned {fingerprint(record.value)}" if record else "")
    if isinstance(exc, StudentRaised):
        package = _unavailable(exc.error, packages, unavailable or {}) if exc.error.origin != GRADER else None
        if package:
            return _not_allowed(exc, package, packages, verdict, public)
        return _raised(exc, hidden_names or {}, verdict, public)
    if isinstance(exc, (GraderError, CourseError)):
        return verdict(Outcome.GRADER_ERROR, grader_problem(str(exc)), latest and latest.called)
    if isinstance(exc, SandboxError):
        outcome = Outcome.TIMED_OUT if isinstance(exc, CallTimeout) else Outcome.CRASHED
        return verdict(outcome, str(exc) if public else exc.summary, latest and latest.called)
    if isinstance(exc, plain):
        return verdict(Outcome.WRONG, str(exc))
    if isinstance(exc, COURSE_BUGS) or latest is None:  # no value the student's code returned could cause it
        what = f"{type(exc).__name__}: {exc}" if public else type(exc).__name__
        return verdict(Outcome.GRADER_ERROR, grader_problem(f"the test's own code raised {what}"))
    # the returned value broke the test's own arithmetic
    return verdict(Outcome.WRONG, f"the result could not be checked ({type(exc).__name__}: {exc}); "
                                  f"check its type and shape against the docstring",
                   latest and latest.called, latest and latest.value)


def _raised(raised: StudentRaised, hidden_names: dict[str, str], verdict: Callable[..., Verdict],
            public: bool) -> Verdict:
    """The verdict on an exception that came back from the student's process (on a hidden test, without
    its message: the student's code writes it, and could write the test's inputs into it)."""
    error, name = raised.error, raised.name
    if error.origin == GRADER:  # said by the student's process, which the student's code controls: never an excuse
        reason = f" ({error.message})" if public else ""
        return verdict(Outcome.CRASHED, f"your code's process could not build what the test gives {name}{reason}: "
                                        f"did your code change numpy or torch, or the objects they make?",
                       raised.called)
    if error.type == "MissingName":
        problem = error.message.split(": ", 1)[-1] if public else f"{name} is not defined in your submission"
        if name in hidden_names:
            problem += f": {hidden_names[name]}"
        return verdict(Outcome.MISSING_NAME, problem, raised.called)
    if error.type == "NotImplementedError":
        return verdict(Outcome.RAISED, f"{name} is not implemented yet (it raises NotImplementedError)", raised.called)
    signature = f"raised {error.message}"  # the instructor's count across a class, never a student's feedback
    if not public:  # every text of the student's process is left out: it could carry the test's inputs
        return verdict(Outcome.RAISED, f"{name} raised {builtin_name(error)} (a hidden test shows neither the "
                                       f"message nor the traceback; the public tests do)", signature=signature)
    return verdict(Outcome.RAISED, f"{name} raised {error.message}", raised.called, traceback=error.traceback,
                   signature=signature)


_UNDEFINED = re.compile(r"^NameError: name '(\w+)' is not defined")


def _unavailable(error: Any, packages: tuple[str, ...] | None, unavailable: dict[str, str]) -> str | None:
    """The package the assignment does not allow whose absence made the student's code raise `error`."""
    if error.type == "ModuleNotFoundError":
        return missing_package(error.message, packages)
    undefined = _UNDEFINED.match(error.message) if error.type == "NameError" else None
    return unavailable.get(undefined.group(1)) if undefined else None


def _not_allowed(raised: StudentRaised, package: str, packages: tuple[str, ...] | None,
                 verdict: Callable[..., Verdict], public: bool) -> Verdict:
    name, allowed = raised.name, allowed_text(packages)
    if not public:  # the message is the student's code's, so a hidden test does not name the package
        return verdict(Outcome.FORBIDDEN, f"{name} needs a package this assignment does not allow: it asks for "
                                          f"your own code with {allowed}")
    return verdict(Outcome.FORBIDDEN, f"{name} needs {package}: this assignment asks for your own code with "
                                      f"{allowed}, so {package} is not available here", raised.called)


def fingerprint(value: Any) -> str:
    """A short digest of a returned value (plain data, decoded here), alike for numbers equal to 8 significant
    digits: two students' identical wrong answers to one input share it (`reports.misconceptions`)."""
    digest = hashlib.blake2b(digest_size=8)
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:
    if isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)) \
            or isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        array = np.asarray(value, dtype=np.float64)
        mantissa, exponent = np.frexp(array)
        digest.update(repr(array.shape).encode() + np.round(mantissa, 8).tobytes() + exponent.tobytes())
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__}{len(value)}[".encode())
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    elif isinstance(value, dict):
        digest.update(f"dict{len(value)}{{".encode())
        for key, item in value.items():
            _feed(digest, key)
            _feed(digest, item)
        digest.update(b"}")
    else:
        digest.update(repr(value)[:1000].encode("utf-8", "replace"))


def grader_problem(reason: str) -> str:
    """The problem of a test the grader itself could not run: never the student's doing."""
    return f"the grader could not run this test: {reason}; tell your instructor (this is not your code's fault)"

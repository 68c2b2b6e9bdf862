"""The sandbox's errors: what went wrong with a call, as the grader sees it.

`RemoteError` is an exception raised in the student's process, as plain data (a value a
call returns, never raised by the transport). The `SandboxError` family is a failure of
the student's process or of its channel; it derives from `BaseException` (as pytest's
outcomes do), so that no `except Exception` swallows it by accident.
"""

from __future__ import annotations

from dataclasses import dataclass


class SandboxError(BaseException):
    """The student's process failed to answer. `summary` is the message without its `detail`, which
    may quote what the student's process sent (not shown on hidden tests)."""

    def __init__(self, summary: str, detail: str = "") -> None:
        super().__init__(f"{summary}: {detail}" if detail else summary)
        self.summary = summary


class CallTimeout(SandboxError):
    """A call did not answer within its wall-clock budget; the process was killed."""


class ChildExited(SandboxError):
    """The student's process ended while the grader waited for an answer."""


class ChannelBroken(SandboxError):
    """The answer was not a valid message (too large, malformed, out of order)."""


class GraderError(SandboxError):
    """The grader's own side failed (the runtime did not start, a recipe could not be built):
    not the student's doing."""


#: `RemoteError.origin` of an exception raised by the grader's runtime rather than by student code.
GRADER = "grader"
STUDENT = "student"


@dataclass
class RemoteError:
    """An exception raised in the student's process, as plain data."""

    type: str
    classes: list[str]  # the exception class and its bases, by name
    message: str
    traceback: str
    origin: str = STUDENT  # GRADER when the runtime itself failed (a recipe, a missing package)

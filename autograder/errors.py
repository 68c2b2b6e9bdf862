"""The errors the `grade` command reports: one tree, each class with its exit status, as click's.

    GradeError                 exit 1: something failed that the user can mend (a download, a build)
      UsageError               exit 2: what was asked cannot be done as asked
        CourseError            the course folder, an assignment.toml or course.toml is broken
        UnknownAssignment      an assignment id the course does not have
        SubmissionError        a submission that cannot be read as a whole
        LayoutError            a folder of hand-ins that holds none, or cannot be read as its layout
        RosterError            a roster that cannot be read

Each is raised with one sentence that names the bad value, what was expected and what to do; the
command line prints that sentence and exits with the class's status (`cli.main`), nothing else.
Errors of a hand-in are never raised this far: they are that hand-in's status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .results import Status


class GradeError(Exception):
    """An error that the `grade` command reports as its one sentence, exiting with `exit_code`."""

    exit_code = 1


class UsageError(GradeError):
    """What was asked cannot be done as asked: a bad argument, a broken course, an unreadable input."""

    exit_code = 2


class CourseError(UsageError):
    """The course cannot be loaded: its folder, an assignment.toml or course.toml (the sentence names which)."""


class UnknownAssignment(UsageError):
    """An assignment id that the course does not have."""


class SubmissionError(UsageError):
    """The submission as a whole cannot be read (not found, not a zip, nothing gradable); `status` is which kind
    of unusable input it is (`results.Status`: an unreadable archive, no assignment file), None for the
    generic "unreadable"."""

    def __init__(self, message: str, status: Status | None = None) -> None:
        super().__init__(message)
        self.status = status


class LayoutError(UsageError):
    """A folder of hand-ins that holds none, or that cannot be read as the layout asked for."""


class RosterError(UsageError):
    """A roster that cannot be read: not CSV, or without a column that names the students."""

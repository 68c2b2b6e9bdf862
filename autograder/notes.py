"""Notes on values that passed: numbers in a container the SPEC does not name, and what it asks for.

A numpy array of dtype object holding real numbers, or a tensor where the SPEC specifies a float, is
still the right answer: its test passes, and the verdict carries a one-line note (shown in the feedback)
saying what the SPEC asks for. The checks make the notes (`note`); whoever runs a test collects them
(`noting`). Which container a value came in is told by the protocol (`origin`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["note", "note_container", "noting", "origin"]

_NOTES: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("notes", default=None)


@contextlib.contextmanager
def noting() -> Iterator[list[str]]:
    """Collect, in order and once each, the notes the checks make while a test runs."""
    notes: list[str] = []
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


def note(text: str) -> None:
    """Keep `text` for the test running now (nothing when none collects)."""
    notes = _NOTES.get()
    if notes is not None and text not in notes:
        notes.append(text)


def origin(got: Any) -> str:
    """Where a returned array came from: "torch" (a tensor), "object" (a numpy array of dtype object, its
    numbers sent as float64), else "numpy" (see `protocol.marked`)."""
    return getattr(got, "origin", "numpy") if isinstance(got, np.ndarray) else "numpy"


def note_container(got: Any, what: str, single: str | None = None) -> None:
    """Note an object-dtype array; with `single` ("float", "int"), where the SPEC specifies one number, a
    tensor too."""
    where = origin(got)
    if where == "object":
        note(f"{what} came back as a numpy array of dtype object; the SPEC asks for numbers: "
             f"return it with .astype(float)")
    elif where == "torch" and single:
        note(f"{what} came back as a torch tensor where the SPEC asks for a Python {single}: "
             f"return it with .item()")

"""What the student's process left to read: what it printed (its stdout and stderr go to a file the grader
reads through its own descriptor, `workdir`), and how it ended."""

from __future__ import annotations

import os
import signal

from .limits import Limits


def read_new(fd: int, offset: int, limit: int = 2000) -> tuple[str, int]:
    """The text written to the file open as `fd` after byte `offset` (at most `limit` characters), and the new
    offset. Reads at an offset (pread), so the file position the child shares is left as it is."""
    try:
        size = os.fstat(fd).st_size
        if size == offset:  # nothing new: the usual case, one system call
            return "", offset
        data = os.pread(fd, limit + 1, offset)
        offset = os.fstat(fd).st_size
    except OSError:
        return "", offset
    text = data.decode("utf-8", "replace")
    return (text if len(text) <= limit else text[:limit] + "… (output truncated)"), offset


def how_it_ended(status: int | None, out_of_memory: bool, limits: Limits) -> str:
    """How a student's process ended, from its exit status (negative: the signal that killed it), for a
    sentence "your code's process ... while ..."."""
    if status is None or status >= 0:
        return f"exited with status {status} (did your code call sys.exit() or os._exit()?)"
    if -status == signal.SIGKILL and out_of_memory:
        return f"was stopped for using more than {limits.cgroup_memory // 2**20} MiB of memory (shared memory included)"
    how = f"was killed by signal {signal.Signals(-status).name}"
    if -status == signal.SIGXCPU:
        how += " (CPU time limit)"
    elif -status == signal.SIGSEGV:
        how += " (a crash: very deep recursion or memory exhaustion?)"
    return how

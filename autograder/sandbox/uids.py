"""Sandbox uids: allocated, never derived, so that no two sandboxes on one machine share one.

Killing a sandbox kills every process of its uid, so two sandboxes must never share a uid,
whichever grader (process, batch, machine user) started them. A uid is held by an exclusive
`flock` on a file named after it; the lock dies with the process that holds it, so a killed
grader frees its uids, and whatever it left running under one is swept by the next holder.
Only a root grader gives its children uids of their own.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

#: The uids handed to sandboxed children: BASE_UID up to BASE_UID + COUNT - 1.
BASE_UID = 61000
COUNT = 20000
LOCK_DIR = Path("/run/grade-sandbox-uids")

_held: dict[int, int] = {}  # uid -> the descriptor whose lock holds it


def allocate() -> int:
    """A uid no other sandbox on this machine holds; hold it until `release`."""
    LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    start = (os.getpid() * 7919) % COUNT  # graders start their search in different places
    for step in range(COUNT):
        uid = BASE_UID + (start + step) % COUNT
        if uid in _held:
            continue
        fd = os.open(LOCK_DIR / f"{uid}.lock", os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        _held[uid] = fd
        return uid
    raise RuntimeError(f"all {COUNT} sandbox uids are in use")


def release(uid: int) -> None:
    """Let another sandbox have `uid` (its processes must be gone by now)."""
    fd = _held.pop(uid, None)
    if fd is not None:
        os.close(fd)  # closing the descriptor releases its lock

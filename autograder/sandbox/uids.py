"""Sandbox uids: allocated, never derived, so that no two sandboxes on one machine share one.

Killing a sandbox kills every process of its uid, so two sandboxes must never share a uid,
whichever grader (process, batch, machine user) started them. A uid is held by an exclusive
`flock` on a file named after it; the lock dies with the process that holds it, so a killed
grader frees its uids, and whatever it left running under one is swept by the next holder.
Only a root grader gives its children uids of their own.

A long-lived grader (a batch or cluster worker) keeps the uids it released clean, lock held,
and hands them out again: one that nothing runs under since its last sweep needs no sweep
before its next sandbox.

A uid whose keys a sweep could not remove (`sweep.remove_keys`) is burned: never handed out
again until the machine restarts, which is when the kernel drops those keys.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

#: The uids handed to sandboxed children: BASE_UID up to BASE_UID + COUNT - 1.
BASE_UID = 61000
COUNT = 20000
LOCK_DIR = Path("/run/grade-sandbox-uids")
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")

_held: dict[int, int] = {}  # uid -> the descriptor whose lock holds it
_dirty: set[int] = set()  # held uids not swept since they were locked
_clean: list[int] = []  # held uids that were swept clean when released, ready to hand out again


def allocate() -> int:
    """A uid no other sandbox on this machine holds; hold it until `release`."""
    if _clean:
        return _clean.pop()
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
        if is_burned(uid):
            os.close(fd)
            continue
        _held[uid] = fd
        _dirty.add(uid)  # another grader may have left processes under it
        return uid
    raise RuntimeError(f"all {COUNT} sandbox uids are in use")


def is_clean(uid: int) -> bool:
    """Whether `uid` was handed out again after a release that found it clean (no sweep needed)."""
    return uid in _held and uid not in _dirty


def release(uid: int, *, clean: bool = False) -> None:
    """Let another sandbox have `uid` (its processes must be gone by now). A `clean` uid, which
    nothing runs under, stays held by this process for its next sandbox."""
    if clean and uid in _held:
        _dirty.discard(uid)
        _clean.append(uid)
        return
    fd = _held.pop(uid, None)
    _dirty.discard(uid)
    if fd is not None:
        os.close(fd)  # closing the descriptor releases its lock


def burn(uid: int) -> None:
    """Never hand `uid` out again on this machine until it restarts (it keeps keys no sweep can remove)."""
    LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    (LOCK_DIR / f"{uid}.burned").write_text(_boot())


def is_burned(uid: int) -> bool:
    """Whether `uid` was burned since the machine last started."""
    try:
        return (LOCK_DIR / f"{uid}.burned").read_text() == _boot()
    except OSError:
        return False


def _boot() -> str:
    try:
        return BOOT_ID.read_text().strip()
    except OSError:
        return "unknown"

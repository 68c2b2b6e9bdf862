"""What a sandbox leaves behind, found by its uid and removed: processes, and System V IPC objects.

The process group, the PID namespace and the cgroup catch what a sandbox starts; the uid
catches the rest (a process that escaped all three), and, without bubblewrap's own IPC
namespace, the shared memory segments, semaphores and message queues that would otherwise
outlive the grader.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time

IPC_RMID = 0
_IPC = (("shm", "shmctl"), ("sem", "semctl"), ("msg", "msgctl"))


def _pids_of(uid: int) -> list[int]:
    """Live (not zombie) processes whose real uid is `uid`.

    A process's /proc folder belongs to its effective uid, which a sandbox (no capabilities) cannot
    make differ from its real one: one stat per process finds the candidates, and only their
    status is read.
    """
    pids = []
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return pids
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != uid:
                continue
            with open(f"/proc/{entry.name}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if fields.get("Uid", "").split()[:1] == [str(uid)] and not fields.get("State", "").strip().startswith("Z"):
            pids.append(int(entry.name))
    return pids


def processes_of(uid: int) -> int:
    """How many processes `uid` runs now."""
    return len(_pids_of(uid))


def kill_uid(uid: int, patience: float = 2.0) -> bool:
    """SIGKILL every process owned by `uid` until none is left: whatever escaped the namespaces
    or the process group (a fork flood may still be forking while the first signals land).
    Returns whether none is left."""
    deadline = time.monotonic() + patience
    while pids := _pids_of(uid):
        if time.monotonic() >= deadline:
            return False
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.002)
    return True


def remove_ipc(uid: int) -> int:
    """Remove every System V shared memory segment, semaphore set and message queue `uid` owns;
    return how many were removed."""
    libc = ctypes.CDLL(None, use_errno=True)
    removed = 0
    for kind, function in _IPC:
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                header, *rows = f.read().splitlines()
        except OSError:
            continue
        columns = header.split()
        for row in rows:
            values = dict(zip(columns, row.split()))
            if values.get("uid") == str(uid) and values.get("id", "").isdigit():
                control = getattr(libc, function)
                removed += control(int(values["id"]), *([0] if kind == "sem" else []), IPC_RMID, None) == 0
    return removed


def sweep(uid: int) -> bool:
    """Kill every process of `uid` and remove its IPC objects; return whether nothing is left running."""
    clean = kill_uid(uid)
    with contextlib.suppress(OSError, AttributeError):
        remove_ipc(uid)
    return clean

"""What a sandbox leaves behind, found by its uid and removed: processes, and System V IPC objects.

The process group, the PID namespace and the cgroup catch what a sandbox starts; the uid
catches the rest (a process that escaped all three), and, without bubblewrap's own IPC
namespace, the shared memory segments, semaphores and message queues that would otherwise
outlive the grader.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import re
import shutil
import signal
import tempfile
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


#: The scratch folders and template logs a grader leaves in the temporary folder, named after its pid.
_LEFT = re.compile(r"^grade-(?:template-)?(\d+)-")


def scratch_prefix(kind: str = "") -> str:
    """The name prefix of this grader's scratch folders (`kind` "template-": its templates' logs), which
    `remove_stale_scratch` finds again once this process is gone."""
    return f"grade-{kind}{os.getpid()}-"


@functools.cache
def remove_stale_scratch() -> int:
    """Remove, once per process, what graders no longer running left in the temporary folder (a killed
    worker's sandbox folders and template logs); return how many were removed."""
    folder = tempfile.gettempdir()
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            found = _LEFT.match(entry.name)
            if found and not os.path.exists(f"/proc/{found.group(1)}"):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                removed += 1
    return removed

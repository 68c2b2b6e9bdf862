"""What a sandbox leaves behind, found by its uid and removed: processes, System V IPC objects and keys.

The process group, the PID namespace and the cgroup catch what a sandbox starts; the uid
catches the rest (a process that escaped all three), and, without bubblewrap's own IPC
namespace, the shared memory segments, semaphores and message queues that would otherwise
outlive the grader. No namespace separates the kernel's keyrings: the keys a uid's keyrings hold
would reach the next submission graded under it (`runtime/keyrings.py`), so they go too.
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
from collections.abc import Callable

from . import uids
from .runtime.keyrings import invalidate_user_keyrings

IPC_RMID = 0
#: Seconds for the kernel to free a uid's keys once no keyring of it holds them: a session keyring can outlive its
#: last process by seconds (credentials are freed after an RCU grace period, which kernels may batch lazily).
KEY_PATIENCE = 10.0
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


def keys_of(uid: int) -> int:
    """How many keys `uid` owns, by the kernel's count (0 where there are no keyrings)."""
    try:
        with open("/proc/key-users") as f:
            for line in f:
                owner, _, counts = line.partition(":")
                if owner.strip() == str(uid):
                    return int(counts.split()[1].split("/")[0])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def remove_keys(uid: int, patience: float = KEY_PATIENCE) -> bool:
    """Invalidate the keyrings the kernel keeps for `uid` (user, user-session, persistent), from a process of
    that uid, and wait until the uid owns no key; return whether none is left.

    The child's session keyring is root's (`runtime/keyrings.py`), so a submission that added no key
    leaves its uid owning none and costs one read of /proc/key-users; one that did costs the wait.
    """
    if not keys_of(uid):
        return True
    if not _as_uid(uid, invalidate_user_keyrings, patience):
        return False
    deadline = time.monotonic() + patience
    while keys_of(uid):  # what only its dead processes' session keyrings held goes when the kernel frees them
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


def _as_uid(uid: int, task: Callable[[], bool], patience: float) -> bool:
    """Whether `task` returned True in a forked process that became `uid` (no groups), within `patience` s."""
    pid = os.fork()
    if pid == 0:  # only the kernel's calls run here, never anything of the student's
        done = False
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            done = task()
        finally:
            os._exit(0 if done else 1)
    deadline = time.monotonic() + patience
    while True:
        ended, status = os.waitpid(pid, os.WNOHANG)
        if ended:
            return os.waitstatus_to_exitcode(status) == 0
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return False
        time.sleep(0.001)


def sweep(uid: int) -> bool:
    """Kill every process of `uid`, remove its IPC objects and its keys; return whether nothing is left.

    A uid whose keys cannot be removed (a submission took away its own uid's right to change its
    keyrings), or that still owns keys `KEY_PATIENCE` seconds later, is burned: no sandbox gets it
    again until the machine restarts (`uids.burn`).
    """
    clean = kill_uid(uid)
    with contextlib.suppress(OSError, AttributeError):
        remove_ipc(uid)
    if not remove_keys(uid):
        uids.burn(uid)
        return False
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

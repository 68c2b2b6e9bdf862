"""The kernel's keyrings: state no namespace of the sandbox separates, kept per session and per uid.

A key added to a keyring outlives the process that added it for as long as a keyring holds it.
Two kinds of keyring are shared beyond one submission's processes:

- the session keyring, inherited across fork and exec (without one, a process's session is its
  uid's user-session keyring);
- the keyrings the kernel keeps for a uid for as long as the machine runs: its user keyring (`@u`),
  its user-session keyring (`@us`) and its persistent keyring, which any later process of the same
  uid reaches, whichever submission it runs.

So each child starts in a session keyring of its own, joined before it drops its privileges
(`join_session_keyring`: root's, empty, gone with the child's last process), and when a sandbox
ends the grader invalidates its uid's own keyrings from a process of that uid
(`invalidate_user_keyrings`, run by `sandbox.sweep.remove_keys`).
"""

from __future__ import annotations

import ctypes
import errno
import os

KEYCTL_GET_KEYRING_ID, KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_INVALIDATE, KEYCTL_GET_PERSISTENT = 0, 1, 21, 22
KEY_SPEC_SESSION_KEYRING, KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING = -3, -4, -5
#: The number of the keyctl system call (glibc has no wrapper for it), by machine.
KEYCTL = {"x86_64": 250, "aarch64": 219, "riscv64": 219, "loongarch64": 219, "ppc64le": 271, "ppc64": 271,
          "s390x": 280}
#: Errors that say keyrings are out of everyone's reach here, the student's code included: a kernel without
#: them, or a seccomp filter (a container's) that refuses keyctl to this process and all it starts.
UNAVAILABLE = (errno.ENOSYS, errno.EPERM, errno.EOPNOTSUPP)

_libc: ctypes.CDLL | None = None


def keyctl(operation: int, *args: int) -> int:
    """The keyctl system call; raises OSError with the kernel's errno."""
    global _libc
    number = KEYCTL.get(os.uname().machine)
    if number is None:
        raise OSError(errno.ENOSYS, f"keyctl's system call number on {os.uname().machine} is not known")
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    result = _libc.syscall(ctypes.c_long(number), ctypes.c_long(operation), *(ctypes.c_long(a) for a in args))
    if result == -1:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def join_session_keyring() -> None:
    """Give this process (and all it starts) a new, empty session keyring of its own.

    Called before the switch to the sandbox's uid, so the keyring is root's and counts no key of
    that uid: a submission that adds none leaves its uid owning none. Raises OSError if it cannot,
    unless keyrings are unavailable here anyway.
    """
    try:
        keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0)
    except OSError as exc:
        if exc.errno not in UNAVAILABLE:
            raise


def invalidate_user_keyrings() -> bool:
    """Invalidate this process's uid's persistent, user-session and user keyrings; whether all of them were.

    The kernel then drops every key only they held, and makes fresh, empty ones when they are next
    asked for. Run as the uid, in a process of its own, once nothing else of that uid runs: it joins
    a session keyring of its own first, so that no lookup below goes through the uid's old ones.
    A submission can take away its own uid's right to invalidate them (setperm on `@u`); this then
    returns False, and the grader never hands that uid out again.
    """
    try:
        join_session_keyring()
        keyrings = []
        try:
            keyrings.append(keyctl(KEYCTL_GET_PERSISTENT, -1, KEY_SPEC_SESSION_KEYRING))
        except OSError as exc:
            if exc.errno not in UNAVAILABLE:
                raise
        for which in (KEY_SPEC_USER_SESSION_KEYRING, KEY_SPEC_USER_KEYRING):  # both found before either goes
            keyrings.append(keyctl(KEYCTL_GET_KEYRING_ID, which, 1))
    except OSError:
        return False
    invalidated = True
    for keyring in keyrings:
        try:
            keyctl(KEYCTL_INVALIDATE, keyring)
        except OSError:
            invalidated = False
    return invalidated

"""No key a submission adds reaches anyone else: not the next submission graded under its uid, not the grader.

The kernel keeps keyrings per session and per uid, and no namespace of the sandbox separates them
(`sandbox/runtime/keyrings.py`). A red team added a key to the sandbox uid's user keyring; the next
student graded under that uid read it, and it outlived the batch. Here a first submission puts a
key in every keyring it can reach, and the next one under the same uid looks for it in every
keyring it can reach, in every mode (`modes`); afterwards the uid owns no key at all (SECURITY.md, "Keyrings").
"""

from __future__ import annotations

import os

import pytest

from autograder.sandbox import uids

from .modes import MODES, Mode, gradescope_root, run_sandboxes  # noqa: F401 - gradescope_root: a fixture

#: add_key's and keyctl's system call numbers.
SYSCALLS = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(os.uname().machine)
SECRET = "a secret of an earlier submission, or of the grader"

pytestmark = pytest.mark.skipif(SYSCALLS is None, reason=f"keyctl's number on {os.uname().machine} is not written here")

KEYS = f'''
import ctypes

_libc = ctypes.CDLL(None, use_errno=True)
_ADD_KEY, _KEYCTL = {SYSCALLS}
_SECRET = {SECRET.encode()!r}
#: The keyrings this process can name: its session, user and user-session keyrings.
_NAMED = {{"session": -3, "user": -4, "user-session": -5}}


def _keyctl(operation, *args):
    return _libc.syscall(ctypes.c_long(_KEYCTL), ctypes.c_long(operation), *(ctypes.c_long(a) for a in args))


def _keyrings():
    persistent = _keyctl(22, -1, -3)  # its uid's persistent keyring, linked into its session keyring
    return {{**_NAMED, **({{"persistent": persistent}} if persistent > 0 else {{}})}}


def plant():
    """A key in every keyring this process can reach: their serials (-1 where it was refused)."""
    return {{name: _libc.syscall(ctypes.c_long(_ADD_KEY), b"user", name.encode(), _SECRET,
                                ctypes.c_size_t(len(_SECRET)), ctypes.c_long(keyring))
            for name, keyring in _keyrings().items()}}


def lock():
    """A key in the user keyring that this uid may read, then the user keyring made view-and-read only: no
    one may invalidate it, clear it or change it back."""
    key = plant()["user"]
    _keyctl(5, key, 0x3f030000)  # KEYCTL_SETPERM: its owner may read it
    return _keyctl(5, _keyctl(0, -4, 1), 0x03030000)


def _read(serial, size=4096):
    buffer = ctypes.create_string_buffer(size)
    length = _keyctl(11, serial, ctypes.addressof(buffer), size)  # KEYCTL_READ
    return buffer.raw[:length] if length >= 0 else None


def _describe(serial):
    buffer = ctypes.create_string_buffer(512)
    return buffer.value.decode() if _keyctl(6, serial, ctypes.addressof(buffer), 512) >= 0 else ""


def look():
    """The names of the secrets this process can read, in every keyring it can reach and all they hold."""
    found, seen, todo = set(), set(), list(_keyrings().values())
    while todo:
        serial = todo.pop()
        data = None if serial in seen else _read(serial)
        seen.add(serial)
        if data is None:
            continue
        described = _describe(serial)
        if described.startswith("keyring;"):
            todo += [int.from_bytes(data[i:i + 4], "little", signed=True) for i in range(0, len(data), 4)]
        elif data == _SECRET:
            found.add(described.rsplit(";", 1)[-1])
    return sorted(found)
'''

#: Before any sandbox starts, the grader joins a session keyring of its own and keeps a secret in it.
GRADERS_KEY = f'''
import ctypes
_libc, (_add_key, _keyctl), _secret = ctypes.CDLL(None), {SYSCALLS}, {SECRET.encode()!r}
assert _libc.syscall(ctypes.c_long(_keyctl), ctypes.c_long(1), ctypes.c_long(0)) > 0
assert _libc.syscall(ctypes.c_long(_add_key), b"user", b"grader", _secret, ctypes.c_size_t(len(_secret)),
                     ctypes.c_long(-3)) > 0
'''


def keys_of(uid: int) -> int:
    """How many keys `uid` owns, as the kernel counts them."""
    for line in open("/proc/key-users"):
        owner, _, counts = line.partition(":")
        if owner.strip() == str(uid):
            return int(counts.split()[1].split("/")[0])
    return 0


@pytest.mark.parametrize("mode", MODES)
def test_no_key_reaches_the_next_submission_under_the_same_uid_nor_outlives_the_sandbox(request, mode: Mode):
    report = run_sandboxes(request, mode, [(KEYS, [("plant", [])]), (KEYS, [("look", [])])], before=GRADERS_KEY)
    first, second = report["sandboxes"]
    planted = first["answers"][0][0]
    assert set(planted) >= {"session", "user", "user-session"} and min(planted.values()) > 0, planted
    assert first["uid"] == second["uid"]  # handed on, as a worker does
    assert second["answers"][0][0] == []  # neither the first submission's keys nor the grader's
    assert keys_of(first["uid"]) == 0


@pytest.mark.parametrize("mode", MODES[:1])
def test_a_uid_whose_keyring_a_submission_locked_is_never_handed_out_again(request, mode: Mode):
    """No one can unlock it, so each run burns one sandbox uid of this machine until it restarts."""
    report = run_sandboxes(request, mode, [(KEYS, [("lock", [])]), (KEYS, [("look", [])])])
    first, second = report["sandboxes"]
    assert first["answers"][0][0] == 0  # the lock took
    assert second["uid"] != first["uid"] and second["answers"][0][0] == []
    assert uids.is_burned(first["uid"])  # until the machine restarts, and its keys with it

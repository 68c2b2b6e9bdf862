"""What a child forked from a warm template does to itself before any student code runs.

The template (`template.py`) holds the runtime and its packages imported, and no student code
ever runs in it. Each child it forks enters the submission's own isolation here, in this order:

1. its own session (so the grader can kill its process group) and the sandbox's cgroup;
2. with `namespaces` (the template runs in the bubblewrap view, with the capabilities
   for this): its own mount, network, IPC, UTS and cgroup namespaces, and fresh tmpfs
   mounts over the scratch folder, /tmp and /dev/shm, so nothing of an earlier child is
   left to see; the submission's source is copied into the new scratch folder;
3. standard output and error to the sandbox's output file, standard input from
   /dev/null, and every other inherited descriptor closed but the two channel ends;
4. the submission's environment, in place of the template's;
5. a session keyring of its own (`keyrings`), still root's;
6. its own uid, with no groups, no capabilities (bounding set included) and
   `no_new_privs`, and the parent-death signal (it dies with the template);
7. the rlimits (`child.apply_limits`).

Only then does `child.run` load the submission.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
from typing import Any

from .keyrings import join_session_keyring

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_MOVE = 1, 2, 4, 8, 32, 4096, 8192
MS_REC, MS_PRIVATE = 1 << 14, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
LAST_CAPABILITY = 63

#: The descriptors the child keeps: the request and response ends of its channel.
REQUEST_FD, RESPONSE_FD = 3, 4
#: Where the fresh mounts go, with their size in bytes.
TMPFS_SIZE = 64 * 1024**2


class ConfineError(OSError):
    """A step of the isolation failed: the child must not run student code."""


_arranged = False  # whether the channel has moved to REQUEST_FD and RESPONSE_FD (this process is one child)


def response_fd(fds: list[int]) -> int:
    """Where the child's response channel is now, to report a failure to confine itself."""
    return RESPONSE_FD if _arranged else fds[1]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise ConfineError(errno, f"{what}: {os.strerror(errno)}")


def _mount_tmpfs(libc: ctypes.CDLL, target: str) -> None:
    options = f"size={TMPFS_SIZE},mode=1777".encode()
    _check(libc.mount(b"tmpfs", target.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options), f"mounting {target}")


def _mount_points_under(folder: str) -> list[str]:
    """The outermost mount points inside `folder` (the view's read-only binds of folders that lie in it)."""
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        points = sorted({_unescape(line.split()[4]) for line in f})
    inside = [p for p in points if p.startswith(folder.rstrip("/") + "/")]
    return [p for p in inside if not any(p.startswith(q + "/") for q in inside if q != p)]


def _unescape(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _fresh_tmpfs(libc: ctypes.CDLL, target: str, staging: str) -> None:
    """A fresh tmpfs on `target` that still holds the view's read-only binds inside it (a course or venv
    that lives under /tmp): built on `staging`, an empty mount point, then moved onto `target`."""
    keep = _mount_points_under(target)
    if not keep:
        _mount_tmpfs(libc, target)
        return
    _mount_tmpfs(libc, staging)
    for point in keep:
        inside = staging + point[len(target):]
        if os.path.isdir(point):
            os.makedirs(inside, mode=0o755, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(inside), mode=0o755, exist_ok=True)
            open(inside, "a").close()
        _check(libc.mount(point.encode(), inside.encode(), None, MS_BIND | MS_REC, None), f"binding {point}")
        _check(libc.mount(None, inside.encode(), None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
                          None), f"making {point} read-only")
    _check(libc.mount(staging.encode(), target.encode(), None, MS_MOVE, None), f"moving the fresh {target}")


def enter_namespaces(scratch: str) -> None:
    """Own mount, network, IPC, UTS and cgroup namespaces; fresh scratch, /tmp and /dev/shm."""
    libc = _libc()
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP), "unshare")
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "making mounts private")
    if os.path.isdir("/tmp"):
        _fresh_tmpfs(libc, "/tmp", scratch)  # built on the scratch folder's mount point, then moved away from it
    _mount_tmpfs(libc, scratch)
    if os.path.isdir("/dev/shm"):
        _mount_tmpfs(libc, "/dev/shm")
    _check(libc.sethostname(b"sandbox", 7), "sethostname")


def copy_source(source_fd: int, path: str) -> None:
    """The submission's source, read-only to the student: written by root into the fresh scratch folder."""
    with os.fdopen(os.dup(source_fd), "rb") as source, open(path, "wb") as copy:
        os.lseek(source.fileno(), 0, os.SEEK_SET)
        copy.write(source.read())
    os.chmod(path, 0o444)


def arrange_descriptors(request_fd: int, response_fd: int, output_fd: int) -> None:
    """stdin from /dev/null, stdout and stderr to the output file, the channel on 3 and 4, nothing else."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    # out of the way of 3 and 4 first: either may already sit where the other must go
    request, response = os.dup(request_fd), os.dup(response_fd)
    os.dup2(request, REQUEST_FD)
    os.dup2(response, RESPONSE_FD)
    global _arranged
    _arranged = True
    os.closerange(RESPONSE_FD + 1, max(os.sysconf("SC_OPEN_MAX"), RESPONSE_FD + 1))
    os.set_inheritable(REQUEST_FD, False)
    os.set_inheritable(RESPONSE_FD, False)


def drop_privileges(uid: int | None) -> None:
    """As root: become `uid` with no groups and no capabilities. Always: no new privileges, and
    die with the parent."""
    libc = _libc()
    if uid is not None:
        for capability in range(LAST_CAPABILITY + 1):  # EINVAL past the kernel's last one: ignored
            libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)  # a switch away from root clears every capability
        if os.getuid() != uid or os.geteuid() != uid:
            raise ConfineError(0, f"still uid {os.geteuid()} after switching to {uid}")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    # after the switch: changing credentials clears the parent-death signal
    _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "parent-death signal")


def confine(spec: dict[str, Any], fds: list[int]) -> str:
    """Enter the isolation `spec` describes; return the path of the submission's module.

    `fds` are `[request, response, output, source, *cgroup_procs]`; `spec` holds `module`,
    `scratch`, `source`, `namespaces`, `uid` and `env` (see the grader's `sandbox.launch`). Without
    `namespaces` the module is loaded from `source`, the grader's read-only copy outside `scratch`.
    """
    request_fd, response_fd, output_fd, source_fd, *cgroup_fds = fds
    os.setsid()
    for procs in cgroup_fds:  # "0" is the writer itself; the grader opened these files as root
        os.write(procs, b"0")
        os.close(procs)
    scratch = spec["scratch"]
    path = spec["source"]
    if spec["namespaces"]:
        path = os.path.join(scratch, f"{spec['module']}.py")
        enter_namespaces(scratch)
        copy_source(source_fd, path)
    os.close(source_fd)
    arrange_descriptors(request_fd, response_fd, output_fd)
    os.chdir(scratch)
    os.environ.clear()
    os.environ.update(spec["env"])
    join_session_keyring()
    drop_privileges(spec["uid"])
    return path

"""The warm template of the student's process: the runtime and its packages imported, forking one child
per submission.

Started by the grader's `sandbox.templates` as

    python -I -B -u RUNTIME/__main__.py --template CONTROL_FD PRELOAD_JSON view|bare

inside the same bubblewrap view a cold child gets ("view"; "bare" where there is no bubblewrap),
with the capabilities to make namespaces and switch uid, which every child drops before student
code runs. It imports the packages in
PRELOAD_JSON and every module of the runtime, says it is ready, then answers messages on the
control socket (a SOCK_SEQPACKET pair, one JSON message per packet):

    {"op": "spawn", "module", "scratch", "source", "namespaces", "uid", "env", "limits"}
        with descriptors [request, response, output, source, *cgroup_procs]
        -> {"pid": PID}: a child forked, confined (`confine`) and serving on the channel (`child.run`)
    {"op": "kill", "pid"}  SIGKILL to the child's process group
    {"op": "attach"} with one descriptor: another control socket (another grading process of the
        same batch), answered on it with the ready message
    and, unasked, {"exited": PID, "status": WAIT_STATUS} when a child ends, on the socket that asked for it.

No student code ever runs here; the template never reads what a child sends. The children of a
control socket that closes (its grader died) are killed. It ends when every control socket is
closed (and, in bubblewrap, with its parent). /proc shows each child only its own uid's processes,
so the children of two graders sharing the template do not see each other.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import os
import select
import signal
import socket
import sys
import traceback
from typing import Any

from . import protocol
from .child import apply_limits, run, warm_up
from .confine import MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_REMOUNT, REQUEST_FD, RESPONSE_FD, confine, response_fd
from .errors import GRADER
from .session import error_data

#: The runtime's modules imported up front, so that no child reads the runtime folder after it
#: dropped its privileges (and none pays for the imports); those marked torch need torch.
RUNTIME_MODULES = {"protocol": False, "session": False, "loader": False, "recipes": False,
                   "mnist_sample": False, "models": True, "loaders": True}
MAX_MESSAGE = 1 << 16
MAX_FDS = 16


def _send(control: socket.socket, message: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):  # the grader is gone: the loop ends on its next read
        control.send(json.dumps(message).encode())


def warm_up_template(preload: list[str], recipes: list[list[str]]) -> None:
    """Import the packages, the runtime's modules and the course's recipes every child will use (each recipe
    module warmed up once here, for all of them: `recipes.load_course`)."""
    warm_up(preload)
    for module, needs_torch in RUNTIME_MODULES.items():
        if "torch" in preload or not needs_torch:
            importlib.import_module(f"{__package__}.{module}")
    from .recipes import load_course

    load_course(recipes, warm=True)


def main(argv: list[str]) -> None:
    control = socket.socket(fileno=int(argv[0]))
    preload = json.loads(argv[1])
    try:
        warm_up_template(preload, json.loads(argv[3]) if len(argv) > 3 else [])
        if argv[2:3] == ["view"]:  # its own /proc; never the machine's
            _hide_other_users_processes()
    except BaseException as exc:  # noqa: BLE001 - a template that cannot start is the grader's failure
        _send(control, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    _send(control, _ready())
    controls: dict[socket.socket, set[int]] = {control: set()}  # each control socket and its children
    try:
        while controls:
            ready, _, _ = select.select([*controls, wake_read], [], [])
            if wake_read in ready:
                os.read(wake_read, 4096)
                _reap(controls)
            for sock in [r for r in ready if r is not wake_read]:
                try:
                    message, fds, _, _ = socket.recv_fds(sock, MAX_MESSAGE, MAX_FDS)
                except OSError:  # reset: its grader closed it with answers unread (it died, say)
                    message, fds = b"", []
                if not message:
                    _kill_all(controls.pop(sock))  # its grader is gone: so are the children it asked for
                    sock.close()
                    continue
                _answer(sock, json.loads(message), fds, controls, (wake_read, wake_write))
    finally:
        for children in controls.values():
            _kill_all(children)


def _ready() -> dict[str, Any]:
    return {"ready": True, "threads": len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1}


def _hide_other_users_processes() -> None:
    """Remount the view's /proc (the template's own, made by bubblewrap for its PID namespace) so that a
    process sees only the processes of its own uid: each child has a uid of its own."""
    if os.getuid() == 0 and os.path.ismount("/proc"):
        libc = ctypes.CDLL(None, use_errno=True)
        flags = MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC
        if libc.mount(b"proc", b"/proc", b"proc", flags, b"hidepid=invisible") != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"remounting /proc with hidepid: {os.strerror(errno)}")


def _kill_all(children: set[int]) -> None:
    for pid in children:
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(OSError):
                kill(pid, signal.SIGKILL)


def _reap(controls: dict[socket.socket, set[int]]) -> None:
    while True:  # every ended child, a closed socket's killed ones too
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        for sock, children in controls.items():
            if pid in children:
                children.discard(pid)
                _send(sock, {"exited": pid, "status": status})


def _answer(control: socket.socket, request: dict[str, Any], fds: list[int],
            controls: dict[socket.socket, set[int]], wake: tuple[int, int]) -> None:
    children = controls[control]
    if request.get("op") == "kill":
        pid = int(request["pid"])
        if pid in children:
            _kill_all({pid})
        return
    if request.get("op") == "attach":
        if len(fds) == 1:
            attached = socket.socket(fileno=fds[0])
            controls[attached] = set()
            _send(attached, _ready())
        else:
            for fd in fds:
                os.close(fd)
        return
    try:
        pid = os.fork()
    except OSError as exc:
        for fd in fds:
            os.close(fd)
        _send(control, {"error": f"fork failed: {exc}"})
        return
    if pid == 0:
        _child(list(controls), request, fds, wake)
    for fd in fds:
        os.close(fd)
    children.add(pid)
    _send(control, {"pid": pid})


def _child(controls: list[socket.socket], request: dict[str, Any], fds: list[int], wake: tuple[int, int]) -> None:
    """In the forked child: confine, then serve the submission; never returns."""
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for control in controls:
            control.close()
        for fd in wake:
            os.close(fd)
        path = confine(request, fds)
        apply_limits(request["limits"])
    except BaseException as exc:  # noqa: BLE001 - a child that cannot confine itself runs nothing
        with contextlib.suppress(OSError):
            os.write(response_fd(fds), protocol.dumps({"id": 0, "ok": False, "error": error_data(exc, GRADER)}))
        os._exit(70)
    status = 0
    try:
        run(os.fdopen(REQUEST_FD, "rb"), os.fdopen(RESPONSE_FD, "wb", buffering=0), path, request["module"])
    except SystemExit as exc:  # as the interpreter would end a cold child
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
        status = 1
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status & 0xFF)

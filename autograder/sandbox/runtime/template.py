"""The warm template of the student's process: the runtime and its packages imported, forking one child
per submission.

Started by the grader's `sandbox.templates` as

    python -I -B -u RUNTIME/__main__.py --template CONTROL_FD PRELOAD_JSON

inside the same bubblewrap view a cold child gets (with the capabilities to make namespaces and
switch uid, which every child drops before student code runs). It imports the packages in
PRELOAD_JSON and every module of the runtime, says it is ready, then answers messages on the
control socket (a SOCK_SEQPACKET pair, one JSON message per packet):

    {"op": "spawn", "module", "scratch", "namespaces", "uid", "env", "limits"}
        with descriptors [request, response, output, source, *cgroup_procs]
        -> {"pid": PID}: a child forked, confined (`confine`) and serving on the channel (`child.run`)
    {"op": "kill", "pid"}  SIGKILL to the child's process group
    and, unasked, {"exited": PID, "status": WAIT_STATUS} when a child ends.

No student code ever runs here; the template never reads what a child sends. It ends when the
grader closes the control socket (and, in bubblewrap, with its parent).
"""

from __future__ import annotations

import contextlib
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
from .confine import REQUEST_FD, RESPONSE_FD, confine, response_fd
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


def warm_up_template(preload: list[str]) -> None:
    """Import the packages and the runtime's modules every child will use."""
    warm_up(preload)
    for module, needs_torch in RUNTIME_MODULES.items():
        if "torch" in preload or not needs_torch:
            importlib.import_module(f"{__package__}.{module}")


def main(argv: list[str]) -> None:
    control = socket.socket(fileno=int(argv[0]))
    preload = json.loads(argv[1])
    try:
        warm_up_template(preload)
    except BaseException as exc:  # noqa: BLE001 - a template that cannot start is the grader's failure
        _send(control, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    _send(control, {"ready": True, "threads": len(os.listdir("/proc/self/task"))
                    if os.path.isdir("/proc/self/task") else 1})
    children: set[int] = set()
    try:
        while True:
            ready, _, _ = select.select([control, wake_read], [], [])
            if wake_read in ready:
                os.read(wake_read, 4096)
                _reap(control, children)
            if control in ready:
                message, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, MAX_FDS)
                if not message:
                    break
                _answer(control, json.loads(message), fds, children, (wake_read, wake_write))
    finally:
        for pid in children:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)


def _reap(control: socket.socket, children: set[int]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        _send(control, {"exited": pid, "status": status})


def _answer(control: socket.socket, request: dict[str, Any], fds: list[int], children: set[int],
            wake: tuple[int, int]) -> None:
    if request.get("op") == "kill":
        pid = int(request["pid"])
        if pid in children:
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(OSError):
                    kill(pid, signal.SIGKILL)
        return
    try:
        pid = os.fork()
    except OSError as exc:
        for fd in fds:
            os.close(fd)
        _send(control, {"error": f"fork failed: {exc}"})
        return
    if pid == 0:
        _child(control, request, fds, wake)
    for fd in fds:
        os.close(fd)
    children.add(pid)
    _send(control, {"pid": pid})


def _child(control: socket.socket, request: dict[str, Any], fds: list[int], wake: tuple[int, int]) -> None:
    """In the forked child: confine, then serve the submission; never returns."""
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
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

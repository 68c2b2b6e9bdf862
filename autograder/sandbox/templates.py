"""Warm templates of the student's process, kept by a long-lived grader (a batch or cluster worker).

Starting the student's process costs an interpreter, numpy and, for four assignments, torch:
0.3 to 1.7 s, against milliseconds for the tests of an untouched template. A `Template` pays
it once: the runtime (`runtime/template.py`) starts in the same bubblewrap view as a cold child,
imports the packages, and then forks one child per sandbox on request. The fork enters that
sandbox's own isolation before any student code runs (`runtime/confine.py`): its cgroup, mount,
network, IPC and UTS namespaces, a fresh scratch folder, /tmp and /dev/shm, its channel and
output file, its environment, its uid with no capabilities, and its rlimits. No student code
ever runs in the template, so every child starts from the same clean state. A batch starts
the templates once and hands each of its workers a control socket of its own (`attach`,
`Templates.inherit`): one torch import for the whole batch, not one per worker.

Templates are used where both the view and the uid switch can be made inside it (a root grader
with bubblewrap) or where there is no view to make (no bubblewrap: the child then confines
itself as a cold child is confined); a grader that is not root but has bubblewrap starts cold
children (`Templates.get` returns None).
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

from . import closing, isolation
from .sweep import remove_stale_scratch, scratch_prefix
from .template_child import TemplateChild
from .uids import BASE_UID

_monotonic = time.monotonic

#: Seconds for a template to import its packages (torch on a cold disk is slow).
START_TIMEOUT = 120.0


class TemplateError(RuntimeError):
    """The template could not start or fork: the grader's failure, never the student's."""


class Kind(NamedTuple):
    """A kind of student process: what it imports before the student's code, the third-party packages its
    filesystem view holds (None: every installed one), the files it may read besides (`mounts`, bound
    read-only at their paths) and the course's recipe modules it runs (`recipes`: `(name, source)` pairs,
    `runtime.recipes.load_course`). All of it is the course's to declare (`assignments.Assignment`)."""

    preload: tuple[str, ...]
    packages: tuple[str, ...] | None = None
    mounts: tuple[str, ...] = ()
    recipes: tuple[tuple[str, str], ...] = ()

    def described(self) -> dict[str, Any]:
        """As JSON: what `Kind.read` reads back."""
        return {"preload": list(self.preload), "packages": None if self.packages is None else list(self.packages),
                "mounts": list(self.mounts), "recipes": [list(r) for r in self.recipes]}

    @classmethod
    def read(cls, data: dict[str, Any]) -> Kind:
        packages = None if data["packages"] is None else tuple(data["packages"])
        return cls(tuple(data["preload"]), packages, tuple(data["mounts"]), tuple(map(tuple, data["recipes"])))


class Template:
    """A warm template of `kind`: its `preload` and recipes imported, in a view holding only its packages and
    mounts; `spawn` forks a confined child from it. Given `control`, a socket from another process's
    template (`attach`), it talks to that template instead of starting one."""

    def __init__(self, kind: Kind, control: socket.socket | None = None) -> None:
        self.kind = kind
        self.preload, self.packages = kind.preload, kind.packages
        self.layers = isolation.probe()
        self._socket: socket.socket | None = control
        self._attached = control is not None
        self._process: subprocess.Popen | None = None
        self._log: Path | None = None
        self._replies: list[dict[str, Any]] = []
        self._forking: collections.deque[TemplateChild] = collections.deque()  # spawned, not yet answered
        self._exits: dict[int, int] = {}
        self._ready = False

    # lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Start the template and wait until it has imported its packages."""
        self.launch()
        self.await_ready()

    def launch(self) -> None:
        """Start the template's process without waiting for its imports (`await_ready` does)."""
        if self._process is not None or self._attached:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        runtime = isolation.runtime_for(BASE_UID if self.layers.user else None, self.layers)
        command = [sys.executable, "-I", "-B", "-u", str(runtime / "__main__.py"), "--template",
                   str(theirs.fileno()), json.dumps(list(self.preload)), "view" if self.layers.filesystem else "bare",
                   json.dumps([list(r) for r in self.kind.recipes])]
        if self.layers.filesystem:
            command = isolation.wrap(command, None, uid=None, runtime_dir=runtime, packages=self.packages,
                                     template=True, mounts=self.kind.mounts)
        remove_stale_scratch()
        fd, log = tempfile.mkstemp(prefix=scratch_prefix("template-"), suffix=".log")
        self._log = Path(log)
        try:
            self._process = subprocess.Popen(command, env=template_environment(), stdin=subprocess.DEVNULL,
                                             stdout=fd, stderr=fd, pass_fds=(theirs.fileno(),),
                                             start_new_session=True, close_fds=True)
        finally:
            os.close(fd)
            theirs.close()
        self._socket = ours
        self._ready = False

    def await_ready(self) -> None:
        """Wait until the launched template has imported its packages; raise TemplateError if it cannot."""
        if self._ready:
            return
        ready = self._reply(START_TIMEOUT, "starting")
        if not ready.get("ready"):
            self.close()
            raise TemplateError(f"the warm template could not start: {ready.get('error', ready)}")
        if ready.get("threads", 1) != 1:  # fork copies one thread: a second one's locks could be held
            self.close()
            raise TemplateError(f"the warm template runs {ready['threads']} threads after its imports")
        self._ready = True

    def is_ready(self) -> bool:
        """Whether the template has imported its packages (or failed to), without waiting."""
        if not self._ready and not self._replies:
            self.collect(0.0)
        if not self._ready and (self._replies or self._socket is None):
            with contextlib.suppress(TemplateError):
                self.await_ready()
            return True  # a template that failed is "ready" too: nothing is gained by waiting for it
        return self._ready

    def attach(self) -> socket.socket:
        """A control socket of this template for another process of the same grader (a batch's worker): its
        descriptor passed on, `Template(preload, packages, control=...)` there forks children of its own,
        whose exits are reported to it alone and which die with it."""
        given, kept = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.send({"op": "attach"}, [given.fileno()])
        finally:
            given.close()
        return kept

    @property
    def launched(self) -> bool:
        return self._process is not None or self._attached

    def alive(self) -> bool:
        if self._attached:
            return self._socket is not None
        return self._process is not None and self._process.poll() is None

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self._process is not None:
            with contextlib.suppress(OSError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
            self._process = None
        if self._log is not None:
            self._log.unlink(missing_ok=True)
            self._log = None

    # children ------------------------------------------------------------------

    def spawn(self, spec: dict[str, Any], fds: list[int]) -> TemplateChild:
        """Ask for a child confined as `spec` says, given `fds` (see `runtime/template.py`), without waiting
        for the fork: the child's first message on its channel says it started."""
        if not self.alive():
            raise TemplateError(f"the warm template is not running{self._last_words()}")
        self.send({"op": "spawn", **spec}, fds)
        child = TemplateChild(self)
        self._forking.append(child)
        return child

    def send(self, message: dict[str, Any], fds: list[int] = ()) -> None:
        if self._socket is None:
            return
        try:
            socket.send_fds(self._socket, [json.dumps(message).encode()], list(fds))
        except OSError as exc:
            raise TemplateError(f"the warm template is not answering ({exc}){self._last_words()}") from None

    def returncode(self, pid: int) -> int | None:
        status = self._exits.get(pid)
        return None if status is None else os.waitstatus_to_exitcode(status)

    def forget(self, pid: int) -> None:
        self._exits.pop(pid, None)

    def collect(self, timeout: float) -> None:
        """Read what the template has sent within `timeout` seconds: exits, and replies for `_reply`."""
        if self._socket is None:
            return
        deadline = _monotonic() + timeout
        while True:
            ready, _, _ = select.select([self._socket], [], [], max(deadline - _monotonic(), 0))
            if not ready:
                return
            try:
                data = self._socket.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                self._socket.close()
                self._socket = None
                return
            message = json.loads(data)
            if "exited" in message:
                self._exits[int(message["exited"])] = int(message["status"])
            elif ("pid" in message or "error" in message) and self._forking:  # spawns are answered in order
                self._forking.popleft().forked(message)
            else:
                self._replies.append(message)
            deadline = _monotonic()  # drain what is there without waiting again

    def _reply(self, timeout: float, doing: str) -> dict[str, Any]:
        deadline = _monotonic() + timeout
        while not self._replies:
            if self._socket is None or _monotonic() >= deadline:
                raise TemplateError(f"the warm template stopped answering while {doing}{self._last_words()}")
            self.collect(min(deadline - _monotonic(), 0.5))
        return self._replies.pop(0)

    def _last_words(self) -> str:
        if self._log is None or not self._log.exists():
            return ""
        lines = self._log.read_text(errors="replace").strip().splitlines()
        return f": {lines[-1]}" if lines else ""


def template_environment() -> dict[str, str]:
    """The template's environment: what the packages read when they are imported (thread counts,
    the hash seed). Each child gets its sandbox's own environment in its place."""
    return isolation.child_environment(home="/")


#: The environment variable through which a batch hands its workers control sockets of its templates.
INHERITED = "GRADE_WARM_TEMPLATES"


class Templates:
    """A grader's templates, one per kind of student process (`Kind`: what it preloads, which packages
    its view holds), started on first use or by `prestart`; `attached` ones (`inherit`) belong to
    another process, shared by all its workers."""

    def __init__(self, attached: dict[Kind, socket.socket] | None = None) -> None:
        self._templates: dict[Kind, Template] = {kind: Template(kind, control=control)
                                                 for kind, control in (attached or {}).items()}

    def attach(self) -> tuple[str, list[int], list[socket.socket]]:
        """Control sockets of every template, for one more grading process: the value of `INHERITED` that
        names them, their descriptors to pass on, and the sockets (close them once passed)."""
        sockets = {}
        for kind, template in self._templates.items():
            with contextlib.suppress(TemplateError):  # the worker starts its own of this kind instead
                sockets[kind] = template.attach()
        described = [{**kind.described(), "fd": control.fileno()} for kind, control in sockets.items()]
        return json.dumps(described), [s.fileno() for s in sockets.values()], list(sockets.values())

    @classmethod
    def inherit(cls) -> Templates:
        """The templates a batch handed this process in `INHERITED` (none when it handed none)."""
        described = json.loads(os.environ.pop(INHERITED, "[]"))
        attached = {}
        for item in described:
            attached[Kind.read(item)] = socket.socket(fileno=int(item["fd"]))
        return cls(attached)

    def is_ready(self, kind: Kind) -> bool:
        """Whether the template of `kind` is warm (or will never be); True where there is none to wait for."""
        template = self._templates.get(kind)
        return template is None or template.is_ready()

    @staticmethod
    def usable() -> bool:
        """Whether children can be forked from templates here (see the module's docstring)."""
        layers = isolation.probe()
        return not layers.filesystem or os.geteuid() == 0

    def prestart(self, kinds: list[Kind]) -> None:
        """Launch the templates a batch will need, without waiting: their imports overlap the
        grader's own and the first submissions' grading."""
        if self.usable():
            for kind in kinds:
                self._templates.setdefault(kind, Template(kind)).launch()

    def get(self, kind: Kind) -> Template | None:
        """The running template of `kind` (restarted if it died), or None where templates are not usable."""
        if not self.usable():
            return None
        template = self._templates.get(kind)
        if template is None or (template.launched and not template.alive()):
            if template is not None:
                template.close()
            template = self._templates[kind] = Template(kind)
        try:
            template.launch()
            template.await_ready()
        except TemplateError:
            del self._templates[kind]
            raise
        return template

    def close(self) -> None:
        closing.finish()
        for template in self._templates.values():
            template.close()
        self._templates.clear()

    def __enter__(self) -> Templates:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""One child forked by a warm template (`templates.Template`), as the sandbox sees it: `subprocess.Popen`'s
surface (`poll`, `wait`, `pid`), through the template's control socket. It needs of its template only what
`Forker` names, so this module imports nothing of `templates`, which imports it."""

from __future__ import annotations

import signal
import subprocess
import time
from typing import Any, Protocol

_monotonic = time.monotonic

#: Seconds for the template to answer a spawn or report an exit it was asked about.
REPLY_TIMEOUT = 10.0


class Forker(Protocol):
    """What a child asks of the template that forked it (`templates.Template`)."""

    def alive(self) -> bool: ...

    def collect(self, timeout: float) -> None: ...

    def returncode(self, pid: int) -> int | None: ...

    def send(self, message: dict[str, Any]) -> None: ...

    def forget(self, pid: int) -> None: ...


class TemplateChild:
    """One child forked by a template: the `subprocess.Popen` surface the sandbox uses.

    Its pid is the template's view of it (inside bubblewrap, a PID namespace of its own), known
    once the template answers the spawn (the grader does not wait for it: `pid` does): signals go
    through the template; the cgroup and the uid sweep reach it from outside too. A fork that
    failed has no pid and has ended (its channel is closed, so the sandbox sees it as not started).
    """

    def __init__(self, template: Forker, pid: int | None = None) -> None:
        self.template = template
        self._pid = pid
        self.returncode: int | None = None
        self.error: str | None = None

    @property
    def pid(self) -> int | None:
        deadline = _monotonic() + REPLY_TIMEOUT
        while self._pid is None and self.error is None:
            if not self.template.alive() or _monotonic() >= deadline:
                self.error = "the warm template did not answer"
                break
            self.template.collect(min(0.5, deadline - _monotonic()))
        return self._pid

    def forked(self, reply: dict[str, Any]) -> None:
        """The template's answer to the spawn: the pid, or why it could not fork."""
        if "pid" in reply:
            self._pid = int(reply["pid"])
        else:
            self.error = str(reply.get("error", reply))

    def poll(self) -> int | None:
        if self.returncode is None:
            if self.pid is None:
                self.returncode = -signal.SIGKILL
                return self.returncode
            self.template.collect(0.0)
            self.returncode = self.template.returncode(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """The exit status as `Popen.returncode` gives it (negative: killed by that signal)."""
        deadline = None if timeout is None else _monotonic() + timeout
        while self.poll() is None:
            if not self.template.alive():
                self.returncode = -signal.SIGKILL  # the template took its children with it
                break
            remaining = None if deadline is None else deadline - _monotonic()
            if remaining is not None and remaining <= 0:
                raise subprocess.TimeoutExpired(f"template child {self.pid}", timeout or 0)
            self.template.collect(0.5 if remaining is None else min(remaining, 0.5))
        assert self.returncode is not None
        return self.returncode

    def kill_group(self) -> None:
        """SIGKILL the child's process group."""
        if self.returncode is None and self.pid is not None:
            self.template.send({"op": "kill", "pid": self.pid})

"""The grader's side of the sandbox: start the student's process, send calls, read results.

One `Sandbox` serves one submission module. The child process is started on first use
and restarted after it dies or times out, so one runaway function costs only the tests
that call it. A sandbox holds, for its whole life, a uid of its own (as root), a cgroup
(where the machine has one) and a folder (`workdir`: the source, written once, and the child's
scratch folder); closing it kills every process of them.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from dataclasses import asdict
from typing import Any

from . import cgroups, closing, isolation, launch, uids
from .channel import Channel, Closed, Timeout, TooLarge
from .limits import Limits
from .load_report import read_load_report
from .output import how_it_ended
from .runtime import protocol
from .runtime.child import LOAD
from .runtime.errors import CallTimeout, ChannelBroken, ChildExited, GraderError, RemoteError, SandboxError
from .sweep import kill_uid, processes_of, sweep
from .templates import Kind, Template, TemplateChild, TemplateError
from .workdir import Workdir

_monotonic = time.monotonic  # bound at import: student code never runs here, but tests may patch time

MAX_STALE_LINES = 100
#: Seconds to wait for a process that closed its channel to end, and for a killed one to be reaped.
EXIT_WAIT, KILL_WAIT = 2.0, 5.0
#: Wall-clock seconds for the runtime to start (interpreter, numpy), before any student code runs:
#: not charged to the student's import budget.
START_TIMEOUT = 60.0


class Sandbox:
    """A child process running `source` as module `module_name` under `limits`, of `kind` (what it preloads, the
    packages, mounts and recipes of its view): started cold, or forked from a warm `template` of its kind."""

    def __init__(self, source: str, module_name: str, limits: Limits = Limits(),
                 extra_env: dict[str, str] | None = None, kind: Kind = Kind(("numpy",)),
                 template: Template | None = None, guard: dict[str, Any] | None = None) -> None:
        self.source = source
        self.guard = guard or {}  # what `LOAD` asks the child to guard: {"forbid": {function: [rule]}, "policy"}
        self.module_name = module_name
        self.limits = limits
        self.kind = template.kind if template is not None else kind
        self.extra_env = extra_env or {}
        self.template = template
        self.load_failure: SandboxError | None = None
        self.starts = 0
        self.student_seconds = 0.0  # wall-clock time from each request sent to its answer (imports included)
        self.uid: int | None = None
        self._report: dict | None = None
        self._process: subprocess.Popen | TemplateChild | None = None
        self._channel: Channel | None = None
        self._workdir: Workdir | None = None
        self._cgroup: cgroups.Cgroup | None = None
        self._next_id, self._limit = 1, 0.0  # the next request's id; the time limit of the one in flight
        self._loaded = self._asked_to_load = False

    # lifecycle -----------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill the child and everything it started; release the uid, cgroup and scratch folder (for a warm
        child alone in its cgroup, once it has ended: `closing`, so as not to wait for its teardown)."""
        if isinstance(self._process, TemplateChild) and self._cgroup is not None:
            launch.kill_group(self._process)
            if len(self._cgroup.signal()) <= 1:  # the child alone: nothing else can still be forking
                closing.defer(self)
                return
        self.release()

    def ended(self) -> bool:
        """Whether the child has ended (or there is none)."""
        return self._process is None or self._process.poll() is not None

    def release(self) -> None:
        """Kill what is left of the child, and release the uid, cgroup and scratch folder."""
        self._kill()
        if self._workdir is not None:
            self._workdir.remove()
            self._workdir = None
        if self._cgroup is not None:
            self._cgroup.remove()
            self._cgroup = None
        if self.uid is not None:
            uids.release(self.uid, clean=sweep(self.uid))
            self.uid = None

    def spawn(self, *, load: bool = True) -> None:
        """Start the child without waiting for it; it imports the submission at once with `load`, else when
        `load_report` asks (a process started ahead of its tests runs no student code beside others')."""
        if self._process is None and self.load_failure is None:
            with contextlib.suppress(SandboxError):  # kept as `load_failure`, reported with the first test
                self._spawn()
        if load and self._channel is not None:
            with contextlib.suppress(Closed, Timeout):  # `load_report` asks again, and says what went wrong
                self._ask_to_load(_monotonic() + 1.0)

    def _ask_to_load(self, deadline: float) -> None:
        if not self._asked_to_load:
            recipes = {"recipes": [list(r) for r in self.kind.recipes]} if self.kind.recipes else {}
            self._channel.send(protocol.dumps({**LOAD, **self.guard, **recipes}), deadline)
            self._asked_to_load = True

    def _prepare(self, layers: isolation.Layers) -> None:
        """What the sandbox keeps across restarts: its uid, cgroup and folder (the source written once)."""
        while self.uid is None and layers.user:
            uid = uids.allocate()
            # a sweep removes whatever a killed grader left under it, and burns it if its keys cannot go
            if not uids.is_clean(uid) and not sweep(uid) and uids.is_burned(uid):
                uids.release(uid)
                continue
            self.uid = uid
        if self._cgroup is None and layers.cgroup:
            settings = cgroups.Settings(self.limits.cgroup_memory, self.limits.processes, self.limits.cpus)
            self._cgroup = cgroups.Cgroup(layers.cgroup, settings)
            self._cgroup.create()
        if self._workdir is None:
            self._workdir = Workdir(self.source, self.module_name, self.uid, layers.filesystem)

    def _spawn(self) -> None:
        layers = isolation.probe()
        self._prepare(layers)
        workdir = self._workdir
        assert workdir is not None
        output = workdir.new_output()  # no path: nothing the child left can take its place
        request_read, request_write = os.pipe()
        response_read, response_write = os.pipe()
        limits: dict[str, Any] = {k: v for k, v in asdict(self.limits).items() if k not in ("load_timeout", "cpus")}
        if self.uid is None:
            # RLIMIT_NPROC counts every process of the user (root is exempt): allow the grader's own on top
            limits["processes"] = 0 if os.geteuid() == 0 else processes_of(os.geteuid()) + limits["processes"]
        home = isolation.SCRATCH if layers.filesystem else str(workdir.scratch)
        env = isolation.child_environment(home, self.extra_env)
        start = launch.Launch(layers, self.module_name, workdir.source, workdir.path, workdir.scratch, self.uid,
                              self._cgroup, env, limits, self.kind, request_read, response_write, output)
        try:
            if self.template is not None:
                self._process = launch.fork_warm(start, self.template)
            else:
                self._process = launch.start_cold(start)
        except (TemplateError, OSError, subprocess.SubprocessError) as exc:
            self._kill()
            self.load_failure = GraderError(f"the student's process could not start: {exc}")
            raise self.load_failure from None
        finally:
            os.close(request_read)
            os.close(response_write)
        self._channel = Channel(request_write, response_read)
        self.starts += 1
        self._loaded = self._asked_to_load = False

    def _await_load(self) -> None:
        self._await_start()
        assert self._channel is not None
        try:
            started = _monotonic()
            try:
                try:
                    self._ask_to_load(started + self.limits.load_timeout)
                except Closed:
                    raise self._exited("importing your module") from None
                except Timeout:
                    raise self._timed_out("importing your module") from None
                report = self._receive(0, started + self.limits.load_timeout, "importing your module")
            finally:
                self.student_seconds += _monotonic() - started
            if isinstance(report, RemoteError):
                raise protocol.ProtocolError(f"it was an error ({report.message})")
            self._report = read_load_report(report)
            self._loaded = True
        except (protocol.ProtocolError, ChannelBroken) as exc:
            self._kill()
            self.load_failure = ChannelBroken("your module's import report was not valid (did your code write to "
                                              "the grader's channel?)", str(exc)[:300])
            raise self.load_failure from None
        except CallTimeout:
            self.load_failure = CallTimeout(
                f"importing your module did not finish within {self.limits.load_timeout:g} s: its own top-level "
                f"code ran that long (the grader's start-up, {' and '.join(self.kind.preload)} included, is not "
                f"counted); move slow work into functions, or look for a loop that never ends", "")
            raise self.load_failure from None
        except ChildExited as exc:
            self.load_failure = ChildExited(f"your module ended the process while it was being imported: {exc}")
            raise self.load_failure from None

    def _await_start(self) -> None:
        """The runtime's first message: it started, before any student code ran. Whatever goes wrong
        before it is the grader's failure, never the student's."""
        try:
            started = self._receive(0, _monotonic() + START_TIMEOUT, "starting the runtime")
        except SandboxError as exc:
            output = self.take_output(limit=1000).strip().splitlines()
            reason = output[-1] if output else str(exc)
            self.load_failure = GraderError(f"the student's process did not start: {reason}")
            raise self.load_failure from None
        if isinstance(started, RemoteError):
            self._kill()
            self.load_failure = GraderError(f"the student's process could not start: {started.message}")
            raise self.load_failure

    def _kill(self) -> None:
        """Kill the child and everything it started: its process group, its cgroup, its uid."""
        process, self._process = self._process, None
        if process is None:
            return
        launch.kill_group(process)
        if self._cgroup is not None:
            self._cgroup.signal()  # the cgroup holds every process it started; without one, its uid does
        elif self.uid is not None:
            kill_uid(self.uid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=KILL_WAIT)
        if self._cgroup is not None:
            self._cgroup.kill()  # what was still forking when the signals went out
        if isinstance(process, TemplateChild):
            process.template.forget(process.pid)
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def load_report(self) -> dict:
        """How importing the submission went (starting the process if needed)."""
        return self.ensure_started()

    def ensure_started(self) -> dict:
        """Start the process (importing the submission) if it is not running; return the load report."""
        if self.load_failure is not None:
            raise self.load_failure
        if self._process is None:
            self._spawn()
        if not self._loaded:
            self._await_load()
        assert self._report is not None
        return self._report

    # calls ---------------------------------------------------------------------

    def call(self, target: Any, args: tuple = (), kwargs: dict | None = None, *,
             method: str | None = None, timeout: float = 10.0) -> Any:
        """Call `target` (a name or a `Handle`) in the child; return the decoded value.

        A student exception comes back as a `RemoteError` *value*, not raised.
        """
        return self._request(protocol.call_request(target, args, kwargs, method), timeout,
                             f"calling {target if isinstance(target, str) else 'your object'}")

    def get(self, name: str, timeout: float = 10.0) -> Any:
        """The value of the module-level name `name`."""
        return self._request(protocol.get_request(name), timeout, f"reading {name}")

    def build(self, recipe: protocol.Recipe, timeout: float = 10.0) -> Any:
        """Build `recipe` in the child; an object that is not plain data comes back as a `Handle`."""
        return self._request(protocol.build_request(recipe), timeout, f"building {recipe.name}")

    def _request(self, message: dict, timeout: float, doing: str) -> Any:
        self.ensure_started()
        assert self._channel is not None
        request_id, self._limit = self._next_id, timeout  # the limit, for the sentence should it run out
        self._next_id += 1
        started = _monotonic()
        deadline = started + timeout
        try:
            self._channel.send(protocol.dumps({"id": request_id, **message}), deadline)
            return self._receive(request_id, deadline, doing)
        except Timeout:
            raise self._timed_out("receiving its arguments") from None
        except Closed:
            raise self._exited(doing) from None
        finally:
            self.student_seconds += _monotonic() - started

    def _receive(self, request_id: int, deadline: float, doing: str) -> Any:
        """The answer to request `request_id`, decoded within its budgets and before `deadline`.

        Lines answering earlier requests are dropped: student code can write to the channel,
        but a stray line then only ever concerns its own call. Any line that cannot be read
        as a valid answer fails the call, whatever is wrong with it.
        """
        assert self._channel is not None
        for _ in range(MAX_STALE_LINES):
            try:
                line = self._channel.read_line(deadline)
            except Timeout:
                raise self._timed_out(doing) from None
            except Closed:
                raise self._exited(doing) from None
            except TooLarge:
                self._kill()
                raise ChannelBroken(f"the answer while {doing} was larger than "
                                    f"{protocol.MAX_MESSAGE_BYTES // 2**20} MiB") from None
            try:
                reply = protocol.loads(line)
                answered = reply.get("id")
                if isinstance(answered, int) and not isinstance(answered, bool) and answered < request_id:
                    continue
                if answered != request_id:
                    raise protocol.ProtocolError(f"answer to request {str(answered)[:20]!r}, expected {request_id}")
                return protocol.read_reply(reply, protocol.Budget(deadline))
            except protocol.PastDeadline:
                raise self._timed_out(doing) from None
            except Exception as exc:  # noqa: BLE001 - every decode and shape error is a failed call
                self._kill()
                raise ChannelBroken(f"the answer while {doing} was not valid", str(exc)[:300]) from None
        self._kill()
        raise ChannelBroken(f"more than {MAX_STALE_LINES} stray lines on the result channel while {doing}")

    def _timed_out(self, doing: str) -> CallTimeout:
        self._kill()
        limit = f" within its time limit of {self._limit:.3g} s" if self._limit else ""
        return CallTimeout(f"no answer while {doing}{limit}, so the process was stopped (an infinite loop, or code "
                           f"far slower than needed?)")

    def _exited(self, doing: str) -> ChildExited:
        process = self._process
        try:
            status = process.wait(timeout=EXIT_WAIT) if process is not None else None
        except subprocess.TimeoutExpired:  # the channel closed, but the process lives on
            self._kill()
            return ChildExited(f"your code closed the grader's channel while {doing} (did it close file "
                               f"descriptors it had not opened?), so its process was stopped")
        out_of_memory = self._cgroup is not None and self._cgroup.out_of_memory()
        self._kill()
        return ChildExited(f"your code's process {how_it_ended(status, out_of_memory, self.limits)} while {doing}")

    def take_output(self, limit: int = 2000) -> str:
        """What the student's code printed since the last call to this method (at most `limit` chars)."""
        return self._workdir.take_output(limit) if self._workdir is not None else ""

"""Starting the student's process: cold (a new interpreter in a new bubblewrap view) or warm (forked
from a template that confines it, `runtime/confine.py`). Either way the child gets the same channel,
output file, environment, uid, cgroup and limits; `Launch` holds them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cgroups, isolation
from .runtime.keyrings import join_session_keyring
from .templates import Kind, Template, TemplateChild


@dataclass(frozen=True)
class Launch:
    """One start of a sandbox's child: what it runs, where, as whom, and its two channel ends."""

    layers: isolation.Layers
    module: str
    source: Path  # the submission's module, in `workdir`: root's, written once (`workdir.Workdir`)
    workdir: Path  # the grader's folder for this sandbox (its files bound into /sandbox in a cold view)
    scratch: Path | None  # without a view, the child's own folder in `workdir`: its working directory
    uid: int | None
    cgroup: cgroups.Cgroup | None
    env: dict[str, str]
    limits: dict[str, Any]  # the rlimits, as `runtime.child.apply_limits` reads them
    kind: Kind  # what it preloads, and the packages and mounts of a cold view
    request_read: int
    response_write: int
    output: int  # the file the child's stdout and stderr go to (it has no name)


def start_cold(start: Launch) -> subprocess.Popen:
    """A new interpreter, in a new bubblewrap view (or, without one, dropped to its uid by setpriv), in a
    session keyring of its own."""
    runtime = isolation.runtime_for(start.uid, start.layers)
    source = start.source.name if start.layers.filesystem else str(start.source)  # in a view: in /sandbox
    command = [sys.executable, "-I", "-B", "-u", str(runtime / "__main__.py"), str(start.request_read),
               str(start.response_write), source, start.module,
               json.dumps({**start.limits, "preload": list(start.kind.preload)})]
    if start.layers.filesystem:
        command = isolation.wrap(command, start.workdir, uid=start.uid, runtime_dir=runtime,
                                 packages=start.kind.packages, mounts=start.kind.mounts)
    elif start.uid is not None:
        command = isolation.drop_to(command, start.uid)
    return subprocess.Popen(
        command, cwd=start.scratch or start.workdir, env=start.env, stdin=subprocess.DEVNULL, stdout=start.output,
        stderr=subprocess.STDOUT, pass_fds=(start.request_read, start.response_write),
        start_new_session=True, close_fds=True, preexec_fn=lambda: _before_exec(start.cgroup),
    )


def _before_exec(cgroup: cgroups.Cgroup | None) -> None:
    """In the cold child, still the grader's user: a session keyring of its own (root's), its cgroup."""
    join_session_keyring()
    if cgroup is not None:
        cgroup.enter()


def fork_warm(start: Launch, template: Template) -> TemplateChild:
    """A fork of `template`, which confines it before it loads the submission (`TemplateError` if it cannot)."""
    filesystem = start.layers.filesystem
    spec = {"module": start.module, "scratch": isolation.SCRATCH if filesystem else str(start.scratch),
            "source": str(start.source), "namespaces": filesystem, "uid": start.uid, "env": start.env,
            "limits": start.limits}
    source = os.open(start.source, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    procs = start.cgroup.open_procs() if start.cgroup is not None else []
    try:
        return template.spawn(spec, [start.request_read, start.response_write, start.output, source, *procs])
    finally:
        for fd in (source, *procs):
            os.close(fd)


def kill_group(process: subprocess.Popen | TemplateChild) -> None:
    """SIGKILL the child's process group (through its template, for a warm child)."""
    if isinstance(process, TemplateChild):
        process.kill_group()
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass

"""A cgroup per sandbox: memory (shared memory included), processes and CPU, for all its processes at once.

rlimits are per process: they miss what many processes take together (sixty spinners, each
within its own CPU limit, starve the neighbours) and memory that no process maps (System V
shared memory attached, touched and detached). The kernel charges both to the cgroup of the
process that uses them. cgroup v2 where its controllers are enabled, else v1's `memory`,
`pids` and `cpu` hierarchies; only a root grader can make either.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
GROUP = "grade-sandbox"
PERIOD_US = 100_000
V1_CONTROLLERS = ("memory", "pids", "cpu")

_names = itertools.count()


@dataclass(frozen=True)
class Settings:
    """The limits of one sandbox, for all its processes together."""

    memory_bytes: int
    processes: int
    cpus: float = 1.0


def probe() -> tuple[str | None, str]:
    """`("v2" | "v1" | None, why)`: the cgroup version this grader can give each sandbox."""
    if os.geteuid() != 0:
        return None, "the grader is not root, so sandboxes get no cgroup: CPU and memory are limited per process"
    controllers = _read(ROOT / "cgroup.controllers").split()
    if {"memory", "pids", "cpu"} <= set(controllers):
        return "v2", "cgroup v2 (memory, pids, cpu)"
    if all((ROOT / c / "cgroup.procs").exists() for c in V1_CONTROLLERS):
        return "v1", "cgroup v1 (memory, pids, cpu)"
    return None, "no cgroup hierarchy with memory, pids and cpu controllers: limits are per process only"


class Cgroup:
    """The cgroup(s) of one sandbox. `enter` runs in the child between fork and exec."""

    def __init__(self, version: str, settings: Settings) -> None:
        self.version = version
        self.settings = settings
        name = f"{os.getpid()}-{next(_names)}"
        if version == "v2":
            self.folders = [ROOT / GROUP / name]
        else:
            self.folders = [ROOT / c / GROUP / name for c in V1_CONTROLLERS]
        self._procs = [str(folder / "cgroup.procs") for folder in self.folders]

    def create(self) -> None:
        _remove_stale(self.folders[0].parent)
        s = self.settings
        if self.version == "v2":
            _write(ROOT / "cgroup.subtree_control", "+memory +pids +cpu")
            (ROOT / GROUP).mkdir(exist_ok=True)
            _write(ROOT / GROUP / "cgroup.subtree_control", "+memory +pids +cpu")
            (folder,) = self.folders
            folder.mkdir(exist_ok=True)
            _write(folder / "memory.max", str(s.memory_bytes))
            _write(folder / "memory.swap.max", "0", missing_ok=True)
            _write(folder / "pids.max", str(s.processes))
            _write(folder / "cpu.max", f"{int(s.cpus * PERIOD_US)} {PERIOD_US}")
            return
        memory, pids, cpu = self.folders
        for folder in self.folders:
            folder.parent.mkdir(exist_ok=True)
            folder.mkdir(exist_ok=True)
        _write(memory / "memory.limit_in_bytes", str(s.memory_bytes))
        _write(memory / "memory.memsw.limit_in_bytes", str(s.memory_bytes), missing_ok=True)
        _write(pids / "pids.max", str(s.processes))
        _write(cpu / "cpu.cfs_period_us", str(PERIOD_US))
        _write(cpu / "cpu.cfs_quota_us", str(int(s.cpus * PERIOD_US)))

    def enter(self) -> None:
        """Move the calling process into the cgroup (before it runs anything of the student's)."""
        pid = str(os.getpid()).encode()
        for procs in self._procs:
            fd = os.open(procs, os.O_WRONLY)
            try:
                os.write(fd, pid)
            finally:
                os.close(fd)

    def open_procs(self) -> list[int]:
        """Descriptors of the cgroup's `cgroup.procs` files, open for writing: a child forked from a warm
        template writes "0" to each to move itself in (the files are root's; the descriptors carry that)."""
        return [os.open(procs, os.O_WRONLY | os.O_CLOEXEC) for procs in self._procs]

    def pids(self) -> list[int]:
        return sorted({int(p) for folder in self.folders for p in _read(folder / "cgroup.procs").split()})

    def signal(self) -> list[int]:
        """SIGKILL every process of the cgroup now, without waiting for them to end; return their pids."""
        pids = self.pids()
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        return pids

    def kill(self, patience: float = 2.0) -> None:
        """SIGKILL every process of the cgroup until none is left."""
        deadline = time.monotonic() + patience
        while (pids := self.pids()) and time.monotonic() < deadline:
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.002)

    def out_of_memory(self) -> bool:
        """Whether the kernel killed a process of the cgroup for going past its memory limit."""
        folder = self.folders[0]
        events = _read(folder / ("memory.events" if self.version == "v2" else "memory.oom_control"))
        counts = dict(line.split()[:2] for line in events.splitlines() if len(line.split()) >= 2)
        if counts.get("oom_kill", "0") != "0":
            return True
        return self.version == "v1" and _read(folder / "memory.failcnt").strip() not in ("", "0")

    def remove(self) -> None:
        self.kill()
        for folder in self.folders:
            with contextlib.suppress(OSError):
                folder.rmdir()


def _remove_stale(group: Path) -> None:
    """Remove the empty cgroups that graders no longer running left behind (a killed `grade run`)."""
    for folder in group.glob("*-*") if group.is_dir() else []:
        pid = folder.name.split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists() and not _read(folder / "cgroup.procs").strip():
            siblings = [folder] if folder.parent.parent == ROOT else [ROOT / c / GROUP / folder.name
                                                                      for c in V1_CONTROLLERS]
            for stale in siblings:
                with contextlib.suppress(OSError):
                    stale.rmdir()


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _write(path: Path, text: str, *, missing_ok: bool = False) -> None:
    try:
        path.write_text(text)
    except FileNotFoundError:
        if not missing_ok:
            raise

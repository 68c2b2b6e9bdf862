"""What one student process may use: CPU, memory, files, processes, and time to import."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Resource limits for one student process. Zero disables a limit."""

    cpu_seconds: int = 60
    memory_bytes: int = 4 * 1024**3  # address space; set 0 and use data_bytes where CUDA may start
    data_bytes: int = 0
    file_size_bytes: int = 8 * 1024**2
    open_files: int = 64
    processes: int = 64  # for the whole sandbox (threads count too): its uid's rlimit, and its cgroup's
    cpus: float = 1.0  # CPU time per wall-clock second for the whole sandbox (its cgroup)
    load_timeout: float = 20.0  # wall-clock seconds to import the submission

    @property
    def cgroup_memory(self) -> int:
        """The memory of all the sandbox's processes together, shared memory included."""
        return self.memory_bytes or self.data_bytes or 4 * 1024**3

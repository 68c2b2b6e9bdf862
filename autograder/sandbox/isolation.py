"""The layers around the student's process, probed once at start-up.

Each layer is tried when the grader starts and named in the results, with the
reason when it is missing; the others stay in force (see SECURITY.md):

- user:       as root, the child runs as an unprivileged uid of its own (`uids`), with
              bubblewrap or, without it, through setpriv alone;
- filesystem: a bubblewrap view holding only the interpreter, the packages the
              assignment allows (`packages`), the sandbox's runtime folder
              (`sandbox/runtime/`, the only code of the course that runs in the child)
              and a size-limited scratch folder (`bubblewrap`);
- network:    a network namespace with loopback only;
- processes:  a PID namespace, so killing the sandbox kills every process the
              student started, including ones that left its process group;
- cgroup:     memory (shared memory included), processes and CPU for the whole
              sandbox at once (`cgroups`);
- limits:     rlimits (CPU, memory, file size, open files, processes) set in the child;
- channel:    results travel on a private pipe, never on stdout or files.

Without bubblewrap the course's secrets stay safe only if the child has its own uid and
cannot read them (`exposed`); otherwise the grader refuses to grade unless told
`--insecure` (see `cli`).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import bubblewrap, cgroups
from .bubblewrap import RUNTIME_DIR, SCRATCH  # noqa: F401 - where the runner and tests look for them
from .uids import BASE_UID


@dataclass(frozen=True)
class Layers:
    """Which layers are in force; `notes` say why any is missing. `cgroup` is "v1", "v2" or None."""

    user: bool
    filesystem: bool
    network: bool
    processes: bool
    cgroup: str | None = None
    notes: tuple[str, ...] = field(default=())

    def describe(self) -> dict:
        """For Gradescope's `extra_data` and the terminal."""
        return {
            "user": "unprivileged uid of its own" if self.user else "same user as the grader",
            "filesystem": "bubblewrap view without solutions or hidden tests" if self.filesystem else "unrestricted",
            "packages": ("only those each assignment allows (assignment.toml `packages`) are installed in the view"
                         if self.filesystem else "not enforced (no filesystem view): every installed package can be "
                         "imported; imports of others are found only in the source, which a name built at run time "
                         "(importlib, __import__, exec) evades"),
            "network": "none (own network namespace)" if self.network else "not isolated",
            "processes": "PID namespace, all killed at the end" if self.processes else "process group killed",
            "cgroup": f"memory, processes and CPU for the whole sandbox ({self.cgroup})" if self.cgroup else "none",
            "limits": "CPU, memory, file size, open files, processes (rlimits)",
            "channel": "private pipe; stdout and files are never read as results",
            "notes": list(self.notes),
        }


@functools.cache
def probe() -> Layers:
    """Find out once which layers work on this machine."""
    notes: list[str] = []
    as_root = os.geteuid() == 0
    version, why = cgroups.probe()
    if version is None:
        notes.append(why)
    bwrap = bubblewrap.find()
    works = False
    if bwrap is None:
        notes.append("bubblewrap (bwrap) not found: no filesystem view, network or PID isolation; "
                     "install the `bubblewrap` package")
    else:
        command = bubblewrap.wrap(["/bin/true"], Path("/"), uid=BASE_UID if as_root else None, probing=True)
        try:
            works = subprocess.run(command, capture_output=True, timeout=20).returncode == 0
        except (OSError, subprocess.TimeoutExpired) as exc:
            notes.append(f"bubblewrap failed to start ({exc})")
        if not works:
            notes.append("bubblewrap is installed but cannot create namespaces here; running without it")
    user = as_root and (works or _interpreter_reachable(notes))
    if not as_root:
        notes.append(f"the grader is not root, so the child keeps its user (uid {os.geteuid()})")
    return Layers(user=user, filesystem=works, network=works, processes=works, cgroup=version, notes=tuple(notes))


def _interpreter_paths() -> list[str]:
    paths = {sys.executable, sys.base_prefix, sys.prefix, sysconfig.get_paths()["stdlib"],
             sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    return sorted(os.path.realpath(p) for p in paths if os.path.exists(p))


def _interpreter_reachable(notes: list[str]) -> bool:
    """Whether an unprivileged uid can run this interpreter and read its packages without bubblewrap."""
    blocked = [p for p in _interpreter_paths() if not readable_by_others(Path(p))]
    if blocked:
        notes.append(f"without bubblewrap an unprivileged uid cannot read the interpreter at {blocked[0]}, "
                     f"so the child keeps the grader's user")
    return not blocked


def readable_by_others(path: Path) -> bool:
    """Whether a uid with no groups can read `path`: every folder above it traversable, it readable."""
    path = Path(os.path.realpath(path))
    for folder in reversed(path.parents):
        try:
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & stat.S_IROTH) and (not stat.S_ISDIR(mode) or bool(mode & stat.S_IXOTH))


def exposed(course: Path) -> list[Path]:
    """The course's secrets (references, hidden tests) that the child could read: all of them where it
    keeps the grader's user, else those readable by others, when there is no filesystem view."""
    layers = probe()
    if layers.filesystem:
        return []
    secrets = sorted((course / "solutions").glob("*.py")) + sorted(course.glob("assignments/*/hidden.py"))
    return secrets if not layers.user else [p for p in secrets if readable_by_others(p)]


_PASSED_THROUGH = ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES")


def child_environment(home: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The child's whole environment: one thread per library, a fixed hash seed, and of the grader's
    own environment only the few variables a GPU needs."""
    return {"PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": "/tmp", "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1", "GRADE_SANDBOX": "1",
            **{k: os.environ[k] for k in _PASSED_THROUGH if k in os.environ}, **(extra or {})}


def drop_to(command: list[str], uid: int) -> list[str]:
    """`command` run as `uid` without bubblewrap (setpriv: no groups, no capabilities)."""
    return bubblewrap.setpriv(uid) + command


wrap = bubblewrap.wrap


def runtime_for(uid: int | None, layers: Layers) -> Path:
    """The runtime folder the child starts from: the package's own, or, for a uid of its own that could
    not read it (a course folder made unreadable to others, as the Gradescope zip does), a copy it can."""
    if uid is None or _open_to_others(RUNTIME_DIR) and (layers.filesystem or readable_by_others(RUNTIME_DIR)):
        return RUNTIME_DIR
    return _readable_copy()


def _open_to_others(folder: Path) -> bool:
    """Every file of `folder` readable by others, every folder of it traversable."""
    wanted = {True: stat.S_IROTH | stat.S_IXOTH, False: stat.S_IROTH}
    return all(p.stat().st_mode & wanted[p.is_dir()] == wanted[p.is_dir()] for p in [folder, *folder.rglob("*")]
               if "__pycache__" not in p.parts)


@functools.cache
def _readable_copy() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="grade-runtime-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    copy = folder / "runtime"
    shutil.copytree(RUNTIME_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [folder, *copy.rglob("*"), copy]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy

"""The layers around the student's process, probed once at start-up.

Each layer is tried when the grader starts and named in the results, with the
reason when it is missing; the others stay in force (see SECURITY.md):

- user:       as root, the child runs as an unprivileged uid of its own (per worker);
- filesystem: a bubblewrap view holding only the interpreter, its packages, the
              sandbox's runtime folder (`sandbox/runtime/`, the only code of the course
              that runs in the child) and a size-limited scratch folder: no solutions,
              hidden tests, the rest of the grader, its state or other students' files;
- network:    a network namespace with loopback only;
- processes:  a PID namespace, so killing the sandbox kills every process the
              student started, including ones that left its process group;
- limits:     rlimits (CPU, memory, file size, open files, processes) set in the child;
- channel:    results travel on a private pipe, never on stdout or files.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Uids handed to sandboxed children: BASE_UID + worker slot.
BASE_UID = 61000
SCRATCH = "/sandbox"
SCRATCH_BYTES = 64 * 1024**2
RUNTIME_DIR = Path(__file__).resolve().with_name("runtime")  # the only code of the course the child sees


@dataclass(frozen=True)
class Layers:
    """Which layers are in force; `notes` say why any is missing."""

    user: bool
    filesystem: bool
    network: bool
    processes: bool
    notes: tuple[str, ...] = field(default=())

    def describe(self) -> dict:
        """For Gradescope's `extra_data` and the terminal."""
        return {
            "user": "unprivileged uid per worker" if self.user else "same user as the grader",
            "filesystem": "bubblewrap view without solutions or hidden tests" if self.filesystem else "unrestricted",
            "network": "none (own network namespace)" if self.network else "not isolated",
            "processes": "PID namespace, all killed at the end" if self.processes else "process group killed",
            "limits": "CPU, memory, file size, open files, processes (rlimits)",
            "channel": "private pipe; stdout and files are never read as results",
            "notes": list(self.notes),
        }


def _bwrap() -> str | None:
    return None if os.environ.get("GRADE_NO_BWRAP") else shutil.which("bwrap")


@functools.cache
def probe() -> Layers:
    """Find out once which layers work on this machine."""
    notes = []
    bwrap = _bwrap()
    if bwrap is None:
        notes.append("bubblewrap (bwrap) not found: no filesystem view, network or PID isolation; "
                     "install the `bubblewrap` package")
        return Layers(user=False, filesystem=False, network=False, processes=False, notes=tuple(notes))
    as_root = os.geteuid() == 0
    command = wrap(["/bin/true"], Path("/"), uid=BASE_UID if as_root else None, probing=True)
    try:
        ok = subprocess.run(command, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired) as exc:
        ok, notes = False, [f"bubblewrap failed to start ({exc})"]
    if not ok:
        notes.append("bubblewrap is installed but cannot create namespaces here; running without it")
        return Layers(user=False, filesystem=False, network=False, processes=False, notes=tuple(notes))
    if not as_root:
        notes.append(f"the grader is not root, so the child keeps its user (uid {os.geteuid()})")
    return Layers(user=as_root, filesystem=True, network=True, processes=True, notes=tuple(notes))


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _readable_roots() -> list[str]:
    """Folders the child's interpreter needs: its prefix and packages (and $MNIST_DIR)."""
    paths = {sys.base_prefix, sys.prefix, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
             sysconfig.get_paths()["platlib"]}
    mnist = os.environ.get("MNIST_DIR")
    if mnist and os.path.isdir(mnist):
        paths.add(os.path.realpath(mnist))
    # keep only the outermost folders
    ordered = sorted(os.path.realpath(p) for p in paths if os.path.exists(p))
    roots: list[str] = []
    for path in ordered:
        if not _inside(path, roots):
            roots.append(path)
    return roots


def wrap(command: list[str], workdir: Path, *, uid: int | None, probing: bool = False) -> list[str]:
    """`command` run inside the bubblewrap view, as `uid` when given (the grader is root)."""
    bwrap = _bwrap()
    assert bwrap is not None
    args = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc", "--ro-bind-try", "/sys", "/sys",
            "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", "/tmp"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = f"/{link}"
        if os.path.islink(target):
            args += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            args += ["--ro-bind", target, target]
    roots = _readable_roots()
    runtime, package = str(RUNTIME_DIR), str(RUNTIME_DIR.parent.parent)
    installed = _inside(package, roots)  # the package lies in site-packages: hide all of it but the runtime
    ancestors = sorted({str(parent) for root in roots + ([] if installed else [runtime])
                        for parent in Path(root).parents
                        if str(parent) != "/" and not str(parent).startswith(("/usr", "/etc", "/sys"))})
    for ancestor in ancestors:  # made traversable: bwrap would copy e.g. /root's 0700
        args += ["--perms", "0755", "--dir", ancestor]
    for root in roots:
        args += ["--ro-bind", root, root]
    if installed:
        args += ["--tmpfs", package, "--perms", "0755", "--dir", str(RUNTIME_DIR.parent)]
    args += ["--ro-bind", runtime, runtime]
    if installed:
        args += ["--remount-ro", package]
    for device in sorted(glob.glob("/dev/nvidia*")):
        args += ["--dev-bind", device, device]
    if not probing:
        args += ["--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", SCRATCH]
        for item in sorted(workdir.iterdir()):
            args += ["--ro-bind", str(item), f"{SCRATCH}/{item.name}"]
        args += ["--chdir", SCRATCH]
    if uid is not None:
        # setpriv needs CAP_SETUID/SETGID to switch; the switch to a non-zero uid then clears every capability
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                 "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
                 "--inh-caps=-all", "--bounding-set=-all", "--"]
    else:
        args += ["--cap-drop", "ALL", "--"] if os.geteuid() == 0 else ["--"]
    return args + command


def sandbox_uid() -> int | None:
    """The uid for this grader's children when running as root: per worker slot, else per process."""
    if os.geteuid() != 0 or not probe().user:
        return None
    slot = os.environ.get("GRADE_WORKER_SLOT")
    return BASE_UID + (int(slot) % 20000 if slot and slot.isdigit() else 20000 + os.getpid() % 20000)


def _pids_of(uid: int) -> list[int]:
    """Live (not zombie) processes whose real uid is `uid`."""
    pids = []
    for status in glob.glob("/proc/[0-9]*/status"):
        try:
            with open(status) as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if fields.get("Uid", "").split()[:1] == [str(uid)] and not fields.get("State", "").strip().startswith("Z"):
            pids.append(int(status.split("/")[2]))
    return pids


def processes_of(uid: int) -> int:
    """How many processes `uid` runs now."""
    return len(_pids_of(uid))


def kill_uid(uid: int, patience: float = 2.0) -> None:
    """SIGKILL every process owned by `uid` until none is left: whatever escaped the namespaces
    or the process group (a fork flood may still be forking while the first signals land)."""
    deadline = time.monotonic() + patience
    while (pids := _pids_of(uid)) and time.monotonic() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)

"""The bubblewrap view: a new root for the student's process holding only what it needs.

/usr, /etc, the interpreter's prefix and, of its packages, those the assignment allows (every
installed one when it names none: see `packages`), the sandbox's runtime folder, the files the
assignment declares it may read (`mounts`),
a size-capped /tmp and scratch folder, and nothing else of the machine: no solutions, hidden
tests, the rest of the grader, its state or other students' files. Its own PID, network, IPC,
UTS and cgroup namespaces; as root, the child then switches to its sandbox uid with setpriv.
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
import sysconfig
from pathlib import Path

from . import packages as installed

SCRATCH = "/sandbox"
SCRATCH_BYTES = 64 * 1024**2
RUNTIME_DIR = Path(__file__).resolve().with_name("runtime")  # the only code of the course the child sees
#: setpriv's switch to `uid`: no groups, no capabilities left, no way to gain privileges again.
SETPRIV = ["/usr/bin/setpriv", "--reuid={uid}", "--regid={uid}", "--clear-groups", "--no-new-privs",
           "--inh-caps=-all", "--bounding-set=-all", "--"]


def find() -> str | None:
    """The bwrap executable (None where it is missing or GRADE_NO_BWRAP is set)."""
    return None if os.environ.get("GRADE_NO_BWRAP") else shutil.which("bwrap")


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _readable_roots() -> list[str]:
    """Folders the child's interpreter needs: its prefix and packages."""
    paths = {sys.base_prefix, sys.prefix, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
             sysconfig.get_paths()["platlib"]}
    # keep only the outermost folders
    ordered = sorted(os.path.realpath(p) for p in paths if os.path.exists(p))
    roots: list[str] = []
    for path in ordered:
        if not _inside(path, roots):
            roots.append(path)
    return roots


#: What a warm template keeps of root's capabilities, for its children to make their namespaces and
#: mounts and switch uid (`runtime/confine.py`), and for itself to kill the children of a grader that
#: died; every child drops them all before student code runs.
TEMPLATE_CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_KILL")


def _site_folders(roots: list[str]) -> list[str]:
    """The folders of installed packages the view would show: those inside `roots` or under /usr."""
    return [folder for folder in installed.site_folders() if _inside(folder, roots + ["/usr"])]


def wrap(command: list[str], workdir: Path | None, *, uid: int | None, probing: bool = False,
         runtime_dir: Path = RUNTIME_DIR, packages: tuple[str, ...] | None = None,
         template: bool = False, mounts: tuple[str, ...] = ()) -> list[str]:
    """`command` run inside the bubblewrap view of `runtime_dir`, as `uid` when given (the grader is root);
    with `packages`, only those third-party packages (and what they and the runtime need) are installed there;
    `mounts` are files it may read besides, bound read-only at their paths.

    With `template`, the view of a warm template (the grader is root): no scratch files of its own, the
    scratch folder left for each child to mount afresh, and the capabilities its children need to
    confine themselves; each child makes its own cgroup namespace after joining its cgroup.
    """
    bwrap = find()
    assert bwrap is not None
    args = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", *([] if template else ["--unshare-cgroup-try"]), "--hostname", "sandbox",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc", "--ro-bind-try", "/sys", "/sys",
            "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", "/tmp"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = f"/{link}"
        if os.path.islink(target):
            args += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            args += ["--ro-bind", target, target]
    roots = _readable_roots()
    runtime, package = str(runtime_dir), str(runtime_dir.parent.parent)
    installed_package = _inside(package, roots)  # it lies in site-packages: hide all of it but the runtime
    ancestors = sorted({str(parent) for root in roots + list(mounts) + ([] if installed_package else [runtime])
                        for parent in Path(root).parents
                        if str(parent) != "/" and not str(parent).startswith(("/usr", "/etc", "/sys"))})
    for ancestor in ancestors:  # made traversable: bwrap would copy e.g. /root's 0700
        args += ["--perms", "0755", "--dir", ancestor]
    for root in roots:
        args += ["--ro-bind", root, root]
    hidden = _site_folders(roots) if packages is not None else []
    for folder in hidden:  # an empty folder in place of each, then only the allowed distributions in it
        args += ["--tmpfs", folder]
    for path in installed.visible(tuple(sorted(packages))) if packages is not None else ():
        args += ["--ro-bind", path, path]
    if installed_package:
        args += ["--tmpfs", package, "--perms", "0755", "--dir", str(runtime_dir.parent)]
    args += ["--ro-bind", runtime, runtime]
    for path in mounts:
        args += ["--ro-bind", path, path]
    if installed_package:
        args += ["--remount-ro", package]
    for folder in hidden:
        args += ["--remount-ro", folder]
    for device in sorted(glob.glob("/dev/nvidia*")):
        args += ["--dev-bind", device, device]
    if template:
        args += ["--dir", SCRATCH, "--chdir", SCRATCH, "--cap-drop", "ALL"]
        for capability in TEMPLATE_CAPABILITIES:
            args += ["--cap-add", capability]
        return [*args, "--", *command]
    if not probing:
        assert workdir is not None
        args += ["--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", SCRATCH]
        for item in sorted(workdir.iterdir()):
            args += ["--ro-bind", str(item), f"{SCRATCH}/{item.name}"]
        args += ["--chdir", SCRATCH]
    if uid is not None:
        # setpriv needs CAP_SETUID/SETGID to switch; the switch to a non-zero uid then clears every capability
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                 *setpriv(uid)]
    else:
        args += ["--cap-drop", "ALL", "--"] if os.geteuid() == 0 else ["--"]
    return args + command


def setpriv(uid: int) -> list[str]:
    """The command prefix that runs what follows as `uid`, with no privileges left."""
    return [part.format(uid=uid) for part in SETPRIV]

"""Distributions tested as they are used: fresh virtual environments and bare shells, shared by the test workers.

A virtual environment made by a distribution's own instructions takes a minute (torch), so
each is made once per test session under a lock, in a folder every xdist worker shares, and
named by what made it: the same script and requirements give the same environment.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

#: Debian's own python3 (externally managed, PEP 668), as on a fresh machine.
SYSTEM_PYTHON = "/usr/bin/python3"

#: PyTorch's CPU index as the install tests see it (TORCH_INDEX_URL): a loopback port nothing listens on, so a
#: connection is refused at once and nothing leaves the machine; the installers must fall back and say so.
UNREACHABLE_INDEX = "http://127.0.0.1:9/"


def bare_env(**extra: str) -> dict[str, str]:
    """A shell's environment on a fresh machine: the system's PATH (its own python3 first), no
    PYTHONPATH, no virtual environment, no course folder; HOME kept only for pip's download cache."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
    return {**env, **extra}


def shared_folder(tmp_path_factory, label: str, key: str, make: Callable[[Path], None]) -> Path:
    """`make(folder)` run once per session for this `key`, however many workers ask; returns the folder."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this session
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    folder = base / f"shared-{label}-{digest}"
    with open(base / f".shared-{label}-{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".done").write_text("ok")
    return folder


def run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    """Run `command`; fail the test with its output when it fails."""
    process = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert process.returncode == 0, f"{' '.join(command)} failed ({process.returncode}):\n" \
                                    f"{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
    return process


@contextlib.contextmanager
def public_gradescope(course: Path, assignment_id: str) -> Iterator[Path]:
    """Gradescope's /autograder for `assignment_id`: source/ unzipped from its zip, venv/ made by its setup.sh, in a
    folder every uid may read (pytest's own folders are root's alone). Without bubblewrap a sandbox's uid runs
    that interpreter and its packages, as on Gradescope. Removed afterwards."""
    from autograder.course import Course
    from autograder.distribute import gradescope

    public = Path(tempfile.mkdtemp(prefix="grade-tests-"))
    try:
        public.chmod(0o755)
        gradescope.build(Course.load(course), public / "build")
        root = public / "autograder"
        with zipfile.ZipFile(public / "build" / "gradescope" / assignment_id / "autograder.zip") as zipped:
            zipped.extractall(root / "source")
        run(["bash", str(root / "source" / "setup.sh")], cwd=root, env=bare_env(AUTOGRADER_ROOT=str(root)))
        yield root
    finally:
        shutil.rmtree(public, ignore_errors=True)

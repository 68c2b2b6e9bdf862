"""Install the course's packages into the active virtual environment: torch's CPU build where it can.

The student bundle ships this file as `install.py`, its README's install step (in the bundle's folder,
inside a virtual environment: `python3 install.py`): torch, then the `grade` command (`pip install -e .`),
then JupyterLab. The course's own `scripts/install.sh` runs it for torch alone
(`python -m autograder.distribute.install --torch-only`). It runs before anything is installed, so it
imports nothing but the standard library.

torch is the release pinned in `constraints.txt` (the one the course's tests ran with). It comes from
PyTorch's CPU index (no CUDA packages: a few hundred MB where PyPI's Linux build pulls about 5 GB) when
  - the machine runs Linux (PyPI's torch for macOS and Windows has no CUDA packages anyway),
  - it has no NVIDIA GPU (with one, the usual index's CUDA build uses it; `--cpu` takes the CPU build anyway),
  - and the index answers within `PROBE_TIMEOUT` seconds.
Otherwise, or when pip fails there, torch comes from pip's usual index and configuration, and this says
why. `TORCH_INDEX_URL` (or `--torch-index`) names another CPU index; set it empty to skip it.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

#: PyTorch's index of CPU-only wheels (Linux, macOS and Windows).
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
#: Seconds to wait for the CPU index before taking pip's usual index instead.
PROBE_TIMEOUT = 5.0
#: What the student bundle installs after torch and the `grade` command.
NOTEBOOKS = "jupyterlab"

#: Runs one pip command (its arguments after `pip`) and returns its exit status.
Pip = Callable[[Sequence[str]], int]


def say(message: str) -> None:
    """One line of progress, flushed before pip's own output."""
    print(f"install.py: {message}", flush=True)


def torch_pin(folder: Path) -> str:
    """The torch requirement in `folder/constraints.txt` (`torch==2.13.0`), else plain `torch`."""
    constraints = folder / "constraints.txt"
    lines = constraints.read_text(encoding="utf-8").splitlines() if constraints.exists() else []
    for line in lines:
        requirement = line.split("#")[0].strip()
        if re.match(r"torch\s*([=<>!~;]|$)", requirement):
            return requirement
    return "torch"


def has_nvidia_gpu() -> bool:
    """Whether this machine has an NVIDIA GPU with its driver (the CUDA build of torch would use it)."""
    return shutil.which("nvidia-smi") is not None or Path("/proc/driver/nvidia/version").exists()


def unreachable(index: str, timeout: float = PROBE_TIMEOUT) -> str | None:
    """Why `index` cannot serve torch (`None` when its torch page answers within `timeout` seconds)."""
    url = index.rstrip("/") + "/torch/"
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return None
    except urllib.error.HTTPError as exc:
        return f"it answered HTTP {exc.code} for {url}"
    except urllib.error.URLError as exc:
        return f"{exc.reason}"
    except (OSError, ValueError) as exc:  # a timeout while reading, a malformed URL
        return f"{exc}" or type(exc).__name__


def choose_index(index: str, *, platform: str, gpu: bool, cpu: bool,
                 probe: Callable[[str], str | None] = unreachable) -> tuple[str | None, str]:
    """Where torch comes from: `(the CPU index, why)`, or `(None, why)` for pip's usual index."""
    if not index:
        return None, "TORCH_INDEX_URL is empty: torch from pip's usual index"
    if not platform.startswith("linux"):
        system = {"darwin": "macOS", "win32": "Windows"}.get(platform, platform)
        return None, f"PyPI's torch for {system} has no CUDA packages: torch from pip's usual index"
    if gpu and not cpu:
        return None, ("an NVIDIA GPU is present: torch from pip's usual index, the CUDA build (about 5 GB) that "
                      "uses it; `--cpu` takes the CPU build instead")
    problem = probe(index)
    if problem is None:
        return index, f"torch's CPU build from PyTorch's CPU index {index} (no CUDA packages)"
    return None, (f"PyTorch's CPU index {index} cannot be reached ({problem}): falling back to pip's usual index. "
                  "On Linux that is the CUDA build, about 5 GB, unless pip is configured with a CPU wheel")


def install_torch(pin: str, index: str | None, pip: Pip) -> int:
    """Install `pin` from `index` (pip's usual index when None, or when pip fails there); pip's exit status."""
    if index is not None:
        status = pip(["install", "--index-url", index, pin])
        if status == 0:
            return 0
        say(f"pip could not install {pin} from {index} (exit status {status}, above): falling back to pip's "
            "usual index")
    return pip(["install", pin])


def installed_torch() -> str:
    """Which torch this environment now holds, and whether CUDA packages came with it."""
    importlib.invalidate_caches()
    try:
        version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return "no torch is installed"
    cuda = sorted({(d.metadata["Name"] or "").lower() for d in importlib.metadata.distributions()
                   if (d.metadata["Name"] or "").lower().startswith("nvidia-")})
    return f"torch {version} is installed, " + (f"with {len(cuda)} CUDA packages ({cuda[0]}, ...)" if cuda
                                                 else "without CUDA packages")


def pip_runner(dry_run: bool) -> Pip:
    """pip of this interpreter, its progress shown; with `dry_run`, each command printed instead."""
    def pip(args: Sequence[str]) -> int:
        command = [sys.executable, "-m", "pip", *args]
        if dry_run:
            say("would run: " + " ".join(command))
            return 0
        return subprocess.run(command).returncode

    return pip


def required_python(folder: Path) -> tuple[int, int] | None:
    """The least Python that `folder/pyproject.toml` accepts (its `requires-python = ">=3.10"`), if it says."""
    pyproject = folder / "pyproject.toml"
    found = re.search(r'requires-python\s*=\s*">=\s*(\d+)\.(\d+)', pyproject.read_text(encoding="utf-8"))
    return (int(found.group(1)), int(found.group(2))) if found else None


def refusal(folder: Path) -> str | None:
    """Why this interpreter, in `folder`, must not install (None when it may)."""
    if not (folder / "pyproject.toml").exists():
        return (f"{str(folder)!r} has no pyproject.toml: run this in the course's folder (the one with "
                "install.py and pyproject.toml), e.g. `cd` there first")
    least = required_python(folder)
    if least and sys.version_info[:2] < least:
        return (f"the course needs Python {least[0]}.{least[1]} or newer, and {sys.executable} is "
                f"{sys.version.split()[0]}: make the virtual environment with a newer python3")
    if sys.prefix == sys.base_prefix and os.environ.get("CONDA_PREFIX") != sys.prefix:
        return (f"{sys.executable} is not a virtual environment's python: first `python3 -m venv .venv` and "
                "`. .venv/bin/activate` (Windows: `.venv\\Scripts\\activate`), then run this again")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: torch, then (without `--torch-only`) the `grade` command and JupyterLab."""
    parser = argparse.ArgumentParser(prog="install.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--torch-only", action="store_true", help="Install torch alone (scripts/install.sh).")
    parser.add_argument("--cpu", action="store_true", help="The CPU build of torch even with an NVIDIA GPU.")
    parser.add_argument("--torch-index", default=os.environ.get("TORCH_INDEX_URL", CPU_INDEX), metavar="URL",
                        help="The CPU index to try first [default: $TORCH_INDEX_URL, else %(default)s]; "
                             "empty: pip's usual index.")
    parser.add_argument("--dry-run", action="store_true", help="Print the pip commands instead of running them.")
    options = parser.parse_args(argv)
    folder = Path.cwd()
    if problem := refusal(folder):
        print(f"install.py: {problem}", file=sys.stderr)
        return 2
    pip, pin = pip_runner(options.dry_run), torch_pin(folder)
    index, why = choose_index(options.torch_index, platform=sys.platform, gpu=has_nvidia_gpu(), cpu=options.cpu)
    say(f"{pin}: {why}")
    if status := install_torch(pin, index, pip):
        return status
    if not options.dry_run:
        say(installed_torch())
    if options.torch_only:
        return 0
    constraints = ["-c", "constraints.txt"] if (folder / "constraints.txt").exists() else []
    say("the `grade` command and the packages it needs (pip install -e .)")
    if status := pip(["install", *constraints, "-e", "."]):
        return status
    say(f"JupyterLab, for the notebooks (pip install {NOTEBOOKS})")
    if status := pip(["install", NOTEBOOKS]):
        return status
    say("done: `grade list` lists the assignments, `grade check FILE` runs the public tests on your work")
    return 0


if __name__ == "__main__":
    sys.exit(main())

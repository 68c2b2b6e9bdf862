"""Which installed packages the student's process sees: an assignment's own, what they need, and nothing else.

An assignment names the third-party packages its code may import (`packages` in
assignment.toml). The bubblewrap view then shows, in place of every folder where Python
packages are installed (the interpreter's site-packages, the base interpreter's, the
system's dist-packages), an empty read-only folder holding only those distributions and
the ones they depend on: each distribution's top-level modules and folders (from its
RECORD) and its .dist-info. Whatever else is installed is absent from the filesystem the
student's code runs on, so no import, `importlib` call or path trick can reach it.
"""

from __future__ import annotations

import csv
import functools
import glob
import importlib.metadata
import os
import re
import site
import sys
import sysconfig
from pathlib import Path

#: What the runtime itself imports in every student's process (`runtime/child.py`, `protocol.py`).
RUNTIME_NEEDS = ("numpy",)

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def site_folders() -> list[str]:
    """Every folder of installed packages the view would otherwise show: this interpreter's and its base's
    site-packages, and the system's site- and dist-packages under /usr (real paths, existing ones only)."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, "/usr", "/usr/local"}
    found = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    for prefix in prefixes:
        found |= set(glob.glob(os.path.join(prefix, "lib*", "python3*", "*-packages")))
    return sorted({os.path.realpath(p) for p in found if os.path.isdir(p)})


def child_site_folders() -> list[str]:
    """The site-packages folders on the child's `sys.path` (`python -I` keeps the user's site out)."""
    folders = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()]
    return list(dict.fromkeys(os.path.realpath(p) for p in folders if os.path.isdir(p)))


def _distributions(folder: str) -> dict[str, Path]:
    """`{normalized name: .dist-info or .egg-info folder}` of the distributions installed in `folder`."""
    found = {}
    for entry in sorted(os.listdir(folder)):
        if entry.endswith((".dist-info", ".egg-info")) and os.path.isdir(os.path.join(folder, entry)):
            found.setdefault(_normal(entry.rsplit(".", 1)[0].split("-")[0]), Path(folder) / entry)
    return found


def _top_level(info: Path) -> set[str]:
    """The names a distribution installs directly in its folder (modules, packages, its .libs and .dist-info)."""
    names = {info.name}
    record = info / "RECORD"
    if record.is_file():
        with open(record, encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                first = row[0].replace("\\", "/").split("/", 1)[0] if row else ""
                if first and first not in ("..", "__pycache__") and not first.endswith(".pth"):
                    names.add(first)
        return names
    tops = (info / "top_level.txt").read_text(encoding="utf-8").split() if (info / "top_level.txt").is_file() \
        else [info.name.split("-")[0]]  # no record (a system package): the folder named like the distribution
    for name in tops:
        names |= {n for n in (name, f"{name}.py", f"{name}.libs") if (info.parent / n).exists()}
    return names


def _requirements(info: Path) -> list[str]:
    """The names of what a distribution requires, but for optional extras."""
    requires = importlib.metadata.PathDistribution(info).requires or []
    return [m.group(1) for r in requires if "extra" not in r.partition(";")[2] and (m := _NAME.match(r))]


def _providing(package: str, installed: dict[str, Path]) -> str:
    """The distribution that installs the import name `package` ("sklearn" -> "scikit-learn")."""
    if _normal(package) in installed:
        return _normal(package)
    return next((name for name, info in installed.items() if package in _top_level(info)), _normal(package))


@functools.cache
def visible(packages: tuple[str, ...]) -> tuple[str, ...]:
    """The paths the view shows for `packages` (import names, e.g. "numpy", "torch") and what the runtime
    needs: each distribution providing them and its dependencies, as found on the child's `sys.path`."""
    installed: dict[str, Path] = {}
    for folder in child_site_folders():
        for name, info in _distributions(folder).items():
            installed.setdefault(name, info)
    wanted = [_providing(p, installed) for p in (*RUNTIME_NEEDS, *packages)]
    shown: set[str] = set()
    seen: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in seen or name not in installed:
            continue
        seen.add(name)
        info = installed[name]
        shown |= {str(info.parent / entry) for entry in _top_level(info) if (info.parent / entry).exists()}
        wanted += [_normal(r) for r in _requirements(info)]
    return tuple(sorted(shown))

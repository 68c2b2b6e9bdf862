"""File-level helpers shared by the distributions: what to copy, the bundle's pyproject, zips.

Every distribution is built from the course folder `root` (the instructor's
repository): the `autograder` package source, `assignments/`, `solutions/` and
`student_template/`. Nothing here decides what is secret; each distribution
names the files it takes.
"""

from __future__ import annotations

import json
import shutil
import stat
import sys
import zipfile
from pathlib import Path

from ..assignments import WEIGHTS, Assignment
from ..edition import MARKER
from .install import CPU_INDEX

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PACKAGE = Path(__file__).resolve().parent.parent  # the `autograder` package being run
PUBLIC_FILES = ("assignment.toml", "public.py", "helpers.py", "recipes.py")  # what public and hidden tests share
SECRET_FILES = ("hidden.py",)

#: What `grade check` and `grade run` need at run time; the rest of the instructor's
#: dependencies (Otter, pytest, matplotlib) stay out of the bundles.
RUNTIME_PACKAGES = ("numpy", "torch", "click", "rich", "nbformat", "tomli")

#: PyTorch's index of CPU-only wheels: no CUDA packages, a much smaller install.
TORCH_INDEX = CPU_INDEX

#: Left out of every copy of the package: caches, and an edition marker (each distribution writes its own).
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".*", "*.egg-info", MARKER)

#: A fixed timestamp for zip members, so that the same course gives the same zip.
_ZIP_EPOCH = (2020, 1, 1, 0, 0, 0)


def copy_package(destination: Path, leave_out: tuple[str, ...] = ()) -> Path:
    """Copy the `autograder` package source (no caches, nor the modules named in `leave_out`, paths relative to the
    package) to `destination/autograder`."""
    target = destination / "autograder"
    shutil.copytree(PACKAGE, target, ignore=_IGNORED, dirs_exist_ok=True)
    for name in leave_out:
        (target / name).unlink(missing_ok=True)
    return target


def copy_assignment(assignment: Assignment, destination: Path, *, hidden: bool) -> list[Path]:
    """Copy `assignments/<id>/` to `destination/assignments/<id>/`: public files, and hidden.py when `hidden`;
    without it, each question's total test weight (`WEIGHTS`), so that a public test is worth there what it
    is worth when graded."""
    target = destination / "assignments" / assignment.id
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PUBLIC_FILES + (SECRET_FILES if hidden else ()):
        source = assignment.directory / name
        if source.exists():
            shutil.copy2(source, target / name)
            written.append(target / name)
    if not hidden:
        written.append(write_text(target / WEIGHTS, json.dumps(assignment.weights(), indent=2) + "\n"))
    return written


def project_metadata(root: Path) -> dict:
    """The `[project]` table of the course's pyproject.toml (empty when there is none)."""
    path = root / "pyproject.toml"
    if not path.exists():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})


def _requirement_name(requirement: str) -> str:
    name = requirement.split(";")[0]
    for separator in "<>=!~[ ":
        name = name.split(separator)[0]
    return name.strip().lower()


def runtime_requirements(root: Path, *, torch: bool = True) -> list[str]:
    """The course's own requirement strings for the packages in `RUNTIME_PACKAGES` (optionally without torch)."""
    wanted = [p for p in RUNTIME_PACKAGES if torch or p != "torch"]
    declared = {_requirement_name(r): r for r in project_metadata(root).get("dependencies", [])}
    return [declared.get(name, name) for name in wanted]


def torch_requirement(root: Path) -> str:
    """The torch the distributions install: the course's pin in constraints.txt (the release its
    tests ran with), else its declared requirement."""
    constraints = root / "constraints.txt"
    if constraints.exists():
        for line in constraints.read_text(encoding="utf-8").splitlines():
            line = line.split("#")[0].strip()
            if _requirement_name(line) == "torch":
                return line
    return next((r for r in runtime_requirements(root) if _requirement_name(r) == "torch"), "torch")


def bundle_pyproject(root: Path, description: str) -> str:
    """A minimal pyproject.toml that installs the copied `autograder` package (its edition marker too, installed
    or not) and the `grade` command."""
    metadata = project_metadata(root)
    dependencies = "".join(f'    "{r}",\n' for r in runtime_requirements(root))
    return (
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{metadata.get("name", "nn-course-autograder")}"\n'
        f'version = "{metadata.get("version", "0.1.0")}"\n'
        f'description = "{description}"\n'
        f'requires-python = "{metadata.get("requires-python", ">=3.10")}"\n'
        f"dependencies = [\n{dependencies}]\n\n"
        '[project.scripts]\ngrade = "autograder.cli:main"\n\n'
        '[tool.setuptools.packages.find]\ninclude = ["autograder*"]\n\n'
        f'[tool.setuptools.package-data]\n"autograder" = ["{MARKER}"]\n"autograder.sandbox.runtime" = ["data/*"]\n'
        '"autograder.datasets" = ["data/*"]\n'
    )


def write_zip(path: Path, folder: Path, executables: tuple[str, ...] = ()) -> Path:
    """Zip the files under `folder` into `path`, in sorted order with fixed timestamps.

    Members named in `executables` (paths relative to `folder`) get mode 0755, the rest 0644.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = file.relative_to(folder).as_posix()
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            mode = 0o755 if name in executables else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.read_bytes())
    return path


def write_text(path: Path, text: str, *, executable: bool = False) -> Path:
    """Write `text` (UTF-8, Unix newlines) to `path`, creating folders; mode 0755 when `executable`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    if executable:
        path.chmod(0o755)
    return path


def fresh_folder(path: Path) -> Path:
    """`path` as an empty folder (removed first when it exists)."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path

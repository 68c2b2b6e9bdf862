"""Turn a `.py`, `.ipynb`, directory or `.zip` into source text; never executes anything.

Assignment ids come from file names (`linear_regression.py`) or, for a single
file or a folder with one candidate, from `assignment=`. Notebook code cells are
read with nbformat; IPython magics and shell lines become `pass` so line
numbers still match. Zips are read in memory: no member is ever extracted, so
`../` paths cannot escape, and sizes are capped against zip bombs.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path, PurePosixPath

from .submission import Source, Submission

MAX_SOURCE_BYTES = 2 * 1024**2
MAX_NOTEBOOK_BYTES = 32 * 1024**2
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_TOTAL_BYTES = 64 * 1024**2
CHECK_CELL_TAG = "grader-check"
SUFFIXES = (".py", ".ipynb")

_MAGIC = re.compile(r"^(\s*)([%!]|[A-Za-z_][\w.]*\s*=\s*!)")


class SubmissionError(Exception):
    """The submission as a whole cannot be read (not found, not a zip, nothing gradable)."""


def read_submission(path: Path, known: list[str], assignment: str | None = None,
                    name: str | None = None) -> Submission:
    """Read `path` into a `Submission` holding a `Source` per assignment in `known` it contains."""
    path = Path(path)
    submission = Submission(name=name or path.stem, path=path)
    if not path.exists():
        raise SubmissionError(f"{str(path)!r} does not exist")
    if path.is_dir():
        files = {str(p.relative_to(path)): p for p in sorted(path.rglob("*"))
                 if p.suffix in SUFFIXES and p.is_file() and not p.is_symlink() and not _ignored(p.relative_to(path))}
        _add_files(submission, {k: (lambda p=p: _read_capped(p)) for k, p in files.items()}, known, assignment)
    elif path.suffix == ".zip":
        _add_files(submission, _zip_members(path, submission), known, assignment)
    elif path.suffix in SUFFIXES:
        assignment_id = assignment or path.stem
        if assignment_id not in known:
            raise SubmissionError(f"cannot tell which assignment {path.name!r} is for: name the file "
                                  f"<id>{path.suffix} or pass --assignment; ids: {', '.join(known)}")
        submission.sources[assignment_id] = to_source(assignment_id, path.name, _read_capped(path))
    else:
        raise SubmissionError(f"{path.name!r} is not a .py, .ipynb, .zip or a folder")
    if not submission.sources:
        raise SubmissionError(f"no assignment files found in {path.name!r}: expected files named "
                              f"<id>.py or <id>.ipynb with an id among {', '.join(known)}")
    return submission


def _ignored(relative: Path) -> bool:
    return any(part.startswith(".") or part in ("__pycache__", "__MACOSX") for part in relative.parts)


def _read_capped(path: Path) -> bytes:
    limit = MAX_NOTEBOOK_BYTES if path.suffix == ".ipynb" else MAX_SOURCE_BYTES
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    return data


def _add_files(submission: Submission, files: dict, known: list[str], assignment: str | None) -> None:
    """Pick, per assignment id, the file to grade (a .py over an .ipynb of the same id)."""
    by_id: dict[str, list[str]] = {}
    for relative in files:
        stem = PurePosixPath(relative).stem
        if stem in known:
            by_id.setdefault(stem, []).append(relative)
    if not by_id and assignment and len(files) == 1:
        by_id[assignment] = list(files)
    for assignment_id, candidates in by_id.items():
        candidates.sort(key=lambda r: (PurePosixPath(r).suffix != ".py", len(PurePosixPath(r).parts), r))
        chosen = candidates[0]
        if len(candidates) > 1:
            submission.notes.append(f"{assignment_id}: graded {chosen}; ignored {', '.join(candidates[1:])}")
        submission.sources[assignment_id] = to_source(assignment_id, chosen, files[chosen]())


def _zip_members(path: Path, submission: Submission) -> dict:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{path.name!r} is not a readable zip file ({exc})") from None
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise SubmissionError(f"{path.name!r} has {len(infos)} entries; at most {MAX_ZIP_MEMBERS} are read")
    members = {}
    budget = [MAX_ZIP_TOTAL_BYTES]
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        if info.is_dir() or pure.suffix not in SUFFIXES:
            continue
        if pure.is_absolute() or ".." in pure.parts or ":" in pure.parts[0]:
            submission.notes.append(f"ignored zip entry {name!r}: paths outside the archive are not allowed")
            continue
        if _ignored(pure):
            continue
        members[str(pure)] = lambda info=info, pure=pure: _read_member(archive, info, pure, budget)
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, pure: PurePosixPath, budget: list[int]) -> bytes:
    limit = min(MAX_NOTEBOOK_BYTES if pure.suffix == ".ipynb" else MAX_SOURCE_BYTES, budget[0])
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise SubmissionError(f"zip entry {info.filename!r} could not be read ({exc})") from None
    budget[0] -= len(data)
    return data


def to_source(assignment_id: str, origin: str, data: bytes) -> Source:
    """Decode a file's bytes into Python source; problems become `Source.problem`, never exceptions."""
    source = Source(assignment_id, origin)
    limit = MAX_NOTEBOOK_BYTES if origin.endswith(".ipynb") else MAX_SOURCE_BYTES
    if len(data) > limit:
        source.problem = f"{origin} is larger than {limit // 1024**2} MiB; is it the right file?"
        return source
    if b"\x00" in data:
        source.problem = f"{origin} is a binary file, not Python source"
        return source
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        source.problem = (f"{origin} is not UTF-8 text (byte {exc.start}); save it as UTF-8 "
                          f"(in most editors: File › Save with Encoding › UTF-8)")
        return source
    if origin.endswith(".ipynb"):
        try:
            source.text = notebook_to_source(text)
        except ValueError as exc:
            source.problem = f"{origin} could not be read as a notebook: {exc}"
    else:
        source.text = text
    return source


def notebook_to_source(text: str) -> str:
    """The Python code of a notebook's code cells, magics and shell lines made inert, check cells left out."""
    import nbformat  # deferred: only notebooks need it

    try:
        notebook = nbformat.reads(text, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        raise ValueError(f"it is not valid JSON ({str(exc).splitlines()[0][:200]})") from None
    except Exception as exc:  # noqa: BLE001 - nbformat raises several unrelated types for bad files
        raise ValueError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    language = notebook.metadata.get("kernelspec", {}).get("language") or \
        notebook.metadata.get("language_info", {}).get("name", "python")
    if str(language).lower() != "python":
        raise ValueError(f"its kernel language is {language!r}; this course's notebooks are Python")
    parts = []
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code" or CHECK_CELL_TAG in cell.metadata.get("tags", []):
            continue
        code = cell.source
        if code.lstrip().startswith("%%"):
            continue
        parts.append(f"# --- cell {index} ---\n" + "\n".join(_inert(line) for line in code.splitlines()))
    return "\n\n".join(parts) + "\n"


def _inert(line: str) -> str:
    match = _MAGIC.match(line)
    if not match:
        return line
    return f"{match.group(1)}pass  # notebook-only line left out: {line.strip()[:60]}"


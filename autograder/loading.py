"""Turn a `.py`, `.ipynb`, directory or `.zip` into source text; never executes anything.

Assignment ids come from file names (`linear_regression.py`, or the same after a
prefix and before a copy number, as learning platforms name files:
`dave_linear_regression.py`, `linear_regression-1.py`; see `assignment_of`) or, for a
single file or a folder with one candidate, from `assignment=`. A notebook is read as
JSON, field by field, each field's type checked before it is used (no schema
validation, which is slow on large files): only its code cells count; IPython
magics and shell lines become `pass` so line numbers still match. Zips are read
in memory: no member is ever extracted, so `../` paths cannot escape. Every size
is capped: each file, a folder's entries, and what a whole submission may hold.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
from pathlib import Path, PurePosixPath

from .cells import NotJSON, notebook_to_source
from .errors import SubmissionError
from .names import listing, shown
from .results import Status
from .submission import Source, Submission

MAX_SOURCE_BYTES = 2 * 1024**2
MAX_NOTEBOOK_BYTES = 32 * 1024**2
MAX_ZIP_MEMBERS = 2000
MAX_FOLDER_ENTRIES = 10_000
#: What one submission (a folder or a zip) may hold in all, read.
MAX_SUBMISSION_BYTES = 64 * 1024**2
#: The largest zip file whose entry names are read again when they are not what their flags say.
MAX_ZIP_BYTES = 2 * MAX_SUBMISSION_BYTES
SUFFIXES = (".py", ".ipynb")

#: A copy number after a name: Canvas's re-submission "-1", a download's " (2)", "_3".
_COPY = re.compile(r"(?:[-_ ](\d{1,3})| ?\((\d{1,3})\))$")
_SEPARATORS = "_- ."


def assignment_of(name: str, known: list[str]) -> str | None:
    """The assignment a file named `name` is for: its stem is an id (`linear_regression.py`), or ends
    in one after a separator, before an optional copy number (`dave_linear_regression.py`,
    `linear_regression-1.py`, `Ada Lovelace_linear_regression (2).ipynb`). The longest id wins
    (so `x_logistic_regression.py` is never `regression`); None when no id fits."""
    pure = PurePosixPath(name)
    if pure.suffix not in SUFFIXES:
        return None
    if pure.stem in known:
        return pure.stem
    for stem in (pure.stem, _COPY.sub("", pure.stem)):
        lowered = stem.lower()
        fits = [i for i in known if lowered == i.lower()
                or lowered.endswith(i.lower()) and lowered[-len(i) - 1] in _SEPARATORS]
        if fits:
            return max(fits, key=len)
    return None


def copy_number(name: str) -> int:
    """The copy number at the end of a file's stem (`linear_regression-2.py` -> 2), 0 without one."""
    match = _COPY.search(PurePosixPath(name).stem)
    return int(match.group(1) or match.group(2)) if match else 0


def submissions_in(directory: Path) -> list[Path]:
    """Each visible file, folder or zip directly under `directory` is one submission (`grade batch`)."""
    return sorted(p for p in directory.iterdir() if not p.name.startswith((".", "__")))


def read_submission(path: Path, known: list[str], assignment: str | None = None,
                    name: str | None = None) -> Submission:
    """Read `path` into a `Submission` holding a `Source` per assignment in `known` it contains."""
    path = Path(path)
    submission = Submission(name=name or path.stem, path=path)
    if not path.exists():
        raise SubmissionError(f"'{shown(str(path))}' does not exist")
    if path.is_dir():
        budget = [MAX_SUBMISSION_BYTES]
        files = {str(p.relative_to(path)): p for p in _folder_files(path, submission)}
        _add_files(submission, {k: (lambda p=p: _read_capped(p, budget)) for k, p in files.items()}, known, assignment)
    elif path.suffix == ".zip":
        _add_files(submission, _zip_members(path, submission), known, assignment)
    elif path.suffix in SUFFIXES:
        assignment_id = assignment or assignment_of(path.name, known)
        if assignment_id not in known:
            raise SubmissionError(f"cannot tell which assignment '{shown(path.name)}' is for: name the file "
                                  f"<id>{path.suffix} (a prefix such as yours is fine: ada_<id>{path.suffix}) or "
                                  f"pass --assignment; ids: {', '.join(known)}", Status.NO_ASSIGNMENT)
        submission.sources[assignment_id] = to_source(assignment_id, path.name, _read_capped(path))
    else:
        raise SubmissionError(f"'{shown(path.name)}' is not a .py, .ipynb, .zip or a folder")
    if not submission.sources:
        raise SubmissionError(f"no assignment files found in '{shown(path.name)}': expected files named "
                              f"<id>.py or <id>.ipynb with an id among {', '.join(known)}", Status.NO_ASSIGNMENT)
    return submission


def _ignored(relative: Path) -> bool:
    return any(part.startswith(".") or part in ("__pycache__", "__MACOSX") for part in relative.parts)


def submission_files(folder: Path) -> list[Path]:
    """The files of the submission folder `folder` that grading reads (.py and .ipynb, no hidden ones)."""
    return _folder_files(folder, Submission(folder.name, folder))


def _folder_files(folder: Path, submission: Submission) -> list[Path]:
    """The .py and .ipynb files under `folder`, in sorted order; at most MAX_FOLDER_ENTRIES entries are looked at."""
    found, seen = [], 0
    for directory, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            seen += 1
            if seen > MAX_FOLDER_ENTRIES:
                submission.notes.append(f"only the first {MAX_FOLDER_ENTRIES:,} files of '{shown(folder.name)}' "
                                        f"were looked at")
                return found
            path = Path(directory) / name
            if path.suffix in SUFFIXES and not _ignored(path.relative_to(folder)) and path.is_file() \
                    and not path.is_symlink():
                found.append(path)
    return found


def _limit(name: str) -> int:
    return MAX_NOTEBOOK_BYTES if name.endswith(".ipynb") else MAX_SOURCE_BYTES


def _spend(budget: list[int] | None, data: bytes) -> bytes:
    if budget is not None:
        budget[0] -= len(data)
    return data


def _read_capped(path: Path, budget: list[int] | None = None) -> bytes:
    """The file's bytes, at most its kind's limit + 1; `_OverBudget` once the submission's `budget` is spent."""
    if budget is not None and budget[0] <= 0:
        raise _OverBudget
    with open(path, "rb") as f:
        return _spend(budget, f.read(_limit(path.name) + 1))


class _OverBudget(Exception):
    """The submission as a whole is larger than MAX_SUBMISSION_BYTES."""


def _add_files(submission: Submission, files: dict, known: list[str], assignment: str | None) -> None:
    """Pick, per assignment id, the file to grade: an exact name over a prefixed one, a .py over an
    .ipynb, the shallowest, the highest copy number; two prefixed names that tie are reported."""
    by_id: dict[str, list[str]] = {}
    for relative in files:
        assignment_id = assignment_of(relative, known)
        if assignment_id is not None:
            by_id.setdefault(assignment_id, []).append(relative)
    if not by_id and assignment and len(files) == 1:
        by_id[assignment] = list(files)
    for assignment_id, candidates in by_id.items():
        def rank(r: str, assignment_id: str = assignment_id) -> tuple:
            pure = PurePosixPath(r)
            return pure.stem != assignment_id, pure.suffix != ".py", len(pure.parts), -copy_number(r)

        candidates.sort(key=lambda r: (rank(r), r))
        chosen = candidates[0]
        tied = [c for c in candidates[1:] if rank(c) == rank(chosen)]
        if tied and rank(chosen)[0]:
            submission.notes.append(f"{assignment_id}: {len(tied) + 1} files could be this assignment "
                                    f"({listing([chosen, *tied])}); graded {shown(chosen)}, the first by name: hand "
                                    f"in one file named {assignment_id}.py or {assignment_id}.ipynb")
        elif len(candidates) > 1:
            submission.notes.append(f"{assignment_id}: graded {shown(chosen)}; ignored {listing(candidates[1:])}")
        try:
            submission.sources[assignment_id] = to_source(assignment_id, chosen, files[chosen]())
        except _OverBudget:
            submission.sources[assignment_id] = Source(assignment_id, chosen, kind=Status.TOO_LARGE, problem=(
                f"{shown(chosen)} was not read: the submission holds more than {MAX_SUBMISSION_BYTES // 1024**2} MiB "
                f"in all; hand in only your own .py or .ipynb files"))


def open_zip(path: Path) -> tuple[zipfile.ZipFile, dict[int, str]]:
    """The zip at `path` and each entry's name (by the entry's index): the bytes of the name decoded as UTF-8,
    those that are not UTF-8 kept as surrogates (as file names are), whatever the entry's flags claim.
    `SubmissionError` for a file that is not a readable zip."""
    try:
        try:
            archive = zipfile.ZipFile(path)
        except UnicodeDecodeError:  # an entry flagged UTF-8 whose name is not: read the names as bytes
            if path.stat().st_size > MAX_ZIP_BYTES:
                raise zipfile.BadZipFile(f"larger than {MAX_ZIP_BYTES // 1024**2} MiB") from None
            archive = zipfile.ZipFile(io.BytesIO(_without_utf8_flags(path.read_bytes())))
    except (zipfile.BadZipFile, OSError, ValueError, struct.error, EOFError, NotImplementedError) as exc:
        raise SubmissionError(f"'{shown(path.name)}' is not a readable zip file ({shown(str(exc))})",
                              Status.UNREADABLE_ARCHIVE) from None
    names = {}
    for index, info in enumerate(archive.infolist()):
        raw = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "surrogateescape")
        names[index] = raw.decode("utf-8", "surrogateescape")
    return archive, names


def _without_utf8_flags(data: bytes) -> bytes:
    """The zip `data` with the UTF-8 flag of each entry cleared (in the central directory and in the entry's own
    header), so that zipfile reads every name as cp437, which decodes any bytes, rather than fail on one that
    is not UTF-8."""
    data = bytearray(data)
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(data):
        raise zipfile.BadZipFile("no end of central directory")
    count, _, start = struct.unpack_from("<HII", data, end + 10)
    at = start
    for _ in range(count):
        if data[at:at + 4] != b"PK\x01\x02":
            raise zipfile.BadZipFile("a damaged central directory")
        flags, = struct.unpack_from("<H", data, at + 8)
        struct.pack_into("<H", data, at + 8, flags & ~0x800)
        name, extra, comment = struct.unpack_from("<HHH", data, at + 28)
        local, = struct.unpack_from("<I", data, at + 42)
        if data[local:local + 4] == b"PK\x03\x04":
            flags, = struct.unpack_from("<H", data, local + 6)
            struct.pack_into("<H", data, local + 6, flags & ~0x800)
        at += 46 + name + extra + comment
    return bytes(data)


def _zip_members(path: Path, submission: Submission) -> dict:
    archive, names = open_zip(path)
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise SubmissionError(f"'{shown(path.name)}' has {len(infos)} entries; at most {MAX_ZIP_MEMBERS} are read",
                              Status.UNREADABLE_ARCHIVE)
    members = {}
    budget = [MAX_SUBMISSION_BYTES]
    outside = []
    for index, info in enumerate(infos):
        name = names[index]
        pure = PurePosixPath(name.replace("\\", "/"))
        if info.is_dir() or pure.suffix not in SUFFIXES:
            continue
        if pure.is_absolute() or ".." in pure.parts or ":" in pure.parts[0]:
            outside.append(name)
            continue
        if _ignored(pure):
            continue
        members[str(pure)] = lambda info=info, pure=pure: _read_member(archive, info, pure, budget)
    if outside:
        submission.notes.append(f"ignored zip entries {listing(outside)}: paths outside the archive are not allowed")
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, pure: PurePosixPath, budget: list[int]) -> bytes:
    if budget[0] <= 0:
        raise _OverBudget
    try:
        with archive.open(info) as member:
            return _spend(budget, member.read(_limit(pure.name) + 1))
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError, NotImplementedError) as exc:
        raise SubmissionError(f"zip entry '{shown(str(pure))}' could not be read ({exc})",
                              Status.UNREADABLE_ARCHIVE) from None


def to_source(assignment_id: str, origin: str, data: bytes) -> Source:
    """Decode a file's bytes into Python source; problems become `Source.problem` (and its typed `kind`), never
    exceptions. An empty file is empty source (its tests run, and say what it lacks), of kind `Status.EMPTY`."""
    limit, notebook = _limit(origin), origin.endswith(".ipynb")
    origin = shown(origin)
    source = Source(assignment_id, origin)
    if len(data) > limit:
        return _unusable(source, Status.TOO_LARGE, f"{origin} is larger than {limit // 1024**2} MiB; is it the "
                                                   f"right file?")
    if b"\x00" in data:
        return _unusable(source, Status.BINARY, f"{origin} is a binary file, not Python source")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _unusable(source, Status.NOT_TEXT, f"{origin} is not UTF-8 text (byte {exc.start}); save it as UTF-8 "
                                                  f"(in most editors: File › Save with Encoding › UTF-8)")
    if not text.strip() and notebook:
        return _unusable(source, Status.EMPTY, f"{origin} is empty: it holds no notebook")
    if not text.strip():
        source.text, source.kind = text, Status.EMPTY
    elif notebook:
        try:
            source.text, source.cells = notebook_to_source(text)
        except ValueError as exc:
            kind = Status.NOT_JSON if isinstance(exc, NotJSON) else Status.NOT_NOTEBOOK
            return _unusable(source, kind, f"{origin} could not be read as a notebook: {exc}")
    else:
        source.text = text
    return source


def _unusable(source: Source, kind: Status, problem: str) -> Source:
    source.kind, source.problem = kind, problem
    return source

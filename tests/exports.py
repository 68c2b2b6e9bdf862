"""One small class, laid out as each platform's download lays it out (from each platform's documentation).

- Canvas, "Download Submissions": every file renamed `lastnamefirstname[_late]_<user id>_<attachment id>_<name>`,
  a re-submission's file with "-1" before its extension; the zip's times are the submission times.
- Gradescope, "Export Submissions": per assignment a folder with `submission_metadata.yml` (Ruby-symbol keys:
  `:submitters:` with `:name:`, `:sid:`, `:email:`; `:created_at:`) and a `submission_<id>/` folder each.
- GitHub Classroom, `gh classroom clone student-repos`: a repository `<assignment>-<login>` per student and
  assignment, the submission time its last commit's.
- Moodle, "Download all submissions": `Full Name_<participant>_assignsubmission_file_/` per student and
  assignment (the participant number differs per assignment), or the files flat with that prefix.
- Plain: a folder, a zip or loose files per student.
"""

from __future__ import annotations

import os
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .conftest import ROOT

LR, GD = "linear_regression", "gradient_descent"
DUE = datetime(2026, 9, 14, 23, 59, tzinfo=timezone.utc)
ON_TIME = datetime(2026, 9, 14, 20, 0, tzinfo=timezone.utc)
TWO_DAYS_LATE = datetime(2026, 9, 16, 1, 0, tzinfo=timezone.utc)  # 1 day 1 h after DUE: two started days


@dataclass
class Student:
    name: str
    last_first: str  # as Canvas writes the name
    email: str
    sid: str
    canvas_id: str
    login: str
    github: str
    files: dict[str, tuple[str, datetime]]  # {assignment id: (solution|template, submitted at)}


CLASS = [
    Student("Ada Lovelace", "lovelaceada", "ada@example.edu", "1001", "501", "alovelace", "ada-l",
            {LR: ("solution", ON_TIME), GD: ("solution", ON_TIME)}),
    Student("Bob Babbage", "babbagebob", "bob@example.edu", "1002", "502", "bbabbage", "bobbage",
            {LR: ("template", ON_TIME), GD: ("solution", TWO_DAYS_LATE)}),
    Student("Carol Shaw", "shawcarol", "carol@example.edu", "1003", "503", "cshaw", "carolshaw",
            {LR: ("solution", ON_TIME)}),
]
POINTS = {LR: 8.0, GD: 12.0}
#: Each student's tests' points, and the late penalty where the layout knows submission times.
RAW = {"Ada Lovelace": {LR: 8.0, GD: 12.0}, "Bob Babbage": {LR: 0.0, GD: 12.0}, "Carol Shaw": {LR: 8.0}}
PENALTY = {"Bob Babbage": {GD: 2.4}}  # two days × 10 % of 12
TIMED = {"canvas", "gradescope", "classroom"}
COURSE_TOML = f"""\
[late]
per = "day"
penalty = 10
cap = 50

[assignments.{GD}]
due = {DUE.isoformat()}
"""


def source(kind: str, assignment_id: str) -> bytes:
    folder = "solutions" if kind == "solution" else "student_template"
    return (ROOT / folder / f"{assignment_id}.py").read_bytes()


#: Two more students of the roster: one whose upload is empty (0 bytes), one who handed in nothing.
EMPTY = Student("Dan Empty", "emptydan", "dan@example.edu", "1004", "504", "dempty", "dan-e", {})
ABSENT = Student("Eve Absent", "absenteve", "eve@example.edu", "1005", "505", "eabsent", "eve-a", {})


def roster(path: Path, students: list[Student] = CLASS) -> Path:
    lines = ["name,student_id,email,canvas_id,sis_login_id,github"]
    lines += [f"{s.name},{s.sid},{s.email},{s.canvas_id},{s.login},{s.github}" for s in students]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write(path: Path, data: bytes, when: datetime | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if when is not None:
        os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def canvas(folder: Path) -> Path:
    attachment = 9000
    for s in CLASS:
        for assignment_id, (kind, when) in s.files.items():
            attachment += 1
            late = "_late" if when > DUE else ""
            if s.name == "Ada Lovelace" and assignment_id == LR:  # handed in twice: Canvas keeps both files
                _write(folder / f"{s.last_first}_{s.canvas_id}_{attachment - 100}_{assignment_id}.py",
                       source("template", assignment_id), ON_TIME)
                name = f"{s.last_first}_{s.canvas_id}_{attachment}_{assignment_id}-1.py"
            else:
                name = f"{s.last_first}{late}_{s.canvas_id}_{attachment}_{assignment_id}.py"
            _write(folder / name, source(kind, assignment_id), when)
    _write(folder / f"{CLASS[2].last_first}_{CLASS[2].canvas_id}_9999_text.html", b"<p>see attached</p>")
    return folder


def canvas_download(folder: Path, assignment_id: str = LR) -> Path:
    """What Canvas's "Download Submissions" of one assignment holds: each student's file for it (CLASS), and
    EMPTY's upload of 0 bytes; ABSENT handed in nothing, so the download has no file of theirs."""
    for attachment, s in enumerate(CLASS, start=9100):
        if assignment_id in s.files:
            kind, when = s.files[assignment_id]
            _write(folder / f"{s.last_first}_{s.canvas_id}_{attachment}_{assignment_id}.py",
                   source(kind, assignment_id), when)
    _write(folder / f"{EMPTY.last_first}_{EMPTY.canvas_id}_9200_{assignment_id}.py", b"", ON_TIME)
    return folder


def gradescope(folder: Path) -> Path:
    for number, assignment_id in enumerate((LR, GD), start=1):
        export = folder / f"assignment_{7000 + number}_export"
        records = []
        for i, s in enumerate(CLASS):
            if assignment_id not in s.files:
                continue
            kind, when = s.files[assignment_id]
            key = f"submission_{80000 + 100 * number + i}"
            _write(export / key / f"{assignment_id}.py", source(kind, assignment_id))
            stamp = when.strftime("%Y-%m-%d %H:%M:%S.%f000 +00:00")
            records.append(f"{key}:\n  :submitters:\n  - :name: {s.name}\n    :sid: '{s.sid}'\n"
                           f"    :email: {s.email}\n  :created_at: {stamp}\n  :score: 0.0\n  :history: []\n")
        _write(export / "submission_metadata.yml", "".join(records).encode())
    return folder


def classroom(folder: Path) -> Path:
    for s in CLASS:
        for assignment_id, (kind, when) in s.files.items():
            repository = folder / f"{assignment_id.replace('_', '-')}-{s.github}"
            _write(repository / f"{assignment_id}.py", source(kind, assignment_id))
            commit(repository, when)
    return folder


def commit(repository: Path, when: datetime) -> None:
    """A real repository whose last commit was made at `when` (committer and author date)."""
    stamp = when.isoformat()
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_NAME": "s",
           "GIT_AUTHOR_EMAIL": "s@example.edu", "GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.edu",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "my work"]):
        subprocess.run(["git", *command], cwd=repository, env=env, check=True, capture_output=True)


def moodle(folder: Path) -> Path:
    for number, assignment_id in enumerate((LR, GD), start=1):
        for i, s in enumerate(CLASS):
            if assignment_id in s.files:
                prefix = f"{s.name}_{number * 1000 + i}_assignsubmission_file_"
                kind = s.files[assignment_id][0]
                if s.name == "Carol Shaw":  # downloaded without "submissions in folders"
                    _write(folder / f"{prefix}{assignment_id}.py", source(kind, assignment_id))
                else:
                    _write(folder / prefix / f"{assignment_id}.py", source(kind, assignment_id))
    _write(folder / "Carol Shaw_1002_assignsubmission_onlinetext_" / "onlinetext.html", b"<p>hi</p>")
    return folder


def plain(folder: Path) -> Path:
    ada, bob, carol = CLASS
    for assignment_id, (kind, _) in ada.files.items():
        _write(folder / ada.login / f"{assignment_id}.py", source(kind, assignment_id))
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / f"{bob.login}.zip", "w") as archive:
        for assignment_id, (kind, _) in bob.files.items():
            archive.writestr(f"{bob.login}/{assignment_id}.py", source(kind, assignment_id))
    _write(folder / f"{carol.login}_{LR}.py", source("solution", LR))
    return folder


LAYOUTS = {"canvas": canvas, "gradescope": gradescope, "classroom": classroom, "moodle": moodle, "plain": plain}


def small_course(folder: Path, settings: str = COURSE_TOML) -> Path:
    """A course of this repository's first two assignments (tests, references, its pyproject.toml and pins),
    with `settings` as course.toml."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, folder / name)
    for assignment_id in (LR, GD):
        shutil.copytree(ROOT / "assignments" / assignment_id, folder / "assignments" / assignment_id,
                        ignore=shutil.ignore_patterns("__pycache__"))
        _write(folder / "solutions" / f"{assignment_id}.py", source("solution", assignment_id))
    (folder / "course.toml").write_text(settings)
    return folder

"""Everything in a hand-in is untrusted: file names, archive entries, platform metadata and every text made
from them. Each is read under a budget and shown escaped; none stops the class, grows a report past its
budget, or lands as a formula in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from rich.console import Console

from autograder.batch import run_batch
from autograder.layouts import read_layout
from autograder.loading import read_submission
from autograder.names import MAX_KEY
from autograder.reports.files import MAX_PAGE_BYTES, MAX_RESULTS_BYTES

from . import exports
from .conftest import COURSE, ROOT

LR = "linear_regression"
KNOWN = [LR, "gradient_descent"]
SOLUTION = (ROOT / "solutions" / f"{LR}.py").read_bytes()
TEMPLATE = (ROOT / "student_template" / f"{LR}.py").read_bytes()
FORMULAS = ["=HYPERLINK(\"http://evil.example/\",\"click\")", "=1+2", "+cmd", "-2+3", "@SUM(A1)"]


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def misflagged_zip(path: Path, name: bytes, data: bytes) -> Path:
    """A zip whose one entry is flagged UTF-8 but is named with bytes that are not UTF-8."""
    placeholder = "p" * len(name)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(placeholder, data)
    raw = bytearray(path.read_bytes())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        struct.pack_into("<H", raw, at + flags, struct.unpack_from("<H", raw, at + flags)[0] | 0x800)
    raw = raw.replace(placeholder.encode(), name)
    path.write_bytes(bytes(raw))
    return path


def deep_tree(folder: Path, files: int, depth: int) -> Path:
    """`files` copies of the template, each `depth` folders deep with long folder names."""
    for i in range(files):
        parts = [f"folder_{i % 7}_{level}_" + "x" * 40 for level in range(depth)]
        write(folder.joinpath(*parts, f"{i}_{LR}.py"), TEMPLATE)
    return folder


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


# --- the loader -------------------------------------------------------------------------------------------

def test_a_zip_entry_flagged_utf8_whose_name_is_not_is_read_and_shown_escaped(tmp_path):
    archive = misflagged_zip(tmp_path / "carl.zip", b"caf\xe9_linear_regression.py", SOLUTION)
    submission = read_submission(archive, KNOWN)
    assert submission.sources[LR].text == SOLUTION.decode()
    assert submission.sources[LR].origin == "caf\\xe9_linear_regression.py"


def test_a_file_whose_name_is_not_utf8_is_read_from_a_folder(tmp_path):
    write(tmp_path / "s" / os.fsdecode(b"b\xffob_linear_regression.py"), SOLUTION)
    submission = read_submission(tmp_path / "s", KNOWN)
    assert submission.sources[LR].origin == "b\\xffob_linear_regression.py"


def test_thousands_of_candidate_files_make_one_short_note(tmp_path):
    submission = read_submission(deep_tree(tmp_path / "s", 600, 12), KNOWN)
    (note,) = submission.notes
    assert "and 595 other files" in note and len(note) < 3000


# --- the layouts ------------------------------------------------------------------------------------------

ODD = os.fsdecode(b"Jos\xe9")  # Latin-1 bytes, as an old tool writes them


@pytest.mark.parametrize("layout, make", [
    ("plain", lambda d: write(d / f"{ODD}_{LR}.py", SOLUTION)),
    ("canvas", lambda d: write(d / f"{ODD}_12_34_{LR}.py", SOLUTION)),
    ("moodle", lambda d: write(d / f"{ODD}_1_assignsubmission_file_" / f"{LR}.py", SOLUTION)),
    ("classroom", lambda d: write(d / f"linear-regression-{ODD}" / f"{ODD}.py", SOLUTION)),
    ("gradescope", lambda d: (write(d / "submission_metadata.yml",
                                    b"submission_1:\n  :submitters:\n  - :name: Jos\xe9\n    :email: j@x.edu\n"),
                              write(d / "submission_1" / f"{LR}.py", SOLUTION))),
])
def test_a_name_that_is_not_utf8_is_read_in_every_layout_and_shown_escaped(layout, make, tmp_path):
    make(tmp_path)
    (hand_in,) = read_layout(tmp_path, KNOWN, layout).hand_ins
    shown = next(v for k, v in hand_in.identity.items() if k in ("name", "login"))
    assert shown.startswith("Jos\\xe9") and shown.isprintable() and not hand_in.problem
    assert hand_in.name.isascii()


def commit_in_zone(repository: Path, zone: str) -> None:
    """Rewrite the last commit of `repository` with the time zone `zone`, which `git fsck --strict` accepts."""
    def git(*args: str, data: bytes | None = None) -> bytes:
        return subprocess.run(["git", *args], cwd=repository, input=data, check=True, capture_output=True).stdout

    commit = re.sub(rb"(\d+) [+-]\d{4}\n", rb"\1 " + zone.encode() + b"\n", git("cat-file", "commit", "HEAD"))
    rewritten = git("hash-object", "-t", "commit", "-w", "--stdin", data=commit).strip().decode()
    git("update-ref", "HEAD", rewritten)
    git("fsck", "--strict")


def test_a_commit_in_an_impossible_time_zone_has_no_time_and_says_so(tmp_path):
    repository = write(tmp_path / "linear-regression-ada" / f"{LR}.py", SOLUTION).parent
    exports.commit(repository, exports.ON_TIME)
    commit_in_zone(repository, "+9959")
    (hand_in,) = read_layout(tmp_path, KNOWN, "classroom").hand_ins
    assert hand_in.parts[0].submitted_at is None
    assert any("is not a time, so the time is unknown" in n for n in hand_in.notes)


def test_gradescope_metadata_that_is_not_yaml_grades_each_folder_without_names(tmp_path):
    write(tmp_path / "submission_metadata.yml", b"submission_1: [unclosed\n  :submitters: {\n")
    write(tmp_path / "submission_1" / f"{LR}.py", SOLUTION)
    found = read_layout(tmp_path, KNOWN, "gradescope")
    assert [h.name for h in found.hand_ins] == ["submission_1"]
    assert any("could not be read" in n for n in found.notes)


def test_an_unparsable_gradescope_time_is_unknown(tmp_path):
    write(tmp_path / "submission_metadata.yml", b"submission_1:\n  :submitters:\n  - :name: Ada\n"
                                                b"  :created_at: 2026-99-99 99:99 +9959\n")
    write(tmp_path / "submission_1" / f"{LR}.py", SOLUTION)
    (hand_in,) = read_layout(tmp_path, KNOWN, "gradescope").hand_ins
    assert hand_in.parts[0].submitted_at is None


def test_a_symbolic_link_in_an_export_is_left_out_never_followed(tmp_path):
    (tmp_path / f"ada_{LR}.py").symlink_to(ROOT / "solutions" / f"{LR}.py")
    write(tmp_path / f"bob_{LR}.py", TEMPLATE)
    found = read_layout(tmp_path, KNOWN, "plain")
    assert [h.name for h in found.hand_ins] == ["bob"]
    assert any("a symbolic link; left out" in n for n in found.notes)


def test_names_for_files_are_bounded_unique_and_never_hidden(tmp_path):
    long = "x" * 4000
    records = "".join(f"submission_{i}:\n  :submitters:\n  - :name: '{name}'\n    :email: s{i}@x.edu\n"
                      for i, name in enumerate([long, long + "y", ".hidden", "..", *FORMULAS]))
    write(tmp_path / "submission_metadata.yml", records.encode())
    for i in range(4 + len(FORMULAS)):
        write(tmp_path / f"submission_{i}" / f"{LR}.py", SOLUTION)
    names = [h.name for h in read_layout(tmp_path, KNOWN, "gradescope").hand_ins]
    assert len(set(names)) == len(names) == 4 + len(FORMULAS)
    assert all(0 < len(n.encode()) <= MAX_KEY + 20 and not n.startswith(".") for n in names)


# --- a class of such hand-ins ------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_class_of_hostile_names_and_trees_is_graded_whole_and_every_report_stays_within_budget(tmp_path):
    submissions = tmp_path / "class"
    write(submissions / f"ada_{LR}.py", SOLUTION)
    write(submissions / os.fsdecode(b"b\xffob_" + LR.encode() + b".py"), SOLUTION)
    misflagged_zip(submissions / "carl.zip", b"caf\xe9_linear_regression.py", SOLUTION)
    for i, formula in enumerate(FORMULAS):
        write(submissions / f"{formula}{i}" / f"{LR}.py", SOLUTION)
    copied = SOLUTION + (b"\n\ndef spread(x):\n    total = 0.0\n    for v in x:\n"
                         b"        total = total + (v - 3) ** 2\n    return total / len(x)\n")
    write(submissions / "=1+21" / f"{LR}.py", copied)  # a pair with a formula's name, in similarity.csv
    write(submissions / "zed" / f"{LR}.py", copied)
    write(submissions / ("n" * 200 + f"_{LR}.py"), SOLUTION)
    deep_tree(submissions / "dora", 3000, 12)
    output = tmp_path / "out"
    run_batch(COURSE, submissions, output, jobs=2, assignment_id=LR, console=Console(width=200))
    rows = read_csv(output / "grades.csv")
    assert len(rows) == 6 + len(FORMULAS)
    assert all(r["status"] == "graded" for r in rows), rows
    scores = {r["student"]: r["total"] for r in rows}
    assert scores["ada"] == scores["b\\xffob"] == scores["carl"] == "8" and scores["dora"] == "0"
    cells = [cell for r in rows for cell in r.values()] + [cell for name in ("canvas_grades.csv",
             "gradescope_grades.csv", "similarity/similarity.csv") for r in read_csv(output / "reports" / name)
             for cell in r.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'=HYPERLINK" in (output / "grades.csv").read_text()
    assert "'=1+2" in (output / "reports" / "similarity" / "similarity.csv").read_text()
    for path in (output / "results").iterdir():
        assert path.stat().st_size <= MAX_RESULTS_BYTES
        assert not path.name.startswith(".") and len(path.name.encode()) <= MAX_KEY + 10
    for path in (output / "reports" / "feedback").iterdir():
        assert path.stat().st_size <= MAX_PAGE_BYTES
    dora = json.loads(next((output / "results").glob("dora*.json")).read_text())
    assert "other files" in json.dumps(dora)
    assert "Student: b\\xffob" in (output / "reports" / "feedback" / "b_ob.md").read_text()

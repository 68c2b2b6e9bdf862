"""Gradescope autograders: one `autograder.zip` per assignment, and one for all of them.

Gradescope unzips the archive into `/autograder/source`, runs `setup.sh` once
when it builds the image, then `run_autograder` for each submission: the
submission is in `/autograder/submission` and the results go to
`/autograder/results/results.json`. Inside the zip:

    setup.sh           bubblewrap for the sandbox (apt, as root), then Python packages into
                       /autograder/venv (torch from the CPU wheel index); not the grader itself
    run_autograder     `grade run SUBMISSION --assignment ID --format json` -> results.json, with
                       Gradescope's submission_metadata.json: the student's own hidden inputs and
                       course.toml's late policy on Gradescope's submission time
    requirements.txt   what `grade run` needs
    autograder/        the grader's source
    assignments/<id>/  assignment.toml, public.py, hidden.py
    solutions/<id>.py  the reference, for hidden tests
    course.toml        the course's settings (due dates, late policy, per-student inputs), when it has one

`run_autograder` reads its folders from the environment (AUTOGRADER_ROOT,
AUTOGRADER_SOURCE, AUTOGRADER_SUBMISSION, AUTOGRADER_RESULTS, PYTHON), with
Gradescope's paths as defaults, so it can be tried on a laptop. The grader runs
from `source/` (it is never installed); the student's process sees only the
sandbox's runtime folder of it. A submission that cannot be graded (no gradable
file) gets a results.json that says so; a grader that fails says that it failed,
and never blames the submission.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..assignments import Assignment
from ..settings import FILE as COURSE_SETTINGS
from .files import (
    TORCH_INDEX,
    copy_assignment,
    copy_package,
    runtime_requirements,
    torch_requirement,
    write_text,
    write_zip,
)

if TYPE_CHECKING:
    from ..course import Course

ALL = "all"
EXECUTABLES = ("setup.sh", "run_autograder")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
set -euo pipefail
cd "$(dirname "$0")"
AUTOGRADER_ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
# bubblewrap gives the student's process its own filesystem view, network and PIDs (SECURITY.md);
# where the container refuses namespaces, the grader falls back and results.json says which layers ran.
packages=""
command -v bwrap >/dev/null 2>&1 || packages="bubblewrap"
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || packages="$packages python3 python3-venv"
if [ -n "$packages" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages
fi
python3 -m venv "$AUTOGRADER_ROOT/venv"
PIP="$AUTOGRADER_ROOT/venv/bin/python -m pip"
{torch}$PIP install -r requirements.txt
"""

# TORCH_INDEX_URL: set it empty to take torch from pip's own configuration (a local wheel, say).
TORCH_LINE = '# PyTorch from its CPU wheel index: no CUDA packages, a much smaller image.\n' \
             'TORCH_INDEX_URL="${{TORCH_INDEX_URL-{index}}}"\n' \
             '$PIP install ${{TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}} "{requirement}"\n'

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission: grade it and write results.json.
# The folders come from the environment, with Gradescope's as defaults.
# All of it is one function, read whole before any of it runs: bash reads a script as it runs it, so
# nothing written to this file while a submission is graded can run (SECURITY.md).
set -uo pipefail
main() {{
AUTOGRADER_ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
SOURCE="${{AUTOGRADER_SOURCE:-$AUTOGRADER_ROOT/source}}"
SUBMISSION="${{AUTOGRADER_SUBMISSION:-$AUTOGRADER_ROOT/submission}}"
RESULTS="${{AUTOGRADER_RESULTS:-$AUTOGRADER_ROOT/results}}"
METADATA="${{AUTOGRADER_METADATA:-$AUTOGRADER_ROOT/submission_metadata.json}}"
if [ -z "${{PYTHON:-}}" ]; then
    PYTHON=python3
    if [ -x "$AUTOGRADER_ROOT/venv/bin/python" ]; then PYTHON="$AUTOGRADER_ROOT/venv/bin/python"; fi
fi
mkdir -p "$RESULTS"
# The student's code runs as a uid of its own: without bubblewrap's view, only these permissions
# keep the references and hidden tests out of its reach (the grader copies its runtime where it can read it).
# Nor may it change what this script writes afterwards: results/ is root's alone to write.
if [ "$(id -u)" = 0 ]; then chmod -R go-rwx "$SOURCE"; chmod go-w "$RESULTS"; fi
export GRADE_COURSE_DIR="$SOURCE"
export PYTHONPATH="$SOURCE${{PYTHONPATH:+:$PYTHONPATH}}"
cd "$SOURCE"
# Gradescope's metadata says who submitted (their own hidden inputs) and when (the late policy).
metadata=()
if [ -f "$METADATA" ]; then metadata=(--gradescope-metadata "$METADATA"); fi
"$PYTHON" -m autograder run "$SUBMISSION"{assignment} --format json ${{metadata[@]+"${{metadata[@]}}"}} \\
    >"$RESULTS/results.json.partial" 2>"$RESULTS/grader.log"
status=$?
cat "$RESULTS/grader.log" >&2
if [ "$status" -eq 0 ] && [ -s "$RESULTS/results.json.partial" ]; then
    mv "$RESULTS/results.json.partial" "$RESULTS/results.json"
    exit 0
fi
# No grades: status 2 is a submission that cannot be graded at all (no gradable file, say);
# anything else is the grader's own failure, which is never blamed on the student.
if ! "$PYTHON" - "$RESULTS/grader.log" "$RESULTS/results.json" "$status" <<'PY'
import json, sys
log = open(sys.argv[1], encoding="utf-8", errors="replace").read().strip().splitlines()
reason = log[-1] if log else f"the grader exited with status {{sys.argv[3]}}"
if sys.argv[3] == "2":
    message = ("Your submission could not be graded: " + reason + "\\n"
               "Submit {expected}; check the file name and upload it again.")
else:
    message = ("The autograder itself failed, not your submission: " + reason + "\\n"
               "Tell your instructor; your submission was kept and can be graded again.")
json.dump({{"score": 0.0, "output": message, "tests": [], "visibility": "visible"}},
          open(sys.argv[2], "w", encoding="utf-8"), indent=2)
PY
then
    echo '{{"score": 0, "output": "The autograder failed, not your submission. Tell your instructor.", "tests": []}}' \\
        >"$RESULTS/results.json"
fi
rm -f "$RESULTS/results.json.partial"
exit 0
}}
main "$@"; exit
"""


def setup_sh(root: Path, torch: bool) -> str:
    """The image's setup script; installs torch from the CPU index only when an assignment needs it."""
    line = TORCH_LINE.format(index=TORCH_INDEX, requirement=torch_requirement(root)) if torch else ""
    return SETUP_SH.format(torch=line)


def run_autograder(assignment_id: str | None) -> str:
    """The per-submission script; grades `assignment_id`, or every assignment found when None."""
    flag = f" --assignment {assignment_id}" if assignment_id else ""
    expected = f"{assignment_id}.py or {assignment_id}.ipynb" if assignment_id else \
        "files named <id>.py or <id>.ipynb (or a zip of them)"
    return RUN_AUTOGRADER.format(assignment=flag, expected=expected)


def write_source(root: Path, assignments: list[Assignment], target: Path, assignment_id: str | None) -> None:
    """Lay out what the zip holds (Gradescope's /autograder/source) in `target`."""
    copy_package(target)
    if (root / COURSE_SETTINGS).exists():
        shutil.copy2(root / COURSE_SETTINGS, target / COURSE_SETTINGS)
    for assignment in assignments:
        copy_assignment(assignment, target, hidden=True)
        (target / "solutions").mkdir(exist_ok=True)
        shutil.copy2(root / "solutions" / f"{assignment.id}.py", target / "solutions" / f"{assignment.id}.py")
    torch = any(a.uses_torch for a in assignments)
    write_text(target / "requirements.txt", "\n".join(runtime_requirements(root, torch=False)) + "\n")
    write_text(target / "setup.sh", setup_sh(root, torch), executable=True)
    write_text(target / "run_autograder", run_autograder(assignment_id), executable=True)


def build(course: Course, out: Path) -> list[Path]:
    """Write `out/gradescope/<id>/autograder.zip` for every assignment and `out/gradescope/all/autograder.zip`."""
    root, assignments = course.root, course.assignments
    target = out / "gradescope"
    if target.exists():
        shutil.rmtree(target)
    written = []
    jobs = [(a.id, [a], a.id) for a in assignments.values()] + [(ALL, list(assignments.values()), None)]
    for folder, members, assignment_id in jobs:
        with tempfile.TemporaryDirectory(prefix="grade-gradescope-") as temporary:
            source = Path(temporary)
            write_source(root, members, source, assignment_id)
            written.append(write_zip(target / folder / "autograder.zip", source, EXECUTABLES))
    return written

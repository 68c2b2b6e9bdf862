"""The grader, as root, never follows a path the student's code could have changed (SECURITY.md, "The grader's files").

Without bubblewrap's view the child shares the machine's filesystem as a uid of its own, and can
put a link in place of anything in a folder it may write. The grader used to keep its files for
the child in such a folder and open them by name: the child's printed output (read after each
call, and truncated and handed to the restarted child after a crash) and the submission's source
(written again at each restart). A link there made root read the reference into the feedback, or
truncate the script that runs the grader and hand it to the child as its output file. Each attack
runs in every mode (`modes`: cold and warm, with bubblewrap and without it), and through the
Gradescope zip's run_autograder as Gradescope runs it.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import pytest

from .conftest import replace_definition, solution_source
from .fresh_env import bare_env, run
from .modes import MODES, VIEWS, Mode, gradescope_root, run_sandboxes  # noqa: F401 - gradescope_root: a fixture

TAKE_OVER = '''
import os


def take_over(target):
    """A link to `target` in place of every file of the grader's this process can name: where its output
    goes, its own source, and an output.txt beside either."""
    taken = []
    for path in {os.readlink("/proc/self/fd/1"), __file__, os.path.abspath("output.txt"),
                 os.path.join(os.path.dirname(__file__), "output.txt")}:
        try:
            if os.path.lexists(path):
                os.remove(path)
            os.symlink(target, path)
            taken.append(path)
        except OSError:
            pass
    return taken


def leave():
    os._exit(0)


def say(text):
    print(text, flush=True)
    return "said"
'''


@pytest.mark.parametrize("mode", MODES)
def test_what_the_child_prints_is_never_read_through_a_link_it_made(request, mode: Mode, tmp_path):
    reference = tmp_path / "reference.py"  # root's alone, as the course's references are
    reference.write_text("REFERENCE = 'the solution'\n")
    report = run_sandboxes(request, mode, [(TAKE_OVER, [("take_over", [str(reference)]), ("say", ["after"])])])
    (_, printed), (said, printed_after) = report["sandboxes"][0]["answers"]
    assert "the solution" not in printed + printed_after
    assert (said, printed_after) == ("said", "after\n")


@pytest.mark.parametrize("mode", MODES)
def test_a_restart_writes_no_file_through_a_link_the_child_made(request, mode: Mode, tmp_path):
    script = tmp_path / "run_autograder"  # root's, as the script that runs the grader
    script.write_text("#!/bin/sh\necho graded\n")
    calls = [("take_over", [str(script)]), ("leave", []), ("say", ["echo pwned"])]
    report = run_sandboxes(request, mode, [(TAKE_OVER, calls)])
    assert script.read_text() == "#!/bin/sh\necho graded\n"
    assert report["sandboxes"][0]["answers"][1][0] == "ChildExited"
    assert report["sandboxes"][0]["answers"][2] == ["said", "echo pwned\n"]  # the submission as handed in, reloaded


LITTER = '''
import os


def litter(target):
    """Links to `target` all over this process's own folder, some inside a folder no one may read."""
    os.symlink(target, "link")
    os.makedirs("deep/deeper")
    os.symlink(target, "deep/deeper/link")
    os.symlink(os.path.join(target, "kept.txt"), "deep/file-link")
    os.chmod("deep", 0)
    return os.getcwd()
'''


@pytest.mark.parametrize("mode", MODES)
def test_removing_the_childs_folder_follows_no_link_it_left(request, mode: Mode, tmp_path):
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "kept.txt").write_text("root's own\n")
    report = run_sandboxes(request, mode, [(LITTER, [("litter", [str(kept)])])])
    folder = report["sandboxes"][0]["answers"][0][0]
    assert isinstance(folder, str), folder
    assert (kept / "kept.txt").read_text() == "root's own\n"
    if not mode.view:  # the machine's own folder: gone with the sandbox
        assert not Path(folder).exists()


# --- the Gradescope zip, where the container refuses namespaces ---------------------------------------------

REWRITE_THE_SCRIPT = '''
def predict(X, w, b):
    """Put a link to run_autograder where this process's output goes, and crash: the next test restarts it."""
    try:
        output = _os.readlink("/proc/self/fd/1")
        _os.remove(output)
        _os.symlink(_SCRIPT, output)
    except OSError:
        pass
    _os._exit(0)
'''


def forging_submission(script: Path, marker: Path) -> str:
    """linear_regression whose restarted process, if handed run_autograder as its output, prints shell commands
    there: bash reads its script as it runs it, and runs what follows once the grader has returned."""
    forged = json.dumps({"score": 8.0, "output": "forged", "tests": []})
    commands = "\n" * 20_000 + f"echo '{forged}' >\"$RESULTS/results.json\"; touch {marker}; exit 0\n"
    restarted = (f"import os as _os\n_SCRIPT = {str(script)!r}\n"
                 f"if _os.readlink('/proc/self/fd/1') == _SCRIPT:\n    print({commands!r}, end='', flush=True)\n")
    return restarted + replace_definition(solution_source("linear_regression"), "predict", REWRITE_THE_SCRIPT)


@pytest.mark.slow
@pytest.mark.parametrize("view", VIEWS)
def test_the_gradescope_zip_runs_nothing_a_submission_wrote_into_its_files(request, view, tmp_path):
    root = request.getfixturevalue("gradescope_root")
    tree = Path(tempfile.mkdtemp(dir=root.parent))  # readable by the child's uid where it must be
    tree.chmod(0o755)
    with zipfile.ZipFile(root.parent / "build" / "gradescope" / "linear_regression" / "autograder.zip") as zipped:
        zipped.extractall(tree / "source")
    script = tree / "source" / "run_autograder"
    before = script.read_bytes()
    (tree / "submission").mkdir()
    marker = tmp_path / "ran-as-root"
    (tree / "submission" / "linear_regression.py").write_text(forging_submission(script, marker))
    env = bare_env(AUTOGRADER_ROOT=str(root), AUTOGRADER_SOURCE=str(tree / "source"),
                   AUTOGRADER_SUBMISSION=str(tree / "submission"), AUTOGRADER_RESULTS=str(tree / "results"),
                   **({} if view else {"GRADE_NO_BWRAP": "1"}))
    run(["bash", str(script)], cwd=tree, env=env)
    document = json.loads((tree / "results" / "results.json").read_text())
    assert not marker.exists()
    assert script.read_bytes() == before
    assert document.get("output") != "forged" and document["score"] < document["max_score"]
    assert document["extra_data"]["sandbox"]["user"] == "unprivileged uid of its own"
    assert (document["extra_data"]["sandbox"]["filesystem"] == "unrestricted") == (not view)

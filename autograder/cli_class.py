"""The `grade` command's commands on a class's hand-ins: `batch`, `similarity` and `demo` (`cli.main` adds them).

Like every command, each loads the course once and calls one function; what the package raises for the user
(`errors.GradeError`) becomes one sentence and an exit status in `cli`, nowhere else.
"""

from __future__ import annotations

from pathlib import Path

import click

from .cli_options import backend, console, insecure, jobs
from .course import Course

#: The columns a roster may have, as its help names them.
ROSTER_HELP = ("CSV of the class, a row per student, columns named in its header: name, student_id, email, "
               "canvas_id (Canvas's user id: a Canvas download is matched by it), sis_login_id, github (a Classroom "
               "login), section, submission (the name handed in), extension (or extension_<id>). Every roster "
               "student gets a row in each grade file; one who handed in nothing is 'missing'.")


@click.command(short_help="Grade every hand-in under DIRECTORY, as a platform exports it")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for grades.csv, one results JSON per student and the reports.")
@jobs
@click.option("--resume", is_flag=True, help="Keep the results already in OUTPUT and grade only the rest (refused "
                                             "where the course changed since they were graded: see --regrade).")
@click.option("--regrade", is_flag=True, help="Grade every hand-in again with the course as it is now: the "
                                              "previous results move to OUTPUT/previous/<time>/, and "
                                              "OUTPUT/changes.csv lists each test whose points changed, and why.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help=ROSTER_HELP)
@click.option("--assignment", "assignment_id", metavar="ID",
              help="Grade this assignment only: every total is out of its points. Default: the one assignment the "
                   "folder holds (a platform's download), else the whole course.")
@click.option("--course", "whole_course", is_flag=True,
              help="Grade as the whole course: every total is out of all the course's points, a missing assignment "
                   "scoring 0 (the default where the folder holds several assignments).")
@insecure
@click.option("--layout", type=click.Choice(["auto", "canvas", "gradescope", "classroom", "moodle", "plain"]),
              default="auto", show_default=True,
              help="How DIRECTORY is laid out: a platform's export, or plain folders (one per student).")
@click.option("--broker", default=None, metavar="URL",
              help="Grade on the `grade worker`s of this Celery broker (redis://…) instead of on this machine.")
@backend
def batch(directory: Path, output: Path, jobs: int, resume: bool, regrade: bool, roster: Path | None,
          assignment_id: str | None, whole_course: bool, insecure: bool, layout: str, broker: str | None,
          backend: str | None) -> None:
    """Grade every student's hand-in under DIRECTORY, as a platform exports it (Canvas, Gradescope, GitHub
    Classroom, Moodle) or one folder, zip or set of files per student. A platform's download of one assignment
    is graded as that assignment, out of its points; the grade imports carry only the assignments graded."""
    if broker and insecure:
        raise click.UsageError("--insecure is each worker's own choice: pass it to `grade worker`, not to the batch")
    from .batch import run_batch
    from .layouts.roster import read_roster

    course = Course.load()
    if assignment_id is not None:
        course.get(assignment_id)
    if roster is not None:
        read_roster(roster)
    run_batch(course, directory, output, jobs=jobs, resume=resume, regrade=regrade, assignment_id=assignment_id,
              whole_course=whole_course, console=console(), roster=roster, insecure=insecure, layout=layout,
              broker=broker, backend=backend)


@click.command(short_help="Pairs of hand-ins under DIRECTORY whose code is alike")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for similarity.csv, index.md, index.html and a page per pair.")
@click.option("--archive", "archives", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of earlier terms' submissions to compare with too (repeat for several).")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None, metavar="X",
              help="The matched share (0 to 1) at which a pair is listed as suspicious [default: 0.6].")
@click.option("--boilerplate", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="A folder of <id>.py files: code the course handed out besides the templates, left out.")
@click.option("--assignment", "assignment_id", metavar="ID",
              help="Compare this assignment's hand-ins only [default: every assignment handed in].")
def similarity(directory: Path, output: Path, archives: tuple[Path, ...], threshold: float | None,
               boilerplate: Path | None, assignment_id: str | None) -> None:
    """Pairs of submissions under DIRECTORY whose code is suspiciously alike, per assignment (never run)."""
    from .similarity.report import THRESHOLD, write_similarity

    course = Course.load()
    if assignment_id is not None:
        course.get(assignment_id)
    write_similarity(course, directory, output, archives=list(archives), assignment_id=assignment_id,
                     boilerplate=boilerplate, threshold=THRESHOLD if threshold is None else threshold, echo=click.echo)


@click.command(short_help="Grade the bundled examples; say what is wrong with each")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("grades"),
              show_default=True, help="Folder for grades.csv and the results.")
@jobs
def demo(output: Path, jobs: int) -> None:
    """Grade the bundled examples: the solutions, the untouched templates and a few wrong submissions; end with a
    line per example saying what is wrong with it and what it scored."""
    import tempfile

    from .batch import run_batch
    from .demo import assemble, verdicts

    course = Course.load()
    shown = console()
    with tempfile.TemporaryDirectory(prefix="grade-demo-") as folder:
        results = run_batch(course, assemble(course.root, Path(folder)), output, jobs=jobs, console=shown)
    for line in verdicts(course.root, results):
        shown.print(line, markup=False, soft_wrap=True)

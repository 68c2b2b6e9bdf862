"""The `grade` command: a thin click group; each command loads the course once and calls one function.

Every error the package raises for the user (`errors.GradeError`: a broken course, an unknown assignment,
an unreadable submission or roster) is printed as its one sentence and exits with its class's status,
here and nowhere else (`_Grade.invoke`), as click maps its own exceptions.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import edition
from .cli_class import batch, demo, similarity
from .cli_options import backend as _backend
from .cli_options import console as _console
from .cli_options import insecure as _insecure
from .course import Course
from .errors import GradeError, UsageError

if TYPE_CHECKING:
    from .results import SubmissionResult

# numpy, the checks and the reports are imported inside the commands, after the student's
# process has been started, so that the two start-ups overlap (see benchmarks/check_speed.py)


class _Grade(click.Group):
    """Turns the package's errors into one sentence and an exit status; offers this copy's commands (`edition`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return edition.offered(super().list_commands(ctx))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands and (why := edition.refusal(cmd_name)):
            raise click.UsageError(why, ctx)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its summary in full (its `short_help`, else its help's first sentence), never cut."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None and not command.hidden:
                first = " ".join((command.help or "").split("\n\n")[0].split()).split(". ")[0].rstrip(".")
                rows.append((name, (command.short_help or first).rstrip(".")))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GradeError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Grade, context_settings={"max_content_width": 120})
@click.version_option(package_name="nn-course-autograder")
def main() -> None:
    """Autograder for the neural-networks course: check and grade assignments."""
    for stream in (sys.stdout, sys.stderr):  # a byte of a file name that is not UTF-8 is printed escaped
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


@main.command("list")
def list_command() -> None:
    """The assignments, their questions and points."""
    from rich.table import Table

    table = Table(title="Assignments")
    for column in ("#", "id", "question", "functions", "points"):
        table.add_column(column, justify="right" if column in ("#", "points") else "left")
    for a in Course.load().chosen():
        for i, q in enumerate(a.questions):
            table.add_row(str(a.number) if i == 0 else "", a.id if i == 0 else "", q.name,
                          ", ".join(q.functions), f"{q.points:g}")
        table.add_row("", "", "[bold]total[/]", "", f"[bold]{a.points:g}[/]")
        table.add_section()
    _console().print(table)


_format = click.option("--format", "output_format", type=click.Choice(["text", "json", "results"]), default="text",
                       show_default=True, help="json: Gradescope's results.json on standard output; results: the "
                                               "grader's own results JSON (type-tagged).")
_assignment = click.option("--assignment", "assignment_id", metavar="ID",
                           help="The assignment, when the file name does not say it.")
_min_score = click.option("--min-score", type=float, default=None, metavar="X",
                          help="Exit with status 1 when the score is below X.")
_submission = click.argument("submission", type=click.Path(exists=True, path_type=Path))


def _grade(course: Course, path: Path, assignment_id: str | None, hidden: bool, insecure: bool = False,
           student: str = "") -> SubmissionResult:
    """`path` graded by the one owner of grading (`grader.grade`); a hand-in that cannot be read, or may not be
    graded here, is the command's usage error (exit 2), as it names what to do."""
    from .grader import Context, grade
    from .results import Status

    if assignment_id is not None:
        course.get(assignment_id)
    result = grade(course, path, Context(hidden=hidden, assignment=assignment_id, insecure=insecure,
                                         student=student))
    if result.status.is_input_problem or result.status is Status.REFUSED:
        raise UsageError(result.reason)
    if result.status is Status.FAILED:
        raise GradeError(result.reason)
    return result


def _report(result: SubmissionResult, output_format: str, min_score: float | None, public_only: bool = False) -> None:
    from .scoring import total

    if output_format in ("json", "results"):
        from .reports.files import MAX_RESULTS_BYTES, cut_strings, within
        from .reports.gradescope import gradescope_json
        from .results import to_json

        document = (gradescope_json(result.assignments, result.extra) if output_format == "json"
                    else to_json(result))
        click.echo(within(lambda cap: json.dumps(cut_strings(document, cap), indent=2), MAX_RESULTS_BYTES))
    else:
        from .reports.terminal import print_results

        console = _console()
        print_results(result.assignments, console, public_only=public_only)
        for note in result.extra["sandbox"]["notes"]:
            console.print(f"[dim]sandbox: {note}[/]")
    score, _ = total(result.assignments)
    if min_score is not None and score < min_score:
        sys.exit(1)


@main.command()
@_submission
@_assignment
@_format
@_min_score
def check(submission: Path, assignment_id: str | None, output_format: str, min_score: float | None) -> None:
    """Run the public tests on SUBMISSION, with feedback (for students)."""
    _report(_grade(Course.load(), submission, assignment_id, hidden=False), output_format, min_score,
            public_only=True)


@main.command(short_help="Run all tests on SUBMISSION (in a bundle: the public ones)")
@_submission
@_assignment
@_format
@_min_score
@_insecure
@click.option("--student", default="", hidden=True,
              help="The student whose own hidden inputs to use (grade batch passes it); none: the course's.")
@click.option("--gradescope-metadata", "metadata", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, hidden=True, help="Gradescope's submission_metadata.json: the student (their own hidden "
                                              "inputs) and the submission time (course.toml's late policy).")
def run(submission: Path, assignment_id: str | None, output_format: str, min_score: float | None,
        insecure: bool, student: str, metadata: Path | None) -> None:
    """Run all tests on SUBMISSION (in a student bundle: public tests only)."""
    course = Course.load()
    facts = None
    if metadata is not None:
        from .layouts.gradescope import metadata_json

        try:
            facts = metadata_json(metadata)
        except (OSError, ValueError, TypeError, AttributeError) as exc:  # never the student's fault
            click.echo(f"warning: {metadata} is not Gradescope's submission metadata ({exc}): graded with the "
                       f"course's inputs and no late policy", err=True)
        student = student or (facts["student"] if facts else "")
    result = _grade(course, submission, assignment_id, hidden=True, insecure=insecure, student=student)
    if not course.has_hidden_tests([r.assignment for r in result.assignments]):
        click.echo("note: this copy of the course has no hidden tests (they stay with the instructor), so "
                   "`grade run` ran the public tests only, like `grade check`; your submission is graded with "
                   "more cases.", err=True)
    if facts is not None:
        from .layouts.gradescope import apply_late_policy

        apply_late_policy(result.assignments, course.settings, facts)
    _report(result, output_format, min_score)


@main.command(short_help="Grade the tasks of `grade batch --broker` on this machine")
@click.option("--broker", required=True, metavar="URL", help="The Celery broker (and result backend): redis://…")
@click.option("--concurrency", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Submissions graded at once: one warm grading process each.")
@click.option("--queues", default=None, metavar="Q1,Q2",
              help="Queues to consume [default: cpu, and gpu where this machine has CUDA].")
@click.option("--visibility-timeout", type=click.FloatRange(1), default=None, metavar="SECONDS",
              help="How long a task of a worker that died waits before another worker takes it [default: 3600].")
@_insecure
@_backend
def worker(broker: str, concurrency: int, queues: str | None, visibility_timeout: float | None,
           insecure: bool, backend: str | None) -> None:
    """Grade the tasks of `grade batch --broker` on this machine, with warm workers (a Celery worker)."""
    from .cluster.app import VISIBILITY_TIMEOUT
    from .cluster.serve import serve
    from .processes import exposure

    course = Course.load()
    if not insecure and (problem := exposure(course, course.ids)):
        raise UsageError(problem)
    serve(course, broker, backend=backend, concurrency=concurrency,
          queues=[q for q in (queues or "").split(",") if q] or None, insecure=insecure,
          visibility_timeout=visibility_timeout or VISIBILITY_TIMEOUT, echo=click.echo)


@main.command(short_help="Train the reference MNIST network, with a PNG of its curves")
@click.option("--epochs", type=click.IntRange(1, 1000), default=10, show_default=True, help="Epochs to train.")
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder with the four MNIST files (default: $MNIST_DIR, else the shipped 5,000-digit sample).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("mnist_training.png"),
              show_default=True, help="PNG of the loss and accuracy curves.")
@click.option("--device", default="auto", show_default=True, help="auto (CUDA when available), cpu or cuda.")
@click.option("--threads", type=click.IntRange(1, 256), default=None, help="PyTorch CPU threads (default: PyTorch's).")
def train(epochs: int, data_dir: Path | None, output: Path, device: str, threads: int | None) -> None:
    """Train the reference MNIST network of assignment 11: a progress bar per epoch, a PNG of its curves."""
    from .training_demo import train_demo

    try:
        train_demo(Course.load(), epochs=epochs, data_dir=data_dir, output=output, device=device, threads=threads,
                   console=_console())
    except ValueError as exc:  # the data is not MNIST's: what to do is in the sentence
        raise UsageError(str(exc)) from None


@main.command(short_help="Check that each solution scores full marks, each template zero")
def verify() -> None:
    """Every solution scores full marks and every student template scores zero."""
    from .verify import verify_course

    if not verify_course(Course.load(), _console()):
        sys.exit(1)


@main.command(short_help="Build the student bundle and the course's distributions")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for student/, gradescope/, otter/ and classroom/.")
@click.option("--only", "targets", multiple=True,
              type=click.Choice(["student", "gradescope", "otter", "classroom"]),
              help="Build only this distribution (repeat the option for several); all by default.")
def build(output: Path, targets: tuple[str, ...]) -> None:
    """Build the student bundle, the Gradescope autograders, Otter notebooks and a GitHub Classroom repository."""
    from .distribute import build_all

    try:
        built = build_all(Course.load(), output, list(targets) or None)
    except FileNotFoundError as exc:  # a template not generated yet: the sentence says to run `grade templates`
        raise GradeError(str(exc)) from None
    for target, paths in built.items():  # every file there, those copied with a folder included
        folder = output / target
        count = sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else len(paths)
        click.echo(f"{target}: {count} files in {folder}")


@main.command(short_help="Regenerate student_template/ from solutions/")
@click.argument("assignment_ids", nargs=-1, metavar="[ID]...")
@click.option("--check", "check_only", is_flag=True, help="Only report whether the files are up to date.")
def templates(assignment_ids: tuple[str, ...], check_only: bool) -> None:
    """Regenerate student_template/ (modules and notebooks) from solutions/ (all, or the IDs given)."""
    from .build import stale_templates, write_templates

    course, only = Course.load(), list(assignment_ids) or None
    course.chosen(only)  # each id checked
    if check_only:
        stale = stale_templates(course, only)
        for path in stale:
            click.echo(f"out of date: {path}")
        sys.exit(1 if stale else 0)
    for path in write_templates(course, only):
        click.echo(f"wrote {path}")


for command in (batch, similarity, demo):  # the class's commands (cli_class)
    main.add_command(command)

if __name__ == "__main__":
    main()

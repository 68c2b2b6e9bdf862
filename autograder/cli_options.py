"""What several of the `grade` command's commands share, written once: the console they print to, and options."""

from __future__ import annotations

import click
from rich.console import Console


def console() -> Console:
    """The terminal, or (logs, CI) a console wide enough for the score tables."""
    found = Console(highlight=False, soft_wrap=False)
    if not found.is_terminal:
        found = Console(highlight=False, soft_wrap=False, width=max(found.width, 120))
    return found


jobs = click.option("-j", "--jobs", type=click.IntRange(1, 64), default=2, show_default=True,
                    help="Submissions graded at once.")
backend = click.option("--backend", default=None, metavar="URL",
                       help="Where results are stored [default: the broker, a Redis]; a Redis when the broker is "
                            "RabbitMQ.")
insecure = click.option("--insecure", is_flag=True,
                        help="Grade even where the student's code could read the references and hidden tests "
                             "(no bubblewrap, no uid of its own); the results say so.")

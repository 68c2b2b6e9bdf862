"""`grade worker --broker URL`: warm grading processes (`autograder.grading_process`) serving a Celery queue."""

from __future__ import annotations

import os

from .. import cuda
from ..course import Course
from ..processes import template_kinds
from ..sandbox.templates import Templates
from .app import CPU_QUEUE, GPU_QUEUE, VISIBILITY_TIMEOUT, make_app
from .tasks import register


def default_queues() -> list[str]:
    """The CPU queue, and the GPU queue where this machine has CUDA."""
    return [CPU_QUEUE, GPU_QUEUE] if cuda.available() else [CPU_QUEUE]


def serve(course: Course, broker: str, *, backend: str | None = None, concurrency: int = 2,
          queues: list[str] | None = None,
          insecure: bool = False, visibility_timeout: float = VISIBILITY_TIMEOUT, echo=print) -> None:
    """Run a Celery worker on `broker`: `concurrency` threads, each with its own long-lived grading process,
    all forking student processes from this machine's warm templates, consuming `queues`. Returns when
    the worker is stopped."""
    app = make_app(broker, backend=backend, visibility_timeout=visibility_timeout)
    queues = queues or default_queues()
    echo(f"grade worker: course version {course.version}, queues {', '.join(queues)}, "
         f"{concurrency} grading processes")
    with Templates() as templates:
        templates.prestart(template_kinds(course.chosen()))
        register(app, course, insecure=insecure, templates=templates)
        app.worker_main(["worker", "--pool=threads", f"--concurrency={concurrency}", f"--queues={','.join(queues)}",
                         "--loglevel=WARNING", f"--hostname=grade-{os.getpid()}@%h", "--without-gossip",
                         "--without-mingle"])

"""The Celery application both sides build from one broker URL (Redis: broker and result backend)."""

from __future__ import annotations

from typing import Any

#: The task every worker runs, and the queues: GPU workers also consume `gpu` (where an assignment that declares
#: `gpu = true` goes).
TASK = "autograder.grade_part"
CPU_QUEUE, GPU_QUEUE = "cpu", "gpu"
#: Seconds a task taken by a worker may stay unacknowledged before the broker gives it to another (the
#: worker died): longer than any grade takes (an assignment's budget is at most a few minutes).
VISIBILITY_TIMEOUT = 3600


def make_app(broker: str, *, backend: str | None = None,
             visibility_timeout: float = VISIBILITY_TIMEOUT) -> Any:
    """A Celery app on `broker`, with `backend` (default: the broker, a Redis) for results. Tasks are
    acknowledged late, after their result is stored, so a worker that dies mid-grade leaves its task to be
    given to another; JSON only, never pickle."""
    from celery import Celery

    app = Celery("autograder", broker=broker, backend=backend or broker)
    restore_every = max(1, min(10, int(visibility_timeout / 4)))
    transport = {"visibility_timeout": visibility_timeout,
                 # how often a worker looks for tasks whose worker died (kombu's Redis transport)
                 "unacked_restore_interval": restore_every, "unacked_restore_throttle": 1,
                 # the lock a worker holds while it looks (milliseconds): a broker restarted meanwhile keeps it
                 # (append-only file), and with kombu's 300 s no task came back for five minutes
                 "unacked_mutex_expire": 3 * restore_every + 2}
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"], result_accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=CPU_QUEUE, task_track_started=True, result_expires=7 * 24 * 3600,
        broker_transport_options=transport, result_backend_transport_options=transport,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    return app

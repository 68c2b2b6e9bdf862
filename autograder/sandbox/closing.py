"""Closed sandboxes whose warm child was signalled but not yet reaped.

A forked torch process takes the kernel milliseconds to tear down. `Sandbox.close` of a warm
child alone in its cgroup only sends the signals and leaves the rest here; `finish` releases
each once its child has ended (its uid swept, its cgroup removed, its scratch folder deleted):
at the next close without waiting, and at the end of a submission or of a worker waiting.
"""

from __future__ import annotations

from typing import Protocol


class Releasable(Protocol):
    """A closed sandbox as this module keeps it (`runner.Sandbox`)."""

    def ended(self) -> bool: ...

    def release(self) -> None: ...


_closing: list[Releasable] = []


def defer(sandbox: Releasable) -> None:
    """Keep `sandbox` (signalled) until its child has ended; release those that have meanwhile."""
    _closing.append(sandbox)
    finish(wait=False)


def finish(*, wait: bool = True) -> None:
    """Release the closed sandboxes whose children have ended (with `wait`, all of them, waiting for each)."""
    for sandbox in list(_closing):
        if wait or sandbox.ended():
            _closing.remove(sandbox)
            sandbox.release()

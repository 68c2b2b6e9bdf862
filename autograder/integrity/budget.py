"""Work on a submission's source, on the grader's side, within a budget of time and memory.

The source check parses and walks what a student wrote, so what it costs is up to the student: a
2 MiB file of `a;` with a syntax error every few lines once took the grader 75 s and 3.1 GiB. Here
the work runs in a child forked from the grader (a fork, not a new interpreter: it costs about a
millisecond and finds everything already imported), under an address-space limit, a CPU-time limit and
a wall-clock deadline; its result crosses back as JSON on a pipe, capped in size. Whatever happens in
the child, the grader gets the result or `OverBudget`, never the child's exception or its memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import signal
import time
import warnings
from collections.abc import Callable
from typing import Any

_monotonic = time.monotonic

#: Memory the check may take beyond what the grader's process already holds, in bytes.
MEMORY_BYTES = 768 * 1024**2
#: CPU seconds the check may use, and the wall-clock seconds the grader waits for it (a busy machine).
CPU_SECONDS, WALL_SECONDS = 5, 30.0
#: The largest result read back, in bytes.
MAX_RESULT_BYTES = 4 * 1024**2


class OverBudget(Exception):
    """The work did not finish within its budget; the message says which, as the end of a sentence."""


def within_budget(work: Callable[[], Any], *, memory: int = MEMORY_BYTES, cpu: int = CPU_SECONDS,
                  wall: float = WALL_SECONDS) -> Any:
    """`work()`'s result (plain data), computed in a forked child under the limits; `OverBudget` when the
    child ran out of memory, CPU time or wall-clock time. Where the system cannot fork, `work()` here."""
    if not hasattr(os, "fork"):
        return work()
    read, write = os.pipe()
    with warnings.catch_warnings():  # a grader with threads (torch's) forks anyway: the child runs no thread
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; measured by the tests through its result
        os.close(read)
        _child(work, write, memory, cpu)
    os.close(write)
    try:
        data, complete = _read(read, _monotonic() + wall)
    finally:
        os.close(read)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if not complete:
        raise OverBudget(f"checking it took longer than {wall:g} s")
    try:
        answer = json.loads(data)
    except ValueError:
        answer = None
    if isinstance(answer, dict) and "error" in answer:  # the check's own failure: the grader's, as before
        raise RuntimeError(f"the source check failed: {answer['error']}")
    if not isinstance(answer, dict) or "result" not in answer:
        reason = answer.get("over") if isinstance(answer, dict) else None
        if reason is None and os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
            reason = f"checking it took more than {cpu} s of CPU time"
        raise OverBudget(reason or f"checking it needed more than {memory // 1024**2} MiB of memory")
    return answer["result"]


def _child(work: Callable[[], Any], write: int, memory: int, cpu: int) -> None:
    """In the forked child: limit, work, write the result as one JSON document, exit without cleanup."""
    status = 0
    try:
        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (size + memory, size + memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings of the student's source are not the grader's
            answer: dict[str, Any] = {"result": work()}
    except MemoryError:
        answer = {"over": f"checking it needed more than {memory // 1024**2} MiB of memory"}
    except BaseException as exc:  # noqa: BLE001 - a failure of the check is the grader's, reported as data
        answer, status = {"error": f"{type(exc).__name__}: {exc}"[:500]}, 1
    try:
        data = json.dumps(answer).encode()
        for start in range(0, len(data), 65536):
            os.write(write, data[start:start + 65536])
    except BaseException:  # noqa: BLE001 - nothing may run the grader's own code after the fork
        status = 1
    os._exit(status)


def _read(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything written to `fd` until it closes (complete) or `deadline` passes, at most MAX_RESULT_BYTES."""
    chunks, size = [], 0
    while size <= MAX_RESULT_BYTES:
        left = deadline - _monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return b"", False
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    raise OverBudget(f"checking it gave more than {MAX_RESULT_BYTES // 1024**2} MiB of results")

"""The student's process: set its limits, load the submission, then answer requests with plain data.

Started by the grader's `runner` as

    python -I -B -u RUNTIME/__main__.py REQUEST_FD RESPONSE_FD SOURCE_FILE MODULE_NAME LIMITS_JSON

or forked from a warm template (`template.py`), which calls `run` once the child is confined.

It knows nothing of expected values, tests, references or scores. On the response
channel it first says that the runtime started (or why it could not: the grader's
failure, never the student's); then, once the grader sends its first line (`LOAD`: it may
start the process ahead of the tests), it guards what the submission's functions must not call
(`guard`, as `LOAD` says), reports how importing the submission went (`loader`), then answers
requests (`session`) until the grader closes the channel.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import signal
import sys
import warnings
from collections.abc import Callable
from typing import BinaryIO

from . import guard, protocol
from .errors import GRADER
from .loader import load_module
from .session import Session, error_data

#: The first message: the runtime is up, before any student code runs.
STARTED = {"runtime": "started"}
#: The grader's first line: load the submission now (with "forbid": `{function: [rule, ...]}` and "policy"
#: where the assignment forbids library calls: `guard.install`).
LOAD = {"id": 0, "op": "load"}


def apply_limits(limits: dict[str, int]) -> None:
    """Set the rlimits named in `limits` (`cpu_seconds`, `memory_bytes`, ...); 0 means unset.

    `memory_bytes` caps the address space (RLIMIT_AS), which CUDA cannot live with: it
    reserves tens of GiB of addresses at start-up. `data_bytes` (RLIMIT_DATA) caps
    writable private memory instead, which CUDA's reservations do not count against.
    """
    table = {
        "cpu_seconds": resource.RLIMIT_CPU,
        "memory_bytes": resource.RLIMIT_AS,
        "data_bytes": resource.RLIMIT_DATA,
        "file_size_bytes": resource.RLIMIT_FSIZE,
        "open_files": resource.RLIMIT_NOFILE,
        "processes": resource.RLIMIT_NPROC,
    }
    for key, which in table.items():
        value = int(limits.get(key, 0))
        if value > 0:
            resource.setrlimit(which, (value, value))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # A write past the file-size limit then fails with an error instead of killing us.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def warm_up(preload: list[str]) -> None:
    """Import the framework's packages, and with torch take one tiny training step with each common
    optimizer: torch's first optimizer step and DataLoader pull in seconds of lazy imports, which
    would otherwise be charged to the first test that trains."""
    for package in preload:
        importlib.import_module(package)
    if "torch" not in preload:
        return
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    batches = DataLoader(TensorDataset(torch.zeros(4, 4), torch.zeros(4, dtype=torch.long)), batch_size=2)
    for optimizer in (torch.optim.SGD(model.parameters(), lr=0.1), torch.optim.Adam(model.parameters())):
        for x, y in batches:
            model.zero_grad(set_to_none=True)
            torch.nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()
    with torch.no_grad():
        model(torch.zeros(1, 4)).argmax(dim=1)


def serve(session: Session, requests: object, respond: Callable[[bytes], object]) -> None:
    """Answer each request line until the channel closes."""
    for line in requests:
        respond(protocol.dumps(session.answer(protocol.loads(line))))


def main(argv: list[str]) -> None:
    request_fd, response_fd = int(argv[0]), int(argv[1])
    path, name, limits = argv[2], argv[3], json.loads(argv[4])
    response = os.fdopen(response_fd, "wb", buffering=0)
    try:
        apply_limits(limits)
        # The framework's own imports, before any student code: never charged to the student's import
        # budget (torch's first import on a cold disk takes many seconds), and done before any
        # monkeypatching could change them.
        warm_up(limits.get("preload", ["numpy"]))
    except BaseException as exc:  # noqa: BLE001 - a runtime that cannot start is the grader's failure
        response.write(protocol.dumps({"id": 0, "ok": False, "error": error_data(exc, GRADER)}))
        return
    run(os.fdopen(request_fd, "rb"), response, path, name)


def run(requests: BinaryIO, response: BinaryIO, path: str, name: str) -> None:
    """Say the runtime started; once the grader asks (`LOAD`), guard what it forbids and load the submission
    at `path` as module `name`; then serve requests."""
    response.write(protocol.dumps({"id": 0, "ok": True, "value": STARTED}))
    warnings.showwarning = _warning_line
    warnings.simplefilter("always")  # a test's warnings with that test's output, not only the first time
    load = requests.readline()
    if not load:  # the grader started this process ahead of its tests, and never needed it
        return
    request = protocol.loads(load)
    from .recipes import load_course  # deferred: a child that is never asked to load needs none of it

    load_course(request.get("recipes", []))  # before the student's code: what it builds must be the course's
    forbidden = guard.install(request.get("forbid"), request.get("policy"), os.path.basename(path))
    module, report = load_module(path, name)
    response.write(protocol.dumps({"id": 0, "ok": True, "value": report}))
    serve(Session(module.__dict__, forbidden=forbidden), requests, response.write)


#: How a warning is written to the output: a report shows such lines apart from what the code printed.
WARNING = "warning: "


def _warning_line(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: object = None, line: str | None = None) -> None:
    """A warning on one line of its own (`WARNING`), not Python's two-line form."""
    sys.stderr.write(f"{WARNING}{category.__name__}: {message}\n")


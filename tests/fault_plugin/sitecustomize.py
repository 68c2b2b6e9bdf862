"""Fault injection for the tests, in the grader's own processes: the batch's workers, `grade worker`, the
similarity report. A test puts this folder on PYTHONPATH and names the faults in $GRADE_TEST_FAULTS:

    module:function:needle:action[;...]     e.g. autograder.loading:read_submission:bob:raise

Before anything else is imported, `module.function` is wrapped: called with arguments whose text holds
`needle`, it raises RuntimeError ("raise") or kills its process ("kill"), as a grader bug or a submission that
kills its grader would. Nothing of this is in the package: production code has no test hooks.
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
from collections.abc import Callable
from typing import Any

INJECTED = "injected fault"


def broken(original: Callable[..., Any], needle: str, action: str = "raise") -> Callable[..., Any]:
    """`original`, failing (`action`: "raise" or "kill") when called with arguments whose text holds `needle`."""

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if needle in repr(args) + repr(kwargs):
            if action == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError(f"{INJECTED} for {needle}")
        return original(*args, **kwargs)

    return wrapper


def _install(spec: str) -> None:
    for entry in filter(None, spec.split(";")):
        module_name, function_name, needle, action = entry.split(":")
        module = importlib.import_module(module_name)
        setattr(module, function_name, broken(getattr(module, function_name), needle, action))


if os.environ.get("GRADE_TEST_FAULTS"):
    _install(os.environ["GRADE_TEST_FAULTS"])

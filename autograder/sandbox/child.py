"""The student's process: load the submission, then answer calls with plain data.

Run as a script by `runner`, never imported by the grader:

    python -I -B child.py REQUEST_FD RESPONSE_FD SOURCE_FILE MODULE_NAME LIMITS_JSON

It knows nothing of expected values, tests, references or scores. It applies
its resource limits before reading any student code, imports the submission one
top-level statement at a time (so one broken definition does not hide the
others), then serves requests until the grader closes the channel.
"""

from __future__ import annotations

import ast
import json
import os
import resource
import signal
import sys
import traceback
import types
import warnings
from typing import Any


def _sibling(name: str) -> types.ModuleType:
    """Import a module beside this file without putting this folder on sys.path."""
    import importlib.util

    path = os.path.join(os.path.dirname(__file__), f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_grade_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


protocol = _sibling("protocol")

MAX_TRACEBACK_CHARS = 4000
MAX_WARNINGS = 5


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


def split_statements(source: str, filename: str) -> tuple[list[tuple[int, Any]], list[dict]]:
    """Compile `source` into top-level statements, salvaging what a syntax error spares.

    Returns `(code objects with their first line, syntax errors)`; each error is
    `{"line", "message", "names"}` where `names` are the definitions it hid.
    """
    try:
        tree = ast.parse(source, filename)
    except SyntaxError:
        return _salvage(source, filename)
    compiled = []
    for node in tree.body:
        module = ast.Module(body=[node], type_ignores=[])
        compiled.append((node.lineno, compile(module, filename, "exec")))
    return compiled, []


def _chunks(lines: list[str]) -> list[tuple[int, int]]:
    """Line ranges [start, end) that begin at column 0 with code (decorators join their def)."""
    starts: list[int] = []
    for i, line in enumerate(lines):
        continuation = line[:1] in ("", " ", "\t", "\n", "#", ")", "]", "}")
        if continuation or line.startswith(("else", "elif", "except", "finally")):
            continue
        after_decorators = starts and all(lines[j].startswith("@") for j in range(starts[-1], i))
        if not after_decorators:
            starts.append(i)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return [(s, e) for s, e in zip(starts, starts[1:] + [len(lines)])]


def _salvage(source: str, filename: str) -> tuple[list[tuple[int, Any]], list[dict]]:
    lines = source.splitlines(keepends=True)
    chunks = _chunks(lines)
    compiled, errors = [], []
    i = 0
    while i < len(chunks):
        start = chunks[i][0]
        for j in range(i, min(i + 4, len(chunks))):
            end = chunks[j][1]
            text = "\n" * start + "".join(lines[start:end])
            try:
                tree = ast.parse(text, filename)
            except SyntaxError as exc:
                error = exc
                continue
            for node in tree.body:
                module = ast.Module(body=[node], type_ignores=[])
                compiled.append((node.lineno, compile(module, filename, "exec")))
            i = j + 1
            break
        else:
            end = chunks[i][1]
            chunk_error = _first_error("\n" * start + "".join(lines[start:end]), filename) or error
            errors.append({
                "line": chunk_error.lineno or start + 1,
                "message": f"{type(chunk_error).__name__}: {chunk_error.msg}",
                "names": _defined_names(lines[start:end]),
            })
            i += 1
    return compiled, errors


def _first_error(text: str, filename: str) -> SyntaxError | None:
    try:
        ast.parse(text, filename)
    except SyntaxError as exc:
        return exc
    return None


def _defined_names(lines: list[str]) -> list[str]:
    names = []
    for line in lines:
        for keyword in ("def ", "async def ", "class "):
            if line.startswith(keyword):
                names.append(line[len(keyword):].split("(")[0].split(":")[0].strip())
        head = line.split("=")[0].strip()
        if "=" in line and not line.startswith((" ", "\t")) and head.isidentifier():
            names.append(head)
    return names


def load_module(path: str, name: str) -> tuple[types.ModuleType, dict]:
    """Execute the submission statement by statement; report what failed."""
    with open(path, encoding="utf-8") as f:
        source = f.read()
    module = types.ModuleType(name)
    module.__file__ = os.path.abspath(path)
    sys.modules[name] = module
    compiled, syntax_errors = split_statements(source, os.path.basename(path))
    runtime_errors = []
    for line, code in compiled:
        try:
            exec(code, module.__dict__)
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything, SystemExit included
            runtime_errors.append({"line": line, "message": _describe(exc), "traceback": _traceback(exc)})
    report = {"syntax_errors": syntax_errors, "runtime_errors": runtime_errors}
    return module, report


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 500 else text[:500] + "…"


def _traceback(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if not f.filename.endswith(("child.py", "recipes.py"))]
    text = "".join(traceback.format_list(own)) + _describe(exc)
    return text[-MAX_TRACEBACK_CHARS:]


class Objects:
    """Objects that stay in this process, referred to by the grader through handles."""

    def __init__(self) -> None:
        self._items: dict[int, Any] = {}

    def store(self, value: Any) -> protocol.Handle:
        self._items[len(self._items) + 1] = value
        return protocol.Handle(len(self._items), f"{type(value).__module__}.{type(value).__qualname__}")

    def get(self, handle: protocol.Handle) -> Any:
        return self._items[handle.id]


def build(value: Any, objects: Objects) -> Any:
    """Replace recipes and handles in decoded arguments by the live objects."""
    if isinstance(value, protocol.Recipe):
        recipes = sys.modules.get("_grade_recipes") or _sibling("recipes")  # deferred: it may import torch
        return recipes.build(value.name, build(value.args, objects))
    if isinstance(value, protocol.Handle):
        return objects.get(value)
    if isinstance(value, list):
        return [build(v, objects) for v in value]
    if isinstance(value, tuple):
        return tuple(build(v, objects) for v in value)
    if isinstance(value, dict):
        return {k: build(v, objects) for k, v in value.items()}
    if hasattr(value, "flags"):  # decoded arrays arrive read-only; students may write to theirs
        return value.copy()
    return value


def serve(module: types.ModuleType, requests: Any, respond: Any) -> None:
    objects = Objects()
    for line in requests:
        request = protocol.loads(line)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = handle_request(module, request, objects)
                reply = {"id": request["id"], "ok": True, "value": protocol.encode(value, objects.store)}
            except BaseException as exc:  # noqa: BLE001 - report every failure as data
                reply = {"id": request["id"], "ok": False, "error": {
                    "type": type(exc).__name__,
                    "mro": [c.__name__ for c in type(exc).__mro__],
                    "message": _describe(exc),
                    "traceback": _traceback(exc),
                }}
        reply["warnings"] = [f"{w.category.__name__}: {w.message}"[:300] for w in caught[:MAX_WARNINGS]]
        respond(protocol.dumps(reply))


def handle_request(module: types.ModuleType, request: dict, objects: Objects) -> Any:
    op = request["op"]
    if op == "get":
        return _lookup(module, request["name"])
    if op == "build":
        return build(protocol.decode(request["recipe"]), objects)
    if op == "call":
        target = protocol.decode(request["target"])
        function = objects.get(target) if isinstance(target, protocol.Handle) else _lookup(module, target)
        if request.get("method"):
            function = getattr(function, request["method"])
        args = build(protocol.decode(request["args"]), objects)
        kwargs = build(protocol.decode(request["kwargs"]), objects)
        return function(*args, **kwargs)
    raise ValueError(f"unknown operation {op!r}")


class MissingName(Exception):
    """The grader asked for a name the submission does not define."""


def _lookup(module: types.ModuleType, name: str) -> Any:
    if name not in module.__dict__:
        raise MissingName(f"{name} is not defined in your submission")
    return module.__dict__[name]


def main() -> None:
    request_fd, response_fd = int(sys.argv[1]), int(sys.argv[2])
    path, name, limits = sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
    apply_limits(limits)
    requests = os.fdopen(request_fd, "rb")
    response = os.fdopen(response_fd, "wb", buffering=0)

    def respond(data: bytes) -> None:
        response.write(data)

    import numpy  # noqa: F401 - loaded before student code so monkeypatching it changes nothing here first

    module, report = load_module(path, name)
    respond(protocol.dumps({"id": 0, "ok": True, "value": report}))
    serve(module, requests, respond)


if __name__ == "__main__":
    main()

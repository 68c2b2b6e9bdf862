"""Forbidden library calls, enforced where they run: guards put in the student's process before their code.

The grader's `LOAD` names, per function of the submission, the library names it must not use
(assignment.toml's `forbidden`, e.g. `fit_closed_form: ["numpy.linalg.lstsq", "numpy.polyfit"]`) and
the course's policy. Before the submission is imported, `install` finds the objects those names stand
for (`targets`: a function; for a module, the functions it defines and exports) and replaces every
module attribute in the process that *is* one of them with a guard. So `np.linalg.lstsq`,
`np.linalg._linalg.lstsq`, `vars(np.linalg)["lstsq"]`, `sys.modules["numpy.linalg"].lstsq`, a name
imported at the submission's top level and the `lstsq` numpy's own `polyfit` calls are all the guard:
no spelling reaches the original through a module.

While a call of a function that forbids it runs (`forbidding`), a guard records the use (the rule, the
line of the submission that led to it) and, under the "zero" policy, raises `ForbiddenCall` instead of
calling the original; under "flag" it calls the original. Outside such calls it only delegates, so
other questions may use the same function. The record travels in the call's reply (`"forbidden"`,
read on the grader's side by `read_uses`), so code that swallows the exception still loses the point.

What this cannot stop: code that digs the original out of the guard or the garbage collector, switches
this module's state, or computes the same thing by other means (numpy's private C routines, a C
extension, ctypes). See SECURITY.md.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types
from collections.abc import Iterable, Iterator
from typing import Any

_getframe = sys._getframe  # bound at import: code that patches sys later changes nothing here

#: The most uses one reply reports.
MAX_USES = 10
POLICIES = ("flag", "zero")

_state: dict[str, Any] = {"active": frozenset(), "policy": "flag", "file": "", "depth": 0, "uses": []}


class ForbiddenCall(BaseException):
    """A guarded function called while a question that forbids it runs, under the "zero" policy. A
    `BaseException`, as pytest's outcomes are, so that no library's `except Exception` swallows it."""


class Guarded:
    """A reply's value (or `RemoteError`) with the forbidden uses the call reported, on the grader's side."""

    __slots__ = ("value", "uses")

    def __init__(self, value: Any, uses: list[dict[str, Any]]) -> None:
        self.value = value
        self.uses = uses

    def __repr__(self) -> str:
        return f"Guarded({self.value!r}, {self.uses!r})"


def targets(rule: str, load: bool) -> dict[int, tuple[Any, str]]:
    """`{id: (object, public name)}` for what `rule` forbids: the function it names, or, for a module,
    every function that module or its public submodules define or list in `__all__` (not their classes:
    `torch.no_grad` is a class of `torch.autograd`). With `load`, the rule's module is imported first;
    without it (the grader's side), only modules already imported are looked at."""
    found = _resolve(rule, load)
    if isinstance(found, types.ModuleType):
        return _module_functions(rule)
    if _function_like(found):
        return {id(found): (found, rule)}
    return {}


def _resolve(rule: str, load: bool) -> Any:
    parts = rule.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is None and load:
            with contextlib.suppress(Exception):
                module = importlib.import_module(".".join(parts[:cut]))
        if isinstance(module, types.ModuleType):
            value: Any = module
            for part in parts[cut:]:
                value = vars(value).get(part) if isinstance(value, types.ModuleType) else getattr(value, part, None)
            return value
    return None


def _function_like(value: Any) -> bool:
    return callable(value) and not isinstance(value, (type, types.ModuleType))


def _module_functions(rule: str) -> dict[int, tuple[Any, str]]:
    found: dict[int, tuple[Any, str]] = {}
    for name, module in sorted((n, m) for n, m in list(sys.modules.items()) if n == rule or n.startswith(rule + ".")):
        if not isinstance(module, types.ModuleType) or any(p.startswith("_") for p in name.split(".")[1:]):
            continue
        exported = getattr(module, "__all__", ())
        exported = set(exported) if isinstance(exported, (list, tuple)) else set()
        for attr, value in list(vars(module).items()):
            if attr.startswith("_") or not _function_like(value):
                continue
            home = getattr(value, "__module__", None)
            if attr in exported or isinstance(home, str) and (home == rule or home.startswith(rule + ".")):
                found.setdefault(id(value), (value, f"{name}.{attr}"))
    return found


def install(forbidden: Any, policy: Any, file: str) -> dict[str, frozenset[str]]:
    """Guard what `forbidden` (`{function: [rule, ...]}`, from `LOAD`) forbids, under `policy`; `file` is
    the submission's file name, where a use's line is found. Returns `{function: its rules}` for the
    session. Attribute rules (".backward") are left to the grader's static check."""
    if not isinstance(forbidden, dict) or not forbidden:
        return {}
    rules = {f: frozenset(r for r in rs if isinstance(r, str) and r and not r.startswith("."))
             for f, rs in forbidden.items() if isinstance(f, str) and isinstance(rs, list)}
    _state.update(policy=policy if policy in POLICIES else "flag", file=file)
    objects: dict[int, tuple[Any, str, set[str]]] = {}
    for rule in sorted(set().union(*rules.values())):
        with contextlib.suppress(Exception):  # a rule whose package is not there guards nothing
            for key, (value, name) in targets(rule, load=True).items():
                objects.setdefault(key, (value, name, set()))[2].add(rule)
    guards = {key: _guard(value, name, frozenset(broken)) for key, (value, name, broken) in objects.items()}
    for module in list(sys.modules.values()):
        if isinstance(module, types.ModuleType):
            namespace = vars(module)
            for attr, value in list(namespace.items()):
                if id(value) in guards and value is objects[id(value)][0]:
                    namespace[attr] = guards[id(value)]
    return {function: broken for function, broken in rules.items() if broken}


def _guard(original: Any, name: str, rules: frozenset[str]) -> Any:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        broken = rules & _state["active"]
        if _state["depth"] or not broken:  # outside a forbidding call, or inside a guarded call already
            return original(*args, **kwargs)
        _record(broken, name)
        if _state["policy"] == "zero":
            raise ForbiddenCall(f"{name} is not allowed in this question: the lecture asks you to write it yourself")
        _state["depth"] += 1
        try:
            return original(*args, **kwargs)
        finally:
            _state["depth"] -= 1

    for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
        with contextlib.suppress(AttributeError, TypeError):
            setattr(guarded, attr, getattr(original, attr))
    return guarded


def _record(broken: frozenset[str], name: str) -> None:
    """Note the use, at the line of the submission's code that led to it (its innermost frame there)."""
    frame = _getframe(2)
    while frame is not None and frame.f_code.co_filename != _state["file"]:
        frame = frame.f_back
    code = frame.f_code if frame is not None else None
    where = getattr(code, "co_qualname", None) or getattr(code, "co_name", "")
    uses = _state["uses"]
    for rule in sorted(broken):
        if len(uses) < MAX_USES and rule not in {u["rule"] for u in uses}:
            uses.append({"rule": rule, "name": name, "line": frame.f_lineno if frame else 0, "where": where})


@contextlib.contextmanager
def forbidding(rules: Iterable[str]) -> Iterator[None]:
    """Guard `rules` while the block runs (one call of the submission's)."""
    _state.update(active=frozenset(rules), depth=0, uses=[])
    try:
        yield
    finally:
        _state.update(active=frozenset(), depth=0)


def take_uses() -> list[dict[str, Any]]:
    """The uses recorded since the last call began, as plain data; forgotten here."""
    uses, _state["uses"] = _state["uses"], []
    return uses


def read_uses(data: Any) -> list[dict[str, Any]]:
    """The grader's side: a reply's `"forbidden"`, checked field by field and cut to size (whatever the
    student's process sent: it can only claim uses against itself)."""
    uses = []
    for use in data[:MAX_USES] if isinstance(data, list) else []:
        if not isinstance(use, dict):
            continue
        texts = {key: use.get(key) if isinstance(use.get(key), str) else "" for key in ("rule", "name", "where")}
        line = use.get("line")
        uses.append({**{k: v[:200] for k, v in texts.items()},
                     "line": line if isinstance(line, int) and not isinstance(line, bool) else 0})
    return [use for use in uses if use["rule"]]

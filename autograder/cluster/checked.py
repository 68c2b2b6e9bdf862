"""A result that crossed the broker: untrusted JSON, checked field by field before anything reads it.

A worker's machine, or anything that reaches the broker, could send any JSON as a result. It becomes a
`SubmissionResult` only when every field has its declared type, recursively (`from_untrusted_json`).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ..results import TYPES, SubmissionResult, from_json


def from_untrusted_json(data: Any) -> SubmissionResult:
    """A `SubmissionResult` from JSON that crossed untrusted transport (a broker): `from_json`, then every
    field checked against its declared type, recursively; `ValueError` for anything else."""
    if not isinstance(data, dict) or data.get("type") != "SubmissionResult":
        raise ValueError("not a submission's result")
    result = from_json(data)
    _check_types(result)
    return result


_SCALARS: dict[str, tuple[type, ...]] = {"str": (str,), "bool": (bool,), "int": (int,), "float": (int, float)}


def _check_types(value: Any, declared: str | None = None, where: str = "result") -> None:
    declared = declared or type(value).__name__
    optional = declared.endswith(" | None")
    options = [o.strip() for o in declared.split("|")] if "[" not in declared else [declared.removesuffix(" | None")]
    if ("None" in options or optional) and value is None:
        return
    kind = options[0]
    if kind in _SCALARS:
        if not isinstance(value, _SCALARS[kind]) or (kind != "bool" and isinstance(value, bool)):
            raise ValueError(f"{where} should be {kind}, not {type(value).__name__}")
    elif kind.startswith("list["):
        if not isinstance(value, list):
            raise ValueError(f"{where} should be a list")
        for i, item in enumerate(value):
            _check_types(item, kind[5:-1], f"{where}[{i}]")
    elif kind.startswith("dict["):
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise ValueError(f"{where} should be a mapping with string keys")
    elif kind in TYPES:
        if type(value).__name__ != kind:
            raise ValueError(f"{where} should be a {kind}")
        for f in fields(value):
            _check_types(getattr(value, f.name), str(f.type), f"{where}.{f.name}")
    elif kind in ("Outcome", "Status"):
        if type(value).__name__ != kind:
            raise ValueError(f"{where} should be a {kind.lower()}")
    elif kind != "Any":
        raise ValueError(f"{where}: cannot check a {kind}")

"""The messages between the grader and the student's process.

Everything that crosses is JSON: numbers, strings, lists, dicts and tagged
objects. Nothing is pickled. A numpy array travels as its dtype, shape and
values; a float that JSON cannot hold (nan, inf) travels as a tagged string.

One message is one line of UTF-8 JSON. This module is imported on both sides,
so it must stay free of anything secret and of any grading logic.

A request is `{"id", "op", ...}`; its reply is `{"id", "ok": true, "value"}` or
`{"id", "ok": false, "error": {"type", "mro", "message", "traceback", "origin"}}`,
with the warnings the call raised. The grader's side turns a reply into a value
or a `RemoteError` (`read_reply`), and the failures of the channel itself into
the `SandboxError` family, which derives from `BaseException` (as pytest's
outcomes do) so that nothing catches it by accident.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from typing import Any

ARRAY = "__ndarray__"
FLOAT = "__float__"
TUPLE = "__tuple__"
RECIPE = "__recipe__"
HANDLE = "__handle__"
OBJECT = "__object__"

#: dtypes allowed to cross; anything else is refused by the decoder.
ALLOWED_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64"]
)

#: The largest message the grader reads, in bytes.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024

#: The most elements an array may have to be sent (the grader's limit above holds regardless).
MAX_ARRAY_ELEMENTS = 2 * 1024 * 1024


class ProtocolError(Exception):
    """A message that is not valid plain data."""


class SandboxError(BaseException):
    """The student's process failed to answer."""


class CallTimeout(SandboxError):
    """A call did not answer within its wall-clock budget; the process was killed."""


class ChildExited(SandboxError):
    """The student's process ended while the grader waited for an answer."""


class ChannelBroken(SandboxError):
    """The answer was not a valid message (too large, malformed, out of order)."""


class GraderError(SandboxError):
    """The grader's own side failed (the runtime did not start, a recipe could not be built):
    not the student's doing."""


#: `RemoteError.origin` of an exception raised by the grader's runtime rather than by student code.
GRADER = "grader"
STUDENT = "student"


@dataclass
class RemoteError:
    """An exception raised in the student's process, as plain data."""

    type: str
    classes: list[str]  # the exception class and its bases, by name
    message: str
    traceback: str
    origin: str = STUDENT  # GRADER when the runtime itself failed (a recipe, a missing package)


class Recipe:
    """An object the child builds from a trusted recipe, e.g. a callable or a model.

    `name` is a key of `autograder.sandbox.recipes.RECIPES`; `args` are plain data.
    """

    __slots__ = ("name", "args")

    def __init__(self, name: str, /, **args: Any) -> None:
        self.name = name
        self.args = args

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        return f"{self.name}({inner})"


class Handle:
    """A reference to an object that stays in the child, such as a trained model."""

    __slots__ = ("id", "type_name")

    def __init__(self, id: int, type_name: str) -> None:
        self.id = id
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} in the submission's process>"


def _encode_float(x: float) -> Any:
    if math.isfinite(x):
        return x
    return {FLOAT: repr(x)}


def encode(value: Any, handles: Any = None) -> Any:
    """Turn `value` into JSON-ready plain data.

    `handles`, on the child's side, is a callable that stores an object which is
    not plain data and returns its `Handle`; without it such objects are
    described by their type name only.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _encode_float(float(value))
    np = sys.modules.get("numpy")  # no numpy loaded: no numpy values to meet (and none imported here)
    if np is not None and isinstance(value, np.generic):
        return encode(value.item(), handles) if value.dtype.kind in "biuf" else _describe(value, handles)
    if np is not None and isinstance(value, np.ndarray):
        return _encode_array(value, "numpy")
    if isinstance(value, tuple):
        return {TUPLE: [encode(v, handles) for v in value]}
    if isinstance(value, list):
        return [encode(v, handles) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v, handles) for k, v in value.items()}
    if isinstance(value, Recipe):
        return {RECIPE: value.name, "args": encode(value.args)}
    if isinstance(value, Handle):
        return {HANDLE: value.id, "type": value.type_name}
    tensor = _as_tensor(value)
    if tensor is not None:
        return _encode_array(tensor.detach().cpu().numpy(), "torch")
    return _describe(value, handles)


def _as_tensor(value: Any) -> Any:
    torch = _loaded_torch()
    if torch is not None and isinstance(value, torch.Tensor):
        return value
    return None


def _loaded_torch() -> Any:
    return sys.modules.get("torch")


def _describe(value: Any, handles: Any) -> Any:
    type_name = f"{type(value).__module__}.{type(value).__qualname__}"
    if handles is not None:
        return encode(handles(value))
    return {OBJECT: type_name}


def _encode_array(array: Any, origin: str) -> dict:
    import numpy as np

    array = np.asarray(array)
    if array.size > MAX_ARRAY_ELEMENTS:
        raise ValueError(f"an array of {array.size:,} elements (shape {array.shape}) is too large to return; "
                         f"the grader accepts at most {MAX_ARRAY_ELEMENTS:,}")
    dtype = str(array.dtype)
    if dtype not in ALLOWED_DTYPES:
        return {OBJECT: f"numpy.ndarray of dtype {dtype}"}
    flat = array.reshape(-1)
    if array.dtype.kind == "f":
        values = [_encode_float(float(v)) for v in flat.tolist()]
    else:
        values = flat.tolist()
    return {ARRAY: {"dtype": dtype, "shape": list(array.shape), "values": values, "origin": origin}}


def decode(data: Any) -> Any:
    """Rebuild plain Python and numpy values from `encode`'s output.

    Arrays are rebuilt from their declared dtype and shape, which are checked
    against the values; anything malformed raises `ProtocolError`.
    """
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        raise ProtocolError(f"unexpected JSON value of type {type(data).__name__}")
    if ARRAY in data:
        return _decode_array(data[ARRAY])
    if FLOAT in data:
        text = data[FLOAT]
        if text not in ("nan", "inf", "-inf"):
            raise ProtocolError(f"bad float tag {text!r}")
        return float(text)
    if TUPLE in data:
        return tuple(decode(v) for v in _expect(data[TUPLE], list))
    if RECIPE in data:
        return Recipe(_expect(data[RECIPE], str), **_expect(decode(data.get("args", {})), dict))
    if HANDLE in data:
        return Handle(_expect(data[HANDLE], int), _expect(data.get("type", "object"), str))
    if OBJECT in data:
        return Opaque(_expect(data[OBJECT], str))
    return {k: decode(v) for k, v in data.items()}


class Opaque:
    """A value the child could not send as plain data; only its type name crossed."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


def _expect(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise ProtocolError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _decode_array(spec: Any) -> Any:
    """A read-only numpy array from `{dtype, shape, values}`."""
    import numpy as np

    spec = _expect(spec, dict)
    dtype = _expect(spec.get("dtype"), str)
    if dtype not in ALLOWED_DTYPES:
        raise ProtocolError(f"array dtype {dtype!r} is not allowed")
    shape = tuple(_expect(d, int) for d in _expect(spec.get("shape"), list))
    if any(d < 0 for d in shape):
        raise ProtocolError(f"negative dimension in shape {shape}")
    values = _expect(spec.get("values"), list)
    if math.prod(shape) != len(values):
        raise ProtocolError(f"shape {shape} does not match {len(values)} values")
    if np.dtype(dtype).kind == "f":
        values = [decode(v) if isinstance(v, dict) else v for v in values]
    for v in values:
        if isinstance(v, (list, dict, str)) or v is None:
            raise ProtocolError("array values must be numbers")
    array = np.array(values, dtype=dtype).reshape(shape)
    array.flags.writeable = False
    return array


def dumps(message: dict) -> bytes:
    """One message as a line of JSON (no NaN literals: they are tagged)."""
    return json.dumps(message, allow_nan=False, separators=(",", ":")).encode() + b"\n"


def loads(line: bytes) -> dict:
    """Parse one line; raise `ProtocolError` when it is not a JSON object."""
    if len(line) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {len(line)} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit")
    try:
        message = json.loads(line, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a JSON object")
    return message


def _refuse_constant(name: str) -> Any:
    raise ProtocolError(f"bare {name} is not allowed; non-finite floats are tagged")


def call_request(target: Any, args: tuple = (), kwargs: dict | None = None, method: str | None = None) -> dict:
    """A request to call `target` (a module-level name or a `Handle`), or its `method`, with plain arguments."""
    return {"op": "call", "target": encode(target), "method": method, "args": encode(list(args)),
            "kwargs": encode(kwargs or {})}


def get_request(name: str) -> dict:
    """A request for the value of the module-level name `name`."""
    return {"op": "get", "name": name}


def build_request(recipe: Recipe) -> dict:
    """A request to build `recipe` in the student's process."""
    return {"op": "build", "recipe": encode(recipe)}


def read_reply(reply: dict) -> Any:
    """The value a reply carries (decoded), or the `RemoteError` it reports; `ProtocolError` when malformed."""
    if reply.get("ok") is True:
        return decode(reply.get("value"))
    error = _expect(reply.get("error"), dict)
    origin = error.get("origin", STUDENT)
    return RemoteError(_expect(error.get("type"), str), [str(n) for n in _expect(error.get("mro"), list)],
                       _expect(error.get("message"), str), _expect(error.get("traceback", ""), str),
                       GRADER if origin == GRADER else STUDENT)


def reply_warnings(reply: dict) -> list[str]:
    """The warnings a reply reports, as at most ten short strings (they are only ever shown, never judged)."""
    warnings = reply.get("warnings", [])
    return [str(w)[:300] for w in warnings[:10]] if isinstance(warnings, list) else []

"""The messages between the grader and the student's process.

Everything that crosses is JSON: numbers, strings, lists, dicts and tagged
objects. Nothing is pickled. A numpy array travels as its dtype, shape and
values; a float that JSON cannot hold (nan, inf) travels as a tagged string.

One message is one line of UTF-8 JSON. This module is imported on both sides,
so it must stay free of anything secret and of any grading logic.

A request is `{"id", "op", ...}`; its reply is `{"id", "ok": true, "value"}` or
`{"id", "ok": false, "error": {"type", "mro", "message", "traceback", "origin"}}`.
The grader's side turns a reply into a value or a `RemoteError` (`read_reply`);
the failures of the channel itself are the `errors.SandboxError` family.
"""

from __future__ import annotations

import json
import math
import sys
import time
from typing import Any

from .containers import marked, object_numbers
from .errors import GRADER, STUDENT, RemoteError
from .guard import Guarded, read_uses

_monotonic = time.monotonic  # bound at import: code that patches time later changes nothing here

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

#: The most elements an array may have, on either side.
MAX_ARRAY_ELEMENTS = 2 * 1024 * 1024

#: The most JSON values in one message, and the deepest nesting of containers decoded.
MAX_VALUES = 4 * 1024 * 1024
MAX_DEPTH = 32

#: The longest texts of an error reply kept (characters), and the most classes of its `mro`.
MAX_ERROR_TEXT = {"type": 100, "message": 2000, "traceback": 4000}
MAX_MRO = 20


class ProtocolError(Exception):
    """A message that is not valid plain data."""


class PastDeadline(ProtocolError):
    """Decoding a message went past the deadline of the call it answers."""


class Budget:
    """What decoding one message may still spend: values, nesting depth, and a monotonic deadline.

    Checked while decoding, so that an answer built to be slow to read (millions of tiny nested
    values) fails its own call instead of stalling the grader past the call's time limit.
    """

    def __init__(self, deadline: float | None = None, values: int = MAX_VALUES) -> None:
        self.deadline = deadline
        self.values = values

    def spend(self, count: int, depth: int) -> None:
        self.values -= count
        if self.values < 0:
            raise ProtocolError(f"more than {MAX_VALUES:,} values in one message")
        if depth > MAX_DEPTH:
            raise ProtocolError(f"containers nested more than {MAX_DEPTH} deep")
        if self.deadline is not None and (self.values & 0x3FFF) < count and _monotonic() > self.deadline:
            raise PastDeadline("decoding the answer went past the call's time limit")


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
    if dtype == "object":  # numbers in an object array (np.frompyfunc's) travel as float64, marked
        array, origin, dtype = object_numbers(array), "object", "float64"
        if not isinstance(array, np.ndarray):
            return {OBJECT: f"numpy.ndarray of dtype object holding {array}"}
    if dtype not in ALLOWED_DTYPES:
        return {OBJECT: f"numpy.ndarray of dtype {dtype}"}
    flat = array.reshape(-1)
    if array.dtype.kind == "f" and not np.isfinite(flat).all():
        values = [_encode_float(v) for v in flat.tolist()]
    else:
        values = flat.tolist()
    return {ARRAY: {"dtype": dtype, "shape": list(array.shape), "values": values, "origin": origin}}


def decode(data: Any, budget: Budget | None = None, depth: int = 0) -> Any:
    """Rebuild plain Python and numpy values from `encode`'s output, within `budget`.

    Arrays are rebuilt from their declared dtype and shape, which are checked
    against the values; anything malformed raises `ProtocolError`.
    """
    budget = budget if budget is not None else Budget()
    budget.spend(1, depth)
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, budget, depth + 1) for v in data]
    if not isinstance(data, dict):
        raise ProtocolError(f"unexpected JSON value of type {type(data).__name__}")
    if ARRAY in data:
        return _decode_array(data[ARRAY], budget, depth)
    if FLOAT in data:
        text = data[FLOAT]
        if text not in ("nan", "inf", "-inf"):
            raise ProtocolError(f"bad float tag {text!r}")
        return float(text)
    if TUPLE in data:
        return tuple(decode(v, budget, depth + 1) for v in expect(data[TUPLE], list))
    if RECIPE in data:
        return Recipe(expect(data[RECIPE], str), **expect(decode(data.get("args", {}), budget, depth + 1), dict))
    if HANDLE in data:
        return Handle(expect(data[HANDLE], int), expect(data.get("type", "object"), str)[:200])
    if OBJECT in data:
        return Opaque(expect(data[OBJECT], str)[:200])
    return {expect(k, str)[:200]: decode(v, budget, depth + 1) for k, v in data.items()}


class Opaque:
    """A value the child could not send as plain data; only its type name crossed."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


def expect(value: Any, kind: type) -> Any:
    """`value` when it is a `kind` (an int never a bool), else `ProtocolError`."""
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise ProtocolError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


_NUMBERS = frozenset({int, float, bool})


def _decode_array(spec: Any, budget: Budget, depth: int) -> Any:
    """A read-only numpy array from `{dtype, shape, values}`."""
    import numpy as np

    spec = expect(spec, dict)
    dtype = expect(spec.get("dtype"), str)
    if dtype not in ALLOWED_DTYPES:
        raise ProtocolError(f"array dtype {dtype!r} is not allowed")
    shape = tuple(expect(d, int) for d in expect(spec.get("shape"), list)[:MAX_DEPTH + 1])
    if any(d < 0 for d in shape) or len(shape) > MAX_DEPTH:
        raise ProtocolError(f"not a valid array shape: {shape[:8]}")
    values = expect(spec.get("values"), list)
    if len(values) > MAX_ARRAY_ELEMENTS or math.prod(shape) != len(values):
        raise ProtocolError(f"an array of shape {shape[:8]} with {len(values):,} values")
    budget.spend(len(values), depth + 1)
    kinds = set(map(type, values))  # JSON's own types only: one pass in C, not one isinstance per value
    if dict in kinds and np.dtype(dtype).kind == "f":
        values = [decode(v, budget, depth + 1) if isinstance(v, dict) else v for v in values]
        kinds = set(map(type, values))
    if not kinds <= _NUMBERS:
        raise ProtocolError("array values must be numbers")
    try:
        array = np.array(values, dtype=dtype).reshape(shape)
    except (OverflowError, ValueError, TypeError) as exc:
        raise ProtocolError(f"array values do not fit dtype {dtype} ({exc})") from None
    array.flags.writeable = False
    return marked(array, spec["origin"]) if spec.get("origin") in ("torch", "object") else array


def dumps(message: dict) -> bytes:
    """One message as a line of JSON (no NaN literals: they are tagged)."""
    return json.dumps(message, allow_nan=False, separators=(",", ":")).encode() + b"\n"


def loads(line: bytes) -> dict:
    """Parse one line; raise `ProtocolError` when it is not a JSON object or breaks a budget."""
    if len(line) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {len(line)} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit")
    if line.count(b",") + line.count(b":") > MAX_VALUES:  # counted before parsing: memory stays bounded
        raise ProtocolError(f"more than {MAX_VALUES:,} values in one message")
    try:
        message = json.loads(line, parse_constant=_refuse_constant)
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ProtocolError(f"not JSON: {str(exc)[:200]}") from None
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


def read_reply(reply: dict, budget: Budget | None = None) -> Any:
    """The value a reply carries (decoded within `budget`), or the `RemoteError` it reports, its texts
    cut to their limits; `ProtocolError` when malformed. A reply that reports forbidden uses is `guard.Guarded`."""
    if reply.get("forbidden"):  # kept whatever the student's code did with the guard's exception
        return Guarded(read_reply({**reply, "forbidden": None}, budget), read_uses(reply["forbidden"]))
    if reply.get("ok") is True:
        return decode(reply.get("value"), budget)
    error = expect(reply.get("error"), dict)
    text = {key: expect(error.get(key, ""), str)[:limit] for key, limit in MAX_ERROR_TEXT.items()}
    classes = [expect(n, str)[:MAX_ERROR_TEXT["type"]] for n in expect(error.get("mro"), list)[:MAX_MRO]]
    origin = GRADER if error.get("origin") == GRADER else STUDENT
    return RemoteError(text["type"], classes, text["message"], text["traceback"], origin)

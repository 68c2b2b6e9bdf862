"""The plain-data protocol: what crosses between the grader and the student's process."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograder.sandbox.runtime import protocol
from autograder.sandbox.runtime.protocol import Handle, Opaque, ProtocolError, Recipe, decode, dumps, encode, loads


def round_trip(value):
    return decode(loads(dumps({"value": encode(value)}))["value"])


@pytest.mark.parametrize("value", [1, -2.5, True, None, "text", [1, 2.0], {"a": 1}, (1, (2.0, "x"))])
def test_plain_values_round_trip(value):
    assert round_trip(value) == value


def test_arrays_round_trip_with_dtype_and_shape():
    for array in [np.arange(6, dtype=np.int32).reshape(2, 3), np.array(2.5), np.zeros((0, 3)),
                  np.array([True, False])]:
        back = round_trip(array)
        assert back.dtype == array.dtype and back.shape == array.shape and np.array_equal(back, array)


def test_non_finite_floats_are_tagged_not_bare_json():
    line = dumps({"value": encode([math.nan, math.inf, np.array([-math.inf])])})
    assert b"NaN" not in line and b"Infinity" not in line
    back = decode(loads(line)["value"])
    assert math.isnan(back[0]) and back[1] == math.inf and back[2][0] == -math.inf


def test_objects_that_are_not_plain_data_cross_as_their_type_name_only():
    class Model:
        pass

    assert isinstance(round_trip(Model()), Opaque)
    stored = []
    encoded = encode(Model(), handles=lambda v: stored.append(v) or Handle(len(stored), "Model"))
    assert isinstance(decode(encoded), Handle) and len(stored) == 1


def test_recipes_cross_as_name_and_arguments():
    back = round_trip(Recipe("polynomial", coefficients=[1.0, 2.0]))
    assert back.name == "polynomial" and back.args == {"coefficients": [1.0, 2.0]}


@pytest.mark.parametrize("bad", [
    {protocol.ARRAY: {"dtype": "object", "shape": [1], "values": [1]}},
    {protocol.ARRAY: {"dtype": "float64", "shape": [3], "values": [1.0]}},
    {protocol.ARRAY: {"dtype": "float64", "shape": [1], "values": ["1.0"]}},
    {protocol.FLOAT: "1e999"},
])
def test_malformed_data_is_refused(bad):
    with pytest.raises(ProtocolError):
        decode(bad)


def test_bare_nan_and_non_objects_are_refused():
    with pytest.raises(ProtocolError):
        loads(b'{"value": NaN}')
    with pytest.raises(ProtocolError):
        loads(b"[1, 2]")


def test_decoded_arrays_are_read_only():
    assert not round_trip(np.ones(3)).flags.writeable

"""The plain-data codec: what crosses the boundary, and what a hostile message cannot do."""

from __future__ import annotations

import msgpack
import numpy as np
import pytest

from autograder.codec import CodecError, Decoder, Encoder


def round_trip(value):
    return Decoder().decode(Encoder().encode(value))


def test_plain_values_round_trip():
    value = {"t": (1, (2, b"x")), "s": {1, 2}, "f": frozenset({3}), "big": -(2**100),
             "a": np.arange(4, dtype=np.int16).reshape(2, 2), "n": None}
    got = round_trip(value)
    np.testing.assert_array_equal(got.pop("a"), value.pop("a"))
    assert got == value


def test_subclasses_are_flattened_without_running_their_methods():
    class Yes(list):
        def __eq__(self, other):
            return True

        def __iter__(self):
            raise AssertionError("a subclass's __iter__ ran")

    got = round_trip([Yes([1, 2])])
    assert type(got[0]) is list and got == [[1, 2]]


def test_objects_and_object_arrays_are_refused_without_a_handle_maker():
    with pytest.raises(CodecError):
        Encoder().encode(object())
    with pytest.raises(CodecError):
        Encoder().encode(np.array([object()]))


def test_deeply_nested_extension_values_are_refused_not_a_crash():
    payload = msgpack.packb([])
    for _ in range(3000):  # each level used to be a nested C-level unpack: a stack overflow
        payload = msgpack.packb(msgpack.ExtType(1, payload))
    with pytest.raises(CodecError, match="nested too deeply"):
        Decoder().decode(payload)
    nested, expected = msgpack.packb([]), ()
    for _ in range(10):
        nested = msgpack.packb([msgpack.ExtType(1, nested)])
        expected = (expected,)
    assert Decoder().decode(nested) == [expected[0]]


def test_a_message_of_many_containers_is_refused():
    n = 100_001
    frame = b"\xdd" + n.to_bytes(4, "big") + b"\x90" * n
    with pytest.raises(CodecError, match="more than 100000 lists"):
        Decoder(max_containers=100_000).decode(frame)
    assert len(Decoder(max_containers=200_000).decode(frame)) == n


@pytest.mark.parametrize("payload", [
    msgpack.packb(msgpack.ExtType(3, msgpack.packb([1, "object"]))),  # a short handle
    msgpack.packb(msgpack.ExtType(2, msgpack.packb(["<i4", [2], b"\0" * 4]))),  # wrong size
    msgpack.packb(msgpack.ExtType(2, msgpack.packb(["O", [1], b"\0" * 8]))),  # object dtype
    msgpack.packb(msgpack.ExtType(7, b"12x")),  # a big integer that is not one
    msgpack.packb(msgpack.ExtType(99, b"")),  # an unknown extension
    b"\xc1",  # a byte msgpack never uses
])
def test_malformed_messages_are_codec_errors(payload):
    with pytest.raises(CodecError):
        Decoder().decode(payload)

"""The plain-data codec spoken between the trusted grader and the sandboxed worker.

Only data crosses the boundary, never code: no pickle, no object that runs anything when it is
decoded. A value is one of

    None, bool, int, float, str, bytes, list, tuple, dict, set, frozenset,
    numpy arrays (numeric, bool, str or bytes dtypes) and numpy scalars,
    torch tensors (sent as arrays, rebuilt as detached tensors),
    Handle       a reference to an object that stays in the worker,
    Stream       a recipe for an iterator the worker builds from data (`repeat`, `file_chunks`).

Subclasses of the built-in types are flattened to the base type on the way out, so a
submission cannot smuggle a list whose `__eq__` always says True into the trusted process.
The encoding is msgpack with a few extension types; decoding validates every array header.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import msgpack
import numpy as np

_TUPLE, _NDARRAY, _HANDLE, _SET, _FROZENSET, _TENSOR, _BIGINT, _STREAM = range(1, 9)

# Array dtypes allowed across the boundary: bool, signed and unsigned ints, floats, complex,
# fixed-width bytes and unicode. Object and structured dtypes could carry anything.
_ALLOWED_DTYPE_KINDS = set("biufcSU")
_MAX_DEPTH = 512
_MAX_EXT_DEPTH = 48


class CodecError(ValueError):
    """A value that cannot cross the boundary, or a malformed message."""


@dataclass(frozen=True)
class Handle:
    """An object that lives in the worker; `kind` is "object" or "iterator"."""

    id: int
    kind: str
    type_name: str


@dataclass(frozen=True)
class Stream:
    """An iterator the worker builds from plain data: ("repeat", text, times) and the like."""

    kind: str
    args: tuple


def _flatten_builtin(value: Any) -> Any:
    """Return a plain copy of an instance of a subclass of a built-in type, or None."""
    for base in (int, float, str, bytes):
        if isinstance(value, base):
            return _base_copy(base, value)
    if isinstance(value, tuple):
        return tuple(tuple.__iter__(value))
    if isinstance(value, list):
        return list(list.__iter__(value))
    if isinstance(value, dict):
        return dict(dict.items(value))
    if isinstance(value, frozenset):
        return frozenset(frozenset.__iter__(value))
    if isinstance(value, set):
        return set(set.__iter__(value))
    return None


def _base_copy(base: type, value: Any) -> Any:
    if base is int:
        return int.__int__(value)
    if base is float:
        return float.__float__(value)
    if base is str:
        return str.__str__(value)
    return bytes(memoryview(value))


def _pack_array(array: np.ndarray) -> bytes:
    array = np.ascontiguousarray(array.view(np.ndarray))
    if array.dtype.kind not in _ALLOWED_DTYPE_KINDS or array.dtype.fields is not None:
        raise CodecError(f"arrays of dtype {array.dtype} cannot be returned; use a numeric dtype")
    return msgpack.packb([array.dtype.str, list(array.shape), array.tobytes()], use_bin_type=True)


def _unpack_array(payload: bytes) -> np.ndarray:
    try:
        dtype_str, shape, raw = msgpack.unpackb(payload, raw=False)
        dtype = np.dtype(dtype_str)
    except Exception as exc:  # malformed header from an untrusted peer
        raise CodecError(f"malformed array: {exc}") from None
    if dtype.kind not in _ALLOWED_DTYPE_KINDS or dtype.fields is not None:
        raise CodecError(f"array dtype {dtype} is not allowed")
    if not all(isinstance(n, int) and n >= 0 for n in shape):
        raise CodecError("malformed array shape")
    if int(np.prod(shape, dtype=np.int64)) * dtype.itemsize != len(raw):
        raise CodecError("array size does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


class Encoder:
    """Turns values into bytes. `to_handle` decides what happens to anything that is not data:
    the worker registers it and sends a Handle; the trusted side refuses it."""

    def __init__(self, to_handle: Callable[[Any], Handle] | None = None):
        self._to_handle = to_handle

    def encode(self, value: Any) -> bytes:
        try:
            return msgpack.packb(self._prepare(value, 0), use_bin_type=True, strict_types=True)
        except RecursionError:
            raise CodecError("the value is nested too deeply to send") from None

    def _prepare(self, value: Any, depth: int) -> Any:
        """Rewrite `value` into msgpack-native types and ExtType records."""
        if depth > _MAX_DEPTH:
            raise CodecError("the value is nested too deeply to send")
        kind = type(value)
        if value is None or kind in (bool, str, bytes, float):
            return value
        if kind is int:
            if -(2**63) <= value < 2**64:
                return value
            return msgpack.ExtType(_BIGINT, str(value).encode())
        if kind is list:
            return [self._prepare(item, depth + 1) for item in value]
        if kind is tuple:
            return msgpack.ExtType(_TUPLE, self._pack_items(value, depth))
        if kind is dict:
            return {self._prepare(k, depth + 1): self._prepare(v, depth + 1) for k, v in value.items()}
        if kind is set:
            return msgpack.ExtType(_SET, self._pack_items(value, depth))
        if kind is frozenset:
            return msgpack.ExtType(_FROZENSET, self._pack_items(value, depth))
        if isinstance(value, np.ndarray):
            return msgpack.ExtType(_NDARRAY, _pack_array(value))
        if isinstance(value, np.generic):
            return self._prepare(value.item(), depth + 1)
        if isinstance(value, Handle):
            return msgpack.ExtType(_HANDLE, msgpack.packb([value.id, value.kind, value.type_name]))
        if isinstance(value, Stream):
            return msgpack.ExtType(_STREAM, self.encode([value.kind, list(value.args)]))
        if _is_torch_tensor(value):
            array = value.detach().cpu().resolve_conj().resolve_neg().numpy()
            return msgpack.ExtType(_TENSOR, _pack_array(array))
        flat = _flatten_builtin(value)
        if flat is not None:
            return self._prepare(flat, depth + 1)
        if self._to_handle is None:
            raise CodecError(f"a {kind.__name__} cannot be sent to the worker")
        return self._prepare(self._to_handle(value), depth + 1)

    def _pack_items(self, items: Any, depth: int) -> bytes:
        prepared = [self._prepare(item, depth + 1) for item in items]
        return msgpack.packb(prepared, use_bin_type=True, strict_types=True)


def _is_torch_tensor(value: Any) -> bool:
    module = type(value).__module__ or ""
    if not module.startswith("torch"):
        return False
    import torch

    return isinstance(value, torch.Tensor)


class Decoder:
    """Turns bytes back into values. `from_handle` maps a Handle to what the receiver uses
    for it (the worker: the real object; the trusted side: a proxy). `from_stream` likewise.

    The trusted side decodes what student code sent, so it bounds what a message may cost:
    `max_containers` lists, dicts, tuples and sets per message (a megabyte of empty lists
    would otherwise become tens of megabytes of objects) and extension values nested at most
    `_MAX_EXT_DEPTH` deep (each level is a nested decode on the C stack)."""

    def __init__(
        self,
        from_handle: Callable[[Handle], Any] | None = None,
        from_stream: Callable[[Stream], Any] | None = None,
        tensors_as_torch: bool = True,
        max_containers: int | None = None,
    ):
        self._from_handle = from_handle
        self._from_stream = from_stream
        self._tensors_as_torch = tensors_as_torch
        self._max_containers = max_containers
        self._containers = 0
        self._depth = 0

    def decode(self, data: bytes) -> Any:
        if self._depth == 0:
            self._containers = 0
        hooks = {} if self._max_containers is None else {
            "list_hook": self._count, "object_hook": self._count}
        try:
            return msgpack.unpackb(
                data, raw=False, strict_map_key=False, ext_hook=self._ext, use_list=True, **hooks
            )
        except CodecError:
            raise
        except Exception as exc:
            raise CodecError(f"malformed message: {type(exc).__name__}: {exc}") from None

    def _count(self, container: Any) -> Any:
        self._containers += 1
        if self._containers > self._max_containers:
            raise CodecError(f"the value holds more than {self._max_containers} lists, dicts, "
                             "tuples and sets")
        return container

    def _nested(self, payload: bytes) -> Any:
        if self._depth >= _MAX_EXT_DEPTH:
            raise CodecError("the value is nested too deeply")
        self._depth += 1
        try:
            return self.decode(payload)
        finally:
            self._depth -= 1

    def _ext(self, code: int, payload: bytes) -> Any:
        if code == _TUPLE:
            return tuple(self._sequence(payload))
        if code == _SET:
            return set(self._sequence(payload))
        if code == _FROZENSET:
            return frozenset(self._sequence(payload))
        if code == _NDARRAY:
            return _unpack_array(payload)
        if code == _TENSOR:
            array = _unpack_array(payload)
            if not self._tensors_as_torch:
                return array
            import torch

            return torch.from_numpy(array)
        if code == _BIGINT:
            try:
                return int(payload.decode("ascii"))
            except ValueError:
                raise CodecError("malformed big integer") from None
        if code == _HANDLE:
            fields = msgpack.unpackb(payload, raw=False)
            if (not isinstance(fields, list) or len(fields) != 3
                    or not isinstance(fields[0], int) or fields[1] not in ("object", "iterator")
                    or not isinstance(fields[2], str)):
                raise CodecError("malformed handle")
            handle = Handle(*fields)
            return self._from_handle(handle) if self._from_handle else handle
        if code == _STREAM:
            kind, args = self._sequence(payload)
            stream = Stream(kind, tuple(args))
            return self._from_stream(stream) if self._from_stream else stream
        raise CodecError(f"unknown extension type {code}")

    def _sequence(self, payload: bytes) -> list:
        items = self._nested(payload)
        if not isinstance(items, list):
            raise CodecError("malformed sequence")
        return items

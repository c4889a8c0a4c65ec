"""How requests and replies travel over the pipes between the grader and the worker: each
message is one frame, a 4-byte big-endian length followed by that many bytes. Both sides use
this module: the worker reads and writes whole frames (blocking), the grader's launcher takes
frames out of what it has read so far while it watches the clock."""

from __future__ import annotations

import os
import struct

_HEADER = struct.Struct(">I")


def frame(payload: bytes) -> bytes:
    """`payload` with its length in front."""
    return _HEADER.pack(len(payload)) + payload


def write_frame(fd: int, payload: bytes) -> None:
    """Write one whole frame to `fd` (a blocking pipe)."""
    view = memoryview(frame(payload))
    while view:
        view = view[os.write(fd, view):]


def read_frame(fd: int) -> bytes | None:
    """Read one whole frame from `fd` (a blocking pipe); None when the pipe closes first."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    (length,) = _HEADER.unpack(header)
    return _read_exactly(fd, length)


def frame_length(buffer: bytes | bytearray) -> int | None:
    """The payload length announced at the start of `buffer`, or None before the whole
    header has arrived (so a reader can refuse an oversized frame before reading it)."""
    if len(buffer) < _HEADER.size:
        return None
    return _HEADER.unpack(bytes(buffer[:_HEADER.size]))[0]


def take_frame(buffer: bytearray) -> bytes | None:
    """Remove the first whole frame from `buffer` and return its payload; None (and `buffer`
    untouched) while the frame is incomplete. Bytes after the frame stay in `buffer`."""
    length = frame_length(buffer)
    if length is None or len(buffer) < _HEADER.size + length:
        return None
    payload = bytes(buffer[_HEADER.size:_HEADER.size + length])
    del buffer[:_HEADER.size + length]
    return payload


def _read_exactly(fd: int, n: int) -> bytes | None:
    chunks, remaining = [], n
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)

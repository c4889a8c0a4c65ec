"""The sandboxed worker: the only process that imports and runs student code.

It is started by `autograder.sandbox.launcher` (never by hand) as

    python -m autograder.sandbox.worker CONFIG_JSON

and first locks itself in (while still trusted code): it hides the solutions and hidden suites
behind empty mounts, makes every file system read-only except a small scratch tmpfs, sets
resource limits, and drops to an unprivileged user of its own. Only then does it read requests
from one inherited pipe and answers on another, one length-prefixed msgpack frame each
(see `autograder.codec`). Student output on stdout/stderr goes to pipes that the trusted side
reads and caps. Verdicts are never decided here: the worker only returns values.
"""

from __future__ import annotations

import ctypes
import importlib
import itertools
import json
import os
import resource
import struct
import sys
import traceback
from typing import Any, Iterator

HELPER_PREFIX = "autograder.worker_helpers."
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_REMOUNT, _MS_BIND, _MS_MOVE, _MS_REC = (
    1, 2, 4, 32, 4096, 8192, 16384)
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS = 1, 38


# --------------------------------------------------------------------------- locking in


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _mount(libc: ctypes.CDLL, source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None) -> None:
    encode = lambda s: None if s is None else s.encode()  # noqa: E731
    if libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {target}: {os.strerror(errno)}")


def lock_in(config: dict) -> None:
    """Apply the isolation the launcher arranged for, before any student code runs."""
    libc = _libc()
    if config["mount_namespace"]:
        if config["uid"] is not None:
            _expose_interpreter(libc, config["staging"], [config["submission"]])
        for path in config["hide"]:
            if os.path.isdir(path):
                _mount(libc, "tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=4k,mode=000")
        for mount_point in _mount_points():
            if mount_point == "/dev" or mount_point.startswith(("/proc", "/sys", "/dev/pts")):
                continue
            try:
                _mount(libc, None, mount_point, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY, None)
            except OSError:
                pass  # a mount we may not touch; it was not writable to us either
        _mount(libc, "tmpfs", config["scratch"], "tmpfs", _MS_NOSUID | _MS_NODEV,
               f"size={config['scratch_bytes']},mode=700")
    limits = config["limits"]
    resource.setrlimit(resource.RLIMIT_AS, (limits["address_space"],) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_seconds"], limits["cpu_seconds"] + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    uid = config["uid"]
    if uid is not None:
        os.chown(config["scratch"], uid, uid)
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"],) * 2)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)  # set after setuid, which clears it
    if os.getppid() != config["parent_pid"]:
        os._exit(70)  # the grader is already gone
    os.chdir(config["scratch"])
    if not config["network_namespace"]:
        sys.addaudithook(_refuse_network)


def _expose_interpreter(libc: ctypes.CDLL, staging: str, extra: list[str]) -> None:
    """Let the unprivileged user reach Python and the submission in this mount namespace.

    An interpreter installed under a private home (`/root/.pyenv`, mode 700 on `/root`) is
    unreachable once we drop to another uid. For every such closed directory on the way to a
    path we need, from the top down, lay an open tmpfs over it and put back just the children
    we need, each moved in through a staging bind mount. Nothing outside this namespace
    changes, and nothing beside the needed paths becomes visible.
    """
    needed = {os.path.realpath(p) for p in
              [sys.executable, sys.prefix, sys.base_prefix, *sys.path, *extra] if p}
    closed: dict[str, set[str]] = {}
    for path in needed:
        parts = path.strip("/").split("/")
        for depth in range(len(parts)):
            parent = "/" + "/".join(parts[:depth])
            if os.path.isdir(parent) and not os.stat(parent).st_mode & 0o001:
                closed.setdefault(parent, set()).add(parts[depth])
    spots = itertools.count()
    for parent, children in sorted(closed.items(), key=lambda item: item[0].count("/")):
        children = {c for c in children if os.path.exists(os.path.join(parent, c))}
        staged = []
        for child in sorted(children):
            spot = os.path.join(staging, str(next(spots)))
            os.mkdir(spot)
            _mount(libc, os.path.join(parent, child), spot, None, _MS_BIND | _MS_REC, None)
            staged.append((child, spot))
        _mount(libc, "tmpfs", parent, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=64k,mode=755")
        for child, spot in staged:
            os.mkdir(os.path.join(parent, child))
            _mount(libc, spot, os.path.join(parent, child), None, _MS_MOVE, None)


def _mount_points() -> list[str]:
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f]


def _refuse_network(event: str, args: tuple) -> None:
    """Fallback when no network namespace could be made: refuse sockets at the Python level."""
    if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo"):
        raise PermissionError("network is disabled during grading")


# --------------------------------------------------------------------------- serving calls


class Worker:
    """Holds the objects handed out as handles and answers one request at a time."""

    def __init__(self, submission: str, request_fd: int, reply_fd: int):
        from autograder.codec import Decoder, Encoder

        self.submission = submission
        self.request_fd, self.reply_fd = request_fd, reply_fd
        self.objects: dict[int, Any] = {}
        self.kinds: dict[int, str] = {}
        self._ids = itertools.count(1)
        self.encoder = Encoder(to_handle=self._register)
        self.decoder = Decoder(from_handle=self._lookup, from_stream=_build_stream)

    def _register(self, value: Any):
        from autograder.codec import Handle

        handle_id = next(self._ids)
        self.objects[handle_id] = value
        kind = "iterator" if _is_iterator(value) else "object"
        self.kinds[handle_id] = kind
        return Handle(handle_id, kind, type(value).__name__)

    def _lookup(self, handle) -> Any:
        try:
            return self.objects[handle.id]
        except KeyError:
            raise LookupError(f"handle {handle.id} is no longer valid") from None

    def resolve(self, target: list) -> Any:
        kind, base, path = target
        obj = self.import_student(base) if kind == "module" else self._lookup_id(base)
        for name in filter(None, path.split(".")):
            obj = getattr(obj, name)
        return obj

    def _lookup_id(self, handle_id: int) -> Any:
        try:
            return self.objects[handle_id]
        except KeyError:
            raise LookupError(f"handle {handle_id} is no longer valid") from None

    def import_student(self, module: str) -> Any:
        if module.split(".")[0] in ("autograder",):
            raise ImportError("the grader's own modules are not part of a submission")
        return importlib.import_module(module)

    def handle(self, request: dict) -> Any:
        op = request["op"]
        if op == "ping":
            return os.getpid()
        if op == "call":
            function = self.resolve(request["target"])
            return function(*request.get("args", []), **request.get("kwargs", {}))
        if op == "getattr":
            return self.resolve(request["target"])
        if op == "next":
            iterator = self._lookup_id(request["handle"])
            items = list(itertools.islice(iterator, request["max_items"]))
            return {"items": items, "done": len(items) < request["max_items"]}
        if op == "helper":
            return self._helper(request["factory"])(*request.get("args", []),
                                                    **request.get("kwargs", {}))
        if op == "value_and_grad":
            return self._value_and_grad(request)
        if op == "release":
            for handle_id in request["handles"]:
                self.objects.pop(handle_id, None)
                self.kinds.pop(handle_id, None)
            return None
        raise ValueError(f"unknown request {op!r}")

    def _helper(self, factory: str) -> Any:
        module_name, _, name = factory.partition(":")
        if not module_name.startswith(HELPER_PREFIX):
            raise ValueError(f"only {HELPER_PREFIX}* factories may run in the worker")
        return getattr(importlib.import_module(module_name), name)

    def _value_and_grad(self, request: dict) -> Any:
        import torch

        args = list(request.get("args", []))
        for index in request["wrt"]:
            args[index] = torch.as_tensor(args[index]).detach().clone().requires_grad_(True)
        value = self.resolve(request["target"])(*args, **request.get("kwargs", {}))
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            raise TypeError("the function must return a scalar torch tensor")
        value.backward()
        grads = [args[i].grad if args[i].grad is not None else torch.zeros_like(args[i])
                 for i in request["wrt"]]
        return (value.detach(), grads)

    def serve(self) -> None:
        while True:
            frame = _read_frame(self.request_fd)
            if frame is None:
                return
            try:
                request = self.decoder.decode(frame)
                reply = {"ok": self.handle(request)}
                payload = self.encoder.encode(reply)
            except BaseException as exc:  # noqa: BLE001 - everything a submission raises is a result
                payload = self.encoder.encode({"error": describe_exception(exc, self.submission)})
            _write_frame(self.reply_fd, payload)


def _is_iterator(value: Any) -> bool:
    return hasattr(type(value), "__next__") and hasattr(type(value), "__iter__")


def _build_stream(stream) -> Iterator[str]:
    """Worker-side iterators made from plain data, so a test can stream gigabytes cheaply."""
    if stream.kind == "repeat":
        text, times = stream.args
        return itertools.repeat(text, times)
    if stream.kind == "file_chunks":
        path, chunk_size = stream.args
        return _file_chunks(path, chunk_size)
    if stream.kind == "items":
        return iter(stream.args[0])
    raise ValueError(f"unknown stream {stream.kind!r}")


def _file_chunks(path: str, chunk_size: int) -> Iterator[str]:
    with open(path, encoding="utf-8", newline="") as f:
        while chunk := f.read(chunk_size):
            yield chunk


def describe_exception(exc: BaseException, submission: str) -> dict:
    """A plain description of an exception: the names of its classes (so the trusted side can
    re-raise a matching built-in), a message, and the traceback lines inside the submission."""
    if isinstance(exc, SystemExit):
        return {"types": ["SystemExit"], "message": f"the code called sys.exit({exc.code!r})",
                "where": _student_frames(exc, submission)}
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        message = "<the exception's message could not be read>"
    if isinstance(exc, SyntaxError) and exc.filename:
        message = f"{exc.msg} ({_relative(exc.filename, submission)}, line {exc.lineno})"
    return {
        "types": [cls.__name__ for cls in type(exc).__mro__ if cls.__module__ == "builtins"],
        "message": message[:2000],
        "where": _student_frames(exc, submission),
    }


def _relative(path: str, submission: str) -> str:
    return os.path.relpath(path, submission) if path.startswith(submission) else path


def _student_frames(exc: BaseException, submission: str) -> list:
    frames = traceback.extract_tb(exc.__traceback__)
    return [[_relative(f.filename, submission), f.lineno, f.name]
            for f in frames if f.filename.startswith(submission)][-5:]


def _read_frame(fd: int) -> bytes | None:
    header = _read_exactly(fd, 4)
    if header is None:
        return None
    (length,) = struct.unpack(">I", header)
    return _read_exactly(fd, length)


def _read_exactly(fd: int, n: int) -> bytes | None:
    chunks, remaining = [], n
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _write_frame(fd: int, payload: bytes) -> None:
    view = memoryview(struct.pack(">I", len(payload)) + payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def main() -> None:
    config = json.loads(sys.argv[1])
    lock_in(config)
    # The submission goes last on the path: it must not shadow the standard library or the
    # packages the grader relies on.
    sys.path[:] = [p for p in sys.path[1:] if p] + [config["submission"]]
    sys.dont_write_bytecode = True
    # Submodules of the grader are imported before student code runs, so a submission that
    # shadows `msgpack` or `numpy` cannot change how replies are encoded.
    worker = Worker(config["submission"], config["request_fd"], config["reply_fd"])
    _write_frame(worker.reply_fd, worker.encoder.encode({"ok": "ready"}))
    worker.serve()


if __name__ == "__main__":
    main()

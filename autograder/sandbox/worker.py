"""The sandboxed worker: the only process that imports and runs student code.

It is started by `autograder.sandbox.launcher` (never by hand) as

    python -m autograder.sandbox.worker CONFIG_JSON

and first locks itself in (while still trusted code): it covers the directories it must not
see (the course repository, the grader's home and temp directory show only what Python needs;
the solutions and hidden suites are hidden outright), makes every file system read-only except
a small scratch tmpfs, sets resource limits, drops every capability and, when the grader runs
as root, becomes an unprivileged user of its own. In a PID namespace it is then the namespace's
init: it forks the process that serves calls, reaps orphans and exits with that process's
status, so the worker sees only its own processes and all of them die with it.

The serving process reads requests from one inherited pipe and answers on another, one
length-prefixed msgpack frame each (`autograder.sandbox.framing`, `autograder.codec`). Student
output on stdout/stderr goes to pipes that the trusted side reads and caps. Verdicts are never
decided here: the worker only returns values.
"""

from __future__ import annotations

import _thread
import ctypes
import faulthandler
import importlib
import inspect
import itertools
import json
import os
import random
import reprlib
import resource
import signal
import sys
import time
import traceback
from typing import Any, Iterator

from autograder.sandbox.framing import read_frame, write_frame

HELPER_PREFIX = "autograder.worker_helpers."
AUTOGRADER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_REMOUNT, _MS_BIND, _MS_REC = 1, 2, 4, 32, 4096, 16384
_PR_SET_PDEATHSIG, _PR_SET_DUMPABLE, _PR_CAPBSET_DROP = 1, 4, 24
_PR_SET_CHILD_SUBREAPER, _PR_SET_NO_NEW_PRIVS, _PR_CAP_AMBIENT = 36, 38, 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_CAPABILITY_VERSION_3 = 0x20080522
# Sockets are refused at the Python level too, so a student reads why ("network is disabled
# during grading") instead of a bare "Network is unreachable" from the empty namespace.
_NETWORK_EVENTS = frozenset({
    "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
    "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo",
})
# What an init process exits with when the worker it serves was killed by a signal.
SIGNAL_EXIT_BASE = 128
STACK_BYTES = 8 << 20
# Requests that run student code: after each, nothing it started may still be running.
_RUNS_STUDENT_CODE = frozenset({"import", "call", "next", "helper", "value_and_grad"})
# How long a thread the code started may take to finish after the call returned.
_THREAD_GRACE_SECONDS = 0.2
_ATOMS = frozenset({int, float, complex, bool, str, bytes, type(None)})


class ContractBroken(Exception):
    """A call broke a rule every call must keep (it changed its arguments, or left a thread
    running); described to the trusted side as such, never as the student's own exception.
    `stop` asks the trusted side to replace the worker (a thread cannot be stopped alone)."""

    def __init__(self, message: str, stop: bool = False):
        super().__init__(message)
        self.stop = stop


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
        _cover(libc, _views(config))
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
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"],) * 2)
    _set_soft_limit(resource.RLIMIT_STACK, STACK_BYTES)  # the same depth of C recursion everywhere
    uid = config["uid"]
    if uid is not None or config["mount_namespace"]:
        # Counted per user namespace on current kernels: caps the worker's own processes.
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"],) * 2)
    if uid is not None:
        os.chown(config["scratch"], uid, uid)
    _drop_capabilities(libc, keep_effective=uid is not None)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)  # from root to another uid: every capability left is gone
    libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # after setuid, which clears it
    if not config["pid_namespace"] and os.getppid() != config["parent_pid"]:
        os._exit(70)  # the grader is already gone
    if not config["pid_namespace"]:
        # Orphans of student code stay below the worker, where the grader finds and stops them.
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    os.chdir(config["scratch"])
    sys.addaudithook(_refuse_network)


def _set_soft_limit(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(which, (value, hard))


def _drop_capabilities(libc: ctypes.CDLL, keep_effective: bool) -> None:
    """Empty the bounding and ambient sets (no exec can regain a capability); unless we are
    about to switch to an unprivileged uid (which clears the rest), empty the process's own
    sets too. Without this, root inside a user namespace could unmount what hides the solutions."""
    for cap in range(64):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability, or not allowed to drop (then we hold none)
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    if not keep_effective:
        header = (ctypes.c_uint32 * 2)(_CAPABILITY_VERSION_3, 0)
        data = (ctypes.c_uint32 * 6)()
        if libc.capset(header, data) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"capset: {os.strerror(errno)}")


def _views(config: dict) -> dict[str, set[str]]:
    """Directories to cover with an empty tmpfs, each with the children to put back.

    A private directory (the course repository, the grader's home, the temp directories, the
    folders holding the solutions and suites) shows only the way to the paths the worker
    needs: the interpreter, its packages, the grader's own package and this sandbox. Every
    directory on that way shows just the next step, so a sandbox deep inside a test's temp
    folder does not reveal its neighbours. When the worker will drop to another uid, every
    directory closed to others on the way to those paths (`/root` holding a pyenv) is opened
    the same way.
    """
    privates = {os.path.realpath(p) for p in config["private"]} - {"/"}
    wanted = [sys.executable, sys.prefix, sys.base_prefix, AUTOGRADER_DIR, config["base"],
              *(p for p in sys.path if p and os.path.realpath(p) not in privates)]
    needed = {form for p in wanted if os.path.exists(p)
              for form in (os.path.abspath(p), os.path.realpath(p))}
    # Only the outermost needed paths matter: what lies inside one is visible with it.
    needed = {n for n in needed if not any(n.startswith(m + "/") for m in needed)}
    views: dict[str, set[str]] = {}
    for private in privates:
        if not os.path.isdir(private) or any(private == n or private.startswith(n + "/")
                                             for n in needed):
            continue
        views.setdefault(private, set())
        for path in needed:
            if path.startswith(private + "/"):
                steps = path[len(private) + 1:].split("/")
                for depth, step in enumerate(steps):
                    views.setdefault(os.path.join(private, *steps[:depth]), set()).add(step)
    if config["uid"] is not None:
        for path in needed:
            parts = path.strip("/").split("/")
            for depth in range(len(parts)):
                parent = "/" + "/".join(parts[:depth])
                if os.path.isdir(parent) and not os.stat(parent).st_mode & 0o001:
                    views.setdefault(parent, set()).add(parts[depth])
    return views


def _cover(libc: ctypes.CDLL, views: dict[str, set[str]]) -> None:
    """Lay an empty tmpfs over each directory and bind back just the children to keep.

    Outer directories first, so a kept child may itself be covered further down. A child is
    held open (O_PATH) while its parent is covered and bound back through /proc/self/fd.
    Nothing outside this mount namespace changes."""
    for parent in sorted(views, key=lambda p: p.count("/")):
        if not os.path.isdir(parent):
            continue
        held = []
        for child in sorted(views[parent]):
            path = os.path.join(parent, child)
            if os.path.islink(path):
                held.append((child, "link", os.readlink(path)))
            elif os.path.exists(path):
                kind = "dir" if os.path.isdir(path) else "file"
                held.append((child, kind, os.open(path, os.O_PATH | os.O_CLOEXEC)))
        _mount(libc, "tmpfs", parent, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=64k,mode=755")
        for child, kind, what in held:
            target = os.path.join(parent, child)
            if kind == "link":
                os.symlink(what, target)
                continue
            if kind == "dir":
                os.mkdir(target)
            else:
                os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
            _mount(libc, f"/proc/self/fd/{what}", target, None, _MS_BIND | _MS_REC, None)
            os.close(what)


def _mount_points() -> list[str]:
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f]


def _refuse_network(event: str, args: tuple) -> None:
    if event in _NETWORK_EVENTS:
        raise PermissionError("network is disabled during grading")


def become_init(config: dict) -> None:
    """As pid 1 of the worker's PID namespace: fork the serving worker and return in it; in
    the init itself, reap orphans until the worker ends, then exit with its status (a signal
    becomes SIGNAL_EXIT_BASE + its number). Everything left in the namespace dies with us."""
    worker = os.fork()
    if worker == 0:
        if os.getppid() != 1:
            os._exit(70)
        return
    libc = _libc()
    libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)  # student code may not ptrace the init
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # pid 1 ignores what it does not handle
    for fd in (config["request_fd"], config["reply_fd"]):
        os.close(fd)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(70)
        if pid == worker:
            code = os.waitstatus_to_exitcode(status)
            os._exit(code if code >= 0 else SIGNAL_EXIT_BASE - code)


# --------------------------------------------------------------------------- serving calls


class Worker:
    """Holds the objects handed out as handles and answers one request at a time."""

    def __init__(self, submission: str, request_fd: int, reply_fd: int, stack_fd: int = -1):
        from autograder.codec import Decoder, Encoder

        self.submission = submission
        self.request_fd, self.reply_fd, self.stack_fd = request_fd, reply_fd, stack_fd
        self.pid = os.getpid()
        self.objects: dict[int, Any] = {}
        self.kinds: dict[int, str] = {}
        self._ids = itertools.count(1)
        self.encoder = Encoder(to_handle=self._register)
        self.decoder = Decoder(from_handle=self._lookup, from_stream=_build_stream)
        for fd in (request_fd, reply_fd, stack_fd):
            if fd >= 0:
                os.set_inheritable(fd, False)
        os.register_at_fork(after_in_child=self._forked)

    def _forked(self) -> None:
        """A process forked by student code must never speak on the grader's pipes."""
        for fd in (self.request_fd, self.reply_fd, self.stack_fd):
            try:
                os.close(fd)
            except OSError:
                pass

    def _register(self, value: Any):
        from autograder.codec import Handle

        handle_id = next(self._ids)
        self.objects[handle_id] = value
        kind = "iterator" if _is_iterator(value) else "object"
        self.kinds[handle_id] = kind
        return Handle(handle_id, kind, type(value).__name__)

    def _lookup(self, handle) -> Any:
        return self._lookup_id(handle.id)

    def _lookup_id(self, handle_id: int) -> Any:
        try:
            return self.objects[handle_id]
        except KeyError:
            raise LookupError(f"handle {handle_id} is no longer valid") from None

    def resolve(self, target: list) -> Any:
        kind, base, path = target
        obj = self.import_student(base) if kind == "module" else self._lookup_id(base)
        for name in filter(None, path.split(".")):
            obj = getattr(obj, name)
        return obj

    def import_student(self, module: str) -> Any:
        if module.split(".")[0] in ("autograder",):
            raise ImportError("the grader's own modules are not part of a submission")
        return importlib.import_module(module)

    def handle(self, request: dict) -> Any:
        op = request["op"]
        if op == "ping":
            return os.getpid()
        if op == "import":
            self.import_student(request["module"])
            return None
        if op == "call":
            function = self.resolve(request["target"])
            args, kwargs = request.get("args", []), request.get("kwargs", {})
            # Unless the call is documented to work in place, its arguments must come out
            # as they went in (a copy is compared after the call).
            before = None if request.get("in_place") else _snapshot((args, kwargs))
            _reseed()
            result = function(*args, **kwargs)
            if before is not None and _changed(before):
                raise ContractBroken(_mutation_message(function, request["target"], args,
                                                       kwargs, before))
            return result
        if op == "getattr":
            return self.resolve(request["target"])
        if op == "next":
            iterator = self._lookup_id(request["handle"])
            items = list(itertools.islice(iterator, request["max_items"]))
            return {"items": items, "done": len(items) < request["max_items"]}
        if op == "helper":
            factory = self._helper(request["factory"])
            _reseed()
            return factory(*request.get("args", []), **request.get("kwargs", {}))
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
        function = self.resolve(request["target"])
        _reseed()
        value = function(*args, **request.get("kwargs", {}))
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            raise TypeError("the function must return a scalar torch tensor")
        value.backward()
        grads = [args[i].grad if args[i].grad is not None else torch.zeros_like(args[i])
                 for i in request["wrt"]]
        return (value.detach(), grads)

    def serve(self) -> None:
        while True:
            _reap_children()
            frame = read_frame(self.request_fd)
            if frame is None:
                return
            request_id, op = None, None
            try:
                request = self.decoder.decode(frame)
                request_id, op = request["id"], request["op"]
                payload = self.encoder.encode({"id": request_id, "ok": self.handle(request)})
            except BaseException as exc:  # noqa: BLE001 - everything a submission raises is a result
                payload = self._error_payload(request_id, exc)
            if os.getpid() != self.pid:
                os._exit(0)  # a child forked by student code came back here: it has no say
            if op in _RUNS_STUDENT_CODE:
                _stop_children()
                left = _threads_left(self.submission)
                if left:
                    payload = self._error_payload(request_id, ContractBroken(left, stop=True))
            try:
                write_frame(self.reply_fd, payload)
            except OSError:
                _say("the worker could not answer: the code closed the grader's reply channel")
                os._exit(1)


    def _error_payload(self, request_id: int | None, exc: BaseException) -> bytes:
        if type(exc) is ContractBroken:
            return self.encoder.encode({"id": request_id, "error": {
                "types": ["AssertionError"], "where": [], "message": str(exc)[:2000],
                "contract": True, "stop": exc.stop}})
        try:
            return self.encoder.encode({"id": request_id,
                                        "error": describe_exception(exc, self.submission)})
        except BaseException:  # noqa: BLE001 - an exception too hostile to describe
            return self.encoder.encode({"id": request_id, "error": {
                "types": ["Exception"], "where": [],
                "message": "the code raised an exception that could not be described"}})


def _say(message: str) -> None:
    try:
        os.write(2, message.encode() + b"\n")
    except OSError:
        pass


def _reseed() -> None:
    """Reset the global random generators before each call into student code, so even a
    submission that (against the rules) uses unseeded global randomness grades the same every
    time, whatever ran before it."""
    random.seed(0)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(0)
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "manual_seed"):
        torch.manual_seed(0)


def _snapshot(value: Any) -> tuple:
    """What `_changed` needs to tell whether `value` was changed in place: the object, and a
    copy of its contents (shallow, with snapshots of the mutable items inside). Objects that
    live in the worker behind handles and immutable values are not copied."""
    kind = type(value)
    if kind in (list, tuple):
        nested = {i: _snapshot(v) for i, v in enumerate(value) if type(v) not in _ATOMS}
        return (value, list(value), nested)
    if kind is dict:
        nested = {k: _snapshot(v) for k, v in value.items() if type(v) not in _ATOMS}
        return (value, dict(value), nested)
    if kind in (set, bytearray):
        return (value, kind(value), {})
    numpy = sys.modules.get("numpy")
    if numpy is not None and kind is numpy.ndarray and value.dtype != object:
        return (value, value.copy(), {})
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return (value, value.detach().clone(), {})
    return (value, None, {})


def _changed(snapshot: tuple) -> bool:
    value, copy, nested = snapshot
    if copy is None:
        return False
    try:
        numpy, torch = sys.modules.get("numpy"), sys.modules.get("torch")
        if numpy is not None and isinstance(copy, numpy.ndarray):
            same = (value.shape == copy.shape and value.dtype == copy.dtype
                    and value.tobytes() == copy.tobytes())  # bitwise: NaN equals itself
        elif torch is not None and isinstance(copy, torch.Tensor):
            now = value.detach()
            same = (now.shape == copy.shape and now.dtype == copy.dtype
                    and torch.equal(now.contiguous().view(torch.uint8).ravel(),
                                    copy.contiguous().view(torch.uint8).ravel()))
        elif isinstance(copy, list):
            # Items are compared by identity first, so NaN and arrays inside compare cheaply.
            same = len(value) == len(copy) and all(a is b or a == b
                                                   for a, b in zip(value, copy))
        else:
            same = copy == value
    except Exception:  # noqa: BLE001 - a comparison that fails means the contents changed
        return True
    return not same or any(_changed(item) for item in nested.values())


def _mutation_message(function: Any, target: list, args: list, kwargs: dict,
                      before: tuple) -> str:
    """"merge_pair changed its argument ids during the call: it was [1, 1, 1], now [9, 1]" """
    name = target[2].rsplit(".", 1)[-1] or "the function"
    values = list(enumerate(args)) + list(kwargs.items())
    snapshots = [before[2].get(0, (None, None, {}))[2].get(i) for i in range(len(args))] + \
        [before[2].get(1, (None, None, {}))[2].get(k) for k in kwargs]
    try:
        parameters = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        parameters = []
    shorten = reprlib.Repr()
    shorten.maxlist = shorten.maxtuple = shorten.maxdict = shorten.maxset = 8
    shorten.maxstring, shorten.maxother, shorten.maxlevel = 40, 60, 3
    for (key, value), snapshot in zip(values, snapshots):
        if snapshot is None or not _changed(snapshot):
            continue
        if isinstance(key, int):
            label = parameters[key] if key < len(parameters) else f"number {key + 1}"
        else:
            label = key
        was = snapshot[1]
        try:
            shown = f": it was {shorten.repr(was)}, now {shorten.repr(value)}"
        except Exception:  # noqa: BLE001 - a value whose repr fails
            shown = ""
        return (f"{name} changed its argument {label} during the call{shown}; its inputs "
                "must be left as they were (only functions documented as working in place "
                "may change them)")
    return f"{name} changed one of its arguments during the call; its inputs must be left " \
        "as they were"


def _stop_children() -> None:
    """Kill every process a call left behind (they would compete with what runs next).
    Orphans come back to the worker, a child subreaper, so its children are all of them; in
    a PID namespace the grader also stops whatever is left from outside."""
    pids = _descendants(os.getpid())
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if pids:
        _reap_children()


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue and len(found) < 10_000:
        parent = queue.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as f:
                    children = [int(c) for c in f.read().split()]
            except (OSError, ValueError):
                continue
            found += children
            queue += children
    return found


def _stop_library_threads() -> None:
    """Stop the helper threads libraries start on their own and restart when needed: tqdm's
    monitor of progress bars (the reference's trainer shows one)."""
    monitor = getattr(sys.modules.get("tqdm._monitor"), "TMonitor", None)
    threading = sys.modules.get("threading")
    if monitor is None or threading is None:
        return
    for thread in threading.enumerate():
        if type(thread) is monitor:
            try:
                thread.exit()
            except Exception:  # noqa: BLE001 - a monitor already gone
                pass


def _threads_left(submission: str) -> str:
    """"" when the code runs no Python thread besides the worker's own, else a sentence
    saying what is still running. Threads get a moment to finish: a call that starts a
    thread and returns while it exits is fine."""
    _stop_library_threads()
    me = _thread.get_ident()
    deadline = time.monotonic() + _THREAD_GRACE_SECONDS
    while True:
        others = [frame for ident, frame in sys._current_frames().items() if ident != me]
        if not others or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    if not others:
        return ""
    where = ""
    for frame in others:
        while frame is not None and not where:
            if frame.f_code.co_filename.startswith(submission):
                where = (f" (one was at {_relative(frame.f_code.co_filename, submission)}:"
                         f"{frame.f_lineno} in {frame.f_code.co_name})")
            frame = frame.f_back
    count = f"{len(others)} thread{'s' if len(others) > 1 else ''}"
    return (f"the call returned but left {count} running{where}; a call must finish all its "
            "work before it returns (the worker was restarted)")


def _reap_children() -> None:
    """Collect children that ended (the grader stops any left over after a call)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


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
        return {"types": ["SystemExit"], "message": f"the code called sys.exit({_safe_repr(exc.code)})",
                "where": _student_frames(exc, submission)}
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        message = "<the exception's message could not be read>"
    if not isinstance(message, str):
        message = "<the exception's message could not be read>"
    if isinstance(exc, SyntaxError) and exc.filename:
        message = f"{exc.msg} ({_relative(exc.filename, submission)}, line {exc.lineno})"
    return {
        "types": [cls.__name__ for cls in type(exc).__mro__ if cls.__module__ == "builtins"],
        "message": message[:2000],
        "where": _student_frames(exc, submission),
    }


def _safe_repr(value: Any) -> str:
    try:
        return repr(value)[:200] if isinstance(value, (int, str, type(None))) else "…"
    except BaseException:  # noqa: BLE001
        return "…"


def _relative(path: str, submission: str) -> str:
    return os.path.relpath(path, submission) if path.startswith(submission) else path


def _student_frames(exc: BaseException, submission: str) -> list:
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except BaseException:  # noqa: BLE001 - a traceback full of hostile objects
        return []
    return [[_relative(f.filename, submission), f.lineno, f.name]
            for f in frames if f.filename.startswith(submission)][-5:]


def main() -> None:
    """Lock in, then serve calls until the grader closes the request pipe. Run as
    `python -m autograder.sandbox.worker CONFIG_JSON`, or the same way in a process forked by
    the pre-loaded template (`autograder.sandbox.zygote`), which has already entered the
    worker's namespaces."""
    config = json.loads(sys.argv[1])
    lock_in(config)
    if config["pid_namespace"]:
        become_init(config)
    # The submission goes last on the path: it must not shadow the standard library or the
    # packages the grader relies on.
    sys.path[:] = [p for p in sys.path[1:] if p] + [config["submission"]]
    sys.dont_write_bytecode = True
    # Submodules of the grader are imported before student code runs, so a submission that
    # shadows `msgpack` or `numpy` cannot change how replies are encoded.
    worker = Worker(config["submission"], config["request_fd"], config["reply_fd"],
                    config.get("stack_fd", -1))
    if worker.stack_fd >= 0:
        # On the grader's signal, the stacks of all threads go to their own pipe: a call that
        # timed out is reported with the line it was running.
        faulthandler.register(config["stack_signal"], file=worker.stack_fd, all_threads=True)
    write_frame(worker.reply_fd, worker.encoder.encode({"ok": "ready"}))
    worker.serve()


if __name__ == "__main__":
    main()

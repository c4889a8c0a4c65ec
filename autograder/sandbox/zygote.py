"""Starting sandboxed workers by forking a pre-loaded template (trusted side).

Starting a worker as a new program costs a Python start and the imports every worker makes
before it serves (numpy, msgpack, the grader's codec): about 0.15 s of CPU, hundreds of times
in a grade-all or a test run. The template is a process started once per grading process with
those imports done. For each worker it forks a child, and the child enters the worker's
namespaces itself, as `unshare` does for a worker started as a program:

    the user namespace (when not root, mapping the grader's uid to root inside), the network
    and mount namespaces (mounts made private, so nothing propagates out), and the PID
    namespace (a second fork: the grandchild is the namespace's pid 1, with /proc mounted
    for it, and the child waits for it and exits with its status, as `unshare --fork` does)

then runs the worker module as `__main__` with its configuration in `sys.argv`, exactly as a
started worker runs: it locks itself in and serves.

The template never runs student code and is never reachable from it: each child closes every
descriptor but its own pipes before anything else, and dies with the template (which ends when
the grading process closes its channel). Children's exit statuses come back on the channel, so
the launcher sees a child as it sees a started program (`ForkedWorker` has Popen's `pid`,
`poll`, `wait`, `stdout` and `stderr`).

A template can also pre-load the libraries a course module's reference solutions import at
their top level (`libraries_imported_by`): Module 4's reference imports torch, a second of CPU
that every Module 4 worker would otherwise spend. The grading plugin asks for them; workers
with other pre-loads come from another template. The list is read from the reference, never
from a submission: the template is trusted and imports what it is told.

`AUTOGRADER_WORKER_START=exec` starts every worker as a program instead (the launcher also
falls back to that when the template cannot start).
"""

from __future__ import annotations

import array
import ast
import ctypes
import functools
import importlib
import json
import os
import queue
import runpy
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Iterable

from autograder.sandbox.worker import (_MS_NODEV, _MS_NOSUID, _MS_REC, _PR_SET_PDEATHSIG,
                                       _libc, _mount)

_CLONE_NEWNS, _CLONE_NEWUSER = 0x00020000, 0x10000000
_CLONE_NEWPID, _CLONE_NEWNET = 0x20000000, 0x40000000
_MS_NOEXEC, _MS_PRIVATE = 8, 1 << 18
_MESSAGE_BYTES = 1 << 20
# The descriptors a child receives, in this order.
_FDS = ("stdout", "stderr", "request_fd", "reply_fd", "stack_fd")
# Variables that differ from one worker to the next; the others are fixed at the template's
# start (PYTHONHASHSEED and the thread counts only take effect there).
PER_WORKER = frozenset({"HOME", "TMPDIR", "MPLCONFIGDIR"})


class Unavailable(Exception):
    """The template could not start or fork; the launcher starts the worker as a program."""


def enabled() -> bool:
    return os.environ.get("AUTOGRADER_WORKER_START", "fork") != "exec"


# --------------------------------------------------------------------------- trusted side


class ForkedWorker:
    """A worker forked by the template, seen like a `subprocess.Popen`."""

    def __init__(self, template: "_Template", pid: int, stdout: int, stderr: int):
        self._template = template
        self.pid = pid
        self.args = ["autograder.sandbox.zygote", str(pid)]
        self.stdout = os.fdopen(stdout, "rb", buffering=0)
        self.stderr = os.fdopen(stderr, "rb", buffering=0)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._template.exit_status(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            code = self._template.wait(self.pid, timeout)
            if code is None:
                raise subprocess.TimeoutExpired(self.args, timeout)
            self.returncode = code
        return self.returncode

    def close(self) -> None:
        for stream in (self.stdout, self.stderr):
            try:
                stream.close()
            except OSError:
                pass
        self._template.forget(self.pid)


class _Template:
    """The client of one template process: forks workers, collects their exit statuses."""

    def __init__(self, env: dict, mode: dict | None, preload: tuple[str, ...]):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.channel = ours
        # It runs in the folder the grader's package is imported from (`-m` puts the working
        # folder first on its path: a shared temp folder could shadow the package), and names
        # the grader's temp folder, where its workers' folders are, on its command line.
        package_parent = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox.zygote", str(theirs.fileno()),
             tempfile.gettempdir(), *preload],
            pass_fds=(theirs.fileno(),), env=env, cwd=package_parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        theirs.close()
        self._lock = threading.Lock()  # one spawn at a time
        self._replies: queue.Queue = queue.Queue()
        self._exits: dict[int, int] = {}
        self._changed = threading.Condition()
        self.alive = True
        threading.Thread(target=self._read, daemon=True).start()
        try:
            ready = self._replies.get(timeout=60)
        except queue.Empty:
            ready = None
        if ready != {"ready": True}:
            self.close()
            raise Unavailable(f"the worker template did not start: {ready!r}")

    def _read(self) -> None:
        while True:
            try:
                data = self.channel.recv(_MESSAGE_BYTES)
            except OSError:
                data = b""
            if not data:
                break
            message = json.loads(data)
            # In the channel's order: a child's "spawned" always comes before its "exited",
            # which may come before its spawner has read "spawned".
            with self._changed:
                if "exited" in message:
                    self._exits[message["exited"]] = message["code"]
                    self._changed.notify_all()
                    continue
                if "spawned" in message:
                    self._exits.pop(message["spawned"], None)  # an earlier child's, same pid
            self._replies.put(message)
        with self._changed:
            self.alive = False  # its children die with it (their parent-death signal)
            self._changed.notify_all()
        self._replies.put({"failed": "the worker template stopped"})

    def spawn(self, request: dict, fds: list[int]) -> int:
        with self._lock:
            if not self.alive:
                raise Unavailable("the worker template stopped")
            try:
                socket.send_fds(self.channel, [json.dumps(request).encode()], fds)
            except OSError as exc:
                raise Unavailable(f"the worker template did not answer: {exc}") from None
            reply = self._replies.get()
            if "spawned" not in reply:
                raise Unavailable(reply.get("failed", "the worker template failed"))
            return reply["spawned"]

    def exit_status(self, pid: int) -> int | None:
        with self._changed:
            if pid in self._exits:
                return self._exits[pid]
            return None if self.alive else -signal.SIGKILL

    def wait(self, pid: int, timeout: float | None) -> int | None:
        with self._changed:
            self._changed.wait_for(lambda: pid in self._exits or not self.alive, timeout)
        return self.exit_status(pid)

    def forget(self, pid: int) -> None:
        with self._changed:
            self._exits.pop(pid, None)

    def close(self) -> None:
        self.alive = False
        try:
            self.channel.close()  # the template ends on the closed channel
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


_templates: dict[tuple, _Template] = {}
_templates_lock = threading.Lock()
_broken = False


def _forget_templates() -> None:
    """In a process forked from a grading process: the parent's templates are the parent's
    (their reading threads did not come along); close the copies of their channels, so a
    template still ends when its own grading process does."""
    global _templates_lock
    for template in _templates.values():
        try:
            template.channel.close()
        except OSError:
            pass
    _templates.clear()
    _templates_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_templates)


def spawn(config: dict, env: dict, cwd: str, mode: dict | None,
          preload: tuple[str, ...] = ()) -> ForkedWorker:
    """Fork a worker for `config` (the launcher's worker configuration, without descriptors)
    from this process's template for `preload`, started on first use and again if it stopped
    or if the environment it was started with changed. `mode` says which namespaces to enter
    (None: none). Raises Unavailable when the template cannot serve."""
    fixed = {k: v for k, v in env.items() if k not in PER_WORKER}
    key = (json.dumps(fixed, sort_keys=True), json.dumps(mode, sort_keys=True), preload)
    global _broken
    with _templates_lock:
        if _broken:
            raise Unavailable("the worker template could not start in this process")
        template = _templates.get(key)
        if template is None or not template.alive:
            try:
                _templates[key] = template = _Template(fixed, mode, preload)
            except (Unavailable, OSError) as exc:
                _broken = True  # not tried again for every worker
                raise Unavailable(str(exc)) from None
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    sent = [out_w, err_w, config["request_fd"], config["reply_fd"], config["stack_fd"]]
    request = {"config": {k: v for k, v in config.items() if k not in _FDS},
               "env": env, "cwd": cwd, "mode": mode}
    try:
        pid = template.spawn(request, sent)
    except Unavailable:
        os.close(out_r), os.close(err_r)
        raise
    finally:
        os.close(out_w), os.close(err_w)
    return ForkedWorker(template, pid, out_r, err_r)


def namespace_mode(prefix: list[str] | None) -> dict | None:
    """What the `unshare` prefix the machine allows asks for, as the template does it."""
    if prefix is None:
        return None
    return {"user": "--user" in prefix, "pid": "--pid" in prefix}


def libraries_imported_by(files: Iterable[Path], own: Iterable[str] = ()) -> tuple[str, ...]:
    """The libraries `files` import at their top level (`import torch`, `from scipy import
    sparse` -> "scipy.sparse"), in a stable order: what a worker running them will import.
    Imports inside functions are left lazy, as their authors meant; relative imports, the
    standard library and the top-level names in `own` (the course's own modules) are left
    out: a template must never import the code a worker is there to run."""
    own = set(own)
    found: set[str] = set()
    for path in files:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        found.update(name for name in _top_level_imports(str(path), stat.st_mtime_ns, stat.st_size)
                     if name.split(".", 1)[0] not in own)
    return tuple(sorted(found))


@functools.lru_cache(maxsize=256)
def _top_level_imports(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    """The absolute, non-standard imports at the top level of one file (parsed once per
    version of the file: a grade asks for them every time)."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return ()
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names
                                      if a.name != "*"]
    return tuple(name for name in names if name.split(".", 1)[0] not in sys.stdlib_module_names
                 and name != "__future__")


def _preload(names: Iterable[str]) -> None:
    """Import what the template was asked to pre-load; `from x import y` names a module or
    an attribute, and a name that cannot be imported is only left to the worker."""
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - "from x import a_function", or a missing library
            pass


# --------------------------------------------------------------------------- the template


def _unshare(libc: ctypes.CDLL, flags: int) -> None:
    if libc.unshare(flags) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"unshare: {os.strerror(errno)}")


def _close_all_but(keep: set[int]) -> None:
    """Close every descriptor but `keep` (without /proc/self, which a PID namespace's own
    /proc no longer shows to a process outside it)."""
    low = 0
    for fd in sorted(keep) + [os.sysconf("SC_OPEN_MAX")]:
        if low < fd:  # an empty range is not harmless: close_range(n, n - 1) closes all
            os.closerange(low, fd)
        low = fd + 1


def serve(channel_fd: int, preload: Iterable[str] = ()) -> None:
    """The template's loop: fork a worker per request, report every exit, end with the
    channel. Its Python code runs in one thread, so forking is safe (a pre-loaded library's
    own threads, like torch's, do not come along into a child, and it is made for that)."""
    import autograder.codec  # noqa: F401  (numpy, msgpack: the worker's own imports, done once)

    _preload(preload)

    channel = socket.socket(fileno=channel_fd)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    template = os.getpid()
    channel.send(json.dumps({"ready": True}).encode())
    readable = select.poll()
    readable.register(channel.fileno(), select.POLLIN)
    readable.register(wake_r, select.POLLIN)
    while True:
        readable.poll()
        try:
            while os.read(wake_r, 512):
                pass
        except (BlockingIOError, OSError):
            pass
        _report_exits(channel)
        try:
            data, fds = _receive(channel)
        except BlockingIOError:
            continue
        except OSError:
            data, fds = b"", []
        if not data:
            os._exit(0)  # the grader is gone: the children follow (parent-death signal)
        try:
            pid = os.fork()
        except OSError as exc:
            pid = -1
            reply = {"failed": f"fork: {exc}"}
        if pid == 0:
            _become_worker(json.loads(data), fds, channel, template)  # never returns
        for fd in fds:
            os.close(fd)
        if pid > 0:
            reply = {"spawned": pid}
        channel.send(json.dumps(reply).encode())


def _receive(channel: socket.socket) -> tuple[bytes, list[int]]:
    """One request and its descriptors, without waiting (socket.recv_fds would wait: before
    Python 3.12 it drops its flags)."""
    item = array.array("i")
    data, ancillary, _, _ = channel.recvmsg(
        _MESSAGE_BYTES, socket.CMSG_LEN(len(_FDS) * item.itemsize), socket.MSG_DONTWAIT)
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            item.frombytes(payload[:len(payload) - len(payload) % item.itemsize])
    return data, list(item)


def _report_exits(channel: socket.socket) -> None:
    """Collect every child that has ended and report its status."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # no children
        if pid == 0:
            return  # none ended
        code = os.waitstatus_to_exitcode(status)
        channel.send(json.dumps({"exited": pid, "code": code}).encode())


def _become_worker(request: dict, fds: list[int], channel: socket.socket,
                   template: int) -> None:
    """In the forked child: shed the template, enter the namespaces, run the worker."""
    code = 71
    try:
        libc = _libc()
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # dies with the template
        if os.getppid() != template:
            os._exit(70)  # the template is already gone
        os.setpgid(0, 0)  # its own process group, which the launcher kills
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        stdout, stderr, request_fd, reply_fd, stack_fd = fds
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        channel.detach()
        _close_all_but({0, 1, 2, request_fd, reply_fd, stack_fd})
        os.environ.clear()
        os.environ.update(request["env"])
        tempfile.tempdir = None  # computed again from TMPDIR
        config = dict(request["config"], request_fd=request_fd, reply_fd=reply_fd,
                      stack_fd=stack_fd)
        if request["mode"] is not None:
            _enter_namespaces(libc, request["mode"])
        os.chdir(request["cwd"])
        # Run as a started worker is run (`python -m autograder.sandbox.worker CONFIG`): as
        # __main__, with its configuration in sys.argv, so the worker the code meets is the
        # same in both ways of starting it.
        sys.argv = [sys.modules["autograder.sandbox.worker"].__file__, json.dumps(config)]
        code = 0
        runpy.run_module("autograder.sandbox.worker", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # noqa: BLE001 - reported on the worker's stderr
        try:
            os.write(2, f"the sandbox could not start: {exc}\n".encode())
        except OSError:
            pass
        code = 71
    finally:
        os._exit(code)


def _enter_namespaces(libc: ctypes.CDLL, mode: dict) -> None:
    """What `unshare [--user --map-root-user] --net --mount [--pid --fork --kill-child
    --mount-proc]` does before it runs its command; returns in the process that must become
    the worker (with a PID namespace, the namespace's pid 1)."""
    uid, gid = os.getuid(), os.getgid()
    flags = _CLONE_NEWNET | _CLONE_NEWNS | (_CLONE_NEWUSER if mode["user"] else 0)
    _unshare(libc, flags)
    if mode["user"]:
        for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"),
                           ("gid_map", f"0 {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    _mount(libc, None, "/", None, _MS_REC | _MS_PRIVATE, None)  # nothing propagates out
    if not mode["pid"]:
        return
    _unshare(libc, _CLONE_NEWPID)
    init = os.fork()
    if init == 0:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # --kill-child
        _mount(libc, "none", "/proc", None, _MS_REC | _MS_PRIVATE, None)
        _mount(libc, "proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, None)
        return
    # Like `unshare --fork`: wait for the namespace's init and end as it ended.
    _close_all_but({0, 1, 2})
    try:
        _, status = os.waitpid(init, 0)
    except ChildProcessError:
        os._exit(70)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF)


if __name__ == "__main__":
    # sys.argv[2], the grader's temp folder, only names it; the libraries to pre-load follow.
    serve(int(sys.argv[1]), sys.argv[3:])

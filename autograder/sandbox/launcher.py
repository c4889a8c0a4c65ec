"""Starting, watching and stopping the sandboxed worker (trusted side).

`Sandbox` owns one worker process at a time. It decides the strongest isolation the machine
allows, starts the worker with it, sends requests and waits for replies with a deadline while
watching the worker's memory and output from outside, and kills and replaces the worker after
a timeout, a crash, an output flood or a memory overrun. Everything it reports about a call
(wall time, CPU time, peak memory) is measured here, never taken from the worker.

Its neighbours hold the rest: `limits` (what a worker may use), `isolation` (what this machine
allows), `proc` (finding, measuring and signalling processes through /proc) and `framing` (the
messages on the pipes, shared with the worker).
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

from autograder.course import REPO_ROOT
from autograder.sandbox.framing import frame, frame_length, take_frame
from autograder.sandbox.isolation import (Isolation, isolation_strength, namespace_prefix,
                                          open_to_everyone)
from autograder.sandbox.limits import Limits, mib
from autograder.sandbox.proc import (all_stopped, cpu_seconds, find_worker, kill_group,
                                     kill_uid, namespace_pid, proportional_bytes,
                                     reset_peak_memory, signal_path, signal_uid, status_bytes)
from autograder.sandbox import zygote
from autograder.sandbox.worker import SIGNAL_EXIT_BASE

_uid_counter = itertools.count()
# Asks the worker for its stack (faulthandler) when a call times out.
STACK_SIGNAL = signal.SIGUSR2
# How long pause() waits for the worker's threads to be seen stopped.
PAUSE_WAIT = 2.0


class WorkerFailure(Exception):
    """The worker stopped serving: a timeout, a crash, a flood or a memory overrun.
    The message is written for the student."""


class CallTimedOut(WorkerFailure):
    """A call took longer than its wall-clock timeout (the worker was killed). `where` is the
    line of the submission it was running then ("m1_tokenization/bpe.py:42 in merge_pair"),
    or "" when the worker could not say."""

    def __init__(self, message: str, where: str = "", importing: bool = False):
        super().__init__(message)
        self.where = where
        self.importing = importing  # the module's import, not a call, took too long


class _OutputTail:
    """Reads one of the worker's output pipes: keeps the last bytes, counts all of them.

    The reading thread reads and keeps a chunk under one lock, so while the lock is held, an
    empty pipe means everything written so far has been kept: settle() can tell at once."""

    def __init__(self, stream, keep: int = 4096):
        self.total = 0
        self._keep = keep
        self._tail = bytearray()
        self._lock = threading.Lock()
        self._fd = os.dup(stream.fileno())  # this thread's own, closed by it at the end
        os.set_blocking(self._fd, False)
        self._closed = False
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        readable = select.poll()  # poll, not select: no limit on the descriptor's number
        readable.register(self._fd, select.POLLIN)
        while True:
            try:
                readable.poll()
            except OSError:
                chunk = b""
            else:
                try:
                    with self._lock:
                        chunk = os.read(self._fd, 1 << 16)
                        self.total += len(chunk)
                        self._tail += chunk
                        del self._tail[: -self._keep]
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
            if not chunk:
                with self._lock:
                    self._closed = True
                    os.close(self._fd)
                return

    def _pending(self) -> int:
        try:
            return struct.unpack("i", fcntl.ioctl(self._fd, termios.FIONREAD, b"\0" * 4))[0]
        except OSError:
            return 0

    def settle(self, within: float = 0.5) -> None:
        """Wait (briefly) until what the worker printed before its reply has been read: the
        reply can arrive on its own pipe before this thread has caught up with the output."""
        deadline = time.monotonic() + within
        while True:
            with self._lock:
                if self._closed or self._pending() == 0:
                    return
            if time.monotonic() >= deadline:
                return
            time.sleep(0.001)

    def take(self) -> str:
        self.settle()
        with self._lock:
            text = self._tail.decode("utf-8", errors="replace")
            self._tail.clear()
            return text


class Sandbox:
    """One sandboxed worker serving a submission directory; restarted on demand."""

    def __init__(self, submission: Path, limits: Limits | None = None,
                 hide: list[Path] | None = None, preload: tuple[str, ...] = ()):
        self.submission = Path(submission).resolve()
        self.limits = limits or Limits()
        self.preload = preload  # libraries the worker's template imports (zygote.py)
        default_hide = [REPO_ROOT / "solutions", REPO_ROOT / "autograder" / "suites"]
        self.hide = [p.resolve() for p in (hide if hide is not None else default_hide)
                     if p.resolve() != self.submission and p.is_dir()]
        self._base = Path(tempfile.mkdtemp(prefix="autograder-sandbox-"))
        os.chmod(self._base, 0o755)
        self.code = _snapshot(self.submission, self._base / "submission")
        self.exchange = self._base / "exchange"
        self.exchange.mkdir(mode=0o755)
        self.process: subprocess.Popen | None = None
        self.worker_pid = 0
        self.stdout: _OutputTail | None = None
        self.stderr: _OutputTail | None = None
        self.restarts = 0
        self._uid: int | None = None
        self._tree_peak = 0
        self._pending = bytearray()
        self._paused = False
        self.isolation = self._isolation()

    # ------------------------------------------------------------------ lifecycle

    @property
    def pid_namespace(self) -> bool:
        return "--pid" in (namespace_prefix() or [])

    @property
    def private_user(self) -> bool:
        """Whether the worker runs as a uid of its own: when the grader is root, and either a
        mount namespace lets it reach Python or Python is open to every user anyway."""
        if os.geteuid() != 0:
            return False
        return namespace_prefix() is not None or open_to_everyone(
            [sys.executable, sys.prefix, sys.base_prefix, str(REPO_ROOT / "autograder"),
             str(self._base)])

    def _isolation(self) -> Isolation:
        prefix = namespace_prefix()
        limits = {"memory_bytes": self.limits.memory_bytes, "cpu_seconds": self.limits.cpu_seconds,
                  "file_bytes": self.limits.file_bytes, "processes": self.limits.processes,
                  "open_files": self.limits.open_files, "output_bytes": self.limits.output_bytes}
        if prefix is None:
            private = self.private_user
            return Isolation(
                "python audit hook refuses sockets (no network namespace here)",
                "none: the worker can read what every user can" if private
                else "none: the worker can read what the grader's user can",
                "a dedicated unprivileged uid (no namespaces)" if private
                else "the grader's own user, without capabilities",
                "processes found by uid and stopped" if private
                else "the grader's own processes are visible",
                limits, strength=isolation_strength())
        return Isolation(
            "network namespace: no interfaces",
            "read-only file system, solutions and hidden suites hidden, the repository, home "
            "and temp directory show only what Python needs, private scratch tmpfs",
            "a dedicated unprivileged uid" if self.private_user
            else "the grader's own user without capabilities (user namespace)",
            "PID namespace: the worker sees only its own processes; all die with it"
            if self.pid_namespace else "the grader's PID namespace",
            limits, strength=isolation_strength(),
        )

    def start(self) -> None:
        self.stop()
        prefix = namespace_prefix()
        uid = 200_000 + (os.getpid() % 100_000) * 16 + next(_uid_counter) % 16 \
            if self.private_user else None
        scratch = self._base / f"scratch-{self.restarts}"
        scratch.mkdir(mode=0o755)
        # Shown only as far as the worker needs them. /run holds the sockets of the
        # machine's services (a socket can be connected on a read-only file system).
        private = [REPO_ROOT, self._base.parent, Path(tempfile.gettempdir()), Path("/tmp"),
                   Path("/var/tmp"), Path("/dev/shm"), Path("/run"), Path.home(),
                   *(p.parent for p in self.hide)]
        config = {
            "submission": str(self.code),
            "base": str(self._base),
            "scratch": str(scratch),
            "scratch_bytes": self.limits.scratch_bytes,
            "hide": [str(p) for p in self.hide],
            "private": sorted({str(p) for p in private}),
            "uid": uid,
            "parent_pid": os.getpid(),
            "mount_namespace": prefix is not None,
            "network_namespace": prefix is not None,
            "pid_namespace": self.pid_namespace,
            "limits": {"address_space": self.limits.address_space_bytes,
                       "cpu_seconds": self.limits.cpu_seconds,
                       "file_bytes": self.limits.file_bytes,
                       "processes": self.limits.processes,
                       "open_files": self.limits.open_files},
        }
        request_r, request_w = os.pipe()
        reply_r, reply_w = os.pipe()
        stack_r, stack_w = os.pipe()
        os.set_blocking(stack_r, False)
        config["request_fd"], config["reply_fd"] = request_r, reply_w
        config["stack_fd"], config["stack_signal"] = stack_w, int(STACK_SIGNAL)
        env = _worker_environment(scratch)
        try:
            self.process = self._start_worker(config, env, scratch, prefix)
        finally:
            for fd in (request_r, reply_w, stack_w):
                os.close(fd)
        self._requests, self._replies, self._stacks = request_w, reply_r, stack_r
        self._uid = uid
        self.worker_pid, self._ns_pid = self.process.pid, ""
        self._pending = bytearray()
        self.stdout = _OutputTail(self.process.stdout)
        self.stderr = _OutputTail(self.process.stderr)
        self.restarts += 1
        from autograder.codec import Decoder

        self.begin_call()
        try:
            ready = Decoder().decode(self.receive(timeout=60.0))
        except Exception as exc:
            self.stop()
            raise WorkerFailure(f"the sandbox did not start: {exc}") from None
        if ready != {"ok": "ready"}:
            self.stop()
            raise WorkerFailure(f"the sandbox did not start: {ready!r}")
        if self.pid_namespace:
            self.worker_pid = find_worker(self.process.pid)
            self._ns_pid = namespace_pid(self.worker_pid)

    def _start_worker(self, config: dict, env: dict, scratch: Path,
                      prefix: list[str] | None):
        """The worker, forked from the pre-loaded template (autograder.sandbox.zygote), or
        started as a program where the template is switched off or cannot serve."""
        if zygote.enabled():
            try:
                return zygote.spawn(config, env, str(scratch), zygote.namespace_mode(prefix),
                                    self.preload)
            except zygote.Unavailable:
                pass
        command = (prefix or []) + [sys.executable, "-m", "autograder.sandbox.worker",
                                    json.dumps(config)]
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=str(scratch), env=env,
            pass_fds=(config["request_fd"], config["reply_fd"], config["stack_fd"]),
            process_group=0, close_fds=True,
        )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        for fd in (self._requests, self._replies, self._stacks):
            try:
                os.close(fd)
            except OSError:
                pass
        self.resume()  # a stopped process group is killed all the same; this keeps it simple
        kill_group(process.pid)
        if self._uid is not None:
            kill_uid(self._uid)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if isinstance(process, zygote.ForkedWorker):
            process.close()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._base, ignore_errors=True)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # ------------------------------------------------------------------ messages

    def send(self, payload: bytes) -> None:
        if not self.alive:
            raise WorkerFailure("the worker is not running")
        try:
            view = memoryview(frame(payload))
            while view:
                view = view[os.write(self._requests, view):]
        except (BrokenPipeError, OSError):
            raise self._failure("the worker stopped before it received the call") from None

    def receive(self, timeout: float, deadline: float | None = None) -> bytes:
        """Wait for one reply frame (until `deadline`, by default `timeout` from now),
        watching time, memory and output while waiting; then stop any process the call left
        behind. Bytes after the frame are kept for the next receive: the caller matches
        replies to requests by their ids."""
        deadline = time.monotonic() + timeout if deadline is None else deadline
        buffer = self._pending
        while True:
            length = frame_length(buffer)
            if length is not None and length > self.limits.reply_bytes:
                raise self._kill(f"the reply was larger than {mib(self.limits.reply_bytes)}")
            reply = take_frame(buffer)
            if reply is not None:
                self._stop_strays()
                return reply
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                where = self.where_running()
                self.stop()
                raise CallTimedOut(f"a call timed out after {timeout:g} s"
                                   + (f" (it was running {where})" if where else ""), where)
            ready, _, _ = select.select([self._replies], [], [], min(remaining, 0.05))
            self._watch()
            if not ready:
                continue
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise self._failure("the worker stopped during the call")
            buffer += chunk

    def where_running(self) -> str:
        """The line of the submission the worker is running now ("m1_tokenization/bpe.py:42
        in merge_pair"), from the stack it dumps on STACK_SIGNAL (faulthandler, which works
        even in a loop that never returns to Python's eval loop); "" when it does not answer
        (the signal is blocked or handled by the code itself)."""
        if not self.alive:
            return ""
        try:
            os.kill(self.worker_pid, STACK_SIGNAL)
        except OSError:
            return ""
        dump, deadline = b"", time.monotonic() + 0.5
        while time.monotonic() < deadline and len(dump) < 65536:
            ready, _, _ = select.select([self._stacks], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self._stacks, 65536)
                except BlockingIOError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                dump += chunk
            elif dump:
                break  # the dump is written at once; a pause means it is complete
        return student_line(dump.decode("utf-8", errors="replace"), str(self.code))

    def pause(self) -> None:
        """Stop every process of the worker (SIGSTOP: threads too) until resume(): nothing
        the submission left running may compete with a measurement of the reference."""
        self._signal_all(signal.SIGSTOP)
        self._paused = True
        # Measure only once the worker has really stopped (delivery is asynchronous).
        deadline = time.monotonic() + PAUSE_WAIT
        while not all_stopped(self.worker_pid) and time.monotonic() < deadline:
            time.sleep(0.001)

    def resume(self) -> None:
        if self._paused:
            self._paused = False
            self._signal_all(signal.SIGCONT)

    def _signal_all(self, signum: int) -> None:
        if self.process is None:
            return
        for path in self._strays():  # processes that left the process group, in the namespace
            signal_path(path, signum)
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass
        if self._uid is not None:
            signal_uid(self._uid, signum)

    def _watch(self) -> None:
        if not self.alive:
            return
        rss = self._memory_in_use()
        self._tree_peak = max(self._tree_peak, rss)
        if rss > self.limits.memory_bytes:
            raise self._kill(
                f"the worker was killed for exceeding {mib(self.limits.memory_bytes)} of memory")
        printed = self.stdout.total + self.stderr.total
        if printed > self._output_budget:
            raise self._kill(f"the code printed more than {mib(self.limits.output_bytes)}; "
                             "remove debugging prints")

    def _memory_in_use(self) -> int:
        """Resident memory of the worker and every process it started. With other processes
        about, pages shared after a fork count once (proportional set size), so forty forked
        copies of a 40 MB worker are not mistaken for 1.6 GB."""
        strays = self._strays()
        if not strays:
            return self.rss_bytes()
        own = f"/proc/{self.worker_pid}"
        return sum(proportional_bytes(p) for p in [own, *strays])

    def begin_call(self) -> None:
        self._output_budget = self.stdout.total + self.stderr.total + self.limits.output_bytes

    def _strays(self) -> list[str]:
        """Processes in the worker's PID namespace other than its init and the worker itself,
        as paths under the namespace's own /proc (seen through the worker's root)."""
        if not self._ns_pid:
            return []
        proc = f"/proc/{self.worker_pid}/root/proc"
        try:
            return [f"{proc}/{p}" for p in os.listdir(proc)
                    if p.isdigit() and p not in ("1", self._ns_pid)]
        except OSError:
            return []

    def _stop_strays(self) -> None:
        """Processes a call started do not outlive it: they would compete with the next call
        for CPU and memory and make grades depend on scheduling."""
        for path in self._strays():
            signal_path(path, signal.SIGKILL)

    def _kill(self, reason: str) -> WorkerFailure:
        self.stop()
        return WorkerFailure(reason)

    def _failure(self, reason: str) -> WorkerFailure:
        process = self.process
        try:
            code = process.wait(timeout=2) if process is not None else None
        except subprocess.TimeoutExpired:
            code = None
            reason = reason.replace("stopped", "closed its reply channel")
        detail = reason
        if code is not None and self.pid_namespace and code > SIGNAL_EXIT_BASE:
            code = SIGNAL_EXIT_BASE - code  # the init reports a signal as 128 + its number
        if code is not None and code < 0:
            detail += f" (killed by {_signal_name(-code)})"
        elif code is not None:
            detail += f" (exit status {code}; did the code call os._exit or exit?)"
        errors = self.stderr.take().strip() if process is not None else ""
        self.stop()
        if errors:
            detail += "\n" + errors[-800:]
        return WorkerFailure(detail)

    # ------------------------------------------------------------------ measurements

    def rss_bytes(self) -> int:
        return status_bytes(self.worker_pid, "VmRSS") if self.alive else 0

    def peak_rss_bytes(self) -> int:
        """Peak resident memory since the last reset: the worker's own high-water mark, or the
        highest total of all its processes seen while watching, whichever is larger."""
        if not self.alive:
            return 0
        return max(status_bytes(self.worker_pid, "VmHWM"), self._tree_peak)

    def reset_peak_rss(self) -> None:
        self._tree_peak = 0
        if self.alive:
            reset_peak_memory(self.worker_pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.worker_pid) if self.alive else 0.0

    _output_budget = 1 << 62


_SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "node_modules",
                               ".ipynb_checkpoints", ".pytest_cache", ".hypothesis")


def _snapshot(source: Path, target: Path) -> Path:
    """A copy of the submission that the worker can read wherever the original lives.

    Symbolic links are copied as links, never followed, so a link to the solutions still
    points at a path the worker cannot read. The worker sees the copy read-only."""
    try:
        shutil.copytree(source, target, symlinks=True, ignore=_SKIP,
                        ignore_dangling_symlinks=True)
    except shutil.Error:
        pass  # special files (pipes, sockets) are left out; everything else was copied
    for folder, dirs, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)
    return target


def _worker_environment(scratch: Path) -> dict:
    keep = ("PATH", "LANG", "LC_ALL", "VIRTUAL_ENV", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({
        # A fixed hash seed: the order of sets of strings in student code is the same in
        # every run, so a grade cannot depend on it.
        "PYTHONHASHSEED": "0",
        "HOME": str(scratch), "TMPDIR": str(scratch), "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8",
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(scratch),
    })
    return env


def student_line(dump: str, submission: str) -> str:
    """The innermost line of the submission in a faulthandler dump (most recent call first;
    the first thread listed is the one that was interrupted), as "path:line in function"."""
    for line in dump.splitlines():
        line = line.strip()
        if not line.startswith('File "'):
            continue
        path, _, rest = line[len('File "'):].partition('", line ')
        number, _, function = rest.partition(" in ")
        if path.startswith(submission + os.sep) and number.strip().isdigit():
            shown = os.path.relpath(path, submission)
            return f"{shown[:200]}:{int(number)} in {function.strip()[:80]}"
    return ""


def _signal_name(number: int) -> str:
    try:
        name = signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
    explain = {"SIGSEGV": "a segmentation fault", "SIGKILL": "SIGKILL",
               "SIGXCPU": "the CPU-time limit", "SIGXFSZ": "the file-size limit",
               "SIGABRT": "an abort", "SIGALRM": "an alarm signal the code set"}
    return explain.get(name, name)



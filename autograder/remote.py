"""Remote calls into a submission (trusted side): `SandboxedCode`, what the `student` and
`reference` fixtures hand to a test when grading (the contract: `autograder.code_under_test`).

    merge_pair = student.function("m1_tokenization.bpe", "merge_pair")
    merge_pair([1, 1, 1], (1, 1), 9)           # runs in the sandboxed worker, returns data
    tok = student.module("m1_tokenization.tokenizer").BPETokenizer(vocab, merges)
    tok.encode("hello")                          # a handle: method calls are remote too

Only plain data comes back (see `autograder.codec`); objects stay in the worker behind
handles, iterators are drained in bounded chunks. Exceptions raised by student code come back
as `StudentError`s that are also instances of the matching built-in exception, so
`pytest.raises(ValueError)` works. A timeout, crash or flood raises `WorkerFailure`, and the
next call starts a fresh worker.

Every call must leave its arguments as they were; the worker compares them with a copy after
the call, and a call that changed one fails with `ArgumentChanged` (an AssertionError naming
the argument). A function documented as working in place opts out explicitly:

    step = student.function("m4_embedding_training.skipgram", "sgns_step", in_place=True)

A call also may not leave a thread running (the worker is replaced and the call fails), and a
function that timed out in an ordinary test is not called again: its later calls fail at once
(`CallTimedOut`), so an endless loop costs one timeout, not one per test.
"""

from __future__ import annotations

import builtins
import hashlib
import itertools
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from autograder.codec import CodecError, Decoder, Encoder, Handle, Stream
from autograder.sandbox.launcher import CallTimedOut, Sandbox, WorkerFailure
from autograder.sandbox.limits import Limits
# One measurement record for both ways of running code under test: sandboxed here, in-process
# in the students' conftest.
from autograder.student_conftest import Measurement

__all__ = ["SandboxedCode", "StudentError", "WorkerFailure", "CallTimedOut", "ArgumentChanged",
           "TimeBudgetExceeded", "Measurement", "RemoteObject", "RemoteIterator"]

DEFAULT_CALL_TIMEOUT = 10.0
IMPORT_TIMEOUT = 30.0
_ITERATOR_CHUNK = 4096
_MAX_ITERATOR_ITEMS = 10_000_000
_MAX_DIGEST_ITEMS = 100_000_000


class ArgumentChanged(AssertionError):
    """A call changed one of its arguments (the message, written in the worker, names it)."""


class TimeBudgetExceeded(WorkerFailure):
    """A test's or a module's wall-clock budget ran out; the message names which."""


class StudentError(Exception):
    """An exception raised by student code, carried back as data."""

    def __init__(self, type_name: str, message: str, where: list):
        # Not super(): a mixed-in built-in such as UnicodeDecodeError takes other arguments.
        Exception.__init__(self, message)
        self.type_name = type_name
        self.message = message
        self.where = where

    def __str__(self) -> str:
        location = ""
        if self.where:
            path, line, function = self.where[-1]
            location = f" (in {function}, {path}:{line})"
        return f"{self.type_name}: {self.message}{location}"


_error_classes: dict[str, type] = {}


def _student_error(description: dict) -> StudentError:
    """Build an exception that is a StudentError and an instance of the nearest built-in.
    The description came from the worker, so every field is checked before use."""
    raw_types = description.get("types")
    types = [n for n in raw_types if isinstance(n, str)] if isinstance(raw_types, list) else []
    types = types or ["Exception"]
    message = description.get("message")
    where = description.get("where")
    where = [[str(f[0]), f[1], str(f[2])] for f in where
             if isinstance(f, list) and len(f) == 3 and type(f[1]) is int] \
        if isinstance(where, list) else []
    builtin = next((getattr(builtins, n) for n in types
                    if isinstance(getattr(builtins, n, None), type)
                    and issubclass(getattr(builtins, n), Exception)), Exception)
    cls = _error_classes.get(builtin.__name__)
    if cls is None:
        try:
            cls = type(f"Student{builtin.__name__}", (StudentError, builtin), {})
        except TypeError:  # a built-in whose layout cannot be mixed in
            cls = StudentError
        cls.__str__ = StudentError.__str__  # type: ignore[method-assign]
        _error_classes[builtin.__name__] = cls
    error = cls.__new__(cls)
    StudentError.__init__(error, types[0], message if isinstance(message, str) else "", where)
    return error


@dataclass
class CallLog:
    """What happened during one test: functions called, failures seen, output printed."""

    functions: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    # (name as the student wrote it, args, kwargs) of the latest call: a failure shows its input.
    last_call: tuple | None = None


class SandboxedCode:
    """A submission seen through a sandboxed worker. One per submission per grading run."""

    def __init__(self, submission: Path, limits: Limits | None = None,
                 hide: list[Path] | None = None, label: str = "student",
                 preload: tuple[str, ...] = ()):
        self.submission = Path(submission).resolve()
        self.label = label
        self.call_timeout = DEFAULT_CALL_TIMEOUT
        # The least time a first import of a module gets (the one place it is read: request).
        # Tests of a hanging import set it short instead of waiting IMPORT_TIMEOUT seconds.
        self.import_timeout = IMPORT_TIMEOUT
        self.log = CallLog()
        self._sandbox = Sandbox(self.submission, limits=limits, hide=hide, preload=preload)
        self._generation = 0
        self._encoder = Encoder(to_handle=_handle_of)
        self._decoder = Decoder(from_handle=self._proxy,
                                max_containers=self._sandbox.limits.reply_containers)
        self._imported: set[str] = set()  # modules imported by the current worker
        self._request_ids = itertools.count(1)
        self._slow_imports: dict[str, float] = {}  # module -> timeout its import exceeded
        # function -> (the test's timeout, the seconds it ran, the line it was running)
        # of a call that timed out: not called again with a timeout no longer than that.
        self._timed_out: dict[str, tuple[float, float, str]] = {}
        # The end of the current test's time budget (time.monotonic()), set by the plugin,
        # and the sentence that names that budget when it runs out.
        self.deadline: float | None = None
        self.deadline_name = "this test's time budget"
        # Another worker stopped while this one is measured (the student's, while the
        # reference is timed): nothing it left running competes with the measurement.
        self.quiet_while_measured: "SandboxedCode | None" = None

    # ------------------------------------------------------------------ test-facing API

    def function(self, module: str, qualname: str, in_place: bool = False) -> "RemoteRef":
        """A callable for `module.qualname` in the submission (a function, class or method).
        `in_place=True` only for a function documented to change its arguments."""
        return RemoteRef(self, ["module", module, qualname], in_place=in_place)

    def module(self, module: str) -> "RemoteModule":
        return RemoteModule(self, module)

    def worker_helper(self, factory: str, *args: Any, **kwargs: Any) -> Any:
        """Run a trusted factory from `autograder.worker_helpers` inside the worker."""
        return self.request({"op": "helper", "factory": factory, "args": list(args),
                             "kwargs": kwargs})

    def value_and_grad(self, module: str, qualname: str, *args: Any, wrt: tuple = (0,),
                       **kwargs: Any) -> tuple[Any, list]:
        self.log.functions.append(f"{module}.{qualname}")
        return self.request({"op": "value_and_grad", "target": ["module", module, qualname],
                             "args": list(args), "kwargs": kwargs, "wrt": list(wrt)})

    @staticmethod
    def repeat(text: str, times: int) -> Stream:
        """An iterator made in the worker that yields `text` `times` times."""
        return Stream("repeat", (text, times))

    def file_chunks(self, path: str | Path, chunk_size: int = 1 << 16) -> Stream:
        """An iterator made in the worker that yields a file's text in chunks."""
        shared = self._sandbox.exchange / f"{len(os.listdir(self._sandbox.exchange))}-{Path(path).name}"
        shutil.copyfile(path, shared)
        os.chmod(shared, 0o644)
        return Stream("file_chunks", (str(shared), chunk_size))

    @contextmanager
    def measure(self) -> Iterator[Measurement]:
        """Wall time, CPU time and peak resident memory of the worker during the block."""
        self._ensure_started()
        sandbox, generation = self._sandbox, self._generation
        sandbox.reset_peak_rss()
        measurement = Measurement(baseline_rss_bytes=sandbox.rss_bytes())
        quiet = self.quiet_while_measured
        if quiet is not None:
            quiet._sandbox.pause()
        cpu_before = sandbox.cpu_seconds()
        start = time.perf_counter()
        try:
            yield measurement
        finally:
            measurement.seconds = time.perf_counter() - start
            if quiet is not None:
                quiet._sandbox.resume()
            measurement.restarted = generation != self._generation or not sandbox.alive
            if not measurement.restarted:
                measurement.cpu_seconds = sandbox.cpu_seconds() - cpu_before
                measurement.peak_rss_bytes = sandbox.peak_rss_bytes()

    @property
    def isolation(self) -> dict:
        return self._sandbox.isolation.as_dict()

    def take_output(self) -> str:
        """What the submission printed since the last time this was asked (tails only)."""
        tails = (self._sandbox.stdout, self._sandbox.stderr)
        return "".join(tail.take() for tail in tails if tail is not None).strip()

    def close(self) -> None:
        self._sandbox.close()

    def close_worker(self) -> None:
        """Stop the current worker (the next call starts a fresh one)."""
        self._sandbox.stop()

    # ------------------------------------------------------------------ machinery

    def _ensure_started(self) -> None:
        if not self._sandbox.alive:
            self._generation += 1
            self._imported.clear()
            try:
                self._sandbox.start()
            except WorkerFailure as failure:
                self.log.failures.append(str(failure))
                raise

    def timeout_for(self, requested: float | None = None) -> float:
        """The wall-clock limit of one call: the test's, capped by `Limits.call_seconds`."""
        timeout = self.call_timeout if requested is None else requested
        cap = self._sandbox.limits.call_seconds
        return timeout if cap is None else min(timeout, cap)

    def request(self, message: dict, timeout: float | None = None) -> Any:
        call_timeout = self._within_budget(self.timeout_for(timeout))
        self._ensure_started()
        target = message.get("target")
        if target and target[0] == "module" and target[1] not in self._imported:
            # A first import (numpy, torch …) on a loaded machine can outlast a short call
            # timeout; it gets at least `import_timeout`, still within Limits.call_seconds.
            requested = self.call_timeout if timeout is None else timeout
            self._import(target[1], self._within_budget(
                self.timeout_for(max(requested, self.import_timeout))))
            call_timeout = self._within_budget(self.timeout_for(timeout))
        try:
            return self._exchange(message, call_timeout)
        except CallTimedOut as failure:
            raise self._budget_failure(failure, call_timeout) from None

    def _within_budget(self, timeout: float) -> float:
        """A call's timeout, cut to what is left of the test's budget (which may be gone)."""
        if self.deadline is None:
            return timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            failure = TimeBudgetExceeded(f"{self.deadline_name} ran out; the test was stopped "
                                         "before its next call")
            self.log.failures.append(str(failure))
            raise failure
        return min(timeout, left)

    def _budget_failure(self, failure: CallTimedOut, timeout: float) -> WorkerFailure:
        """A call stopped by the budget is said to be so, not a slow call."""
        if self.deadline is not None and time.monotonic() >= self.deadline - 0.05:
            where = f" (the call was running {failure.where})" if failure.where else ""
            return TimeBudgetExceeded(f"{self.deadline_name} ran out during a call{where}")
        return failure

    def call_function(self, name: str, message: dict) -> Any:
        """A call of the student's function `name`: one that timed out in an ordinary test
        is not called again with a timeout no longer than the one it exceeded."""
        requested = self.call_timeout
        earlier = self._timed_out.get(name)
        if earlier is not None and requested <= earlier[0]:
            _, seconds, where = earlier
            place = f" (it was running {where})" if where else ""
            failure = CallTimedOut(f"{name.rsplit('.', 1)[-1]} did not return within "
                                   f"{seconds:g} s when it was called before{place}; it is not "
                                   "called again, so this test fails at once", where)
            self.log.failures.append(str(failure))
            raise failure
        try:
            return self.request(message)
        except TimeBudgetExceeded:
            raise
        except CallTimedOut as failure:
            # Only ordinary tests count: a slow function that exceeds a speed test's long
            # timeout may still pass the small cases.
            if requested <= DEFAULT_CALL_TIMEOUT and not failure.importing:
                self._timed_out[name] = (requested, self.timeout_for(requested), failure.where)
            raise

    def _import(self, module: str, timeout: float) -> None:
        """Import a submission module on its own first, so an import that hangs is named as
        such, and is not tried again (a timeout per test would make grading take hours)."""
        failed_after = self._slow_imports.get(module)
        if failed_after is not None and timeout <= failed_after:
            failure = WorkerFailure(f"importing {module} timed out after {failed_after:g} s in "
                                    "an earlier test; it is not tried again")
            self.log.failures.append(str(failure))
            raise failure
        try:
            self._exchange({"op": "import", "module": module}, timeout)
        except CallTimedOut as failure:
            self._slow_imports[module] = timeout
            place = f" (it was running {failure.where})" if failure.where else ""
            raise CallTimedOut(f"a call timed out after {timeout:g} s while importing "
                               f"{module}{place}", failure.where, importing=True) from None
        self._imported.add(module)

    def _exchange(self, message: dict, timeout: float) -> Any:
        """Send one request and wait for the reply with its id. A reply with an earlier id is
        stale (student code forged one before the real one came) and is skipped."""
        self._ensure_started()
        request_id = next(self._request_ids)
        try:
            payload = self._encoder.encode({**message, "id": request_id})
        except CodecError as exc:
            raise TypeError(f"cannot send to the worker: {exc}") from None
        sandbox = self._sandbox
        deadline = time.monotonic() + timeout
        try:
            sandbox.begin_call()
            sandbox.send(payload)
            while True:
                reply = self._decode(sandbox.receive(timeout, deadline))
                if reply["id"] == request_id:
                    break
                if reply["id"] > request_id:
                    raise self._malformed("the worker answered a call nobody made yet")
        except WorkerFailure as failure:
            self.log.failures.append(str(failure))
            raise
        if "error" in reply:
            error = reply["error"] if isinstance(reply["error"], dict) else {}
            if error.get("contract") is True:
                raise self._broken_contract(error)
            raise _student_error(error)
        return reply["ok"]

    def _broken_contract(self, error: dict) -> Exception:
        """A rule every call keeps was broken (checked in the worker, right after the call)."""
        message = error.get("message")
        message = message[:2000] if isinstance(message, str) else "the call broke a rule"
        if error.get("stop") is True:  # a thread left running: only a new worker stops it
            self._sandbox.stop()
            self.log.failures.append(message)
            return WorkerFailure(message)
        return ArgumentChanged(message)

    def _decode(self, frame: bytes) -> dict:
        try:
            reply = self._decoder.decode(frame)
        except CodecError as exc:
            raise self._malformed(f"the worker sent something that is not plain data: {exc}")
        if not (isinstance(reply, dict) and type(reply.get("id")) is int
                and reply.keys() in ({"id", "ok"}, {"id", "error"})):
            raise self._malformed("the worker sent a malformed reply")
        return reply

    def _malformed(self, message: str) -> WorkerFailure:
        self._sandbox.stop()
        return WorkerFailure(message)

    def _proxy(self, handle: Handle) -> Any:
        if handle.kind == "iterator":
            return RemoteIterator(self, handle, self._generation)
        return RemoteObject(self, handle, self._generation)

    def _check_generation(self, generation: int) -> None:
        if generation != self._generation or not self._sandbox.alive:
            raise WorkerFailure("this object was lost when the worker restarted after an "
                                "earlier failure")


def _handle_of(value: Any) -> Handle:
    if isinstance(value, (RemoteObject, RemoteIterator)):
        value._student._check_generation(value._generation)
        return value._handle
    raise CodecError(f"a {type(value).__name__} cannot be sent to the worker")


def digest(items: Any) -> tuple[int, str]:
    """(number of items, sha256 of their reprs) of any iterable, consumed once."""
    sha, count = hashlib.sha256(), 0
    for item in items:
        sha.update(repr(item).encode())
        sha.update(b",")
        count += 1
    return count, sha.hexdigest()


class RemoteRef:
    """A name in the worker (`module.qualname` or `handle.attribute`) that can be called."""

    def __init__(self, student: SandboxedCode, target: list, generation: int | None = None,
                 in_place: bool = False, owner: str = ""):
        self._student = student
        self._target = target
        self._generation = generation
        self._in_place = in_place
        self._owner = owner  # the type name of the object a method belongs to

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._generation is not None:
            self._student._check_generation(self._generation)
        self._student.log.functions.append(self.qualified_name)
        self._student.log.last_call = (self._target[2], args, kwargs)
        message = {"op": "call", "target": self._target, "args": list(args), "kwargs": kwargs}
        if self._in_place:
            message["in_place"] = True
        kind, base, path = self._target
        name = f"{base}.{path}" if kind == "module" else f"{self._owner or 'object'}.{path}"
        return self._student.call_function(name, message)

    def in_place(self) -> "RemoteRef":
        """The same callable, allowed to change its arguments (documented in-place work)."""
        return RemoteRef(self._student, self._target, self._generation, True, self._owner)

    def __getattr__(self, name: str) -> "RemoteRef":
        if name.startswith("__"):
            raise AttributeError(name)
        kind, base, path = self._target
        return RemoteRef(self._student, [kind, base, f"{path}.{name}" if path else name],
                         self._generation, self._in_place, self._owner)

    def fetch(self, name: str = "") -> Any:
        """Read the value itself (or its attribute `name`) instead of calling it."""
        kind, base, path = self._target
        full = ".".join(p for p in (path, name) if p)
        return self._student.request({"op": "getattr", "target": [kind, base, full]})

    @property
    def qualified_name(self) -> str:
        kind, base, path = self._target
        return f"{base}.{path}" if kind == "module" else path

    def __repr__(self) -> str:
        return f"<remote {self.qualified_name}>"


class RemoteModule:
    def __init__(self, student: SandboxedCode, module: str):
        self._student, self._module = student, module

    def __getattr__(self, name: str) -> RemoteRef:
        if name.startswith("__"):
            raise AttributeError(name)
        return RemoteRef(self._student, ["module", self._module, name])


class RemoteObject:
    """An object living in the worker. Methods are remote calls; read data with fetch()."""

    def __init__(self, student: SandboxedCode, handle: Handle, generation: int):
        self._student, self._handle, self._generation = student, handle, generation

    def __getattr__(self, name: str) -> RemoteRef:
        if name.startswith("_"):
            raise AttributeError(name)
        return RemoteRef(self._student, ["handle", self._handle.id, name], self._generation,
                         owner=self._handle.type_name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return RemoteRef(self._student, ["handle", self._handle.id, ""], self._generation,
                         owner=self._handle.type_name)(*args, **kwargs)

    def fetch(self, name: str = "") -> Any:
        self._student._check_generation(self._generation)
        return self._student.request({"op": "getattr",
                                      "target": ["handle", self._handle.id, name]})

    def __repr__(self) -> str:
        return f"<remote {self._handle.type_name} object>"


class RemoteIterator:
    """An iterator living in the worker, pulled in bounded chunks.

    Draining it is one call as far as limits go: all its chunks together may take the test's
    call timeout, and it may yield at most `_MAX_ITERATOR_ITEMS` items (`digest()`, which keeps
    none of them, `_MAX_DIGEST_ITEMS`), so a generator that never ends fails its test instead
    of filling the grader's memory."""

    def __init__(self, student: SandboxedCode, handle: Handle, generation: int):
        self._student, self._handle, self._generation = student, handle, generation
        self._buffer: list = []
        self._done = False
        self._taken = 0
        self._seconds = 0.0
        self._limit = _MAX_ITERATOR_ITEMS

    def __iter__(self) -> "RemoteIterator":
        return self

    def __next__(self) -> Any:
        if not self._buffer:
            if self._done:
                raise StopIteration
            self._fill()
            if not self._buffer:
                raise StopIteration
        self._taken += 1
        if self._taken > self._limit:
            raise self._failure(f"the iterator yielded more than {self._limit} items "
                                "(does it ever end?)")
        return self._buffer.pop()

    def _fill(self) -> None:
        self._student._check_generation(self._generation)
        budget = self._student.timeout_for()
        if self._seconds > budget:
            raise self._failure(f"the iterator was still yielding after {budget:g} s "
                                "(does it ever end?)")
        start = time.monotonic()
        try:
            reply = self._student.request({"op": "next", "handle": self._handle.id,
                                           "max_items": _ITERATOR_CHUNK})
        finally:
            self._seconds += time.monotonic() - start
        if not (isinstance(reply, dict) and isinstance(reply.get("items"), list)
                and len(reply["items"]) <= _ITERATOR_CHUNK):
            raise self._failure("the worker sent a malformed chunk of an iterator")
        self._done = bool(reply.get("done", True))
        self._buffer = list(reversed(reply["items"]))

    def _failure(self, message: str) -> WorkerFailure:
        self._done, self._buffer = True, []
        failure = WorkerFailure(message)
        self._student.log.failures.append(message)
        return failure

    def digest(self) -> tuple[int, str]:
        """(number of items, sha256 of their repr) without keeping them in memory;
        compare with `digest(expected_items)`."""
        self._limit = _MAX_DIGEST_ITEMS
        return digest(self)

    def __repr__(self) -> str:
        return f"<remote {self._handle.type_name} iterator>"

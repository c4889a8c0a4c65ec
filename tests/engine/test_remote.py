"""The sandboxed worker and remote calls, on a small submission written by each test."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.remote import IMPORT_TIMEOUT, SandboxedCode, StudentError, WorkerFailure, digest
from autograder.sandbox.limits import Limits

HOSTILE = '''
import os, sys, time, itertools

def add(a, b):
    return a + b

def echo(value):
    return value

def boom():
    raise ValueError("bad input: ids must be non-negative")

def missing_key():
    raise KeyError("cat")

def spin():
    while True:
        pass

def hard_exit():
    os._exit(0)

def soft_exit():
    sys.exit(0)

def segfault():
    import ctypes
    ctypes.string_at(0)

def chatter(megabytes):
    chunk = "x" * 1023 + "\\n"
    for _ in range(megabytes * 1024):
        sys.stdout.write(chunk)
    return "done"

def hog(megabytes):
    block = bytearray(megabytes << 20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    return len(block)

def naturals():
    return itertools.count()

def letters(text):
    for ch in text:
        yield ch

class Counter:
    def __init__(self, start):
        self.value = start
    def bump(self, by=1):
        self.value += by
        return self.value

class AlwaysEqual(list):
    def __eq__(self, other):
        return True

def liar():
    return AlwaysEqual([1])

def weird():
    return object()

def connect(port):
    import socket
    socket.create_connection(("127.0.0.1", port), timeout=2)
    return "connected"

def read(path):
    with open(path) as f:
        return f.read()

def write(path):
    with open(path, "w") as f:
        f.write("forged")
    return "written"

def kill_parent():
    import signal
    try:
        os.kill(os.getppid(), signal.SIGKILL)
    except PermissionError:
        return "refused"
    return os.getppid()

def orphan():
    import time
    child = os.fork()
    if child == 0:
        os.setsid()
        while True:
            time.sleep(1)
    return child

def state(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(line.split()[1] for line in f if line.startswith("State:"))
    except OSError:
        return "gone"

def child_hog():
    if os.fork() == 0:
        hoard = []
        while True:
            hoard.append(b"x" * (16 << 20))
    os.wait()

def forge_then_answer():
    import gc, json, msgpack, struct, sys, time
    reply_fd = json.loads(sys.argv[1])["reply_fd"]
    current = max(o["id"] for o in gc.get_objects()
                  if type(o) is dict and o.get("op") == "call" and type(o.get("id")) is int)
    frame = msgpack.packb({"id": current, "ok": "forged"})
    os.write(reply_fd, struct.pack(">I", len(frame)) + frame)
    time.sleep(0.3)
    return "real"

def draw():
    import random
    import numpy as np
    return random.random(), float(np.random.rand())

def set_order():
    return list({"pear", "apple", "fig", "kiwi", "plum", "lime"})

def capabilities():
    with open("/proc/self/status") as f:
        return {k: v.strip() for k, v in (line.split(":", 1) for line in f) if k.startswith("Cap")}

def umount(path):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.umount2(path.encode(), 2) != 0:
        raise PermissionError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return "unmounted"

def listdir(path):
    return sorted(os.listdir(path))

def whoami():
    return os.getuid()

def total(chunks):
    return sum(len(c) for c in chunks)
'''


@pytest.fixture(scope="module")
def student(tmp_path_factory) -> SandboxedCode:
    root = tmp_path_factory.mktemp("submission")
    (root / "m1_tokenization").mkdir()
    (root / "m1_tokenization" / "__init__.py").write_text("")
    (root / "m1_tokenization" / "hostile.py").write_text(textwrap.dedent(HOSTILE))
    (root / "m1_tokenization" / "slow.py").write_text("import time\ntime.sleep(60)\n")
    worker = SandboxedCode(root, limits=Limits(memory_bytes=512 << 20, output_bytes=4 << 20))
    worker.call_timeout = 5
    yield worker
    worker.close()


def fn(student: SandboxedCode, name: str):
    return student.function("m1_tokenization.hostile", name)


def test_plain_values_round_trip(student):
    value = {"ids": [1, 2], (1, 2): 3, "arr": np.arange(6, dtype=np.int32).reshape(2, 3),
             "s": {1, 2}, "t": (1, [2, (3,)]), "b": b"\xff", "big": 2**80, "none": None}
    got = fn(student, "echo")(value)
    assert got["arr"].dtype == np.int32 and got["arr"].shape == (2, 3)
    np.testing.assert_array_equal(got.pop("arr"), value.pop("arr"))
    assert got == value
    assert fn(student, "add")(2, 3) == 5


def test_exceptions_keep_their_builtin_class(student):
    with pytest.raises(ValueError, match="non-negative") as caught:
        fn(student, "boom")()
    assert isinstance(caught.value, StudentError)
    assert "hostile.py" in str(caught.value)
    with pytest.raises(KeyError):
        fn(student, "missing_key")()


def test_missing_function_and_module_are_clear(student):
    with pytest.raises(AttributeError, match="nope"):
        student.function("m1_tokenization.hostile", "nope")()
    with pytest.raises(ImportError):
        student.function("m1_tokenization.absent", "f")()


def test_objects_stay_in_the_worker_behind_handles(student):
    counter = fn(student, "Counter")(10)
    assert counter.bump() == 11
    assert counter.bump(by=5) == 16
    assert counter.fetch("value") == 16
    weird = fn(student, "weird")()
    assert "object" in repr(weird)


def test_subclass_with_lying_eq_is_flattened(student):
    value = fn(student, "liar")()
    assert type(value) is list and value == [1] and value != [2]


def test_iterators_are_drained_in_chunks(student):
    assert list(fn(student, "letters")("abc")) == ["a", "b", "c"]
    import itertools
    assert list(itertools.islice(fn(student, "naturals")(), 10_000))[-1] == 9_999
    assert fn(student, "letters")("hello").digest() == digest("hello")


def test_streams_are_built_in_the_worker(student, tmp_path):
    assert fn(student, "total")(student.repeat("abcd", 1000)) == 4000
    path = tmp_path / "text.txt"
    path.write_text("é" * 10_000, encoding="utf-8")
    assert fn(student, "total")(student.file_chunks(path, 333)) == 10_000


def test_timeout_fails_only_that_call(student):
    with pytest.raises(WorkerFailure, match="timed out after 1 s"):
        student.call_timeout = 1
        fn(student, "spin")()
    student.call_timeout = 5
    assert fn(student, "add")(1, 1) == 2


@pytest.mark.parametrize("name, message", [
    ("hard_exit", "exit status 0"),
    ("segfault", "segmentation fault"),
])
def test_crash_is_named_and_worker_restarts(student, name, message):
    with pytest.raises(WorkerFailure, match=message):
        fn(student, name)()
    assert fn(student, "add")(1, 2) == 3


def test_sys_exit_is_an_error_not_a_crash(student):
    with pytest.raises(StudentError, match="sys.exit"):
        fn(student, "soft_exit")()
    assert fn(student, "add")(1, 2) == 3


def test_handles_do_not_survive_a_restart(student):
    counter = fn(student, "Counter")(0)
    with pytest.raises(WorkerFailure):
        fn(student, "hard_exit")()
    with pytest.raises(WorkerFailure, match="lost when the worker restarted"):
        counter.bump()


def test_output_flood_is_stopped(student):
    assert fn(student, "chatter")(1) == "done"
    with pytest.raises(WorkerFailure, match="printed more than 4 MiB"):
        fn(student, "chatter")(64)
    assert "x" in student.take_output() or True


def test_memory_limit_is_enforced_from_outside(student):
    assert fn(student, "hog")(50) == 50 << 20
    with pytest.raises(WorkerFailure, match="exceeding 512 MiB"):
        fn(student, "hog")(2000)


def test_measure_sees_peak_memory_and_time(student):
    with student.measure() as small:
        fn(student, "hog")(10)
    with student.measure() as big:
        fn(student, "hog")(200)
    assert big.peak_rss_bytes - big.baseline_rss_bytes > 150 << 20
    assert small.peak_rss_bytes - small.baseline_rss_bytes < 100 << 20
    assert big.seconds > 0 and not big.restarted


def test_sandbox_isolation(student, tmp_path):
    isolation = student.isolation
    import os
    if not isolation["network"].startswith("network namespace"):
        pytest.skip(f"no network namespace on this machine: {isolation['network']}")
    import socket
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        with pytest.raises(OSError):
            fn(student, "connect")(server.getsockname()[1])
    finally:
        server.close()
    secret = Path(__file__).resolve().parents[2] / "autograder" / "suites"
    if secret.is_dir():
        with pytest.raises(OSError):
            fn(student, "read")(str(next(secret.rglob("*.py"), secret / "x")))
    with pytest.raises(OSError):
        fn(student, "write")(str(tmp_path / "results.json"))
    assert fn(student, "kill_parent")() != os.getpid()  # refused, or the sandbox's own init
    assert fn(student, "add")(1, 1) == 2
    if os.geteuid() == 0:
        assert fn(student, "whoami")() != 0


def namespaced(student) -> None:
    if "PID namespace" not in student.isolation["processes"]:
        pytest.skip(f"no PID namespace on this machine: {student.isolation['processes']}")


def test_processes_left_behind_by_a_call_are_stopped(student):
    namespaced(student)
    child = fn(student, "orphan")()
    for _ in range(100):  # SIGKILL lands when the process is next scheduled
        if fn(student, "state")(child) in ("Z", "gone"):
            break
        time.sleep(0.05)
    assert fn(student, "state")(child) in ("Z", "gone")


def test_memory_of_child_processes_counts(student):
    namespaced(student)
    with pytest.raises(WorkerFailure, match="exceeding 512 MiB"):
        fn(student, "child_hog")()


def test_a_forged_reply_is_only_a_value_and_later_calls_stay_in_step(student):
    assert fn(student, "forge_then_answer")() == "forged"
    assert [fn(student, "add")(i, 1) for i in range(3)] == [1, 2, 3]


def test_global_randomness_and_set_order_are_the_same_every_call(student):
    assert fn(student, "draw")() == fn(student, "draw")()
    order = fn(student, "set_order")()
    with pytest.raises(WorkerFailure):
        fn(student, "hard_exit")()
    assert fn(student, "set_order")() == order  # a fresh worker, the same hash seed


def test_the_worker_holds_no_capability(student):
    if not student.isolation["network"].startswith("network namespace"):
        pytest.skip("no namespaces on this machine")
    caps = fn(student, "capabilities")()
    assert int(caps["CapEff"], 16) == 0 and int(caps["CapBnd"], 16) == 0, caps
    suites = Path(__file__).resolve().parents[2] / "autograder" / "suites"
    with pytest.raises(PermissionError):
        fn(student, "umount")(str(suites))


def test_the_repository_shows_only_the_grader_package(student):
    if not student.isolation["network"].startswith("network namespace"):
        pytest.skip("no namespaces on this machine")
    repo = Path(__file__).resolve().parents[2]
    visible = set(fn(student, "listdir")(str(repo)))
    assert "autograder" in visible and not visible & {".git", "solutions", "tests", "exercises"}
    try:
        hidden = fn(student, "listdir")(str(repo / "autograder" / "suites"))
    except PermissionError:
        hidden = []
    assert hidden == []


def test_a_hanging_import_is_named_and_not_retried(student):
    student.call_timeout = student.import_timeout = 1
    try:
        with pytest.raises(WorkerFailure, match="while importing m1_tokenization.slow"):
            student.function("m1_tokenization.slow", "anything")()
        with pytest.raises(WorkerFailure, match="not tried again"):
            student.function("m1_tokenization.slow", "anything")()
    finally:
        student.call_timeout, student.import_timeout = 5, IMPORT_TIMEOUT
    assert fn(student, "add")(2, 2) == 4


def test_an_endless_iterator_fails_within_the_call_timeout(student):
    student.call_timeout = 1
    try:
        with pytest.raises(WorkerFailure, match="still yielding after 1 s"):
            list(fn(student, "naturals")())
    finally:
        student.call_timeout = 5


def test_limits_can_cap_every_call_timeout(tmp_path):
    root = tmp_path / "submission"
    (root / "m1_tokenization").mkdir(parents=True)
    (root / "m1_tokenization" / "hostile.py").write_text(textwrap.dedent(HOSTILE))
    worker = SandboxedCode(root, limits=Limits(call_seconds=1))
    worker.call_timeout = 60
    try:
        with pytest.raises(WorkerFailure, match="timed out after 1 s"):
            fn(worker, "spin")()
    finally:
        worker.close()

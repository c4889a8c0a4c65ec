"""The hostile and broken submissions, each with the exact outcome the grader must produce.

Every case is Module 1's reference or its stubs with one hostile or broken behaviour (see
`tests/hostile/submissions.py` for the changes). It is graded on a few of Module 1's suite
files, and must then:

- finish, with a record for every selected test;
- score exactly `score`, never more than the honest baseline (the same submission without the
  hostile behaviour: the reference's score for a broken reference, 0 for a cheating stub);
- say what happened: each text in `feedback` appears in the failed tests' output or the notes
  ("a | b" accepts either).

docs/hostile.md is the readable catalogue of the same cases; a test keeps the two in step.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from tests.hostile.submissions import (REFERENCE, AtImport, Before, Body, MakeDirectory, Remove,
                                       Symlink, Write)

BPE = ("test_bpe.py", "test_pair_counts_and_merge.py")  # 13 tests, 15 points
PUBLIC_BPE = ("test_bpe.py",)  # 7 tests, 9 points
TOKENIZER = ("test_bpe.py", "test_tokenizer.py")  # 13 tests, 17 points
ANALYSIS = ("test_analysis.py",)  # 6 tests, 6 points

# Points at stake when one function of bpe.py breaks, per selection.
MERGE_PAIR_POINTS = {BPE: 5, PUBLIC_BPE: 2}


@dataclass(frozen=True)
class Case:
    name: str
    tries: str  # what the submission tries
    grader: str  # what the grader does about it
    base: str  # "reference", "stubs" or "empty"
    changes: tuple
    score: float
    feedback: tuple[str, ...] = ()
    select: tuple[str, ...] = BPE
    namespaces: bool = False  # meaningful only when the worker runs in namespaces
    # Calls are capped at 2 s; a case whose defence is not the timeout gets more, so that a
    # busy machine cannot turn "killed for memory" into "timed out".
    call_seconds: float = 2.0
    # The time budgets of one test and of the module (Limits.test_seconds, module_seconds).
    test_seconds: float = 120.0
    module_seconds: float = 900.0
    # Whose fix the case depends on besides the runtime's (docs/hostile.md says so).
    needs: str = ""

    @property
    def honest_base(self) -> str:
        return "reference" if self.base == "reference" else "stubs"


def merge_pair_broken(select=BPE) -> float:
    """The reference's score when merge_pair alone fails."""
    return {BPE: 15, PUBLIC_BPE: 9}[select] - MERGE_PAIR_POINTS[select]




def with_reply_fd(code: str) -> str:
    """`code` preceded by lines that find the worker's reply pipe (its number is in the
    worker's arguments) as `reply_fd`."""
    return textwrap.dedent('''
        import json as _json, sys as _sys
        reply_fd = _json.loads(_sys.argv[1])["reply_fd"]
    ''') + textwrap.dedent(code)


# Answers of the public merge_pair test, as a cheat would love to send them.
CANARY_CLASS = '''
import os as _os

def _sing(tag):
    try:
        open(_os.path.join("@CANARY@", tag), "w").close()
    except OSError:
        pass
'''

CASES: list[Case] = [
    # ------------------------------------------------------------------ runaway code
    Case("infinite_loop", "merge_pair never returns",
         "the call is stopped after its timeout; a fresh worker serves the next test",
         "reference", (Body("bpe.py", "merge_pair", "while True:\n    pass"),),
         score=merge_pair_broken(PUBLIC_BPE), feedback=("a call timed out after 2 s",),
         select=PUBLIC_BPE),
    Case("signals_ignored_loop",
         "ignores SIGTERM, SIGINT, SIGHUP and SIGALRM, blocks every signal, then loops",
         "the worker is stopped with SIGKILL, which cannot be caught, blocked or ignored",
         "reference", (Body("bpe.py", "merge_pair", '''
             import signal
             for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
                 signal.signal(sig, signal.SIG_IGN)
             signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals))
             while True:
                 pass
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("a call timed out after 2 s",),
         select=PUBLIC_BPE),
    Case("slow_import", "bpe.py sleeps for a minute at import",
         "the first call times out while importing; later tests fail at once instead of "
         "waiting again", "reference", (AtImport("bpe.py", "import time\ntime.sleep(60)"),),
         score=0, feedback=("timed out after 2 s while importing m1_tokenization.bpe",
                            "is not tried again"), select=PUBLIC_BPE),
    Case("deep_recursion", "merge_pair recurses without end",
         "Python's recursion limit raises RecursionError, reported like any exception",
         "reference", (Body("bpe.py", "merge_pair", '''
             def down(n):
                 return down(n + 1) + 1
             return down(0)
         '''),), score=merge_pair_broken(), feedback=("RecursionError",)),
    Case("c_stack_overflow",
         "lifts the recursion limit and recurses through C code until the stack overflows",
         "the worker dies of a segmentation fault; the test says so and a fresh worker "
         "serves the next test", "reference", (Body("bpe.py", "merge_pair", '''
             import json, sys
             sys.setrecursionlimit(10**8)
             nested = []
             for _ in range(300_000):
                 nested = [nested]
             return json.dumps(nested, check_circular=False)
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("segmentation fault",),
         select=PUBLIC_BPE, call_seconds=8),
    Case("fork_bomb", "merge_pair forks until the system says no",
         "a per-worker process limit (RLIMIT_NPROC) stops the bomb; the error is the test's "
         "message; every process of the bomb dies with the worker's PID namespace",
         "reference", (Body("bpe.py", "merge_pair", '''
             import os
             while True:
                 os.fork()
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("Resource temporarily unavailable",),
         namespaces=True,
         select=PUBLIC_BPE, call_seconds=8),
    Case("orphan_process",
         "starts a detached process (new session) that outlives the call, then answers "
         "correctly", "processes a call leaves behind are killed when it returns; nothing "
         "is lost", "reference", (Before("bpe.py", "merge_pair", '''
             import os, time
             if os.fork() == 0:
                 os.setsid()
                 while True:
                     time.sleep(1)
         '''),), score=9, namespaces=True,
         select=PUBLIC_BPE),
    Case("memory_bomb", "merge_pair allocates memory without end",
         "the worker's resident memory is watched from outside and the worker killed at the "
         "limit", "reference", (Body("bpe.py", "merge_pair", '''
             hoard = []
             while True:
                 hoard.append(b"x" * (32 << 20))
         '''),), score=merge_pair_broken(PUBLIC_BPE),
         feedback=("the worker was killed for exceeding 384 MiB of memory",),
         select=PUBLIC_BPE, call_seconds=8),
    Case("memory_bomb_in_child",
         "allocates in a forked child, hoping only the worker itself is watched",
         "the memory of all the worker's processes is summed", "reference",
         (Body("bpe.py", "merge_pair", '''
             import os
             if os.fork() == 0:
                 hoard = []
                 while True:
                     hoard.append(b"x" * (32 << 20))
             os.wait()
         '''),), score=merge_pair_broken(PUBLIC_BPE),
         feedback=("the worker was killed for exceeding 384 MiB of memory",), namespaces=True,
         select=PUBLIC_BPE, call_seconds=8),
    Case("huge_allocation", "asks for 32 TiB at once",
         "the address-space limit makes the allocation fail with MemoryError", "reference",
         (Body("bpe.py", "merge_pair", "return bytearray(1 << 45)"),),
         score=merge_pair_broken(PUBLIC_BPE), feedback=("MemoryError",),
         select=PUBLIC_BPE),
    Case("disk_filling_writes", "writes to its scratch folder until the disk is full",
         "the scratch space is a 64 MiB tmpfs and files are capped at 64 MiB", "reference",
         (Body("bpe.py", "merge_pair", '''
             with open("fill.bin", "wb") as f:
                 while True:
                     f.write(b"\\0" * (1 << 20))
         '''),), score=merge_pair_broken(PUBLIC_BPE),
         feedback=("No space left on device | File too large",), namespaces=True,
         select=PUBLIC_BPE, call_seconds=8),
    Case("writes_outside_scratch",
         "writes into its own code, the repository and the temp folder",
         "every file system is read-only for the worker except its scratch space",
         "reference", (Body("bpe.py", "merge_pair", '''
             import os
             for folder in (os.path.dirname(__file__), "@REPO@", "/tmp"):
                 open(os.path.join(folder, "planted.txt"), "w").write("x")
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("Read-only file system",),
         namespaces=True,
         select=PUBLIC_BPE),
    Case("stdout_flood", "prints 64 MiB in one call",
         "output is counted from outside; past the limit the worker is killed",
         "reference", (Before("bpe.py", "merge_pair", '''
             import sys
             for _ in range(64):
                 sys.stdout.write("spam " * 209715 + "\\n")
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("the code printed more than 4 MiB",),
         select=PUBLIC_BPE, call_seconds=8),
    Case("stderr_flood", "writes 64 MiB to stderr in one call", "the same limit as stdout",
         "reference", (Before("bpe.py", "merge_pair", '''
             import os
             for _ in range(64):
                 os.write(2, b"warn " * 209715 + b"\\n")
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("the code printed more than 4 MiB",),
         select=PUBLIC_BPE, call_seconds=8),
    Case("flood_at_import", "prints 64 MiB while bpe.py is imported",
         "the import is a call like any other: stopped at the output limit", "reference",
         (AtImport("bpe.py", 'for _ in range(64):\n    print("spam " * 209715)'),),
         score=0, feedback=("the code printed more than 4 MiB",), select=PUBLIC_BPE, call_seconds=8),
    Case("reads_stdin", "waits for input on stdin", "stdin is empty: EOFError at once",
         "reference", (Body("bpe.py", "merge_pair", "return input()"),),
         score=merge_pair_broken(PUBLIC_BPE), feedback=("EOFError",),
         select=PUBLIC_BPE),
    Case("file_descriptor_exhaustion", "opens files until none are left",
         "only the worker runs out; the grader's own descriptors are its own", "reference",
         (Body("bpe.py", "merge_pair", '''
             hoard = []
             while True:
                 hoard.append(open("/dev/null"))
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("Too many open files",),
         select=PUBLIC_BPE, call_seconds=8),
    # ------------------------------------------------------------------ exits and signals
    Case("sys_exit_in_call", "calls sys.exit(0) inside merge_pair",
         "SystemExit is caught in the worker and reported as the test's error", "reference",
         (Body("bpe.py", "merge_pair", "import sys\nsys.exit(0)"),),
         score=merge_pair_broken(), feedback=("SystemExit: the code called sys.exit(0)",)),
    Case("os_exit_in_call", "calls os._exit(0) inside merge_pair",
         "the worker's death is seen and named; a fresh worker serves the next test",
         "reference", (Body("bpe.py", "merge_pair", "import os\nos._exit(0)"),),
         score=merge_pair_broken(PUBLIC_BPE), feedback=("the worker stopped during the call (exit status 0",),
         select=PUBLIC_BPE),
    Case("sys_exit_at_import", "calls sys.exit(0) while bpe.py is imported",
         "every test of bpe.py fails with the reason; other files would be unaffected",
         "reference", (AtImport("bpe.py", "import sys\nsys.exit(0)"),),
         score=0, feedback=("SystemExit: the code called sys.exit(0)",),
         select=PUBLIC_BPE),
    Case("os_exit_at_import", "calls os._exit(0) while bpe.py is imported",
         "each test gets a fresh worker and the same clear failure", "reference",
         (AtImport("bpe.py", "import os\nos._exit(0)"),),
         score=0, feedback=("exit status 0",), select=PUBLIC_BPE),
    Case("segfault_ctypes", "dereferences a null pointer with ctypes",
         "the crash is named; a fresh worker serves the next test", "reference",
         (Body("bpe.py", "merge_pair", "import ctypes\nreturn ctypes.string_at(0)"),),
         score=merge_pair_broken(PUBLIC_BPE), feedback=("killed by a segmentation fault",),
         select=PUBLIC_BPE),
    Case("abort", "calls os.abort()", "the worker's death by SIGABRT is named", "reference",
         (Body("bpe.py", "merge_pair", "import os\nos.abort()"),),
         score=merge_pair_broken(PUBLIC_BPE), feedback=("killed by an abort",),
         select=PUBLIC_BPE),
    Case("kill_self", "sends itself SIGKILL", "named like any crash", "reference",
         (Body("bpe.py", "merge_pair", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),),
         score=merge_pair_broken(PUBLIC_BPE), feedback=("killed by SIGKILL",),
         select=PUBLIC_BPE),
    Case("alarm_kills_worker", "sets a 10 ms interval timer and sleeps",
         "SIGALRM ends the worker; the test names the alarm the code set", "reference",
         (Body("bpe.py", "merge_pair", '''
             import signal, time
             signal.setitimer(signal.ITIMER_REAL, 0.01)
             time.sleep(5)
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("an alarm signal the code set",),
         select=PUBLIC_BPE),
    Case("kill_parent",
         "sends SIGKILL to its parent process, then answers correctly",
         "the parent in reach is the sandbox's own init (PID namespace) or refuses the signal "
         "(another uid); the grader never sees it", "reference",
         (Before("bpe.py", "merge_pair", '''
             import os, signal
             try:
                 os.kill(os.getppid(), signal.SIGKILL)
             except OSError:
                 pass
         '''),), score=15, namespaces=True),
    Case("kill_every_process", "sends SIGKILL to every process it may signal (kill -1)",
         "the worker may signal only its own namespace; nothing else dies", "reference",
         (Before("bpe.py", "merge_pair", '''
             import os, signal
             try:
                 os.kill(-1, signal.SIGKILL)
             except OSError:
                 pass
         '''),), score=9, namespaces=True,
         select=PUBLIC_BPE),
    Case("kill_own_process_group", "sends SIGTERM to its process group",
         "only the sandbox's processes are in reach: the worker dies and is named",
         "reference", (Body("bpe.py", "merge_pair", '''
             import os, signal
             os.killpg(0, signal.SIGTERM)
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("killed by SIGTERM",), namespaces=True,
         select=PUBLIC_BPE),
    Case("close_reply_channel", "closes the pipe the worker answers on",
         "the grader notices the channel closed and restarts the worker", "reference",
         (Body("bpe.py", "merge_pair", with_reply_fd("import os\nos.close(reply_fd)\nreturn []")),),
         score=merge_pair_broken(PUBLIC_BPE), feedback=("the code closed the grader's reply channel",),
         select=PUBLIC_BPE),
    # ------------------------------------------------------------------ forged replies
    Case("forged_reply_nested", "writes a reply frame nested 3 000 levels deep to the "
         "grader's pipe (before the fix it crashed the grader's process: a C stack overflow "
         "in the decoder)", "the decoder refuses values nested more than 48 extension levels "
         "deep and restarts the worker", "reference", (Body("bpe.py", "merge_pair", with_reply_fd('''
             import msgpack, os, struct, time
             payload = msgpack.packb([])
             for _ in range(3000):
                 payload = msgpack.packb(msgpack.ExtType(1, payload))
             frame = b"\\x82" + msgpack.packb("id") + msgpack.packb(10**6) + msgpack.packb("ok") + payload
             os.write(reply_fd, struct.pack(">I", len(frame)) + frame)
             time.sleep(5)
         ''')),), score=merge_pair_broken(PUBLIC_BPE), feedback=("nested too deeply",),
         select=PUBLIC_BPE),
    Case("forged_reply_explodes", "writes a reply of 300 000 empty lists: one byte each, "
         "about 60 bytes each once decoded (the suite lowers the container cap to 200 000; "
         "grading uses 4 million)", "replies are capped in containers as well as bytes",
         "reference", (Body("bpe.py", "merge_pair", with_reply_fd('''
             import os, struct, time
             n = 300_000
             frame = b"\\x82\\xa2id\\xce\\x00\\x0f\\x42\\x40\\xa2ok\\xdd" + n.to_bytes(4, "big") + b"\\x90" * n
             os.write(reply_fd, struct.pack(">I", len(frame)) + frame)
             time.sleep(5)
         ''')),), score=merge_pair_broken(PUBLIC_BPE), feedback=("more than 200000 lists",),
         select=PUBLIC_BPE),
    Case("forged_reply_huge_header", "announces a 4 GiB reply",
         "replies are capped at 64 MiB; the worker is killed", "reference",
         (Body("bpe.py", "merge_pair", with_reply_fd('''
             import os, time
             os.write(reply_fd, b"\\xff\\xff\\xff\\xf0")
             time.sleep(5)
         ''')),), score=merge_pair_broken(PUBLIC_BPE), feedback=("the reply was larger than 64 MiB",),
         select=PUBLIC_BPE),
    Case("forged_error_reply",
         "writes a well-formed reply whose error description has fields of the wrong types",
         "every field is checked; the test fails with a plain message and the real reply "
         "that follows is recognised as stale by its id", "reference",
         (Body("bpe.py", "merge_pair", with_reply_fd('''
             import gc, msgpack, os, struct, time
             ids = [o.get("id") for o in gc.get_objects()
                    if type(o) is dict and o.get("op") == "call" and type(o.get("id")) is int]
             frame = msgpack.packb({"id": max(ids), "error": {"types": 5, "message": ["x"],
                                                              "where": "nowhere"}})
             os.write(reply_fd, struct.pack(">I", len(frame)) + frame)
             time.sleep(0.5)
             return [9, 7, 9]
         ''')),), score=merge_pair_broken(), feedback=("Exception",)),

    # ------------------------------------------------------------------ reading what is hidden
    Case("read_solutions", "runs the repository's solutions/m1_tokenization/bpe.py and "
         "returns its answers", "the solutions are covered by an empty mount in the worker",
         "stubs", (Body("bpe.py", "merge_pair", '''
             import runpy
             reference = runpy.run_path("@REPO@/solutions/m1_tokenization/bpe.py")
             return reference["merge_pair"](ids, pair, new_id)
         '''),), score=0, feedback=("No such file or directory | Permission denied",),
         namespaces=True),
    Case("read_hidden_suites", "reads the hidden tests to find expected values",
         "the hidden suites are covered by an empty mount", "stubs",
         (Body("bpe.py", "merge_pair", '''
             source = open("@REPO@/autograder/suites/m1_tokenization/test_pair_counts_and_merge.py").read()
             return [len(source)]
         '''),), score=0, feedback=("No such file or directory | Permission denied",),
         namespaces=True,
         select=PUBLIC_BPE),
    Case("git_history", "asks git for the solutions in the repository's history",
         "the repository shows the worker only the grader's package and Python; .git is not "
         "there", "stubs", (Body("bpe.py", "merge_pair", '''
             import runpy, subprocess
             shown = subprocess.run(["git", "-c", "safe.directory=*", "-C", "@REPO@", "show",
                                     "HEAD:solutions/m1_tokenization/bpe.py"],
                                    capture_output=True, text=True)
             if shown.returncode:
                 raise RuntimeError("git: " + shown.stderr.strip().splitlines()[0])
             namespace = {}
             exec(shown.stdout, namespace)
             return namespace["merge_pair"](ids, pair, new_id)
         '''),), score=0, feedback=("git: fatal",), namespaces=True,
         select=PUBLIC_BPE),
    Case("reference_snapshot_in_tmp",
         "looks in the temp folder for the reference worker's copy of the solutions (made "
         "when a test compares speed with the reference) and runs it",
         "the temp folder shows the worker only its own sandbox", "stubs",
         (Body("bpe.py", "merge_pair", '''
             import glob
             for path in glob.glob("@TMP@/autograder-sandbox-*/submission/m1_tokenization/bpe.py"):
                 source = open(path).read()
                 if path != __file__ and "_Greatest" + "First" in source:
                     namespace = {}
                     exec(source, namespace)
                     return namespace["merge_pair"](ids, pair, new_id)
             raise LookupError("no reference copy found")
         '''),), score=0, feedback=("no reference copy found",), namespaces=True,
         select=PUBLIC_BPE),
    Case("proc_parent_root", "reads the solutions through /proc/<parent>/root, the parent's "
         "view of the file system", "in a PID namespace the parent is the sandbox's own "
         "init, which may not be inspected", "stubs", (Body("bpe.py", "merge_pair", '''
             import os, runpy
             path = f"/proc/{os.getppid()}/root@REPO@/solutions/m1_tokenization/bpe.py"
             return runpy.run_path(path)["merge_pair"](ids, pair, new_id)
         '''),), score=0, feedback=("Permission denied | No such file or directory",),
         namespaces=True,
         select=PUBLIC_BPE),
    Case("unmount_the_cover", "unmounts the empty tmpfs that hides the suites, then reads them",
         "the worker holds no capability: umount is refused", "stubs",
         (Body("bpe.py", "merge_pair", '''
             import ctypes, os
             libc = ctypes.CDLL(None, use_errno=True)
             for path in (b"@REPO@/autograder/suites", b"@REPO@"):
                 if libc.umount2(path, 2) != 0:
                     raise PermissionError(ctypes.get_errno(), "umount refused: " + os.strerror(ctypes.get_errno()))
             return [len(os.listdir("@REPO@/autograder/suites"))]
         '''),), score=0, feedback=("umount refused",), namespaces=True,
         select=PUBLIC_BPE),
    Case("symlink_to_solutions", "bpe.py is a symbolic link to the reference solution",
         "links are copied as links, and their target is hidden from the worker", "stubs",
         (Symlink("m1_tokenization/bpe.py", "@REPO@/solutions/m1_tokenization/bpe.py"),),
         score=0, feedback=("No module named 'm1_tokenization.bpe' | No such file or directory",),
         namespaces=True,
         select=PUBLIC_BPE),
    Case("symlinked_module_folder", "the whole module folder is a link to solutions/",
         "the same: the link's target does not exist for the worker", "empty",
         (Symlink("m1_tokenization", "@REPO@/solutions/m1_tokenization"),),
         score=0, feedback=("No module named 'm1_tokenization",), namespaces=True,
         select=PUBLIC_BPE),
    # ------------------------------------------------------------------ network
    Case("network_localhost", "fetches the answers from a server on 127.0.0.1 (started by "
         "this test; it would answer)", "the worker has its own network namespace, and "
         "sockets are refused with a clear message", "stubs",
         (Body("bpe.py", "merge_pair", '''
             import json, socket
             with socket.create_connection(("127.0.0.1", @PORT@), timeout=2) as s:
                 s.sendall(json.dumps([ids, pair, new_id]).encode() + b"\\n")
                 return json.loads(s.makefile().readline())
         '''),), score=0, feedback=("network is disabled during grading",), namespaces=True),
    Case("network_raw_ctypes", "opens the socket through libc with ctypes, bypassing "
         "Python's audit hooks", "there is no network to reach: the namespace has no "
         "interface up", "stubs", (Body("bpe.py", "merge_pair", '''
             import ctypes, os, socket, struct
             libc = ctypes.CDLL(None, use_errno=True)
             fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
             address = struct.pack("<H", socket.AF_INET) + struct.pack(">H", @PORT@) + bytes([127, 0, 0, 1]) + bytes(8)
             if libc.connect(fd, address, len(address)) != 0:
                 raise ConnectionError("raw connect failed: " + os.strerror(ctypes.get_errno()))
             return [fd]
         '''),), score=0, feedback=("raw connect failed: Network is unreachable",),
         namespaces=True,
         select=PUBLIC_BPE),
    Case("network_in_subprocess", "connects from a child Python process, which has no audit "
         "hook of ours", "children share the worker's empty network namespace", "stubs",
         (Body("bpe.py", "merge_pair", '''
             import subprocess, sys
             code = "import socket; socket.create_connection(('127.0.0.1', @PORT@), timeout=2)"
             done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
             raise ConnectionError("child: " + done.stderr.strip().splitlines()[-1])
         '''),), score=0, feedback=("child: OSError: [Errno 101] Network is unreachable",),
         namespaces=True,
         select=PUBLIC_BPE),
    Case("unix_socket_server", "connects through libc to a Unix socket of a local service "
         "(one this test starts; a socket can be connected even on a read-only file system)",
         "the temp folders and /run, where services keep their sockets, show the worker "
         "nothing", "stubs", (Body("bpe.py", "merge_pair", '''
             import ctypes, os, socket, struct
             libc = ctypes.CDLL(None, use_errno=True)
             fd = libc.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0)
             path = b"@SOCKET@"
             address = struct.pack("<H", socket.AF_UNIX) + path + bytes(108 - len(path))
             if libc.connect(fd, address, len(address)) != 0:
                 raise ConnectionError("unix connect failed: " + os.strerror(ctypes.get_errno()))
             return [fd]
         '''),), score=0, feedback=("unix connect failed: No such file or directory",),
         namespaces=True, select=PUBLIC_BPE),

    # ------------------------------------------------------------------ lying values
    Case("always_equal_list", "returns a list subclass whose __eq__ always says True (and "
         "a dict and tuple subclass the same)", "subclasses of built-in types are flattened "
         "to the plain type in the worker; their methods never run in the grader", "stubs",
         (AtImport("bpe.py", CANARY_CLASS + '''
             class Yes(list):
                 def __eq__(self, other):
                     _sing("eq")
                     return True
                 __ne__ = lambda self, other: False
                 __hash__ = None
             class YesDict(dict):
                 def __eq__(self, other):
                     _sing("eq")
                     return True
             class YesTuple(tuple):
                 def __eq__(self, other):
                     _sing("eq")
                     return True
             def get_pair_counts(ids):
                 return YesDict()
             def merge_pair(ids, pair, new_id):
                 return Yes()
             def pretokenize(text, special_tokens=()):
                 return Yes()
             def train_bpe(text, vocab_size, special_tokens=()):
                 return YesTuple((YesDict(), Yes()))
         '''),), score=0),
    Case("lying_scalars", "returns int, str and float subclasses whose comparisons always "
         "say True", "flattened to plain int, str and float", "stubs",
         (AtImport("bpe.py", CANARY_CLASS + '''
             class Int(int):
                 def __eq__(self, other):
                     _sing("int")
                     return True
                 __hash__ = int.__hash__
             class Str(str):
                 def __eq__(self, other):
                     _sing("str")
                     return True
                 __hash__ = str.__hash__
             def get_pair_counts(ids):
                 return {(Int(1), Int(2)): Int(2)}
             def merge_pair(ids, pair, new_id):
                 return [Int(9)]
             def pretokenize(text, special_tokens=()):
                 return [Str(text)]
         '''),), score=0),
    Case("ndarray_subclass", "returns numpy array subclasses that override comparisons",
         "arrays cross as plain ndarrays (dtype and shape checked); their methods stay in "
         "the worker", "stubs", (AtImport("bpe.py", CANARY_CLASS + '''
             import numpy as np
             class Agreeable(np.ndarray):
                 def __eq__(self, other):
                     _sing("ndarray")
                     return True
                 def __array_finalize__(self, obj):
                     _sing("finalize")
             def merge_pair(ids, pair, new_id):
                 return np.array([9, 7, 9]).view(Agreeable)
             def get_pair_counts(ids):
                 return np.zeros(3).view(Agreeable)
         '''),), score=0,
         select=PUBLIC_BPE),
    Case("proxy_object", "returns an object that claims to be a list (__class__) and "
         "agrees with everything", "anything that is not data stays in the worker behind a "
         "handle; a handle equals nothing but itself", "stubs",
         (AtImport("bpe.py", CANARY_CLASS + '''
             class Proxy:
                 __class__ = property(lambda self: list)
                 def __eq__(self, other):
                     _sing("proxy")
                     return True
                 def __len__(self):
                     return 3
                 def __iter__(self):
                     return iter([9, 7, 9])
                 def __getattr__(self, name):
                     _sing("getattr")
                     return self
             def merge_pair(ids, pair, new_id):
                 return Proxy()
             def get_pair_counts(ids):
                 return Proxy()
         '''),), score=0,
         select=PUBLIC_BPE),
    Case("pickle_payload", "returns an object whose __reduce__ would run code when "
         "unpickled", "there is no pickle anywhere: the object stays in the worker", "stubs",
         (AtImport("bpe.py", CANARY_CLASS + '''
             import os
             class Payload:
                 def __reduce__(self):
                     return (_sing, ("reduce",))
                 def __del__(self):
                     _sing("del")
             def merge_pair(ids, pair, new_id):
                 return Payload()
         '''),), score=0,
         select=PUBLIC_BPE),
    Case("nan_results", "the analysis functions return NaN (which fails every comparison "
         "but may slip past a careless `not (x > tol)`)", "NaN is a float like any other; "
         "the tests compare with pytest.approx and ==", "stubs",
         (AtImport("analysis.py", '''
             def embedding_parameters(vocab_size, d_model, tied=True):
                 return float("nan")
             def oov_rate(vocab, text):
                 return float("nan")
             def bytes_per_token(tokenizer, text):
                 return float("nan")
             def rare_token_fraction(ids, vocab_size, min_count=5):
                 return float("nan")
             def id_agreement(vocab_a, vocab_b):
                 return float("nan")
             def granularity(tokenizer, text):
                 return {k: float("nan") for k in ("bytes", "characters", "subwords", "words")}
         '''),), score=0, select=ANALYSIS),
    Case("endless_generator", "train_bpe returns its merges as a generator that starts "
         "right and never ends", "iterators are pulled in chunks within the call's time "
         "budget; past it the test fails", "stubs",
         (Body("bpe.py", "train_bpe", '''
             import itertools
             vocab = {i: bytes([i]) for i in range(256)}
             return vocab, itertools.cycle([(b"s", b"t"), (b"e", b"st"), (b"o", b"w")])
         '''),), score=0, feedback=("the iterator was still yielding after 2 s | expected a list of pairs of bytes",),
         select=PUBLIC_BPE),
    Case("hostile_exception", "raises an exception whose __str__ raises and whose class "
         "lies about its name", "the worker describes it defensively; the test fails with a "
         "plain message", "reference", (Body("bpe.py", "merge_pair", '''
             class Sneaky(Exception):
                 def __str__(self):
                     raise RuntimeError("no")
             Sneaky.__name__ = "AssertionError"
             raise Sneaky()
         '''),), score=merge_pair_broken(PUBLIC_BPE),
         feedback=("the exception's message could not be read",),
         select=PUBLIC_BPE),
    # ------------------------------------------------------------------ patching the grader
    Case("monkeypatch_pytest", "at import, replaces pytest.approx, pytest.raises and "
         "pytest.fail and rewrites _pytest's assertion machinery", "the tests run in the "
         "trusted process; the worker's pytest is another copy", "stubs",
         (AtImport("bpe.py", '''
             import pytest, _pytest.outcomes, _pytest.assertion.rewrite
             pytest.approx = lambda *a, **k: type("Any", (), {"__eq__": lambda s, o: True})()
             pytest.raises = lambda *a, **k: __import__("contextlib").nullcontext()
             pytest.fail = _pytest.outcomes.fail = lambda *a, **k: None
             _pytest.assertion.rewrite.AssertionRewritingHook.exec_module = lambda *a: None
         '''),), score=0, feedback=("not implemented yet",)),
    Case("monkeypatch_builtins", "at import, rebinds builtins: AssertionError, isinstance, "
         "len and print", "builtins of the worker are not the grader's", "stubs",
         (AtImport("bpe.py", '''
             import builtins
             builtins.AssertionError = type("Never", (Exception,), {})
             builtins.isinstance = lambda obj, cls: True
             builtins.len = lambda obj: 0
             builtins.print = lambda *a, **k: None
         '''),), score=0,
         select=PUBLIC_BPE),
    Case("monkeypatch_numpy_testing", "at import, makes numpy.testing's assertions do nothing",
         "the grader's numpy is its own", "stubs", (AtImport("bpe.py", '''
             import numpy.testing
             for name in dir(numpy.testing):
                 if name.startswith("assert"):
                     setattr(numpy.testing, name, lambda *a, **k: None)
         '''),), score=0, feedback=("not implemented yet",),
         select=PUBLIC_BPE),
    Case("monkeypatch_unittest_mock", "at import, patches unittest.mock so every mock "
         "comparison succeeds", "nothing in the worker reaches the trusted process", "stubs",
         (AtImport("bpe.py", '''
             import unittest.mock
             unittest.mock.ANY.__class__.__eq__ = lambda self, other: True
             unittest.mock.patch = lambda *a, **k: __import__("contextlib").nullcontext()
             unittest.mock.MagicMock.__eq__ = lambda self, other: True
         '''),), score=0, feedback=("not implemented yet",),
         select=PUBLIC_BPE),
    Case("import_grader_modules", "imports autograder.plugin, results, remote and codec in "
         "the worker and rewrites them to record passes", "those are the worker's copies; "
         "verdicts are made in the trusted process", "stubs", (AtImport("bpe.py", '''
             import autograder.codec, autograder.plugin, autograder.remote, autograder.results
             autograder.results.TestRecord.passed = property(lambda self: True)
             autograder.plugin._failure_message = lambda *a, **k: ""
             autograder.plugin.GradingPlugin._record = lambda *a, **k: None
             autograder.remote.StudentError = AssertionError
             original = autograder.codec.Encoder.encode
             autograder.codec.Encoder.encode = lambda self, value: original(self, value)
         '''),), score=0, feedback=("not implemented yet",)),
    Case("shadowing_modules_stubs", "ships pytest.py, numpy/, msgpack.py, sitecustomize.py "
         "and an autograder/ package of its own, all cheating", "the submission is last on "
         "the worker's path and the grader's modules are imported first", "stubs",
         (Write("pytest.py", "raise SystemExit('shadowed pytest')"),
          Write("numpy/__init__.py", "raise SystemExit('shadowed numpy')"),
          Write("msgpack.py", "def packb(*a, **k):\n    return b'\\x82\\xa2ok\\xc3'"),
          Write("sitecustomize.py", "import builtins\nbuiltins.__dict__['NotImplementedError'] = AssertionError"),
          Write("autograder/__init__.py", ""),
          Write("autograder/plugin.py", "raise SystemExit('shadowed grader')")),
         score=0, feedback=("not implemented yet",),
         select=PUBLIC_BPE),
    Case("shadowing_modules_reference", "the reference with the same shadowing files beside "
         "it", "an honest submission with stray files loses nothing", "reference",
         (Write("pytest.py", "raise SystemExit('shadowed pytest')"),
          Write("numpy/__init__.py", "raise SystemExit('shadowed numpy')"),
          Write("msgpack.py", "raise SystemExit('shadowed msgpack')"),
          Write("sitecustomize.py", "raise SystemExit('shadowed site')"),
          Write("autograder/__init__.py", "raise SystemExit('shadowed grader')")), score=15),
    Case("conftest_hooks", "ships conftest.py files (root, module, tests/) whose hooks mark "
         "every test passed and drop the hidden ones", "the grader runs its own copies of "
         "the tests with --noconftest; a submission's conftest is never loaded", "stubs",
         tuple(Write(path, '''
             import pytest
             @pytest.hookimpl(hookwrapper=True)
             def pytest_runtest_makereport(item, call):
                 outcome = yield
                 outcome.get_result().outcome = "passed"
             def pytest_collection_modifyitems(items):
                 del items[1:]
         ''') for path in ("conftest.py", "m1_tokenization/conftest.py",
                           "m1_tokenization/tests/conftest.py")),
         score=0, feedback=("not implemented yet",)),
    Case("own_public_tests", "replaces the public tests in its copy with trivial ones worth "
         "100 points", "the public tests come from the grader's own copy", "stubs",
         (Write("m1_tokenization/tests/test_bpe.py", '''
             import pytest
             @pytest.mark.points(100)
             def test_everything(student):
                 assert True
         '''),), score=0, feedback=("not implemented yet",)),

    # ------------------------------------------------------------------ broken files
    Case("unicode_garbage", "bpe.py holds a string with a byte that is not UTF-8",
         "the import fails with a SyntaxError naming the file; every test of bpe.py fails",
         "reference", (Write("m1_tokenization/bpe.py", (REFERENCE / "bpe.py").read_bytes()
                             + b'\nCAFE = "caf\xe9"\n'),), score=0,
         feedback=("SyntaxError", "bpe.py"),
         select=PUBLIC_BPE),
    Case("binary_garbage", "bpe.py is 4 KiB of random bytes", "a SyntaxError, named",
         "reference", (Write("m1_tokenization/bpe.py", bytes(
             (i * 7919 + 13) % 256 for i in range(4096))),), score=0,
         feedback=("SyntaxError | null bytes",),
         select=PUBLIC_BPE),
    Case("homoglyph_name", "defines merge_pаir with a Cyrillic а and hides it behind a "
         "right-to-left override in a comment", "a missing function fails only its tests, "
         "with its name", "reference", (AtImport("bpe.py", '''
             # \u202e)diap_egrem(
             merge_p\u0430ir = merge_pair
             del merge_pair
         '''),), score=merge_pair_broken(),
         feedback=("has no attribute 'merge_pair'",)),
    Case("syntax_error_in_one_file", "tokenizer.py has a syntax error; bpe.py is fine",
         "tokenizer tests fail with the file and line; bpe tests are unaffected",
         "reference", (AtImport("tokenizer.py", "def broken(:\n    pass"),),
         score=9, feedback=("SyntaxError", "tokenizer.py, line"), select=TOKENIZER),
    Case("missing_module_folder", "the submission has no m1_tokenization/ at all",
         "a note at the top of the report; every test is present and failed", "empty", (),
         score=0, feedback=("m1_tokenization/ is missing from the submission",)),
    Case("file_replaced_by_directory", "bpe.py is a folder", "an import error naming the "
         "module; the tests of other files still run", "reference",
         (MakeDirectory("m1_tokenization/bpe.py"),), score=0,
         feedback=("No module named 'm1_tokenization.bpe'",),
         select=PUBLIC_BPE),
    Case("module_folder_is_a_file", "m1_tokenization is a file, not a folder",
         "a note says so; every test is present and failed", "empty",
         (Write("m1_tokenization", "not a folder"),), score=0,
         feedback=("m1_tokenization in the submission is a file, not a folder",),
         select=PUBLIC_BPE),
    Case("empty_module_folder", "m1_tokenization/ exists but is empty",
         "import errors name the missing module", "empty",
         (Write("m1_tokenization/.keep", ""), Remove("m1_tokenization/.keep")), score=0,
         feedback=("No module named 'm1_tokenization.bpe'",),
         select=PUBLIC_BPE),

    # ------------------------------------------------------------------ time budgets
    Case("sleeps_past_the_test_budget", "merge_pair sleeps forever, and the test allows "
         "calls longer than the test's own budget (8 s calls, a 3 s test here)",
         "each test has a wall-clock budget that cuts its calls short; the test fails naming "
         "the budget and the line, the other tests still run", "reference",
         (Body("bpe.py", "merge_pair", "import time\nwhile True:\n    time.sleep(1)"),),
         score=merge_pair_broken(PUBLIC_BPE),
         feedback=("this test's time budget (3 s) ran out during a call (the call was running "
                   "m1_tokenization/bpe.py:",), select=PUBLIC_BPE, call_seconds=8,
         test_seconds=3),
    Case("module_budget_spent", "get_pair_counts loops forever in the module's first test, "
         "hoping to hold the grading of the whole module",
         "the module's budget (1.5 s here) cuts that test short; every later test fails at "
         "once, saying the budget ran out; the grade still holds every test", "reference",
         (Body("bpe.py", "get_pair_counts", "while True:\n    pass"),),
         score=0, feedback=("the time budget of m1_tokenization (1.5 s) ran out before this "
                            "test; it was not run",), module_seconds=1.5),
    Case("endless_loop_every_function", "every function of bpe.py loops forever",
         "one timeout per function: its later calls fail at once, saying it is not called "
         "again, so the module costs a few timeouts instead of one per test", "reference",
         tuple(Body("bpe.py", f, "while True:\n    pass") for f in
               ("get_pair_counts", "merge_pair", "pretokenize", "train_bpe")),
         score=0, feedback=("it is not called again, so this test fails at once",)),
    Case("loop_location_named", "merge_pair loops forever in a helper of its own",
         "the timeout names the line the worker was running (its stack, dumped by "
         "faulthandler before the worker is killed)", "reference",
         (Body("bpe.py", "merge_pair", '''
             def walk(i):
                 while i >= 0:
                     i += 1
             walk(0)
         '''),), score=merge_pair_broken(PUBLIC_BPE),
         feedback=("(it was running m1_tokenization/bpe.py:", "in walk)"), select=PUBLIC_BPE),

    # ------------------------------------------------------------------ leftovers of a call
    Case("thread_left_running", "merge_pair answers right but leaves a thread burning CPU, "
         "which would slow down whatever runs next (the reference, in a speed test)",
         "a call may not leave a thread running: the call fails, naming the line, and the "
         "worker is replaced", "reference",
         (Before("bpe.py", "merge_pair", '''
             import threading
             def burn():
                 while True:
                     pass
             threading.Thread(target=burn, daemon=True).start()
         '''),), score=merge_pair_broken(PUBLIC_BPE),
         feedback=("the call returned but left 1 thread running", "in burn)"),
         select=PUBLIC_BPE),
    Case("raw_thread_at_import", "bpe.py starts a thread with the low-level _thread module "
         "while it is imported", "the import counts as a call: it fails, and so does every "
         "test of bpe.py", "reference",
         (AtImport("bpe.py", '''
             import _thread, time
             def nap():
                 time.sleep(60)
             _thread.start_new_thread(nap, ())
         '''),), score=0, feedback=("left 1 thread running",), select=PUBLIC_BPE),
    Case("orphan_burner_between_calls", "merge_pair starts a detached process (its own "
         "session) that burns CPU, then answers right", "the process is killed when the call "
         "returns, so nothing competes with the next call; the answer counts", "reference",
         (Before("bpe.py", "merge_pair", '''
             import os
             if os.fork() == 0:
                 os.setsid()
                 while True:
                     pass
         '''),), score=9, namespaces=True, select=PUBLIC_BPE),
    Case("mutates_its_input", "merge_pair computes the right answer, then empties the list it "
         "was given (its docstring promises not to touch it)",
         "every call's arguments are compared with a copy after the call; the change is "
         "named", "reference",
         (Body("bpe.py", "merge_pair", '''
             out, i = [], 0
             while i < len(ids):
                 if i + 1 < len(ids) and (ids[i], ids[i + 1]) == tuple(pair):
                     out.append(new_id)
                     i += 2
                 else:
                     out.append(ids[i])
                     i += 1
             ids.clear()
             return out
         '''),), score=merge_pair_broken(PUBLIC_BPE),
         feedback=("merge_pair changed its argument ids during the call",), select=PUBLIC_BPE),

    # ------------------------------------------------------------------ checks in the worker
    Case("hides_threads_from_the_worker", "replaces sys._current_frames so the worker's check "
         "sees no thread, then leaves a burning thread after a right answer",
         "the worker's own checks run among student code and can be fooled, so nothing "
         "depends on them alone: the answer is judged in the trusted process (the honest "
         "score, no more), and a measured reference never runs beside the student's worker",
         "reference",
         (Before("bpe.py", "merge_pair", '''
             import sys, threading
             sys._current_frames = lambda: {threading.get_ident(): sys._getframe()}
             def burn():
                 while True:
                     pass
             threading.Thread(target=burn, daemon=True).start()
         '''),), score=9, select=PUBLIC_BPE),
    Case("disables_the_mutation_check", "finds the worker's comparison of arguments in "
         "__main__ and makes it report no change, then empties its input",
         "the trusted side keeps its own copy of every argument, so the grade is the honest "
         "one: fooling the check hides the broken contract and gains nothing", "reference",
         (Before("bpe.py", "merge_pair", '''
             import sys
             sys.modules["__main__"]._changed = lambda snapshot: False
             original = list(ids)
             ids.clear()
             ids = original
         '''),), score=9, select=PUBLIC_BPE),
    Case("forged_contract_verdict", "raises the worker's own exception for a broken contract, "
         "asking the grader to restart the worker, with a message saying all tests passed",
         "it is the student's own failure either way: the test fails, nothing else happens",
         "reference",
         (Before("bpe.py", "merge_pair", '''
             import sys
             raise sys.modules["__main__"].ContractBroken("all tests passed", stop=True)
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("all tests passed",),
         select=PUBLIC_BPE),
    Case("timer_thread_left", "merge_pair answers right and arms a threading.Timer that "
         "would act in the worker a minute later",
         "a pending timer is a thread left running: the call fails and the worker is "
         "replaced", "reference",
         (Before("bpe.py", "merge_pair", '''
             import threading
             threading.Timer(60, print, ("too late",)).start()
         '''),), score=merge_pair_broken(PUBLIC_BPE),
         feedback=("the call returned but left 1 thread running",), select=PUBLIC_BPE),

    # ------------------------------------------------------------------ text in reports
    Case("markup_in_error_message", "raises an error whose message holds a Markdown heading "
         "'# Score: 100 / 100', an HTML image, a link and an @mention",
         "the message reaches the student as plain text; every format escapes it (Markdown, "
         "HTML) or drops what it forbids (XML)", "reference",
         (Body("bpe.py", "merge_pair", '''
             raise ValueError("\\n# Score: 100 / 100\\n<img src=x onerror=alert(1)> "
                              "[full marks](https://example.com) @octocat")
         '''),), score=merge_pair_broken(PUBLIC_BPE),
         feedback=("# Score: 100 / 100",), select=PUBLIC_BPE, needs="reports"),
    Case("terminal_escapes_printed", "prints terminal escape sequences (erase the line, "
         "write the clipboard) and fails", "what it printed is shown, its control "
         "characters stripped by the text format", "reference",
         (Body("bpe.py", "merge_pair", '''
             print("\x1b[2K\x1b[1A\x1b]52;c;Y3VybCBldmls\x07all tests passed")
             return []
         '''),), score=merge_pair_broken(PUBLIC_BPE),
         feedback=("all tests passed",), select=PUBLIC_BPE, needs="reports"),
    Case("xml_forbidden_characters", "raises an error whose message holds NUL, vertical tab "
         "and form feed", "the JUnit report stays valid XML (the characters are dropped)",
         "reference", (Body("bpe.py", "merge_pair", '''
             raise ValueError("bad\\x00input\\x0bhere\\x0c")
         '''),), score=merge_pair_broken(PUBLIC_BPE), feedback=("ValueError",),
         select=PUBLIC_BPE, needs="reports"),
    Case("honest_odd_output", "the reference, printing tabs, runs of spaces, a zero-width "
         "space and right-to-left text on every call", "an honest submission that prints "
         "odd characters keeps every point", "reference",
         (Before("bpe.py", "merge_pair", '''
             print("ids:\t  [1,  2]\u200b \u202eevil\u202c")
         '''),), score=9, select=PUBLIC_BPE),

    # ------------------------------------------------------------------ isolation
    Case("reads_grader_secrets", "looks for the grading host's secrets: GITHUB_TOKEN in its "
         "environment and in /proc/<pid>/environ of every process it can see",
         "the worker gets a scrubbed environment and, in its PID namespace, sees no process "
         "of the grader; grade-all refuses to grade without that isolation", "reference",
         (Before("bpe.py", "merge_pair", '''
             import os
             found = [k for k, v in os.environ.items()
                      if k == "GITHUB_TOKEN" or "hostile-canary-token" in v]
             for pid in filter(str.isdigit, os.listdir("/proc")):
                 try:
                     with open(f"/proc/{pid}/environ", "rb") as f:
                         if b"hostile-canary-token" in f.read():
                             found.append(pid)
                 except OSError:
                     pass
             if found:
                 raise RuntimeError(f"found the grader's secrets in {found}")
         '''),), score=9, namespaces=True, select=PUBLIC_BPE),

    # ------------------------------------------------------------------ values of the wrong kind
    Case("empty_values_everywhere", "stubs that return empty containers of the promised "
         "type: {} pair counts, [] merges, [] pre-tokens, ({}, []) from train_bpe",
         "every check looks at what is missing: nothing passes vacuously", "stubs",
         (Body("bpe.py", "get_pair_counts", "return {}"),
          Body("bpe.py", "merge_pair", "return []"),
          Body("bpe.py", "pretokenize", "return []"),
          Body("bpe.py", "train_bpe", "return {}, []")), score=0, needs="suites m1"),
    Case("wrong_kinds_everywhere", "stubs that return values of the wrong kind: an empty "
         "ndarray, None, a float NaN, two strings",
         "kind and shape are checked first, with a message naming what came back", "stubs",
         (Body("bpe.py", "get_pair_counts", "import numpy\nreturn numpy.array([])"),
          Body("bpe.py", "merge_pair", "return None"),
          Body("bpe.py", "pretokenize", "return float('nan')"),
          Body("bpe.py", "train_bpe", "return 'vocab', 'merges'")), score=0,
         feedback=("empty ndarray | empty array",), needs="suites m1"),
    Case("short_merge_result", "the reference, but merge_pair drops the last id",
         "the length is checked before the items, and the message says what was observed",
         "reference", (Body("bpe.py", "merge_pair", '''
             out, i = [], 0
             while i < len(ids):
                 if i + 1 < len(ids) and (ids[i], ids[i + 1]) == tuple(pair):
                     out.append(new_id)
                     i += 2
                 else:
                     out.append(ids[i])
                     i += 1
             return out[:-1]
         '''),), score=merge_pair_broken(PUBLIC_BPE), select=PUBLIC_BPE,
         needs="suites m1"),
]

CASES_BY_NAME = {case.name: case for case in CASES}

# ---------------------------------------------------------------------- run-wide requirements
# At import: prints a forged report to its stdout and tries to write forged reports where the
# grader writes (the --output path and its folder, the per-module part files of --jobs, its
# working folder, its own code), saying on stderr what worked.
FORGER = '''
    import glob, json, os, sys
    FORGED = json.dumps({"score": 100.0, "max_score": 100.0, "tests": [], "output": "FORGED"})
    print(FORGED)
    targets = ["@TARGET@", "@TARGET_DIR@/gradebook.csv", "@TARGET_DIR@/junit.xml",
               os.path.join(os.path.dirname(__file__), "results.json")]
    targets += [os.path.join(d, "part.json") for d in glob.glob("@TMP@/autograder-part-*")]
    for target in targets:
        try:
            with open(target, "w") as f:
                f.write(FORGED)
            print("WROTE", target, file=sys.stderr)
        except OSError as error:
            print("REFUSED", target, error.strerror, file=sys.stderr)
'''

# At import: prints a forged report, then tries to kill the grader every way it can name.
KILLER = '''
    import json, os, signal
    print(json.dumps({"score": 100.0, "max_score": 100.0, "tests": []}))
    for attempt in (lambda: os.kill(os.getppid(), signal.SIGKILL),
                    lambda: os.kill(-1, signal.SIGKILL)):
        try:
            attempt()
        except OSError:
            pass
'''

# Instructor-side grading of the toy course kept outside the repository: the submission
# reads the course's solution and hidden tests.
INSTRUCTOR_SUBMISSIONS = {
    "reads_the_course": '''
        import runpy

        def add(a, b):
            return runpy.run_path("@COURSE@/solutions/m1_tokenization/toy.py")["add"](a, b)

        def count_pairs(ids):
            source = open("@COURSE@/suites/m1_tokenization/test_toy_hidden.py").read()
            return {(1, 1): 2} if "(1, 1): 2" in source else {}

        def slow_square(x):
            return runpy.run_path("@COURSE@/solutions/m1_tokenization/toy.py")["slow_square"](x)
    ''',
}


# Determinism: an honest-looking submission whose answers depend on global randomness (against
# the rules), set order and timing of nothing else, graded DETERMINISM_RUNS times concurrently.
# The worker resets the global generators before every call and fixes the hash seed, so every
# run must give the same records.
DETERMINISM_RUNS = 20
DETERMINISM_SELECT = ("test_pair_counts_and_merge.py",)
DETERMINISM_BASE = "reference"
DETERMINISM_CHANGES = (
    Before("bpe.py", "merge_pair", '''
        import random
        if random.random() < 0.5:  # a coin the grader makes the same every time
            return list(ids)
    '''),
    Before("bpe.py", "get_pair_counts", '''
        words = {"low", "lower", "newest", "widest", "fig", "kiwi"}
        if next(iter(words)) in ("low", "kiwi", "fig"):  # set order: fixed by the hash seed
            return {}
    '''),
)

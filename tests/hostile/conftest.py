"""Fixtures of the hostile suite: every case graded once, in parallel, before the checks.

`hostile_run` builds every case's submission and the honest baselines, starts what some
cases attack (an answer server on 127.0.0.1, the reference worker's copy of the solutions in
the temp folder, a canary folder only the trusted process can write), and grades them all in
a pool of processes. The tests then only read the results.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.sandbox.launcher import Limits, Sandbox, namespace_prefix
from tests.hostile.cases import (CASES, DETERMINISM_BASE, DETERMINISM_CHANGES,
                                 DETERMINISM_RUNS, DETERMINISM_SELECT, Case)
from tests.engine.toy_course import submission as toy_submission
from tests.engine.toy_course import write_course
from tests.hostile.submissions import REPO_ROOT, AtImport, build

# Small limits keep the suite fast and light: two seconds per call, 384 MiB of memory, 4 MiB
# of output per call, 200 000 containers per reply. The reference passes far within them.
HOSTILE_LIMITS = Limits(memory_bytes=384 << 20, output_bytes=4 << 20, call_seconds=2.0,
                        reply_containers=200_000)
# Much of a hostile grading is waiting (timeouts, restarts): one more job than cores.
PARALLEL = (os.cpu_count() or 1) + 1
CASE_DEADLINE = 240.0


class AnswerServer:
    """A TCP server on 127.0.0.1 that would give a cheater merge_pair's answers. It records
    every connection, so a test can assert that no worker ever reached it."""

    def __init__(self, unix_path: Path):
        self.unix_path = unix_path
        self._sockets = [socket.create_server(("127.0.0.1", 0))]
        self.port = self._sockets[0].getsockname()[1]
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.bind(str(unix_path))
        os.chmod(unix_path, 0o777)
        unix.listen()
        self._sockets.append(unix)
        self.connections = multiprocessing.get_context("fork").Value("i", 0)
        for listener in self._sockets:
            threading.Thread(target=self._serve, args=(listener,), daemon=True).start()

    def _serve(self, listener: socket.socket) -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with self.connections.get_lock():
                self.connections.value += 1
            with connection:
                try:
                    ids, pair, new_id = json.loads(connection.makefile().readline())
                    answer = _reference_merge(ids, tuple(pair), new_id)
                    connection.sendall(json.dumps(answer).encode() + b"\n")
                except (OSError, ValueError):
                    pass

    def close(self) -> None:
        for listener in self._sockets:
            listener.close()


def _reference_merge(ids, pair, new_id):
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


@dataclass
class HostileRun:
    root: Path
    sandbox_tmp: Path
    canary: Path
    server: AnswerServer
    results: dict[str, dict] = field(default_factory=dict)
    baselines: dict[tuple[str, tuple], dict] = field(default_factory=dict)
    repeats: list[dict] = field(default_factory=list)
    instructor: dict[str, dict] = field(default_factory=dict)
    commands: dict[str, "CommandRun"] = field(default_factory=dict)
    report_dir: Path | None = None

    def result(self, case: Case) -> dict:
        return self.results[case.name]

    def baseline(self, case: Case) -> dict:
        return self.baselines[(case.honest_base, case.select)]


def _grade_one(path: str, options: dict, sandbox_tmp: str) -> dict:
    """Grade in a pool process; sandboxes go to `sandbox_tmp` so the test can find leftovers."""
    tempfile.tempdir = sandbox_tmp
    from autograder.runner import grade

    limits = dataclasses.replace(HOSTILE_LIMITS,
                                 call_seconds=options.pop("call_seconds", HOSTILE_LIMITS.call_seconds))
    try:
        result = grade(path, modules=["m1_tokenization"], limits=limits, **options)
    except BaseException:  # noqa: BLE001 - reported as the case's failure
        return {"crashed": traceback.format_exc()}
    return result.to_dict()


def graded_cases() -> list[Case]:
    namespaces = namespace_prefix() is not None
    return [case for case in CASES if namespaces or not case.namespaces]


@pytest.fixture(scope="session")
def namespaces() -> bool:
    return namespace_prefix() is not None


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory) -> HostileRun:
    root = tmp_path_factory.mktemp("hostile")
    sandbox_tmp = root / "tmp"
    sandbox_tmp.mkdir()
    canary = root / "canary"
    canary.mkdir()
    server = AnswerServer(root / "answers.sock")
    run = HostileRun(root, sandbox_tmp, canary, server, report_dir=root / "reports")
    values = {"REPO": str(REPO_ROOT), "PORT": str(server.port), "CANARY": str(canary),
              "TMP": str(sandbox_tmp), "SOCKET": str(server.unix_path)}
    report_dir = root / "reports"
    report_dir.mkdir()
    values["TARGET"] = str(report_dir / "results.json")
    values["TARGET_DIR"] = str(report_dir)
    commands = _start_commands(root, values, sandbox_tmp)
    jobs: dict[object, tuple[Path, dict]] = {}
    course = write_course(root / "instructor")
    values["COURSE"] = str(root / "instructor")
    for name, source in INSTRUCTOR_SUBMISSIONS.items():
        path = toy_submission(root / "instructor-submissions" / name,
                              _fill(source, values))
        jobs[("instructor", name)] = (path, {k: str(v) for k, v in course.items()})
    # Cases whose defence needs namespaces are not even graded without them: a fork bomb or
    # `kill -1` would then reach the machine itself.
    for case in graded_cases():
        path = build(root / "cases" / case.name, case.base, case.changes, values)
        jobs[case.name] = (path, {"select": list(case.select),
                                  "call_seconds": case.call_seconds})
    for base in ("reference", "stubs"):
        for select in {case.select for case in graded_cases()}:
            path = build(root / "baselines" / f"{base}-{len(jobs)}", base, (), values)
            jobs[("baseline", base, select)] = (path, {"select": list(select)})
    # The same submission graded many times over, concurrently: the results must not differ.
    repeated = build(root / "repeated", DETERMINISM_BASE, DETERMINISM_CHANGES, values)
    for i in range(DETERMINISM_RUNS):
        jobs[("repeat", i)] = (repeated, {"select": list(DETERMINISM_SELECT)})
    # What a full grading run has in the temp folder while speed tests run: the reference
    # worker's snapshot of the solutions. The `reference_snapshot_in_tmp` case hunts for it.
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(sandbox_tmp)
    reference_sandbox = Sandbox(REPO_ROOT / "solutions")
    tempfile.tempdir = saved_tempdir
    # Slow cases first, so the pool ends together.
    order = sorted(jobs, key=lambda key: -_expected_seconds(key))
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(PARALLEL, mp_context=context) as pool:
            futures = {key: pool.submit(_grade_one, str(jobs[key][0]), jobs[key][1],
                                        str(sandbox_tmp)) for key in order}
            for key, future in futures.items():
                try:
                    outcome = future.result(timeout=CASE_DEADLINE)
                except FutureTimeout:
                    outcome = {"crashed": f"grading did not finish in {CASE_DEADLINE:g} s"}
                if isinstance(key, str):
                    run.results[key] = outcome
                elif key[0] == "baseline":
                    run.baselines[key[1:]] = outcome
                elif key[0] == "instructor":
                    run.instructor[key[1]] = outcome
                else:
                    run.repeats.append(outcome)
        run.commands = {name: command.finish() for name, command in commands.items()}
        yield run
    finally:
        reference_sandbox.close()
        server.close()


@dataclass
class CommandRun:
    """`autograder grade ...` running in the background; finish() waits for it."""

    process: subprocess.Popen
    output: Path | None

    def finish(self) -> "CommandRun":
        try:
            self.stdout, self.stderr = self.process.communicate(timeout=CASE_DEADLINE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.stdout, self.stderr = self.process.communicate()
        self.returncode = self.process.returncode
        self.report = self.output.read_text() if self.output and self.output.exists() else None
        return self


def _start_commands(root: Path, values: dict[str, str], sandbox_tmp: Path) -> dict:
    """The command line on the nastiest submissions: it must exit 0 with an honest report."""
    env = {**os.environ, "TMPDIR": str(sandbox_tmp), "PYTHONPATH": str(REPO_ROOT)}
    autograder = [sys.executable, "-m", "autograder.cli", "grade"]
    forger = build(root / "commands" / "forger", "stubs", (AtImport("bpe.py", FORGER),), values)
    killer = build(root / "commands" / "killer", "stubs", (AtImport("bpe.py", KILLER),), values)
    if namespace_prefix() is None:
        return {}  # without namespaces these submissions could write anywhere, or kill the run
    runs = {
        "forger": (autograder + [str(forger), "--module", "m1_tokenization", "--module",
                                 "m2_embeddings", "--public-only", "--jobs", "2",
                                 "--format", "json", "--output", values["TARGET"]],
                   Path(values["TARGET"])),
        "killer": (autograder + [str(killer), "--module", "m1_tokenization", "--public-only",
                                 "--jobs", "1", "--format", "json"], None),
    }
    return {name: CommandRun(subprocess.Popen(command, env=env, cwd=root / "commands",
                                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                              text=True), output)
            for name, (command, output) in runs.items()}


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


def _fill(code: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        code = code.replace(f"@{key}@", value)
    return code


def _expected_seconds(key) -> float:
    slow = {"endless_generator": 5, "slow_import": 3, "infinite_loop": 3,
            "signals_ignored_loop": 3, "c_stack_overflow": 3, "fork_bomb": 2}
    return slow.get(key, 1) if isinstance(key, str) else 1


def leftover_processes(marker: str) -> list[str]:
    """Command lines of running processes that mention `marker`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in command:
            found.append(f"{entry}: {command[:200]}")
    return found

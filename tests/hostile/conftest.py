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

from autograder.sandbox.isolation import namespace_prefix
from autograder.sandbox.launcher import Sandbox
from autograder.sandbox.limits import Limits
from autograder.sandbox.proc import process_state
from tests.engine.toy_course import submission as toy_submission
from tests.engine.toy_course import write_course
from tests.hostile.cases import (CASES, DETERMINISM_BASE, DETERMINISM_CHANGES,
                                 DETERMINISM_RUNS, DETERMINISM_SELECT, FORGER,
                                 INSTRUCTOR_SUBMISSIONS, KILLER, Case)
from tests.hostile.submissions import REPO_ROOT, AtImport, build, fill

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
    """Everything the suite graded, as plain result dicts (`GradeResult.to_dict()`)."""

    root: Path
    sandbox_tmp: Path  # every sandbox of the run lives here, so leftovers can be found
    canary: Path
    server: AnswerServer
    report_dir: Path  # where the command-line run writes its report
    results: dict[str, dict] = field(default_factory=dict)  # case name -> result
    baselines: dict[tuple[str, tuple], dict] = field(default_factory=dict)
    repeats: list[dict] = field(default_factory=list)
    instructor: dict[str, dict] = field(default_factory=dict)
    commands: dict[str, "CommandRun"] = field(default_factory=dict)

    def result(self, case: Case) -> dict:
        return self.results[case.name]

    def baseline(self, case: Case) -> dict:
        return self.baselines[(case.honest_base, case.select)]


def _grade_one(path: str, options: dict, sandbox_tmp: str) -> dict:
    """Grade in a pool process; sandboxes go to `sandbox_tmp` so the test can find leftovers."""
    tempfile.tempdir = sandbox_tmp
    from autograder.runner import grade

    # A secret of the grading host, which no worker may find (the reads_grader_secrets case).
    os.environ["GITHUB_TOKEN"] = "hostile-canary-token"
    budgets = {name: options.pop(name) for name in ("call_seconds", "test_seconds",
                                                    "module_seconds") if name in options}
    limits = dataclasses.replace(HOSTILE_LIMITS, **budgets)
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
    for folder in ("tmp", "canary", "reports", "commands"):
        (root / folder).mkdir()
    server = AnswerServer(root / "answers.sock")
    run = HostileRun(root, root / "tmp", root / "canary", server, root / "reports")
    values = {"REPO": str(REPO_ROOT), "PORT": str(server.port), "SOCKET": str(server.unix_path),
              "CANARY": str(run.canary), "TMP": str(run.sandbox_tmp),
              "TARGET": str(run.report_dir / "results.json"), "TARGET_DIR": str(run.report_dir),
              "COURSE": str(root / "instructor")}
    commands = _start_commands(root, values, run.sandbox_tmp)
    jobs = _jobs(root, values)
    # What a full grading run has in the temp folder while speed tests run: the reference
    # worker's snapshot of the solutions. The `reference_snapshot_in_tmp` case hunts for it.
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(run.sandbox_tmp)
    reference_sandbox = Sandbox(REPO_ROOT / "solutions")
    tempfile.tempdir = saved_tempdir
    try:
        for key, outcome in _grade_all(jobs, run.sandbox_tmp).items():
            kind, name = key
            if kind == "case":
                run.results[name] = outcome
            elif kind == "baseline":
                run.baselines[name] = outcome
            elif kind == "instructor":
                run.instructor[name] = outcome
            else:
                run.repeats.append(outcome)
        run.commands = {name: command.finish() for name, command in commands.items()}
        yield run
    finally:
        reference_sandbox.close()
        server.close()


def _jobs(root: Path, values: dict[str, str]) -> dict[tuple, tuple[Path, dict]]:
    """(kind, name) -> (submission, options of `grade`) for everything the suite grades."""
    jobs: dict[tuple, tuple[Path, dict]] = {}
    # Cases whose defence needs namespaces are not even graded without them: a fork bomb or
    # `kill -1` would then reach the machine itself.
    for case in graded_cases():
        path = build(root / "cases" / case.name, case.base, case.changes, values)
        jobs[("case", case.name)] = (path, {"select": list(case.select),
                                            "call_seconds": case.call_seconds,
                                            "test_seconds": case.test_seconds,
                                            "module_seconds": case.module_seconds})
    for base in ("reference", "stubs"):
        for select in {case.select for case in graded_cases()}:
            path = build(root / "baselines" / f"{base}-{len(jobs)}", base, (), values)
            jobs[("baseline", (base, select))] = (path, {"select": list(select)})
    # The same submission graded many times over, concurrently: the results must not differ.
    repeated = build(root / "repeated", DETERMINISM_BASE, DETERMINISM_CHANGES, values)
    for i in range(DETERMINISM_RUNS):
        jobs[("repeat", i)] = (repeated, {"select": list(DETERMINISM_SELECT)})
    # Instructor-side grading of a course kept elsewhere (the toy course).
    course = write_course(root / "instructor")
    for name, source in INSTRUCTOR_SUBMISSIONS.items():
        path = toy_submission(root / "instructor-submissions" / name, fill(source, values))
        jobs[("instructor", name)] = (path, {k: str(v) for k, v in course.items()})
    return jobs


def _grade_all(jobs: dict, sandbox_tmp: Path) -> dict[tuple, dict]:
    """Grade every job in a pool of processes; slow ones first, so the pool ends together."""
    order = sorted(jobs, key=lambda key: -_expected_seconds(key))
    outcomes = {}
    with ProcessPoolExecutor(PARALLEL, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {key: pool.submit(_grade_one, str(jobs[key][0]), jobs[key][1],
                                    str(sandbox_tmp)) for key in order}
        for key, future in futures.items():
            try:
                outcomes[key] = future.result(timeout=CASE_DEADLINE)
            except FutureTimeout:
                outcomes[key] = {"crashed": f"grading did not finish in {CASE_DEADLINE:g} s"}
    return outcomes


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


def _expected_seconds(key: tuple) -> float:
    slow = {"endless_generator": 5, "slow_import": 3, "infinite_loop": 3,
            "signals_ignored_loop": 3, "c_stack_overflow": 3, "fork_bomb": 2,
            "module_budget_spent": 2, "sleeps_past_the_test_budget": 3,
            "endless_loop_every_function": 4}
    return slow.get(key[1], 1) if key[0] == "case" else 1


def leftover_processes(marker: str) -> list[str]:
    """Running processes whose command line or working directory mentions `marker`: a
    worker started as a program carries its sandbox's paths in its arguments, a worker
    forked from the template runs in its scratch folder, and the template names its grading
    process's temp folder on its command line."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
            if process_state(f"/proc/{entry}") in ("Z", "X", ""):
                continue  # gone, or dead and waiting to be collected
            folder = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        if marker in command or marker in folder:
            found.append(f"{entry}: {command[:200]} (in {folder})")
    return found

"""Grade every submission into the gradebook, in parallel, resumably.

The unit of work is one module of one student's submission. A unit is done when the
gradebook holds its grade made from the same submission (fingerprint) with the same tests
(a hash of the module's hidden suite, public tests and reference solution); everything else
is graded. So a run that is killed resumes where it stopped, a re-collected submission or a
corrected test is graded again by itself, and `regrade=True` forces it.

Grading happens in worker processes (`jobs` of them), each calling
`autograder.runner.grade` — which runs the student's code in its own sandbox — for one unit at
a time; only this process writes the gradebook, one transaction per unit.

Each unit has a wall-clock budget: inside `grade`, the module's budget
(`Limits.module_seconds`) fails its remaining tests and still makes the grade; should a unit
run past that budget anyway (a grader stuck outside Python), the run stops the worker
processes, records the unit as not graded with a message naming the budget, and carries on
with the others.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import signal
import threading
import time
import traceback
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from autograder.instructor.gradebook import Gradebook
from autograder.instructor.submissions import Submission
from autograder.runner import EXERCISES, test_files
from autograder.sandbox.limits import Limits

_TASKS_PER_WORKER = 40   # a fresh worker process now and then bounds any slow leak
_ATTEMPTS = 2            # a unit whose worker process died is tried once more
# A unit may wait behind one other in its worker's queue, then use its module's budget; past
# this it is stopped from outside.
UNIT_SECONDS = 2 * Limits().module_seconds + 120


@dataclass(frozen=True)
class Unit:
    student: str
    module: str
    path: str
    fingerprint: str
    tests_fingerprint: str


@dataclass
class Plan:
    todo: list[Unit] = field(default_factory=list)
    already_graded: int = 0
    changed: int = 0           # graded before, but the submission or the tests changed since
    not_gradable: list[Submission] = field(default_factory=list)
    modules_without_tests: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    graded: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # student, module, why
    interrupted: bool = False
    seconds: float = 0.0


def tests_fingerprint(module: str, course: dict[str, Path],
                      select: Iterable[str] | None = None) -> str:
    """A hash of everything that decides a module's grade: its test files, the hidden
    suite's helpers and data, and the reference solution the tests compare with."""
    digest = hashlib.sha256(repr(sorted(select or [])).encode())
    solutions, suites = Path(course["solutions"]), Path(course["suites"])
    roots = [suites / module, solutions / module]
    if not (solutions / module / "tests").is_dir():
        roots.append(EXERCISES / module / "tests")
    for root in roots:
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def plan(gradebook: Gradebook, submissions: Iterable[Submission], modules: Iterable[str],
         course: dict[str, Path], select: Iterable[str] | None = None,
         regrade: bool = False) -> Plan:
    """What a run has to do: every (student, module) of `submissions` not graded as it is
    now (all of them with `regrade`)."""
    result = Plan()
    fingerprints = {}
    for module in modules:
        if test_files(module, select=select, **course):
            fingerprints[module] = tests_fingerprint(module, course, select)
        else:
            result.modules_without_tests.append(module)
    graded = gradebook.graded()
    for submission in submissions:
        if not submission.gradable:
            result.not_gradable.append(submission)
            continue
        for module, tests in fingerprints.items():
            before = graded.get((submission.student, module))
            if before == (submission.fingerprint, tests) and not regrade:
                result.already_graded += 1
                continue
            result.changed += before is not None and not regrade
            result.todo.append(Unit(submission.student, module, submission.path,
                                    submission.fingerprint, tests))
    return result


def grade_unit(unit: Unit, course: dict[str, str], select: list[str] | None,
               isolation_override: str = "") -> dict:
    """Runs in a worker process: grade one module of one submission; never raises.
    `isolation_override` (the option that allowed weaker isolation) is kept in the grade."""
    from autograder.runner import GradingError, grade

    start = time.perf_counter()
    try:
        result = grade(unit.path, modules=[unit.module], select=select, jobs=1,
                       solutions=Path(course["solutions"]), suites=Path(course["suites"]))
        if isolation_override:
            result.isolation = {**result.isolation, "override": isolation_override}
    except GradingError as error:
        return {"error": str(error)}
    except Exception as error:  # a grader bug must not stop the other students
        where = traceback.extract_tb(error.__traceback__)[-1]
        return {"error": f"the grader failed: {type(error).__name__}: {error} "
                         f"({Path(where.filename).name}, line {where.lineno})"}
    return {"result": result.to_dict(), "seconds": time.perf_counter() - start}


def _context():
    """Workers fork from a server that has imported the grader once, so a new worker is ready
    in milliseconds; the server itself never runs student code. (Imported here, hypothesis
    also escapes pytest's assertion rewriting, which costs seconds per fresh process.)"""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder.instructor.grade_all", "autograder.plugin",
                                    "pytest", "hypothesis"])
    return context


def _quiet_worker() -> None:
    # Ctrl-C is the main process's to handle: it stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run(gradebook: Gradebook, units: list[Unit], course: dict[str, Path],
        select: Iterable[str] | None = None, jobs: int = 1,
        on_unit: Callable[[Unit, bool], None] | None = None,
        isolation_override: str = "", unit_seconds: float = UNIT_SECONDS) -> RunSummary:
    """Grade `units` with `jobs` worker processes, writing each grade as it arrives."""
    summary = RunSummary()
    start = time.perf_counter()
    arguments = ({k: str(v) for k, v in course.items()}, sorted(select) if select else None,
                 isolation_override)
    queue = deque(units)
    attempts: Counter[Unit] = Counter()

    def settle(unit: Unit, reply: dict | None) -> None:
        """Store a reply; a unit whose worker process died goes back in the queue once."""
        if reply is None:
            attempts[unit] += 1
            if attempts[unit] < _ATTEMPTS:
                queue.appendleft(unit)
                return
            reply = {"error": "the grading process stopped unexpectedly (killed, or out of "
                              "memory)"}
        ok = _store(gradebook, unit, reply, summary)
        if on_unit is not None:
            on_unit(unit, ok)

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous_term = signal.signal(signal.SIGTERM, _interrupt) if in_main_thread else None
    try:
        while queue:
            pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(queue))),
                                       mp_context=_context(),
                                       initializer=_quiet_worker,
                                       max_tasks_per_child=_TASKS_PER_WORKER)
            running: dict[Future, Unit] = {}
            submitted: dict[Future, float] = {}
            finished_cleanly = False
            try:
                while queue or running:
                    # A short queue per worker: an interrupted run has little in flight.
                    while queue and len(running) < 2 * jobs:
                        unit = queue.popleft()
                        future = pool.submit(grade_unit, unit, *arguments)
                        running[future], submitted[future] = unit, time.monotonic()
                    done, _ = wait(running, timeout=_next_check(submitted, unit_seconds),
                                   return_when=FIRST_COMPLETED)
                    overdue = [f for f in running if f not in done
                               and time.monotonic() - submitted[f] > unit_seconds]
                    if overdue:
                        # Only stopping the worker processes stops a unit: the others in
                        # flight go back to the queue, not counted as attempts.
                        for future in overdue:
                            settle(running.pop(future), {"error": (
                                f"grading this module ran past its budget of "
                                f"{unit_seconds:g} s and was stopped")})
                        for future in done:
                            unit = running.pop(future)
                            try:
                                reply = future.result()
                            except BrokenProcessPool:
                                queue.appendleft(unit)
                                continue
                            settle(unit, reply)
                        queue.extendleft(reversed(list(running.values())))
                        running.clear()
                        break
                    broken = False
                    for future in done:
                        unit = running.pop(future)
                        submitted.pop(future, None)
                        try:
                            settle(unit, future.result())
                        except BrokenProcessPool:
                            broken = True
                            settle(unit, None)
                    if broken:
                        for unit in running.values():
                            settle(unit, None)
                        running.clear()
                        break
                else:
                    finished_cleanly = True
            except BrokenProcessPool:  # raised by submit() on a pool that just broke
                for unit in running.values():
                    settle(unit, None)
            finally:
                if finished_cleanly:
                    pool.shutdown(wait=True)
                else:
                    _stop(pool)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous_term)
    summary.seconds = time.perf_counter() - start
    return summary


def _store(gradebook: Gradebook, unit: Unit, reply: dict, summary: RunSummary) -> bool:
    from autograder.results import GradeResult

    if "error" in reply:
        gradebook.record_failure(unit.student, unit.module, reply["error"])
        summary.failed.append((unit.student, unit.module, reply["error"]))
        return False
    result = GradeResult.from_dict(reply["result"])
    if not any(t.module == unit.module for t in result.tests):
        message = "; ".join(result.notes) or "no test ran"
        gradebook.record_failure(unit.student, unit.module, message)
        summary.failed.append((unit.student, unit.module, message))
        return False
    gradebook.record_grade(unit.student, unit.module, result, unit.fingerprint,
                           unit.tests_fingerprint, reply["seconds"])
    summary.graded += 1
    return True


def _next_check(submitted: dict[Future, float], unit_seconds: float) -> float:
    """Seconds until the oldest unit in flight would be past its budget (at least 0.1)."""
    if not submitted:
        return unit_seconds
    return max(0.1, min(submitted.values()) + unit_seconds - time.monotonic() + 0.05)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's workers now: queued units are dropped, running ones abandoned (their
    sandboxes die with them); nothing half-graded was written."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(timeout=5)

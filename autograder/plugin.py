"""The pytest plugin that turns test outcomes into graded records.

Markers carry the grading metadata (`points`, `hint`, `deeper_hint`, `visibility`,
`call_timeout`); the `student`, `reference` and `solution` fixtures give tests the code under
test (`autograder.code_under_test.CodeUnderTest`); each finished test becomes a `TestRecord`.
The runner chose every test file and tells the plugin which module and suite each belongs to
(`TestFile`). The plugin runs in the trusted process: student code only ever runs in the
sandboxed workers behind `student` and `reference`.

Time is budgeted per test and per module (`Limits.test_seconds`, `Limits.module_seconds`):
every remote call is cut to what is left of the test's budget, and an alarm stops a test whose
trusted side runs past it. When a module's budget is spent its remaining tests fail at once,
saying so; the grade is still complete. While the reference is timed, the student's worker is
stopped (SIGSTOP), so nothing it left running can slow the reference down.
"""

from __future__ import annotations

import functools
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from autograder.code_under_test import CodeUnderTest
from autograder.failures import Comparison, failure_message
from autograder.remote import DEFAULT_CALL_TIMEOUT, CallLog, SandboxedCode, TimeBudgetExceeded
from autograder.results import TestRecord
from autograder.sandbox import zygote
from autograder.sandbox.limits import Limits
from autograder.student_conftest import MARKERS, InProcessCode

_OUTPUT_LIMIT = 1500
# After a test's budget, how long its trusted side may still run before the alarm stops it
# (the remote calls themselves never outlast the budget).
_ALARM_GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class TestFile:
    """What the runner knows of a test file it chose: the module it grades, and whether it is
    one of the module's public tests or of its hidden suite."""

    __test__ = False  # a record, not a test class for pytest to collect

    module: str
    suite: str  # "public" | "hidden"


class _Unsandboxed(InProcessCode):
    """The submission imported into the grading process: no isolation at all. Only for
    measuring the sandbox's overhead on trusted code (the reference)."""

    call_timeout = DEFAULT_CALL_TIMEOUT
    isolation = {"network": "none (in-process)", "filesystem": "none", "user": "grader"}

    def __init__(self, root: Path):
        super().__init__(root)
        self.log = CallLog()

    def take_output(self) -> str:
        return ""

    def close(self) -> None:
        pass


class GradingPlugin:
    """Registered with `pytest.main(plugins=[...])` by the runner."""

    name = "autograder-grading"

    def __init__(self, submission: Path, solutions: Path, suites: Path,
                 test_files: dict[Path, TestFile], limits: Limits | None = None,
                 on_record: Callable[[TestRecord], None] | None = None,
                 in_process: bool = False):
        self.submission = Path(submission)
        # The runner chose every file pytest runs, so it says which module and suite each is.
        self._test_files = {Path(p).resolve(): f for p, f in test_files.items()}
        self.in_process = in_process
        self.solutions, self.suites = Path(solutions), Path(suites)
        self._hide = [self.solutions, self.suites]
        self.limits = limits
        self.records: list[TestRecord] = []
        self.collection_errors: list[str] = []
        self._on_record = on_record
        self._student: SandboxedCode | None = None
        self._reference: SandboxedCode | None = None
        self._outcomes: dict[str, dict[str, Any]] = {}
        self._comparison: Comparison | None = None  # the test's last failing comparison
        self._module_started: dict[str, float] = {}  # module -> when its first test began
        self._budget = limits or Limits()

    # ------------------------------------------------------------------ workers

    def student_worker(self) -> SandboxedCode:
        if self._student is None and self.in_process:
            self._student = _Unsandboxed(self.submission)
        if self._student is None:
            self._student = SandboxedCode(self.submission, limits=self.limits, hide=self._hide,
                                          preload=self._preload)
        return self._student

    def reference_worker(self) -> SandboxedCode:
        if self._reference is None and self.in_process:
            self._reference = _Unsandboxed(self.solutions)
        if self._reference is None:
            self._reference = SandboxedCode(self.solutions, limits=self.limits,
                                            hide=self._hide, label="reference",
                                            preload=self._preload)
            if isinstance(self.student_worker(), SandboxedCode):
                self._reference.quiet_while_measured = self.student_worker()
        return self._reference

    @functools.cached_property
    def _preload(self) -> tuple[str, ...]:
        """What the workers' template imports before forking them: the libraries the graded
        modules' reference solutions import at their top level (the reference is trusted; a
        submission never chooses what runs outside the sandbox)."""
        modules = sorted({f.module for f in self._test_files.values()})
        own = {p.name.removesuffix(".py") for p in self.solutions.glob("*")}
        files = [path for module in modules
                 for path in sorted(self.solutions.glob(f"{module}/*.py"))]
        return zygote.libraries_imported_by(files, own | set(modules))

    @property
    def isolation(self) -> dict:
        return self.student_worker().isolation

    # ------------------------------------------------------------------ pytest hooks

    def pytest_configure(self, config: pytest.Config) -> None:
        for marker in MARKERS:
            config.addinivalue_line("markers", marker)
        _grading_hypothesis_profile()

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {str(report.longrepr)[-600:]}")

    def pytest_sessionfinish(self) -> None:
        for worker in (self._student, self._reference):
            if worker is not None:
                worker.close()

    @pytest.fixture
    def student(self, request: pytest.FixtureRequest) -> CodeUnderTest:
        return self._prepared(self.student_worker(), request)

    @pytest.fixture
    def reference(self, request: pytest.FixtureRequest) -> CodeUnderTest:
        return self._prepared(self.reference_worker(), request)

    def _prepared(self, worker: SandboxedCode, request: pytest.FixtureRequest) -> SandboxedCode:
        marker = request.node.get_closest_marker("call_timeout")
        worker.call_timeout = float(marker.args[0]) if marker else DEFAULT_CALL_TIMEOUT
        budget = self._outcomes.get(request.node.nodeid, {}).get("budget")
        if budget is not None and isinstance(worker, SandboxedCode):
            worker.deadline, worker.deadline_name = budget
        return worker

    @pytest.fixture(scope="session")
    def solution(self) -> CodeUnderTest:
        return InProcessCode(self.solutions)

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        worker = self.student_worker()
        worker.log.functions.clear()
        worker.log.failures.clear()
        worker.log.last_call = None
        self._comparison = None
        worker.take_output()
        self._outcomes[item.nodeid] = {"start": time.perf_counter()}
        self._set_deadline(item)

    def _set_deadline(self, item: pytest.Item) -> None:
        """The test's budget: `test_seconds` (at least twice a `call_timeout` marker), cut to
        what is left of its module's. A module whose budget is spent runs no more tests."""
        if self.in_process:
            return
        module = self._test_file(item).module
        now = time.monotonic()
        started = self._module_started.setdefault(module, now)
        module_left = self._budget.module_seconds - (now - started)
        if module_left <= 0:
            raise TimeBudgetExceeded(
                f"the time budget of {module} ({self._budget.module_seconds:g} s) ran out "
                "before this test; it was not run")
        marker = item.get_closest_marker("call_timeout")
        test_budget = self._budget.test_seconds
        if marker and marker.args:  # a test allowed long calls gets room for two of them
            test_budget = max(test_budget, 2 * float(marker.args[0]))
        if test_budget <= module_left:
            seconds, name = test_budget, f"this test's time budget ({test_budget:g} s)"
        else:
            seconds = module_left
            name = f"the time budget of {module} ({self._budget.module_seconds:g} s)"
        for worker in (self._student, self._reference):
            if isinstance(worker, SandboxedCode):
                worker.deadline, worker.deadline_name = now + seconds, name
        self._outcomes[item.nodeid]["budget"] = (now + seconds, name)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        """An alarm stops a test whose own (trusted) code runs past its budget, for example
        looping over a huge value the submission returned."""
        budget = self._outcomes.get(item.nodeid, {}).get("budget")
        armed = budget is not None and threading.current_thread() is threading.main_thread()
        if armed:
            deadline, name = budget

            def stop_test(signum, frame):
                raise TimeBudgetExceeded(f"{name} ran out")

            previous = signal.signal(signal.SIGALRM, stop_test)
            signal.setitimer(signal.ITIMER_REAL,
                             max(deadline - time.monotonic(), 0) + _ALARM_GRACE_SECONDS)
        try:
            yield
        finally:
            if armed:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)

    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        for worker in (self._student, self._reference):
            if isinstance(worker, SandboxedCode):
                worker.deadline = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        state = self._outcomes.setdefault(item.nodeid, {"start": time.perf_counter()})
        if report.when in ("setup", "call") and report.failed and "excinfo" not in state:
            if isinstance(call.excinfo.value, TimeBudgetExceeded) and report.when == "call":
                # The alarm may have struck in the middle of talking to a worker.
                for worker in (self._student, self._reference):
                    if isinstance(worker, SandboxedCode):
                        worker.close_worker()
            state["excinfo"] = call.excinfo
            state["longrepr"] = report.longrepr
            state["comparison"] = self._comparison
            state["last_call"] = self.student_worker().log.last_call
        if report.skipped and "skipped" not in state:
            state["skipped"] = _skip_reason(report)
        if report.when == "teardown":
            self._record(item, state)

    def pytest_assertrepr_compare(self, op: str, left: Any, right: Any) -> None:
        """Keep a failing comparison's values: the record's message explains it (briefly, and
        for a hidden test without the expected value)."""
        self._comparison = Comparison(op, left, right)

    # ------------------------------------------------------------------ records

    def _test_file(self, item: pytest.Item) -> TestFile:
        return self._test_files[Path(str(item.path)).resolve()]

    def _record(self, item: pytest.Item, state: dict) -> None:
        module, suite = self._test_file(item).module, self._test_file(item).suite
        points = _marker_arg(item, "points", 0.0)
        visibility = _marker_arg(item, "visibility", "visible" if suite == "public"
                                 else "after_due_date")
        hint = _marker_arg(item, "hint", "")
        worker = self.student_worker()
        passed = "excinfo" not in state and "skipped" not in state
        output = ""
        if "skipped" in state:
            output = f"not run: {state['skipped']}"
        elif not passed:
            output = _failure_message(state, suite)
        printed = worker.take_output()
        if printed and not passed:
            output += "\n--- your code printed (last lines) ---\n" + printed[-600:]
        stem = Path(str(item.path)).stem.removeprefix("test_")
        function = getattr(item, "originalname", item.name).removeprefix("test_")
        callspec = getattr(item, "callspec", None)
        record = TestRecord(
            name=f"{stem}: {item.name.removeprefix('test_')}",
            case=str(callspec.id) if callspec is not None else "",
            # The id `autograder hint ID` takes: one per test function, cases share it.
            deeper_hint=f"{module}/{stem}:{function}"
            if item.get_closest_marker("deeper_hint") else "",
            module=module, points=float(points), score=float(points) if passed else 0.0,
            status="passed" if passed else "failed", visibility=str(visibility),
            hint="" if passed else str(hint), output=output.strip()[:_OUTPUT_LIMIT],
            suite=suite, functions=list(dict.fromkeys(worker.log.functions)),
            seconds=round(time.perf_counter() - state["start"], 3),
        )
        self.records.append(record)
        self._outcomes.pop(item.nodeid, None)
        if self._on_record is not None:
            self._on_record(record)


def _marker_arg(item: pytest.Item, name: str, default: Any) -> Any:
    marker = item.get_closest_marker(name)
    return marker.args[0] if marker and marker.args else default


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return "skipped"


def _failure_message(state: dict, suite: str) -> str:
    """What the student reads about a failure (autograder/failures.py decides what a hidden
    test may show)."""
    excinfo = state.get("excinfo")
    if excinfo is None:
        return "failed"
    crash = getattr(getattr(state.get("longrepr"), "reprcrash", None), "message", "")
    return failure_message(excinfo.value, crash, hidden=suite == "hidden",
                           comparison=state.get("comparison"), last_call=state.get("last_call"),
                           statement=_statement(excinfo))


def _statement(excinfo: pytest.ExceptionInfo) -> str:
    """The source line that failed, when it is an assertion in a test file."""
    try:
        entry = excinfo.traceback[-1]
        text = " ".join(str(entry.statement).split())
    except Exception:  # no source available (a compiled or deleted file)
        return ""
    return text if text.startswith("assert ") else ""


def _grading_hypothesis_profile() -> None:
    """Property-based tests must be reproducible and must not write a database."""
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:
        return
    settings.register_profile("grading", database=None, derandomize=True, deadline=None,
                              suppress_health_check=list(HealthCheck), print_blob=False)
    settings.load_profile("grading")

"""pytest configuration for the exercises: run the public tests on your own code, in-process.

`pytest` in your repository uses this file. The tests ask for your code through the `student`
fixture (`student.function("m1_tokenization.bpe", "merge_pair")`); here that fixture imports
your modules directly, so you can put a breakpoint() in your code or run
`pytest --pdb` and step through it. The official grader runs the same tests, and hidden ones,
with your code in a sandboxed process; the results should be the same.

A test that runs longer than 60 seconds (or twice its `call_timeout`) is stopped and fails,
saying which line of your code it was running: an endless loop does not hang `pytest`.
`pytest --test-timeout 0` turns this off (for a long session in the debugger).

This file is generated from the course repository; edits to it are not used for grading.
"""

from __future__ import annotations

import importlib
import itertools
import os
import signal
import sys
import threading
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

MARKERS = (
    "points(n): points a test is worth",
    "hint(text): shown when the test fails",
    "deeper_hint(text): a second, opt-in hint: `autograder hint TEST` prints it",
    "visibility(v): visible, hidden, after_due_date or after_published",
    "call_timeout(seconds): how long one call into student code may take when graded",
)


@dataclass
class Measurement:
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_bytes: int = 0
    baseline_rss_bytes: int = 0
    restarted: bool = False


class InProcessCode:
    """The code in one folder (`exercises/` or `solutions/`), imported into this process."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        if str(self.root) not in sys.path:
            sys.path.insert(0, str(self.root))

    def module(self, module: str) -> Any:
        """Import `module` from this folder, even if a same-named package from another folder
        (the stubs, or a copy that is gone by now) was imported into this process before."""
        top = module.split(".")[0]
        loaded = sys.modules.get(top)
        if loaded is not None and not self._is_ours(loaded):
            for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
                del sys.modules[name]
            importlib.invalidate_caches()
        if sys.path[:1] != [str(self.root)]:
            if str(self.root) in sys.path:
                sys.path.remove(str(self.root))
            sys.path.insert(0, str(self.root))
        return importlib.import_module(module)

    def _is_ours(self, module: Any) -> bool:
        location = getattr(module, "__file__", None)
        return location is not None and Path(location).resolve().is_relative_to(self.root)

    def function(self, module: str, qualname: str, in_place: bool = False) -> Any:
        """`in_place` is accepted for the grader's contract; in process nothing checks that a
        call left its arguments as they were."""
        value: Any = self.module(module)
        for name in qualname.split("."):
            value = getattr(value, name)
        return value

    def worker_helper(self, factory: str, *args: Any, **kwargs: Any) -> Any:
        module_name, _, name = factory.partition(":")
        return getattr(importlib.import_module(module_name), name)(*args, **kwargs)

    def value_and_grad(self, module: str, qualname: str, *args: Any, wrt: tuple = (0,),
                       **kwargs: Any) -> tuple[Any, list]:
        import torch

        args_list = list(args)
        for index in wrt:
            args_list[index] = torch.as_tensor(args_list[index]).detach().clone().requires_grad_()
        value = self.function(module, qualname)(*args_list, **kwargs)
        value.backward()
        return value.detach(), [args_list[i].grad for i in wrt]

    @staticmethod
    def repeat(text: str, times: int) -> Iterator[str]:
        return itertools.repeat(text, times)

    @staticmethod
    def file_chunks(path: str | Path, chunk_size: int = 1 << 16) -> Iterator[str]:
        with open(path, encoding="utf-8", newline="") as f:
            while chunk := f.read(chunk_size):
                yield chunk

    @contextmanager
    def measure(self) -> Iterator[Measurement]:
        """Wall time and peak traced Python memory (the grader measures the whole process)."""
        measurement = Measurement()
        tracemalloc.start()
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield measurement
        finally:
            measurement.seconds = time.perf_counter() - start
            measurement.cpu_seconds = time.process_time() - cpu
            measurement.peak_rss_bytes = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()


TEST_TIMEOUT = 60.0


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--test-timeout", type=float, default=TEST_TIMEOUT,
                     help="stop a test after this many seconds (0: never)")


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Stop a test that runs too long, naming the line of the exercises it was running."""
    limit = item.config.getoption("--test-timeout", TEST_TIMEOUT) or 0
    marker = item.get_closest_marker("call_timeout")
    if limit and marker and marker.args:
        limit = max(limit, 2 * float(marker.args[0]))
    armed = (limit > 0 and hasattr(signal, "SIGALRM")
             and threading.current_thread() is threading.main_thread())
    if armed:
        root = str(Path(__file__).parent) + os.sep

        def stop(signum, frame):
            where = ""
            while frame is not None and not where:
                if frame.f_code.co_filename.startswith(root):
                    where = (f" (it was running {os.path.relpath(frame.f_code.co_filename, root)}"
                             f":{frame.f_lineno} in {frame.f_code.co_name})")
                frame = frame.f_back
            pytest.fail(f"the test took longer than {limit:g} s and was stopped{where}",
                        pytrace=False)

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def _code_under_test() -> InProcessCode:
    return InProcessCode(Path(__file__).parent)


@pytest.fixture
def student(_code_under_test: InProcessCode) -> InProcessCode:
    return _code_under_test


@pytest.fixture
def reference(_code_under_test: InProcessCode) -> InProcessCode:
    pytest.skip("comparisons with the reference run only when graded")


@pytest.fixture
def solution(_code_under_test: InProcessCode) -> InProcessCode:
    pytest.skip("the reference solution is not part of the exercises")

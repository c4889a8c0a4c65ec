"""pytest configuration for the exercises: run the public tests on your own code, in-process.

`pytest` in your repository uses this file. The tests ask for your code through the `student`
fixture (`student.function("m1_tokenization.bpe", "merge_pair")`); here that fixture imports
your modules directly, so you can put a breakpoint() in your code or run
`pytest --pdb` and step through it. The official grader runs the same tests, and hidden ones,
with your code in a sandboxed process; the results should be the same.

This file is generated from the course repository; edits to it are not used for grading.
"""

from __future__ import annotations

import importlib
import itertools
import sys
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


class InProcessStudent:
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

    def function(self, module: str, qualname: str) -> Any:
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


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)


@pytest.fixture(scope="session")
def _code_under_test() -> InProcessStudent:
    return InProcessStudent(Path(__file__).parent)


@pytest.fixture
def student(_code_under_test: InProcessStudent) -> InProcessStudent:
    return _code_under_test


@pytest.fixture
def reference(_code_under_test: InProcessStudent) -> InProcessStudent:
    pytest.skip("comparisons with the reference run only when graded")


@pytest.fixture
def solution(_code_under_test: InProcessStudent) -> InProcessStudent:
    pytest.skip("the reference solution is not part of the exercises")

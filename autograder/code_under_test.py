"""What a test holds in its `student`, `reference` and `solution` fixtures: code under test.

Tests never import an exercise; they ask the fixture for it, so the same test runs whatever
the code is and wherever it runs:

    merge_pair = student.function("m1_tokenization.bpe", "merge_pair")
    with student.measure() as used: ...

Two kinds of code under test keep this contract:
  `autograder.remote.SandboxedCode`         a folder's code in a sandboxed worker process
                                            (grading: every value coming back is untrusted)
  `autograder.student_conftest.InProcessCode`  a folder's code imported into this process
                                            (a student's own `pytest`, and `solution`)
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Iterator, Protocol


class CodeUnderTest(Protocol):
    def function(self, module: str, qualname: str, in_place: bool = False) -> Any:
        """A callable for `module.qualname` (a function, class or method). `in_place=True`
        only for a function documented to change its arguments."""

    def module(self, module: str) -> Any:
        """The module itself, for its classes and constants."""

    def worker_helper(self, factory: str, *args: Any, **kwargs: Any) -> Any:
        """Run a trusted factory of `autograder.worker_helpers` beside the code."""

    def value_and_grad(self, module: str, qualname: str, *args: Any, wrt: tuple = (0,),
                       **kwargs: Any) -> tuple[Any, list]:
        """Call a function of torch tensors; its value and the gradients of the `wrt` args."""

    def repeat(self, text: str, times: int) -> Iterator[str]:
        """An iterator, made beside the code, that yields `text` `times` times."""

    def file_chunks(self, path: str | Path, chunk_size: int = 1 << 16) -> Iterator[str]:
        """An iterator, made beside the code, that yields a file's text in chunks."""

    def measure(self) -> AbstractContextManager[Any]:
        """Time and memory used by the code during the block (a `Measurement`)."""

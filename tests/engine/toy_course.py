"""A tiny course (one module, three functions) for testing the grading engine on its own."""

from __future__ import annotations

import textwrap
from pathlib import Path

REFERENCE = '''
"""Toy exercises."""


def add(a: int, b: int) -> int:
    """Return a + b."""
    # BEGIN SOLUTION: add the two numbers
    return a + b
    # END SOLUTION


def count_pairs(ids: list[int]) -> dict:
    """Counts of adjacent pairs."""
    # BEGIN SOLUTION REMOVE
    from collections import Counter
    # END SOLUTION
    # BEGIN SOLUTION
    return dict(Counter(zip(ids, ids[1:])))
    # END SOLUTION


def slow_square(x: int) -> int:
    """Return x * x."""
    # BEGIN SOLUTION: multiply x by itself
    return x * x
    # END SOLUTION
'''

PUBLIC_TESTS = '''
import pytest


@pytest.mark.points(10)
@pytest.mark.hint("2 + 3 is 5")
def test_add(student):
    assert student.function("m1_tokenization.toy", "add")(2, 3) == 5
'''

HIDDEN_TESTS = '''
import pytest


@pytest.mark.points(30)
@pytest.mark.hint("count every adjacent pair, overlapping ones too")
def test_count_pairs(student):
    got = student.function("m1_tokenization.toy", "count_pairs")([1, 1, 1])
    assert got == {(1, 1): 2}, "overlapping pairs are miscounted"


@pytest.mark.points(30)
@pytest.mark.call_timeout(2)
@pytest.mark.hint("square means x * x")
def test_slow_square(student):
    assert student.function("m1_tokenization.toy", "slow_square")(7) == 49


@pytest.mark.points(30)
@pytest.mark.hint("adding is commutative")
def test_add_hidden(student, solution):
    add = student.function("m1_tokenization.toy", "add")
    expected = solution.function("m1_tokenization.toy", "add")(40, 2)
    assert add(40, 2) == expected
'''


def write_course(root: Path) -> dict[str, Path]:
    """Write solutions/ and suites/ of the toy course under `root`; returns both paths."""
    solutions = root / "solutions"
    suites = root / "suites"
    module = solutions / "m1_tokenization"
    (module / "tests").mkdir(parents=True)
    (module / "__init__.py").write_text("")
    (module / "toy.py").write_text(textwrap.dedent(REFERENCE))
    (module / "tests" / "test_toy_public.py").write_text(textwrap.dedent(PUBLIC_TESTS))
    (suites / "m1_tokenization").mkdir(parents=True)
    (suites / "m1_tokenization" / "test_toy_hidden.py").write_text(textwrap.dedent(HIDDEN_TESTS))
    return {"solutions": solutions, "suites": suites}


def submission(root: Path, toy_source: str | None) -> Path:
    """A submission whose toy.py holds `toy_source` (None: no module folder at all)."""
    folder = root / "m1_tokenization"
    root.mkdir(parents=True, exist_ok=True)
    if toy_source is not None:
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        (folder / "toy.py").write_text(textwrap.dedent(toy_source))
    return root

"""A tiny course in the repository's layout, for the exporters' unit tests: two files of one
module (one imports the other), solution regions of both kinds, public and hidden tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

MODULE = "m1_tokenization"  # the toy borrows a real module id; its content is its own

ALPHA = '''\
"""Alpha: counting.

    a picture
"""

from __future__ import annotations

# BEGIN SOLUTION REMOVE
from collections import Counter

# END SOLUTION
import math

SCALE = 2


def double(x: int) -> int:
    """Twice x."""
    # BEGIN SOLUTION: multiply by SCALE
    return _times(x, SCALE)
    # END SOLUTION


# BEGIN SOLUTION REMOVE
def _times(a, b):
    return a * b


# END SOLUTION
def most_common(items: list[str]) -> str:
    """The most common item."""
    # BEGIN SOLUTION
    return Counter(items).most_common(1)[0][0]
    # END SOLUTION


def _unit(v):
    return v / math.hypot(*v)


if __name__ == "__main__":
    print(double(3))
'''

BETA = '''\
"""Beta: built on alpha."""

from __future__ import annotations

from .alpha import double as twice
from .alpha import SCALE


def quadruple(x: int) -> int:
    """Four times x."""
    # BEGIN SOLUTION: double twice
    return twice(twice(x))
    # END SOLUTION


def _unit(v):
    return [c / SCALE for c in v]
'''

PUBLIC = '''\
import pytest

ALPHA = "m1_tokenization.alpha"


@pytest.mark.points(1)
@pytest.mark.hint("twice x")
def test_double(student):
    assert student.function(ALPHA, "double")(3) == 6


@pytest.mark.points(1)
def test_double_compared_with_the_reference(student, solution):
    assert student.function(ALPHA, "double")(4) == solution.function(ALPHA, "double")(4)
'''

HIDDEN = '''\
import random

import pytest

BETA = "m1_tokenization.beta"
CASES = {"small": 1, "large": 1000}


def expected(solution, x):
    return solution.function("m1_tokenization.beta", "quadruple")(x)


@pytest.mark.points(2)
@pytest.mark.hint("four times")
@pytest.mark.parametrize("name", list(CASES))
def test_quadruple(student, name):
    quadruple = student.function(BETA, "quadruple")
    assert quadruple(CASES[name]) == 4 * CASES[name], "wrong product"


@pytest.mark.points(1)
def test_quadruple_on_random_numbers(student, solution):
    rng = random.Random(5)
    for _ in range(5):
        x = rng.randrange(100)
        assert student.function(BETA, "quadruple")(x) == expected(solution, x)


@pytest.mark.points(1)
def test_most_common(student):
    assert student.function("m1_tokenization.alpha", "most_common")(["a", "b", "b"]) == "b"


@pytest.mark.points(1)
def test_passes_on_anything(student):
    with pytest.raises(Exception):
        student.function(BETA, "quadruple")(None)


@pytest.mark.points(1)
def test_uses_a_fixture(student, tmp_path):
    assert tmp_path


@pytest.mark.points(1)
def test_measures(student):
    with student.measure() as m:
        student.function(BETA, "quadruple")(1)
    assert m.seconds < 10
'''


def write_toy_course(root: Path) -> tuple[Path, Path]:
    """(solutions, suites) of the toy course under `root`."""
    package = root / "solutions" / MODULE
    (package / "tests").mkdir(parents=True)
    (package / "__init__.py").write_text('"""The toy module."""\n')
    (package / "alpha.py").write_text(ALPHA)
    (package / "beta.py").write_text(BETA)
    (package / "tests" / "test_alpha.py").write_text(PUBLIC)
    suites = root / "suites"
    (suites / MODULE).mkdir(parents=True)
    (suites / MODULE / "test_beta_hidden.py").write_text(HIDDEN)
    return root / "solutions", suites


def dedent(text: str) -> str:
    return textwrap.dedent(text)

"""Adding a module is "write its files and add one entry to the course catalogue": a toy fifth
module, made that way, is accepted by the command line, released, graded (public and hidden
suites told apart), titled and ordered in the report, with nothing else changed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from autograder import course
from autograder.cli import _parser
from autograder.formats import render
from autograder.release import write_exercises
from autograder.runner import grade

TOY = course.Module("m5_toy_vectors", 5, "Toy vectors")

REFERENCE = '''
"""Toy exercises of a fifth module."""


def dot(a: list[float], b: list[float]) -> float:
    """The dot product of two vectors of the same length."""
    # BEGIN SOLUTION: multiply matching entries and add them up
    return sum(x * y for x, y in zip(a, b))
    # END SOLUTION
'''

PUBLIC_TESTS = '''
import pytest


@pytest.mark.points(40)
@pytest.mark.hint("the dot product adds up the products of matching entries")
def test_dot(student):
    assert student.function("m5_toy_vectors.vectors", "dot")([1, 2], [3, 4]) == 11
'''

HIDDEN_TESTS = '''
import pytest


@pytest.mark.points(60)
@pytest.mark.hint("a vector's dot product with itself is its squared length")
def test_dot_with_itself(student):
    assert student.function("m5_toy_vectors.vectors", "dot")([3, 4], [3, 4]) == 25
'''


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def fifth_module(tmp_path, monkeypatch) -> dict[str, Path]:
    """The toy module's files, and its one entry in the catalogue."""
    solutions, suites = tmp_path / "solutions", tmp_path / "suites"
    _write(solutions / TOY.id / "__init__.py", "")
    _write(solutions / TOY.id / "vectors.py", REFERENCE)
    _write(solutions / TOY.id / "tests" / "test_vectors.py", PUBLIC_TESTS)
    _write(suites / TOY.id / "test_vectors_hidden.py", HIDDEN_TESTS)
    monkeypatch.setattr(course, "CATALOGUE", (*course.CATALOGUE, TOY))
    return {"solutions": solutions, "suites": suites}


def test_the_catalogue_entry_is_all_a_new_module_needs(fifth_module, tmp_path):
    args = _parser().parse_args(["grade", "somewhere", "--module", TOY.id])
    assert args.modules == [TOY.id]

    exercises = tmp_path / "exercises"
    write_exercises(exercises, fifth_module["solutions"])
    stub = (exercises / TOY.id / "vectors.py").read_text(encoding="utf-8")
    assert "sum(x * y" not in stub and "multiply matching entries" in stub

    reference = grade(fifth_module["solutions"], modules=[TOY.id], **fifth_module)
    assert (reference.score, reference.max_score) == (100, 100)
    assert {(t.module, t.suite) for t in reference.tests} == {(TOY.id, "public"),
                                                              (TOY.id, "hidden")}
    assert "Module 5 — Toy vectors" in render(reference, "markdown")

    stubs = grade(exercises, modules=[TOY.id], **fifth_module)
    assert (stubs.score, stubs.max_score) == (0, 100)
    assert [t.passed for t in stubs.tests] == [False, False]


def test_the_new_module_is_ordered_after_the_others(fifth_module):
    assert course.module_ids()[-1] == TOY.id
    assert course.order("m1_tokenization") < course.order(TOY.id) < course.order("not_a_module")
    assert course.title(TOY.id) == "Module 5 — Toy vectors"
    assert course.unknown_module(["m6_nothing"]).startswith("unknown module 'm6_nothing'")

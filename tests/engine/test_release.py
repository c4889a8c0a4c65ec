"""One source: stubs are generated from solutions/, and exercises/ is never stale."""

from __future__ import annotations

import ast

import pytest

from autograder.release import ReleaseError, stale_files, strip_solutions, write_exercises
from tests.helpers import EXERCISES, SOLUTIONS

SOURCE = '''\
import math


def area(r):
    """Area of a circle of radius r."""
    # BEGIN SOLUTION: pi times r squared
    return math.pi * r * r
    # END SOLUTION


class Shape:
    def scale(self, k):
        """Scale by k."""
        # BEGIN SOLUTION REMOVE
        helper = k
        # END SOLUTION
        # BEGIN SOLUTION
        return helper
        # END SOLUTION
'''


def test_regions_become_stubs_with_hints():
    stub = strip_solutions(SOURCE)
    assert "math.pi" not in stub and "helper" not in stub
    assert "    raise NotImplementedError('pi times r squared')\n" in stub
    assert "        raise NotImplementedError('implement scale: its docstring says what it must do')" in stub
    assert '"""Area of a circle of radius r."""' in stub
    ast.parse(stub)


@pytest.mark.parametrize("broken, message", [
    ("# END SOLUTION\n", "without BEGIN"),
    ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside the region"),
])
def test_malformed_markers_are_refused(broken, message):
    with pytest.raises(ReleaseError, match=message):
        strip_solutions(broken)


def test_every_solution_file_releases_to_valid_python(tmp_path):
    for path in write_exercises(tmp_path / "exercises"):
        if path.suffix == ".py":
            ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_no_solution_region_reaches_the_exercises():
    for path in EXERCISES.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, path


def test_exercises_are_up_to_date():
    stale = stale_files()
    assert not stale, f"run `autograder release`: stale files {stale[:10]}"


def test_solutions_exist_for_the_exercises():
    assert SOLUTIONS.is_dir() and EXERCISES.is_dir()


def test_what_grading_leaves_behind_is_not_a_stale_release(tmp_path):
    """Grading writes .autograder/last-grade.json (for `autograder hint`) and Python writes
    caches into the student's folder; neither makes the release out of date."""
    target = tmp_path / "exercises"
    write_exercises(target, SOLUTIONS)
    for leftover in (".autograder/last-grade.json", "m1_tokenization/__pycache__/bpe.pyc",
                     ".pytest_cache/v/cache/lastfailed"):
        (target / leftover).parent.mkdir(parents=True, exist_ok=True)
        (target / leftover).write_text("{}")
    assert stale_files(target, SOLUTIONS) == []
    (target / "m1_tokenization" / "extra.py").write_text("")
    assert stale_files(target, SOLUTIONS) == ["m1_tokenization/extra.py"]

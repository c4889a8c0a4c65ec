"""Stubs score 0 in Module 4 whatever values they return.

Every stub of exercises/m4_embedding_training is made to return vacuous values (None, [], {},
'', b'', 0, nan, empty and 0-d arrays and tensors, ... see tests/vacuous.py) instead of raising,
and the module is graded, public and hidden tests together. Each call of a stub gets the next
value of the corpus, from an offset that differs per stub, so one grade shows every stub many
kinds of nothing. Not one test may pass, and every test must have run (a
grading session that stopped early would also score 0).
"""

from __future__ import annotations

import pytest

from autograder.runner import grade
from tests.vacuous import passing_tests, vacuous_submission

MODULE = "m4_embedding_training"
START = 7  # where the rotation through the corpus starts (another than Module 3's)


@pytest.mark.slow
def test_vacuous_stubs_score_zero(tmp_path):
    result = grade(vacuous_submission(MODULE, tmp_path, START, with_torch=True), [MODULE])
    assert result.max_score >= 100, \
        f"only {result.max_score:g} points were graded: the session stopped early {result.notes}"
    assert passing_tests(result) == [], "stubs returning vacuous values got points"

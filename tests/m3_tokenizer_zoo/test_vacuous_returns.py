"""Stubs score 0 in Module 3 whatever values they return.

Every stub of exercises/m3_tokenizer_zoo is made to return vacuous values (None, [], {}, '',
b'', 0, nan, empty and 0-d arrays, ... see tests/vacuous.py) instead of raising, and the module
is graded, public and hidden tests together. Each call of a stub gets the next value of the
corpus, from an offset that differs per stub, so one grade shows every stub many kinds of
nothing. Not one test may pass, and every test must have run (a grading session
that stopped early would also score 0).
"""

from __future__ import annotations

import pytest

from tests.vacuous import assert_stubs_score_zero

MODULE = "m3_tokenizer_zoo"
START = 0  # where the rotation through the corpus starts


@pytest.mark.slow
def test_vacuous_stubs_score_zero(tmp_path):
    assert_stubs_score_zero(MODULE, tmp_path, START)

"""Stubs score 0 in Module 2 whatever values they return.

Every stub of exercises/m2_embeddings is made to return vacuous values (None, [], {}, '',
b'', 0, nan, empty and 0-d arrays, ... see tests/vacuous.py) instead of raising, and the module
is graded, public and hidden tests together. Each call of a stub gets the next value of the
corpus, from an offset that differs per stub and per round, so the two rounds show every stub
many kinds of nothing. Not one test may pass, and every test must have run (a grading session
that stopped early would also score 0).
"""

from __future__ import annotations

import pytest

from tests.vacuous import CORPUS, assert_stubs_score_zero

MODULE = "m2_embeddings"


@pytest.mark.slow
@pytest.mark.parametrize("start", [0, len(CORPUS) // 2], ids=["round-1", "round-2"])
def test_vacuous_stubs_score_zero(tmp_path, start):
    assert_stubs_score_zero(MODULE, tmp_path, start)

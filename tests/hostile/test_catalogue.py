"""The catalogue (docs/hostile.md) lists exactly the cases the suite grades."""

from __future__ import annotations

import re

from tests.hostile.cases import CASES
from tests.hostile.submissions import REPO_ROOT

CATALOGUE = REPO_ROOT / "docs" / "hostile.md"


def test_there_are_at_least_forty_distinct_cases():
    names = [case.name for case in CASES]
    assert len(names) >= 40 and len(set(names)) == len(names)


def test_the_catalogue_lists_every_case_once():
    rows = re.findall(r"^\| `(\w+)`", CATALOGUE.read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(rows) == sorted(case.name for case in CASES)


def test_every_case_says_what_it_tries_and_what_the_grader_does():
    for case in CASES:
        assert case.tries and case.grader and case.base in ("reference", "stubs", "empty")
        assert case.score >= 0, case.name

"""Tests of the Module 1 tests: the reference scores 100, the stubs 0, and every plausible wrong
implementation in wrong/ loses points exactly where its bug is.

Each file in wrong/ is the reference file it REPLACES with one bug, and declares the suite
files that exercise that file (SELECT: only those are graded, to stay fast) and the tests that
must catch the bug (CAUGHT_BY, names as in the grade records, parameters dropped). See README.md
for the list.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from autograder.runner import grade
from tests.helpers import replaced_file, stub_submission, submission_with, wrong_implementations

pytestmark = pytest.mark.slow

MODULE = "m1_tokenization"
WRONG = wrong_implementations(MODULE)


def declared(wrong_file: Path, name: str):
    """The literal value of a top-level constant (SELECT, CAUGHT_BY) of a wrong implementation."""
    for node in ast.parse(wrong_file.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{wrong_file.name} does not declare {name}")


def base_name(record_name: str) -> str:
    return record_name.split("[", 1)[0]


@pytest.fixture(scope="module")
def reference_result(tmp_path_factory):
    return grade(submission_with(tmp_path_factory.mktemp("reference"), MODULE), modules=[MODULE])


def test_reference_scores_full_marks(reference_result):
    failed = [f"{t.name}: {t.output}" for t in reference_result.tests if t.status != "passed"]
    assert not failed, failed
    assert reference_result.score == reference_result.max_score == 100
    assert not reference_result.notes


def test_points_hints_and_sizes_of_the_suites(reference_result):
    tests = reference_result.tests
    assert all(t.points > 0 for t in tests), [t.name for t in tests if t.points <= 0]
    public = sum(t.points for t in tests if t.suite == "public")
    hidden = [t for t in tests if t.suite == "hidden"]
    assert 20 <= public <= 30, public
    assert len(hidden) >= 40, len(hidden)
    assert public + sum(t.points for t in hidden) == 100


def test_stubs_score_zero_with_a_hint_on_every_test(tmp_path):
    result = grade(stub_submission(tmp_path, MODULE), modules=[MODULE])
    assert result.max_score == 100
    passed = [t.name for t in result.tests if t.status == "passed"]
    assert not passed, passed
    assert result.score == 0
    without_hint = [t.name for t in result.tests if not t.hint.strip()]
    assert not without_hint, without_hint


def test_every_hidden_test_catches_some_wrong_implementation(reference_result):
    caught = {name for wrong in WRONG for name in declared(wrong, "CAUGHT_BY")}
    hidden = {base_name(t.name) for t in reference_result.tests if t.suite == "hidden"}
    assert not hidden - caught, f"no wrong implementation fails: {sorted(hidden - caught)}"


def test_at_least_two_wrong_implementations_per_replaced_file():
    by_file: dict[str, int] = {}
    for wrong in WRONG:
        by_file[replaced_file(wrong)] = by_file.get(replaced_file(wrong), 0) + 1
    assert set(by_file) == {"bpe.py", "tokenizer.py", "analysis.py"}, by_file
    assert min(by_file.values()) >= 2, by_file


@pytest.mark.parametrize("wrong", WRONG, ids=[w.stem for w in WRONG])
def test_wrong_implementation_loses_points(wrong, tmp_path):
    select = list(declared(wrong, "SELECT"))
    must_fail = declared(wrong, "CAUGHT_BY")
    assert must_fail, f"{wrong.name} names no test that catches it"
    result = grade(submission_with(tmp_path, MODULE, wrong), modules=[MODULE], select=select)
    assert result.tests, f"nothing was graded for {select}"
    # A bug is specific: the other tests of these files still pass (and the grader works).
    assert any(t.status == "passed" for t in result.tests), result.tests[0].output
    assert result.score < result.max_score, f"{wrong.stem} kept every point"
    failed = {base_name(t.name) for t in result.tests if t.status != "passed"}
    missed = [name for name in must_fail if name not in failed]
    assert not missed, f"{wrong.stem} passed tests that should catch it: {missed}"
    no_hint = [t.name for t in result.tests if t.status != "passed" and not t.hint.strip()]
    assert not no_hint, no_hint

"""Grading end to end on a toy course: scores, hints, broken submissions, formats, CLI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder.formats import render
from autograder.release import strip_solutions
from autograder.runner import GradingError, grade
from tests.engine.toy_course import REFERENCE, submission, write_course

GOOD = strip_solutions(REFERENCE).replace(
    'raise NotImplementedError(\'add the two numbers\')', "return a + b")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> dict[str, Path]:
    return write_course(tmp_path_factory.mktemp("course"))


def grade_source(course, tmp_path, source):
    folder = tmp_path / f"submission{len(list(tmp_path.iterdir()))}"
    return grade(submission(folder, source), **course)


def by_name(result):
    return {t.name.split(": ")[1]: t for t in result.tests}


def test_a_grade_loads_only_the_graders_plugins_and_collects_no_garbage(course, monkeypatch):
    """Plugins installed on the machine (xdist, hypothesis …) could reorder or rerun tests;
    pytest's unraisable-exception check collects the garbage of the whole process after every
    grade, which in a long-lived grading process costs more than the grade."""
    import gc

    from autograder.plugin import GradingPlugin

    seen, collections = [], []
    configure = GradingPlugin.pytest_configure

    def recording(self, config):
        seen.extend(name for name, plugin in config.pluginmanager.list_name_plugin() if plugin)
        configure(self, config)

    monkeypatch.setattr(GradingPlugin, "pytest_configure", recording)
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(args) or 0)
    result = grade(course["solutions"], **course)
    assert result.score == 100
    assert seen and "python" in seen
    assert not {"xdist", "hypothesispytest", "anyio", "unraisableexception"} & set(seen), seen
    assert collections == []


def test_reference_scores_full_marks(course):
    result = grade(course["solutions"], **course)
    assert (result.score, result.max_score) == (100, 100)
    assert result.modules["m1_tokenization"].passed == 4
    assert {t.suite for t in result.tests} == {"public", "hidden"}


def test_stubs_score_zero_with_a_hint_each(course, tmp_path):
    result = grade_source(course, tmp_path, strip_solutions(REFERENCE))
    assert result.score == 0 and result.max_score == 100
    for test in result.tests:
        assert test.status == "failed" and test.hint
        assert "not implemented yet" in test.output


def test_hidden_failures_do_not_reveal_expected_values(course, tmp_path):
    wrong = REFERENCE.replace("return dict(Counter(zip(ids, ids[1:])))", "return {(1, 1): 1}")
    test = by_name(grade_source(course, tmp_path, wrong))["count_pairs"]
    assert test.output.splitlines()[0] == "overlapping pairs are miscounted"
    assert "got {(1, 1): 1}" in test.output and "2" not in test.output  # the expected count
    assert "last call: count_pairs([1, 1, 1])" in test.output
    wrong = REFERENCE.replace("return x * x", "return x + x")
    test = by_name(grade_source(course, tmp_path, wrong))["slow_square"]
    assert "49" not in test.output and test.output.splitlines()[0] == "a check failed"
    assert "got 14" in test.output


def test_syntax_error_fails_the_tests_with_the_line(course, tmp_path):
    result = grade_source(course, tmp_path, REFERENCE.replace("return a + b", "return a +"))
    assert result.score == 0 and len(result.tests) == 4
    assert "SyntaxError" in result.tests[0].output and "toy.py, line" in result.tests[0].output


def test_missing_function_fails_only_its_tests(course, tmp_path):
    source = REFERENCE.replace("def slow_square", "def renamed_square")
    tests = by_name(grade_source(course, tmp_path, source))
    assert tests["slow_square"].score == 0
    assert "slow_square" in tests["slow_square"].output
    assert tests["count_pairs"].passed and tests["add"].passed


def test_import_time_exception_is_reported(course, tmp_path):
    result = grade_source(course, tmp_path, REFERENCE + "\n1 / 0\n")
    assert result.score == 0
    assert "ZeroDivisionError" in result.tests[0].output


def test_missing_module_folder_is_a_note_and_a_full_result(course, tmp_path):
    result = grade_source(course, tmp_path, None)
    assert result.score == 0 and len(result.tests) == 4
    assert any("m1_tokenization/ is missing" in note for note in result.notes)


@pytest.mark.parametrize("body, message", [
    ("while True:\n        pass", "timed out after 2 s"),
    ("import os; os._exit(0)", "exit status 0"),
    ("import ctypes; ctypes.string_at(0)", "segmentation fault"),
    ("print('x' * (40 << 20))", "printed more than"),
])
def test_one_broken_function_fails_only_its_test(course, tmp_path, body, message):
    source = REFERENCE.replace("return x * x", body)
    tests = by_name(grade_source(course, tmp_path, source))
    assert message in tests["slow_square"].output
    assert tests["slow_square"].score == 0
    others = [t for name, t in tests.items() if name != "slow_square"]
    assert all(t.passed for t in others), [t.output for t in others]


def test_printing_a_few_megabytes_is_fine(course, tmp_path):
    source = REFERENCE.replace("return x * x", "print('y' * (3 << 20)); return x * x")
    assert grade_source(course, tmp_path, source).score == 100


def test_formats_follow_their_schemas(course, tmp_path):
    result = grade_source(course, tmp_path, REFERENCE.replace("return x * x", "return 0"))
    gradescope = json.loads(render(result, "json"))
    assert gradescope["score"] == 70 and gradescope["max_score"] == 100
    assert gradescope["extra_data"]["modules"] == {
        "m1_tokenization": {"score": 70.0, "max_score": 100.0}}
    assert "network" in gradescope["extra_data"]["isolation"]
    for test in gradescope["tests"]:
        assert test["tags"][0] == "m1_tokenization"
        assert test["status"] in ("passed", "failed")
        assert set(test) >= {"name", "score", "max_score", "output", "visibility"}
    failed = [t for t in gradescope["tests"] if t["status"] == "failed"]
    assert len(failed) == 1 and "Hint: square means x * x" in failed[0]["output"]
    classroom = json.loads(render(result, "classroom"))
    assert classroom["version"] == 1 and classroom["max_score"] == 100
    assert sum(t["score"] for t in classroom["tests"]) == 70
    assert {t["status"] for t in classroom["tests"]} == {"pass", "fail"}
    junit = ET.fromstring(render(result, "junit"))
    assert junit.get("tests") == "4" and junit.get("failures") == "1"
    markdown = render(result, "markdown")
    assert "70 / 100" in markdown and "square means x \\* x" in markdown  # * escaped
    text = render(result, "text")
    assert "Hint: square means x * x" in text and "70 / 100" in text


def test_public_only_runs_only_the_public_tests(course):
    result = grade(course["solutions"], public_only=True, **course)
    assert [t.suite for t in result.tests] == ["public"] and result.max_score == 10


def test_bad_paths_are_grading_errors(course, tmp_path):
    with pytest.raises(GradingError, match="no such submission"):
        grade(tmp_path / "nope", **course)
    (tmp_path / "file").write_text("x")
    with pytest.raises(GradingError, match="must be a folder"):
        grade(tmp_path / "file", **course)

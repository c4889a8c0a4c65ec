"""Tests of the Module 1 tests: the reference scores 100, the stubs 0, and every plausible wrong
implementation loses points exactly where its bug is.

Each wrong implementation is an entry of wrong_implementations.toml: the reference file it
replaces, the bug, the exact edits that plant it, the suite files that exercise that file
(`select`: only those are graded, to stay fast) and the tests that must catch the bug
(`caught_by`, names as in the grade records, parameters dropped). See README.md for the list;
the checks every module shares live in tests/helpers.py.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests import helpers
from tests.helpers import (REPO_ROOT, Edit, ModuleGradingChecks, SpecError, base_name,
                           readme_table, wrong_implementations)

MODULE = "m1_tokenization"
WRONG = wrong_implementations(MODULE)


class TestModule1(ModuleGradingChecks):
    module = MODULE
    hidden_at_least = 40
    caught_by_exact = False  # "file: test" means any case of the test

    @pytest.mark.slow
    def test_points_hints_and_sizes_of_the_suites(self, reference_result):
        tests = reference_result.tests
        assert all(t.points > 0 for t in tests), [t.name for t in tests if t.points <= 0]
        public = sum(t.points for t in tests if t.suite == "public")
        hidden = [t for t in tests if t.suite == "hidden"]
        assert 20 <= public <= 30, public
        assert len(hidden) >= 40, len(hidden)
        assert public + sum(t.points for t in hidden) == 100

    @pytest.mark.slow
    def test_every_hidden_test_catches_some_wrong_implementation(self, reference_result):
        caught = {name for wrong in WRONG for name in wrong.caught_by}
        hidden = {base_name(t.name) for t in reference_result.tests if t.suite == "hidden"}
        assert not hidden - caught, f"no wrong implementation fails: {sorted(hidden - caught)}"


def test_at_least_two_wrong_implementations_per_replaced_file():
    by_file: dict[str, int] = {}
    for wrong in WRONG:
        by_file[wrong.replaces] = by_file.get(wrong.replaces, 0) + 1
    assert set(by_file) == {"bpe.py", "tokenizer.py", "analysis.py"}, by_file
    assert min(by_file.values()) >= 2, by_file


def test_the_readme_lists_every_wrong_implementation():
    readme = (REPO_ROOT / "tests" / MODULE / "README.md").read_text(encoding="utf-8")
    assert readme_table(MODULE) in readme, f"run: .venv/bin/python -m tests.helpers table {MODULE}"


def test_a_spec_that_no_longer_fits_the_reference_fails_naming_itself():
    stale = replace(WRONG[0], name="stale_spec",
                    edits=(Edit("text that is not in the reference", "x"),))
    with pytest.raises(SpecError, match="'stale_spec'.*occurs 0 times"):
        stale.source()
    twice = replace(WRONG[0], name="ambiguous_spec", edits=(Edit("return", "x"),))
    with pytest.raises(SpecError, match="'ambiguous_spec'.*`old` occurs [2-9]"):
        twice.source()


def test_rewriting_caught_by_keeps_the_rest_of_the_spec_file(tmp_path, monkeypatch):
    monkeypatch.setattr(helpers, "TESTS", tmp_path)
    (tmp_path / MODULE).mkdir()
    original = (REPO_ROOT / "tests" / MODULE / "wrong_implementations.toml").read_text()
    (tmp_path / MODULE / "wrong_implementations.toml").write_text(original)
    name = WRONG[1].name
    helpers._write_caught_by(MODULE, name, ["bpe: merge_pair", "pretokenize: x[1]"])
    rewritten = {w.name: w for w in wrong_implementations(MODULE)}
    assert rewritten[name].caught_by == ("bpe: merge_pair", "pretokenize: x[1]")
    assert [replace(w, caught_by=()) for w in rewritten.values()] == \
        [replace(w, caught_by=()) for w in WRONG]
    assert all(rewritten[w.name].caught_by == w.caught_by for w in WRONG if w.name != name)


@pytest.mark.parametrize("entry, complaint", [
    ('replaces = "bpe.py"\nbug = "b"\n', r"missing \['edit'\]"),
    ('replaces = "bpe.py"\nbug = "b"\ncaught_by = "bpe: merge_pair"\n'
     '[[wrong.edit]]\nold = "a"\nnew = "b"\n', "lists of texts"),
    ('replaces = "bpe.py"\nbug = "b"\nseverity = 3\n[[wrong.edit]]\nold = "a"\nnew = "b"\n',
     r"unknown \['severity'\]"),
    ('replaces = "nowhere.py"\nbug = "b"\n[[wrong.edit]]\nold = "a"\nnew = "b"\n',
     "there is no solutions/m1_tokenization/nowhere.py"),
    ('replaces = "bpe.py"\nbug = "b"\n[[wrong.edit]]\nold = "a"\n', "an edit has the texts"),
], ids=["no-edit", "caught-by-not-a-list", "unknown-key", "no-such-file", "edit-without-new"])
def test_a_malformed_spec_file_is_one_clear_error(tmp_path, monkeypatch, entry, complaint):
    monkeypatch.setattr(helpers, "TESTS", tmp_path)
    (tmp_path / MODULE).mkdir()
    (tmp_path / MODULE / "wrong_implementations.toml").write_text(
        f'[[wrong]]\nname = "broken"\n{entry}')
    with pytest.raises(SpecError, match=f"wrong_implementations.toml: .*broken.*{complaint}"):
        wrong_implementations(MODULE)

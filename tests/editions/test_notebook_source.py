"""A module's files as notebook cells, and the tests that go with them (no notebook tools
needed: everything here runs in this process)."""

from __future__ import annotations

import ast

import pytest

from autograder.editions.notebook import (EXERCISE, PLAIN, STRIPPED, ExportError, Question,
                                        layout, load_module)
from autograder.editions.notebook_tests import select_tests
from autograder.release import strip_solutions
from tests.editions.toy import MODULE, write_toy_course
from tests.helpers import SOLUTIONS


@pytest.fixture
def toy(tmp_path):
    solutions, suites = write_toy_course(tmp_path)
    return load_module(MODULE, solutions), solutions, suites


def test_files_come_after_the_files_they_import(toy):
    source, _, _ = toy
    assert [f.name for f in source.files] == ["alpha.py", "beta.py"]
    assert source.files[0].doc.startswith("Alpha: counting.")


def test_cells_by_kind(toy):
    source, _, _ = toy
    kinds = [(c.kind, c.name) for c in source.chunks]
    assert (STRIPPED, "Counter") in kinds and (STRIPPED, "_times") in kinds
    assert (EXERCISE, "double") in kinds and (EXERCISE, "quadruple") in kinds
    assert (PLAIN, "math") in kinds


def test_own_imports_are_dropped_and_aliases_kept(toy):
    source, _, _ = toy
    beta = "\n".join(c.solved() for c in source.files[1].chunks)
    assert "import" not in beta and "twice = double" in beta


def test_a_private_helper_of_two_files_is_renamed_in_the_later_one(toy):
    source, _, _ = toy
    names = [n for c in source.chunks for n in c.names]
    assert "_unit" in names and "_beta_unit" in names


def test_main_blocks_and_future_imports_stay_out(toy):
    source, _, _ = toy
    program = source.program(solved=True)
    assert "__main__" not in program
    assert program.count("from __future__") == 1 and program.startswith("from __future__")


def test_the_stubs_are_the_release_stubs(toy):
    source, solutions, _ = toy
    stubbed = source.program(solved=False)
    released = strip_solutions((solutions / MODULE / "alpha.py").read_text())
    for line in released.splitlines():
        if "raise NotImplementedError" in line:
            assert line.strip() in stubbed
    assert "Counter" not in stubbed and "_times" not in stubbed
    namespace: dict = {}
    exec(compile(stubbed, "stubs", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="multiply by SCALE"):
        namespace["double"](2)


def test_two_files_defining_one_public_name_differently_are_refused(tmp_path):
    solutions, _ = write_toy_course(tmp_path)
    beta = solutions / MODULE / "beta.py"
    beta.write_text(beta.read_text() + "\n\ndef most_common(items):\n    return items[0]\n")
    with pytest.raises(ExportError, match="most_common is defined in both"):
        load_module(MODULE, solutions)


def test_a_missing_module_is_one_clear_error(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        load_module("m2_embeddings", tmp_path)


def test_tests_become_functions_of_the_notebook_namespace(toy):
    source, solutions, suites = toy
    selection = select_tests(source, suites=suites, solutions=solutions)
    by_name = {t.name: t for t in selection.tests}
    double = by_name["test_double"]
    assert "env['double']" in double.code and not double.hidden and double.hint == "twice x"
    assert {"test_quadruple_small", "test_quadruple_large"} <= set(by_name)
    large = by_name["test_quadruple_large"]
    assert "name = 'large'" in large.code and "CASES = {" in large.code
    assert large.hidden and large.points == 2
    ast.parse(large.code)


def test_hidden_tests_may_compare_with_the_reference_public_ones_may_not(toy):
    source, solutions, suites = toy
    selection = select_tests(source, suites=suites, solutions=solutions)
    by_name = {t.name: t for t in selection.tests}
    random_numbers = by_name["test_quadruple_on_random_numbers"]
    assert "REFERENCE = r'''" in random_numbers.code
    assert "def quadruple" in random_numbers.code and "def most_common" not in random_numbers.code
    reasons = {o.origin.rsplit("::", 1)[1]: o.reason for o in selection.left_out}
    assert "reference in a test students see" in reasons["test_double_compared_with_the_reference"]
    assert "tmp_path" in reasons["test_uses_a_fixture"]
    assert "student.measure" in reasons["test_measures"]
    assert reasons["test_passes_on_anything"] == "passes without an implementation"


def test_every_kept_test_passes_on_the_reference_and_fails_on_the_stubs(toy):
    source, solutions, suites = toy
    selection = select_tests(source, suites=suites, solutions=solutions)
    for solved, expect_pass in ((True, True), (False, False)):
        env: dict = {}
        exec(compile(source.program(solved), "nb", "exec"), env)
        for test in selection.tests:
            scope: dict = {}
            exec(compile(test.code, test.name, "exec"), scope)
            try:
                scope[test.name](env)
                passed = True
            except Exception:  # noqa: BLE001
                passed = False
            assert passed == expect_pass, (test.name, solved)


def test_helpers_move_to_the_first_question_whose_tests_need_them(toy):
    source, solutions, suites = toy
    selection = select_tests(source, suites=suites, solutions=solutions)
    questions = {q.name: q for _, items in layout(source, selection.tests)
                 for q in items if isinstance(q, Question)}
    assert [c.name for c in questions["double"].chunks] == ["double", "_times"]
    assert "Counter" in [c.name for c in questions["most_common"].chunks]
    assert all(t.uses for q in questions.values() for t in q.tests)


def test_module_1_exports_most_of_its_points():
    source = load_module("m1_tokenization", SOLUTIONS)
    selection = select_tests(source, select=["test_bpe.py", "test_pair_counts_and_merge.py",
                                             "test_pretokenize.py"])
    assert selection.points >= 25
    exercises = {n for c in source.chunks for n in c.exercises}
    covered = {u for t in selection.tests for u in t.uses}
    assert {"get_pair_counts", "merge_pair", "pretokenize", "train_bpe"} <= covered & exercises

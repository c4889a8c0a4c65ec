"""Which definitions a wrong implementation's edits can alter (tests/helpers.py), on a toy module.

`tests_to_grade` leaves out the tests before the first catching one that call only unaltered
functions, so the judgement must never call altered code unaltered: every case below is one
way a change reaches code it does not touch.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from autograder.results import GradeResult
from autograder.results import TestRecord as Record
from tests import helpers
from tests.helpers import Change, Edit, affected_definitions, may_be_affected

CORE = '''\
"""A toy module."""

LIMIT = 3


def helper(x):
    return x + 1
    # END SOLUTION


def uses_helper(x):
    return helper(x) * 2


def alone(x):
    return x


class Box:
    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return self.value < other.value

    def show(self):
        return str(self.value)

    def bump(self):
        return helper(self.value)
'''

OTHER = '''\
from .core import helper, alone

TABLE = [alone(i) for i in range(3)]


def twice(x):
    return helper(helper(x))


def unrelated(x):
    return -x


if __name__ == "__main__":
    print(unrelated(1))
'''


@pytest.fixture
def toy(tmp_path, monkeypatch):
    package = tmp_path / "toy"
    package.mkdir()
    (package / "core.py").write_text(CORE)
    (package / "other.py").write_text(OTHER)
    monkeypatch.setattr(helpers, "SOLUTIONS", tmp_path)
    return package


def change(old: str, new: str, through: str | None = None) -> Change:
    return Change("toy", "planted", "core.py", "a planted bug", (Edit(old, new, through),))


def record(*functions: str) -> Record:
    return Record(name="t: t", module="toy", points=1, score=1, status="passed",
                      functions=list(functions))


def test_an_edited_function_alters_its_callers_in_every_file_that_imports_it(toy):
    affected = affected_definitions(change("return x + 1", "return x + 2"))
    assert {("core", "helper"), ("core", "uses_helper"), ("core", "Box.bump"),
            ("other", "twice")} <= affected
    assert not {("core", "alone"), ("core", "Box"), ("core", "Box.show"),
                ("other", "unrelated")} & affected


def test_the_comment_after_a_body_belongs_to_its_function(toy):
    assert ("core", "helper") in affected_definitions(change("    # END SOLUTION\n", ""))


def test_a_special_method_alters_the_whole_class(toy):
    affected = affected_definitions(change("self.value < other.value", "self.value > other.value"))
    assert {("core", "Box"), ("core", "Box.__lt__")} <= affected
    assert ("core", "Box.show") not in affected


def test_module_level_code_alters_everything(toy):
    assert affected_definitions(change("LIMIT = 3", "LIMIT = 4")) is None
    # `alone` builds other.TABLE at import: changing it changes what every function may read.
    assert affected_definitions(change("    return x\n", "    return -x\n")) is None


def test_an_edit_across_two_definitions_alters_everything(toy):
    assert affected_definitions(change("def uses_helper", "def alone", through="def alone")) is None


def test_a_test_is_judged_by_the_functions_it_called(toy):
    bug = change("return str(self.value)", "return repr(self.value)")
    affected = affected_definitions(bug)
    assert not may_be_affected(record("toy.core.alone"), bug, affected)
    assert not may_be_affected(record(), bug, affected)  # calls no student code at all
    assert may_be_affected(record("toy.core.Box", "show"), bug, affected)
    # A method of an object the test built itself from an unaltered class …
    assert not may_be_affected(record("toy.core.Box", "bump"), bug, affected)
    # … but not of an object from elsewhere (a shared fixture, a worker helper).
    assert may_be_affected(record("bump"), bug, affected)
    assert may_be_affected(record("autograder.worker_helpers.x:y"), bug, affected)
    assert may_be_affected(record("toy.core.alone"), bug, None)


def test_the_canary_is_the_test_cheapest_to_add(toy):
    """Of the tests that qualify as canary, the one whose file the worker loads anyway, or
    loads cheaply: the first test of a file pays for importing it (torch, say) and a test
    that is quick in a whole grade is not quick when it is the first of its file."""
    (toy / "heavy.py").write_text("def first(x):\n    return x\n\n\ndef second(x):\n    return x\n")
    (toy / "light.py").write_text("def only(x):\n    return x\n")

    def timed(name: str, seconds: float, *functions: str) -> Record:
        return Record(name=name, module="toy", points=1, score=1, status="passed",
                      functions=list(functions), seconds=seconds)

    reference = GradeResult(tests=[
        timed("core: doubles", 0.02, "toy.core.uses_helper"),
        timed("heavy: first", 1.5, "toy.heavy.first"),
        timed("heavy: second", 0.01, "toy.heavy.second"),
        timed("light: only", 0.02, "toy.light.only"),
        timed("mixed: both", 0.03, "toy.core.uses_helper", "toy.heavy.first")])
    bug = change("return helper(x) * 2", "return helper(x) * 3")

    alone = replace(bug, select=("test_core.py",), caught_by=("core: doubles",))
    assert helpers.tests_to_grade(alone, reference) == (
        ["test_core.py::test_doubles", "test_light.py::test_only"], "light: only")
    # With a chosen test that imports heavy.py anyway, heavy's quick test costs nothing more.
    with_heavy = replace(bug, select=("test_mixed.py",), caught_by=("mixed: both",))
    assert helpers.tests_to_grade(with_heavy, reference) == (
        ["test_mixed.py::test_both", "test_heavy.py::test_second"], "heavy: second")

"""The suite's spread over xdist workers (tests/conftest.py): files, except shared folders,
longest first."""

from __future__ import annotations

from tests.conftest import ROOT, TOGETHER, work_unit


def test_a_file_is_a_unit_of_work():
    assert work_unit("tests/engine/test_cli.py::test_x[a::b]") == "tests/engine/test_cli.py"
    assert work_unit("tests/m1_tokenization/test_wrong_implementations.py::TestModule1::"
                     "test_wrong_implementation_loses_points[x]") == \
        "tests/m1_tokenization/test_wrong_implementations.py"


def test_the_hostile_files_share_one_worker():
    units = {work_unit(f"tests/hostile/{path.name}::test_x")
             for path in (ROOT / "tests" / "hostile").glob("test_*.py")}
    assert units == {"tests/hostile/"}


def test_every_shared_folder_exists_and_says_why():
    for folder, why in TOGETHER.items():
        assert (ROOT / folder).is_dir() and folder.endswith("/"), folder
        assert why.strip(), folder


def test_units_go_longest_first_and_tests_keep_their_order_within_a_unit():
    from tests.conftest import longest_first

    nodeids = ["tests/a.py::t1", "tests/b.py::t1", "tests/a.py::t2", "tests/c.py::t1",
               "tests/hostile/test_x.py::t1", "tests/b.py::t2", "tests/new.py::t1"]
    seconds = {"tests/a.py": 1.0, "tests/b.py": 30.0, "tests/c.py": 5.0, "tests/hostile/": 20.0}
    assert sorted(nodeids, key=longest_first(seconds)) == [
        "tests/b.py::t1", "tests/b.py::t2", "tests/hostile/test_x.py::t1",
        # a unit not measured yet counts as a typical one (the median, 12.5 s)
        "tests/new.py::t1", "tests/c.py::t1", "tests/a.py::t1", "tests/a.py::t2"]


def test_every_test_file_has_a_measured_duration_and_none_is_stale():
    from tests.conftest import expected_seconds

    units = {work_unit(str(path.relative_to(ROOT))) for path in (ROOT / "tests").rglob("test_*.py")}
    measured = set(expected_seconds())
    assert not units - measured, ("measure the new files: see tests/conftest.py",
                                  sorted(units - measured))
    assert not measured - units, ("tests/durations.json names files that are gone",
                                  sorted(measured - units))


def test_durations_are_read_from_a_junit_report(tmp_path):
    from tests.conftest import measured_seconds

    report = tmp_path / "suite.xml"
    report.write_text(
        '<testsuites><testsuite>'
        '<testcase classname="tests.test_scheduling" name="a" time="1.5"/>'
        '<testcase classname="tests.test_scheduling" name="b" time="0.5"/>'
        '<testcase classname="tests.m1_tokenization.test_wrong_implementations.TestModule1"'
        ' name="c" time="7"/>'
        '<testcase classname="tests.hostile.test_cases" name="d" time="30"/>'
        '<testcase classname="tests.hostile.test_reports" name="e" time="2"/>'
        '<testcase classname="tests.gone.test_nothing" name="f" time="9"/>'
        '</testsuite></testsuites>')
    assert measured_seconds(report) == {
        "tests/test_scheduling.py": 2.0,
        "tests/m1_tokenization/test_wrong_implementations.py": 7.0,
        "tests/hostile/": 32.0}


def test_the_scheduler_keeps_the_longest_first_order():
    from types import SimpleNamespace

    from tests.conftest import pytest_xdist_make_scheduler

    class Config:
        option = SimpleNamespace(loadscopereorder=True, numprocesses=2, maxworkerrestart=None,
                                 tx=["popen", "popen"], dist="loadfile")

        def getvalue(self, name):
            return getattr(self.option, name)

        def getoption(self, name, default=None):
            return getattr(self.option, name, default)

    config = Config()
    scheduler = pytest_xdist_make_scheduler(config, log=None)
    assert scheduler._split_scope("tests/hostile/test_cases.py::t") == "tests/hostile/"
    assert config.option.loadscopereorder is False

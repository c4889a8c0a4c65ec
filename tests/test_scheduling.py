"""The suite's spread over xdist workers (tests/conftest.py): files, except shared folders."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import TOGETHER, work_unit

ROOT = Path(__file__).resolve().parents[1]


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

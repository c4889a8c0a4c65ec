"""How the suite is spread over pytest-xdist's workers (scripts/test.sh runs `--dist loadfile`).

A test file is the unit of work, so a file's class fixtures (a module's reference grade) are
computed once. Some files share a session fixture that costs far more than their tests: every
file under a folder of `TOGETHER` goes to the same worker, so that fixture is built once per
run instead of once per worker that happens to get one of the files.

Units are handed out longest first (tests/durations.json, measured seconds per unit): a long
unit started last would leave the other workers idle while it runs. xdist's own order, most
tests first, put a Gradescope run of 25 s in four tests behind files of a hundred quick ones.
Refresh the measurements after adding or much changing a test file:

    .venv/bin/python -m pytest -n auto --dist loadfile --junitxml=/tmp/suite.xml
    .venv/bin/python -m tests.conftest /tmp/suite.xml
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Callable

import pytest

DURATIONS = Path(__file__).with_name("durations.json")
ROOT = Path(__file__).resolve().parents[1]

# Folder (as in a test's node id) -> why its files must share a worker.
TOGETHER = {
    "tests/hostile/": "the hostile_run fixture grades every hostile case once, in a pool",
}


def work_unit(nodeid: str) -> str:
    """The unit a test is scheduled with: its folder when that is in TOGETHER, else its file."""
    path = nodeid.split("::", 1)[0]
    return next((folder for folder in TOGETHER if path.startswith(folder)), path)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileOrFolderScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False  # the collection is already longest first
    return FileOrFolderScheduling(config, log)


def expected_seconds() -> dict[str, float]:
    """Measured seconds of every unit of work (tests/durations.json)."""
    return json.loads(DURATIONS.read_text(encoding="utf-8"))["seconds"]


def longest_first(seconds: dict[str, float]) -> Callable[[str], float]:
    """A sort key for node ids that puts their units in order of expected seconds, longest
    first; a unit not measured yet counts as a typical one. Sorting is stable, so tests keep
    their order within a unit."""
    typical = statistics.median(seconds.values()) if seconds else 0.0
    return lambda nodeid: -seconds.get(work_unit(nodeid), typical)


def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):
        return  # not an xdist worker: a run in one process keeps the files' order
    key = longest_first(expected_seconds())
    items.sort(key=lambda item: key(item.nodeid))


def measured_seconds(junit_xml: Path) -> dict[str, float]:
    """Seconds per unit of work in a JUnit report of a run of the suite (setup, call and
    teardown of every test of the unit)."""
    seconds: dict[str, float] = {}
    for case in ElementTree.parse(junit_xml).iter("testcase"):
        parts = case.get("classname", "").split(".")
        # "tests.m1_tokenization.test_wrong_implementations.TestModule1" -> its file
        path = next((f"{'/'.join(parts[:n])}.py" for n in range(len(parts), 0, -1)
                     if (ROOT / f"{'/'.join(parts[:n])}.py").is_file()), None)
        if path is not None:
            unit = work_unit(path)
            seconds[unit] = seconds.get(unit, 0.0) + float(case.get("time") or 0.0)
    return seconds


def _write_durations(junit_xml: Path) -> None:
    seconds = measured_seconds(junit_xml)
    DURATIONS.write_text(json.dumps({
        "about": "seconds per unit of work of one run of the suite, for tests/conftest.py "
                 "to hand out the longest first; regenerate with: python -m tests.conftest "
                 "JUNIT_XML",
        "seconds": {unit: round(s, 1) for unit, s in sorted(seconds.items())}},
        indent=1) + "\n", encoding="utf-8")
    print(f"wrote {DURATIONS.relative_to(ROOT)}: {len(seconds)} units, "
          f"{sum(seconds.values()):.0f} s in all")


def pytest_configure(config):
    """Collect garbage less often in the test processes. They hold large object graphs for the
    whole run (the collected suite, reference grades, torch and notebook libraries), and
    CPython's default thresholds walk all of them again and again: about 9 s of full
    collections per worker. Student code never runs here (it runs in sandboxed workers, with
    Python's defaults)."""
    gc.set_threshold(50_000, 20, 20)


if __name__ == "__main__":
    _write_durations(Path(sys.argv[1]))

"""How the suite is spread over pytest-xdist's workers (scripts/test.sh runs `--dist loadfile`).

A test file is the unit of work, so a file's class fixtures (a module's reference grade) are
computed once. Some files share a session fixture that costs far more than their tests: every
file under a folder of `TOGETHER` goes to the same worker, so that fixture is built once per
run instead of once per worker that happens to get one of the files.
"""

from __future__ import annotations

import gc

import pytest

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

    return FileOrFolderScheduling(config, log)


def pytest_configure(config):
    """Collect garbage less often in the test processes. They hold large object graphs for the
    whole run (the collected suite, reference grades, torch and notebook libraries), and
    CPython's default thresholds walk all of them again and again: about 9 s of full
    collections per worker. Student code never runs here (it runs in sandboxed workers, with
    Python's defaults)."""
    gc.set_threshold(50_000, 20, 20)

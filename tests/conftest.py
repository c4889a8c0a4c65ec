"""How the suite is spread over pytest-xdist's workers (scripts/test.sh runs `--dist loadfile`).

A test file is the unit of work, so a file's class fixtures (a module's reference grade) are
computed once, and the longest units are handed out first. Some files share a session fixture that costs far more than their tests: every
file under a folder of `TOGETHER` goes to the same worker, so that fixture is built once per
run instead of once per worker that happens to get one of the files.
"""

from __future__ import annotations

import pytest

# Folder (as in a test's node id) -> why its files must share a worker.
TOGETHER = {
    "tests/hostile/": "the hostile_run fixture grades every hostile case once, in a pool",
}


# Work units that take a minute or more of one worker go first, so that no worker is left
# alone with one of them at the end of the run. Everything else follows in collection order.
FIRST = ("test_wrong_implementations.py", "tests/hostile/", "tests/editions/", "tests/template/",
         "tests/instructor/", "test_vacuous_returns.py", "tests/course/test_site.py")


def scheduling_rank(nodeid: str) -> int:
    unit = work_unit(nodeid)
    return next((rank for rank, part in enumerate(FIRST) if part in unit), len(FIRST))


def pytest_collection_modifyitems(config, items):
    if hasattr(config, "workerinput"):  # an xdist worker: the controller follows this order
        items.sort(key=lambda item: scheduling_rank(item.nodeid))


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

    config.option.loadscopereorder = False  # keep the order the workers collected (FIRST)
    return FileOrFolderScheduling(config, log)

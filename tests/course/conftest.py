"""Shared fixtures of the course tests: a headless Chromium and a folder for artifacts.

The browser tests drive Debian's Chromium (`apt-get install chromium`) with Playwright; no
browser is downloaded. Without one they skip and say why; COURSE_CHROMIUM names another
Chromium-based browser. Screenshots go to
build/test-artifacts/course/ (or $COURSE_TEST_ARTIFACTS) so CI can keep them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Debian's chromium first; Google Chrome where a CI image ships it instead.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def chromium_path() -> str | None:
    wanted = os.environ.get("COURSE_CHROMIUM")
    candidates = (wanted,) if wanted else CHROMIUM_CANDIDATES
    return next((p for p in candidates if Path(p).is_file()), None)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium: the browser tests of the site and the playground need "
                    "Debian's chromium (apt-get install chromium) or COURSE_CHROMIUM=/path")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    folder = Path(os.environ.get("COURSE_TEST_ARTIFACTS", ROOT / "build" / "test-artifacts" / "course"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder

"""The numbers, paths and settings the documentation quotes are the ones the code has.

A limit changed in the code, or a folder renamed, must not leave a page telling readers the old
value: each fact below is read from the page with a pattern and compared with the constant it
quotes, every repository path a page names must exist, and every environment variable a page
tells readers to set (`NAME=value`) must be read somewhere in the code.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

from autograder import remote
from autograder.course import module_ids
from autograder.sandbox.limits import Limits

ROOT = Path(__file__).resolve().parents[1]
LIMITS = Limits()
MiB, GiB = 1 << 20, 1 << 30

# (page, pattern whose group is the quoted number, the value in the code)
FACTS = [
    ("docs/grading.md", r"`RLIMIT_CPU` (\d+) s per process", LIMITS.cpu_seconds),
    ("docs/grading.md", r"each call has a wall-clock timeout \((\d+) s unless",
     remote.DEFAULT_CALL_TIMEOUT),
    ("docs/grading.md", r"watched from outside \((\d+) GiB", LIMITS.memory_bytes / GiB),
    ("docs/grading.md", r"address space capped \((\d+) GiB per process\)",
     LIMITS.address_space_bytes / GiB),
    ("docs/grading.md", r"`RLIMIT_FSIZE` (\d+) MiB", LIMITS.file_bytes / MiB),
    ("docs/grading.md", r"(\d[\d ]*) open files", LIMITS.open_files),
    ("docs/grading.md", r"`RLIMIT_NPROC` (\d+)", LIMITS.processes),
    ("docs/grading.md", r"a private (\d+) MiB scratch tmpfs", LIMITS.scratch_bytes / MiB),
    ("docs/grading.md", r"(\d+) MiB printed per call", LIMITS.output_bytes / MiB),
    ("docs/grading.md", r"fine up to (\d+) MiB per call", LIMITS.output_bytes / MiB),
    ("docs/grading.md", r"a call timed out after (\d+) s \(it was running",
     remote.DEFAULT_CALL_TIMEOUT),
    ("docs/grading.md", r"did not return within (\d+) s when it was called before",
     remote.DEFAULT_CALL_TIMEOUT),
    ("docs/grading.md", r"this test's time budget \((\d+) s\)", LIMITS.test_seconds),
    ("docs/grading.md", r"the time budget of m1_tokenization \((\d+) s\)", LIMITS.module_seconds),
    ("docs/grading.md", r"timed out after (\d+) s while importing", remote.IMPORT_TIMEOUT),
    ("docs/grading.md", r"still yielding after (\d+) s", remote.DEFAULT_CALL_TIMEOUT),
    ("docs/writing-tests.md", r"a module's first import gets at least (\d+)\)",
     remote.IMPORT_TIMEOUT),
    ("docs/writing-tests.md", r"`@pytest.mark.call_timeout\(\d+\)` \|[^|]*\| (\d+) \|",
     remote.DEFAULT_CALL_TIMEOUT),
    ("docs/writing-tests.md", r"stops at (\d+) million items", remote._MAX_ITERATOR_ITEMS / 1e6),
    ("docs/writing-tests.md", r"`digest\(\)`: (\d+)\s+million", remote._MAX_DIGEST_ITEMS / 1e6),
]

# Pages whose repository paths must exist.
PAGES = ["README.md", "benchmarks/README.md", *sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
TOP_FOLDERS = r"tests|autograder|solutions|exercises|scripts|docs|course|benchmarks|\.github|\.ci"
# Paths a page names that are not in this repository, and why.
ELSEWHERE = {
    "exercises/.autograder/": "written by `autograder grade` in a student's working copy",
    ".github/workflows/classroom.yml": "the workflow of a student repository",
    ".github/autograder/": "a folder of a student repository",
}


@pytest.mark.parametrize("page, pattern, value", FACTS,
                         ids=[f"{page}:{pattern[:40]}" for page, pattern, _ in FACTS])
def test_a_number_the_docs_quote_is_the_codes(page, pattern, value):
    text = (ROOT / page).read_text(encoding="utf-8")
    quoted = [float(m.replace(" ", "")) for m in re.findall(pattern, text)]
    assert quoted, f"{page} no longer says /{pattern}/: update FACTS with the page"
    assert all(q == value for q in quoted), f"{page} quotes {quoted} where the code has {value:g}"


def quoted_paths(text: str) -> list[str]:
    """Repository paths in a page: `tests/<module>/x.toml`, autograder/suites/ (in or out of
    code spans and blocks); `<module>` stands for any module."""
    found = re.findall(rf"(?<![\w/.<>-])((?:{TOP_FOLDERS})/[\w<>*./-]*)", text)
    return sorted({path.rstrip(".") for path in found})


def exists(path: str) -> bool:
    if any(path.startswith(prefix) for prefix in ELSEWHERE):
        return True
    variants = [path.replace("<module>", m) for m in module_ids()] if "<module>" in path else [path]
    # A path with <module> holds for at least one module; other placeholders are left alone.
    return any("<" in v or glob.glob(str(ROOT / v.rstrip("/"))) for v in variants)


@pytest.mark.parametrize("page", PAGES)
def test_every_path_a_page_names_exists(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    missing = [path for path in quoted_paths(text) if not exists(path)]
    assert not missing, f"{page} names paths that do not exist: {missing}"


def test_the_path_check_finds_a_stale_path():
    assert quoted_paths("see `tests/<module>/wrong/` and autograder/suites/.") == \
        ["autograder/suites/", "tests/<module>/wrong/"]
    assert not exists("tests/<module>/wrong/")
    assert exists("tests/<module>/wrong_implementations.toml")


def quoted_settings(text: str) -> set[str]:
    """Environment variables a page tells readers to set: `NAME=value` in backticks."""
    return set(re.findall(r"`([A-Z][A-Z0-9_]{3,})=[^`\s]*`", text))


def test_every_setting_a_page_names_is_read_by_the_code():
    code = "\n".join(path.read_text(encoding="utf-8", errors="replace")
                     for folder in ("autograder", "scripts", "tests", "benchmarks", ".ci")
                     for path in (ROOT / folder).rglob("*")
                     if path.suffix in (".py", ".sh", "") and path.is_file()
                     and "__pycache__" not in path.parts)
    unread = {page: sorted(name for name in quoted_settings((ROOT / page).read_text(
        encoding="utf-8")) if name not in code) for page in PAGES}
    assert not {page: names for page, names in unread.items() if names}, unread


def test_the_setting_check_finds_a_setting_nobody_reads():
    assert quoted_settings("set `AUTOGRADER_WORKER_START=exec` or `NO_SUCH_SETTING=1`, "
                           "not CI=true") == {"AUTOGRADER_WORKER_START", "NO_SUCH_SETTING"}

"""Grading one submission: choose the test files, run pytest with the grading plugin, collect
the records. The trusted copies of the tests are always used, never a submission's own copy.

    from autograder.runner import grade
    result = grade("exercises", modules=["m1_tokenization"])
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

from autograder import course
from autograder.course import EXERCISES, REPO_ROOT, SOLUTIONS, SUITES
from autograder.results import GradeResult, TestRecord
from autograder.sandbox.limits import Limits

_PYTEST_INI = Path(__file__).with_name("grading.ini")


class GradingError(Exception):
    """The grader could not grade at all (not a low score): a bad path or a bad option."""


def default_submission(here: Path) -> Path:
    """What `autograder grade` grades when given no folder: `exercises/` in the current
    folder (a student repository, or the course repository), or the current folder itself
    when it is laid out like exercises/. Never the reference: a student typing the bare
    command must see their own grade."""
    here = Path(here)
    if (here / "exercises").is_dir():
        return here / "exercises"
    if any((here / m).is_dir() for m in course.module_ids()):
        return here
    raise GradingError(f"there is no exercises/ folder in {here}; name the folder to grade "
                       "(`autograder grade path/to/exercises`; the reference: "
                       "`autograder grade solutions`)")


def resolve_submission(path: str | Path) -> Path:
    """A submission is a folder laid out like exercises/, or a repository holding exercises/."""
    root = Path(path).expanduser()
    if not root.exists():
        raise GradingError(f"no such submission folder: {root}")
    if not root.is_dir():
        raise GradingError(f"the submission must be a folder, not a file: {root}")
    if not any((root / m).exists() for m in course.module_ids()) and (root / "exercises").is_dir():
        root = root / "exercises"
    return root.resolve()


def test_files(module: str, public_only: bool = False, select: Iterable[str] | None = None,
               solutions: Path = SOLUTIONS, suites: Path = SUITES) -> list[Path]:
    """The trusted test files of a module: its public tests, then its hidden suite.

    `select` keeps only the named files; an entry may also name tests of a file the way
    pytest does ("test_vectors.py::test_top_k", "test_vectors.py::test_top_k[ties]")."""
    return [path for path, _ in _module_test_files(module, public_only, select, solutions, suites)]


def _module_test_files(module: str, public_only: bool, select: Iterable[str] | None,
                       solutions: Path, suites: Path) -> list[tuple[Path, str]]:
    """`test_files` with the suite ("public" or "hidden") each file belongs to."""
    # Without a solutions folder (a student repository) the released public tests are used.
    public_dir = (solutions if solutions.is_dir() else EXERCISES) / module / "tests"
    folders = [(public_dir, "public")] + ([] if public_only else [(suites / module, "hidden")])
    wanted = {entry.split("::", 1)[0] for entry in select} if select else None
    return [(f, suite) for folder, suite in folders if folder.is_dir()
            for f in sorted(folder.glob("test_*.py")) if wanted is None or f.name in wanted]


def _test_paths(files: list[Path], select: Iterable[str] | None) -> list[str]:
    """What pytest runs: each file whole, or only the tests `select` names in it. A public and
    a hidden file may share a name; a named test runs from the one that defines it."""
    named: dict[str, list[str]] = {}
    for entry in select or ():
        file, _, test = entry.partition("::")
        named.setdefault(file, [])
        if test:
            named[file].append(test)
    paths = []
    for f in files:
        tests = named.get(f.name)
        if not tests:
            paths.append(str(f))
            continue
        source = f.read_text(encoding="utf-8")
        paths += [f"{f}::{test}" for test in tests
                  if re.search(rf"^\s*def {re.escape(test.split('[', 1)[0])}\(", source, re.M)]
    return paths


def submission_notes(submission: Path, modules: Iterable[str]) -> list[str]:
    """Problems with the submission's shape, said once instead of in every failing test."""
    notes = []
    for module in modules:
        folder = submission / module
        if not folder.exists():
            notes.append(f"{module}/ is missing from the submission: its tests all fail")
        elif not folder.is_dir():
            notes.append(f"{module} in the submission is a file, not a folder")
    return notes


def grade(submission: str | Path, modules: Iterable[str] | None = None,
          public_only: bool = False, select: Iterable[str] | None = None, jobs: int = 1,
          limits: Limits | None = None,
          on_record: Callable[[TestRecord], None] | None = None,
          solutions: Path = SOLUTIONS, suites: Path = SUITES,
          in_process: bool = False) -> GradeResult:
    """Grade a submission; the result always holds a record for every selected test.

    `solutions` and `suites` say where the trusted reference and hidden tests are (by default
    this repository's); the sandbox hides both from the submission. `in_process=True` skips
    the sandbox entirely: only for trusted code, to measure the sandbox's overhead."""
    root = resolve_submission(submission)
    chosen = list(modules) if modules else list(course.module_ids())
    unknown = course.unknown_module(chosen)
    if unknown:
        raise GradingError(unknown)
    trusted = {"solutions": Path(solutions), "suites": Path(suites)}
    chosen = [m for m in chosen if test_files(m, public_only, select, **trusted)]
    notes = submission_notes(root, chosen)
    start = time.perf_counter()
    if jobs > 1 and len(chosen) > 1 and not in_process:
        groups = [chosen[i::jobs] for i in range(min(jobs, len(chosen)))]
        with ThreadPoolExecutor(len(groups)) as pool:
            parts = list(pool.map(
                lambda group: _grade_in_subprocess(root, group, public_only, select, trusted),
                groups))
        result = GradeResult.merge(parts)
        if on_record is not None:
            for record in result.tests:
                on_record(record)
    else:
        result = _grade_here(root, chosen, public_only, select, limits, on_record, trusted,
                             in_process)
    result.submission = str(root)
    result.notes = notes + result.notes
    result.execution_time = round(time.perf_counter() - start, 3)
    return result


def _grade_here(root: Path, modules: list[str], public_only: bool,
                select: Iterable[str] | None, limits: Limits | None,
                on_record: Callable[[TestRecord], None] | None,
                trusted: dict[str, Path], in_process: bool = False) -> GradeResult:
    import pytest

    from autograder.plugin import GradingPlugin, TestFile

    chosen = {path: TestFile(module, suite) for module in modules
              for path, suite in _module_test_files(module, public_only, select, **trusted)}
    files = _test_paths(list(chosen), select)
    plugin = GradingPlugin(root, limits=limits, on_record=on_record, in_process=in_process,
                           test_files=chosen, **trusted)
    if not files:
        return GradeResult(isolation=plugin.isolation)
    helper_dirs = sorted({str(Path(f).parent) for f in files})
    sys.path[:0] = [d for d in helper_dirs if d not in sys.path]
    # Only the plugins grading needs: none of the machine's installed ones (a plugin that
    # reorders or reruns tests would change grades), and no garbage collection of the whole
    # grading process after every grade (pytest's unraisable-exception check; student code
    # runs in the worker, so nothing of it is collected here). Reports need only the crash
    # line (GradingPlugin writes the feedback), so pytest does not parse every source file of
    # a failure's traceback (--tb=line): a grade of the stubs takes half the time.
    args = ["-c", str(_PYTEST_INI), "--rootdir", str(REPO_ROOT), "--noconftest",
            "--import-mode=importlib", "--disable-plugin-autoload", "-p", "no:cacheprovider",
            "-p", "no:logging", "-p", "no:unraisableexception", "--tb=line", "-q", *files]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        pytest.main(args, plugins=[plugin])
    result = GradeResult(tests=plugin.records, isolation=plugin.isolation)
    result.notes += [f"a test file could not be loaded (a grader problem, not yours): {e}"
                     for e in plugin.collection_errors]
    return result


def _grade_in_subprocess(root: Path, modules: list[str], public_only: bool,
                         select: Iterable[str] | None, trusted: dict[str, Path]) -> GradeResult:
    """Grade some modules in a fresh trusted process (for --jobs)."""
    with tempfile.TemporaryDirectory(prefix="autograder-part-") as tmp:
        out = Path(tmp) / "part.json"
        command = [sys.executable, "-m", "autograder.runner", str(root), str(out),
                   json.dumps({"modules": modules, "public_only": public_only,
                               "select": list(select) if select else None,
                               "trusted": {k: str(v) for k, v in trusted.items()}})]
        completed = subprocess.run(command, capture_output=True, text=True, env=os.environ)
        if completed.returncode != 0 or not out.exists():
            tail = (completed.stderr or completed.stdout)[-800:]
            raise GradingError(f"grading {', '.join(modules)} failed inside the grader: {tail}")
        return GradeResult.from_dict(json.loads(out.read_text()))


def _main() -> None:
    """Entry point of the per-module subprocesses started by `grade(..., jobs=N)`."""
    root, out, options = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
    trusted = {k: Path(v) for k, v in options["trusted"].items()}
    result = _grade_here(Path(root), options["modules"], options["public_only"],
                         options["select"], None, None, trusted)
    out.write_text(json.dumps(result.to_dict()))


if __name__ == "__main__":
    _main()

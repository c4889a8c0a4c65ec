"""One source: generate the students' `exercises/` from `solutions/`.

Every `# BEGIN SOLUTION` … `# END SOLUTION` region becomes a stub that raises
`NotImplementedError` with the region's hint; `# BEGIN SOLUTION REMOVE` regions disappear.
Everything else (signatures, docstrings, constants, helpers meant for students) and the public
tests, data and module README are copied unchanged. `exercises/` is committed, and a test
fails when it differs from what this module would write.

    def merge_pair(ids, pair, new_id):            def merge_pair(ids, pair, new_id):
        \"\"\"…\"\"\"                         ->          \"\"\"…\"\"\"
        # BEGIN SOLUTION: scan left to right           raise NotImplementedError("scan left to right")
        …
        # END SOLUTION
"""

from __future__ import annotations

import filecmp
import re
import shutil
import tempfile
from pathlib import Path

from autograder import course
from autograder.course import EXERCISES, SOLUTIONS
STUDENT_CONFTEST = Path(__file__).with_name("student_conftest.py")

_BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION(?P<remove> REMOVE)?(?::\s*(?P<hint>.*\S))?\s*$")
_END = re.compile(r"^\s*# END SOLUTION\s*$")
_DEF = re.compile(r"^(?P<indent>\s*)(?:async\s+)?def\s+(?P<name>\w+)")


class ReleaseError(ValueError):
    """A malformed solution file: unmatched or nested markers."""


def strip_solutions(source: str, filename: str = "<source>") -> str:
    """The student version of one solution file."""
    out: list[str] = []
    region: re.Match | None = None
    region_line = 0
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        begin, end = _BEGIN.match(line), _END.match(line)
        if region is None:
            if end:
                raise ReleaseError(f"{filename}:{number}: END SOLUTION without BEGIN")
            if begin:
                region, region_line = begin, number
                if not begin["remove"]:
                    hint = begin["hint"] or _default_hint(out)
                    out.append(f'{begin["indent"]}raise NotImplementedError({hint!r})\n')
                continue
            out.append(line)
        elif begin:
            raise ReleaseError(f"{filename}:{number}: BEGIN SOLUTION inside the region "
                               f"opened at line {region_line}")
        elif end:
            region = None
    if region is not None:
        raise ReleaseError(f"{filename}:{region_line}: BEGIN SOLUTION is never closed")
    return "".join(out)


def _default_hint(previous_lines: list[str]) -> str:
    for line in reversed(previous_lines):
        match = _DEF.match(line)
        if match:
            return f"implement {match['name']}: its docstring says what it must do"
    return "implement this part: see the docstring"


def write_exercises(target: Path = EXERCISES, solutions: Path = SOLUTIONS) -> list[Path]:
    """Write the whole exercises tree into `target` (replacing it); returns the files written."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    written = []
    for module in course.module_ids():
        source_dir = solutions / module
        if not source_dir.is_dir():
            continue
        for source in sorted(source_dir.rglob("*")):
            if any(part in ("__pycache__", ".pytest_cache", ".hypothesis")
                   for part in source.relative_to(source_dir).parts) or source.is_dir():
                continue
            destination = target / module / source.relative_to(source_dir)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if source.suffix == ".py" and "tests" not in source.relative_to(source_dir).parts:
                text = source.read_text(encoding="utf-8")
                destination.write_text(strip_solutions(text, str(source)), encoding="utf-8")
            else:
                shutil.copyfile(source, destination)
            written.append(destination)
    shutil.copyfile(STUDENT_CONFTEST, target / "conftest.py")
    written.append(target / "conftest.py")
    return written


def stale_files(target: Path = EXERCISES, solutions: Path = SOLUTIONS) -> list[str]:
    """Files of `target` that differ from a fresh release (missing, extra or changed)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "exercises"
        write_exercises(fresh, solutions)
        return _differences(fresh, target)


# What running the code leaves in a student's folder: caches, and the last grade that
# `autograder hint` reads. None of it is part of a release.
_LOCAL_STATE = {"__pycache__", ".pytest_cache", ".hypothesis", ".autograder"}


def _differences(fresh: Path, existing: Path) -> list[str]:
    def listing(root: Path) -> set[str]:
        if not root.is_dir():
            return set()
        return {str(p.relative_to(root)) for p in root.rglob("*")
                if p.is_file() and not _LOCAL_STATE.intersection(p.relative_to(root).parts)}

    new, old = listing(fresh), listing(existing)
    changed = {p for p in new & old if not filecmp.cmp(fresh / p, existing / p, shallow=False)}
    return sorted((new ^ old) | changed)

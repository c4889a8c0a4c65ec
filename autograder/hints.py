"""Deeper hints: the second, opt-in level of help behind a failing test's hint.

A test may carry `@pytest.mark.deeper_hint("...")` next to its `hint`. Reports never show
its text; a failing row shows its id instead ("a deeper hint: autograder hint
m1_tokenization/bpe:merge_pair"). `autograder grade` keeps its result in the graded folder,
`.autograder/last-grade.json`; `autograder hint ID` reads that grade, prints the deeper hint
of one of its failing tests (read from the trusted copy of the test file) and records the
id there. The next grade carries the recorded ids forward, so every report counts the deeper
hints a student asked for.
"""

from __future__ import annotations

import ast
import json
import os
import re
import tempfile
from pathlib import Path

from autograder import course
from autograder.course import EXERCISES, SOLUTIONS, SUITES
from autograder.results import GradeResult

LAST_GRADE = Path(".autograder") / "last-grade.json"
_ID = re.compile(r"^(?P<module>\w+)/(?P<stem>\w+):(?P<function>\w+)$")


class HintError(Exception):
    """No deeper hint can be given (no grade yet, an unknown id); the message says why."""


def keep_last_grade(result: GradeResult) -> str:
    """Keep `result` in its submission's folder for `autograder hint`, carrying forward the
    deeper hints used before (added to `result.deeper_hints_used`). Returns a note when it
    could not be kept, else "". The reference solutions are not written into."""
    if not result.submission:
        return ""
    folder = Path(result.submission)
    if folder.resolve() == SOLUTIONS.resolve():
        return ""
    path = folder / LAST_GRADE
    used = _load(path).get("deeper_hints_used", []) if path.is_file() else []
    used = [h for h in used if isinstance(h, str)]
    result.deeper_hints_used = list(dict.fromkeys(used + list(result.deeper_hints_used)))
    try:
        _write(path, result.to_dict())
    except OSError as error:
        return f"this grade could not be kept for `autograder hint` ({error.strerror})"
    return ""


def deeper_hint(folder: Path, test_id: str) -> str:
    """The deeper hint of failing test `test_id` of the last grade of `folder`, recorded as
    used."""
    path = Path(folder) / LAST_GRADE
    if not path.is_file():
        raise HintError(f"{folder} has not been graded yet: run `autograder grade` first, "
                        "then ask for the deeper hint of a failing test")
    grade = _load(path)
    tests = [t for t in grade.get("tests", []) if isinstance(t, dict)]
    failing = {t.get("deeper_hint") for t in tests
               if t.get("status") == "failed" and t.get("deeper_hint")}
    if test_id not in failing:
        offered = sorted(h for h in failing if isinstance(h, str))
        listed = ("; failing tests with one: " + ", ".join(offered[:12])) if offered \
            else "; no failing test of that grade has one"
        raise HintError(f"{test_id!r} is not a failing test with a deeper hint in the last "
                        f"grade of {folder}{listed}")
    text = _hint_text(test_id, Path(folder))
    used = [h for h in grade.get("deeper_hints_used", []) if isinstance(h, str)]
    if test_id not in used:
        grade["deeper_hints_used"] = used + [test_id]
        try:
            _write(path, grade)
        except OSError as error:
            raise HintError(f"cannot record the hint in {path}: {error.strerror}") from None
    return f"Deeper hint for {test_id}:\n  {text}"


def _hint_text(test_id: str, folder: Path) -> str:
    """The text of the test's deeper_hint marker, from the first copy of its test file found:
    the hidden suites, the public tests of the reference, of exercises/, of the submission."""
    match = _ID.match(test_id)
    if match is None or match["module"] not in course.module_ids():
        raise HintError(f"{test_id!r} is not a test id (they look like "
                        "m1_tokenization/bpe:merge_pair)")
    module, name = match["module"], f"test_{match['stem']}.py"
    for candidate in (SUITES / module / name, SOLUTIONS / module / "tests" / name,
                      EXERCISES / module / "tests" / name, folder / module / "tests" / name):
        if candidate.is_file():
            text = marker_text(candidate.read_text(encoding="utf-8"),
                               f"test_{match['function']}", "deeper_hint")
            if text:
                return text
    raise HintError(f"the deeper hint of {test_id} is not available here (its test file is "
                    "not part of this installation)")


def marker_text(source: str, function: str, marker: str) -> str:
    """The string argument of `@pytest.mark.<marker>("...")` on `function`, or ""."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef) or node.name != function:
            continue
        for decorator in node.decorator_list:
            if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr == marker and decorator.args
                    and isinstance(decorator.args[0], ast.Constant)
                    and isinstance(decorator.args[0].value, str)):
                return decorator.args[0].value
    return ""


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise HintError(f"cannot read the last grade in {path}: {error}") from None
    if not isinstance(data, dict):
        raise HintError(f"{path} does not hold a grade")
    return data


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".last-grade.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

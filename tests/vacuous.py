"""Submissions whose every exercise returns a vacuous value, for the tests that stubs score 0.

A student who has not written a function yet may still return something: `[]`, `None`, `0.0`,
an empty array. Before a check looks at such a value's contents it must check its kind, shape
and length (autograder/checks.py); otherwise an empty container compares equal to whatever
`pytest.approx`, `np.allclose` or a `zip` loop never looks at, and a stub scores points.

`vacuous_submission(module, tmp, start)` copies the module's exercises and turns every stub
(`raise NotImplementedError("...")`) into `return <a vacuous value>`. The values come from
`CORPUS`; which one a call gets rotates with every call of the same function and starts at an
offset that differs per function and per `start`, so one grade shows every function several
kinds of nothing, and a few grades with different `start` values show each function the whole
corpus across its calls.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from autograder.runner import grade
from tests.helpers import EXERCISES

# Source text of each vacuous value, evaluated inside the submission (numpy and torch there).
CORPUS = (
    "None", "[]", "{}", "()", "0", "0.0", "float('nan')", "''", "b''", "True", "False",
    "np.empty(0)", "np.empty((0, 0))", "np.float64(0.0)", "np.array(0.0)", "np.empty((0,), int)",
    "set()", "[[]]", "{'': []}",
)
TORCH_CORPUS = ("torch.empty(0)", "torch.tensor(0.0)", "torch.empty((0, 0))",
                "torch.tensor(float('nan'))")

_STUB = re.compile(r"^(?P<indent>[ \t]*)raise NotImplementedError\(.*\)[ \t]*$", re.M)

_PICKER = '''"""Vacuous return values for every stub of this copy (see tests/vacuous.py)."""
import zlib

import numpy as np
{torch_import}
START = {start}
_calls = {{}}


def _corpus():
    return [{values}]


def value(where):
    """The next vacuous value for the stub at `where` (file:line)."""
    calls = _calls.get(where, 0)
    _calls[where] = calls + 1
    corpus = _corpus()
    return corpus[(START + zlib.crc32(where.encode()) + calls) % len(corpus)]
'''


def corpus(with_torch: bool) -> tuple[str, ...]:
    return CORPUS + (TORCH_CORPUS if with_torch else ())


def vacuous_submission(module: str, tmp: Path, start: int, with_torch: bool = False) -> Path:
    """A submission folder holding `module` with every stub returning vacuous values."""
    root = Path(tmp) / f"vacuous-{start}"
    target = root / module
    shutil.copytree(EXERCISES / module, target, ignore=shutil.ignore_patterns(
        "tests", "__pycache__", "*.pyc"))
    stubs = 0
    for path in sorted(target.glob("*.py")):
        text = path.read_text(encoding="utf-8")

        def replace(match: re.Match, name: str = path.stem, text: str = text) -> str:
            line = text.count("\n", 0, match.start()) + 1
            return (f"{match['indent']}return __import__('{module}._vacuous', "
                    f"fromlist=['value']).value('{name}:{line}')")

        new, count = _STUB.subn(replace, text)
        if count:
            path.write_text(new, encoding="utf-8")
            stubs += count
    if not stubs:
        raise AssertionError(f"exercises/{module} has no stubs to make vacuous")
    values = corpus(with_torch)
    (target / "_vacuous.py").write_text(_PICKER.format(
        start=start, values=", ".join(values),
        torch_import="import torch\n" if with_torch else ""), encoding="utf-8")
    return root


def passing_tests(result) -> list[str]:
    """The tests of a grade result that gave points (name: output)."""
    return [f"{t.name} ({t.points:g} points)" for t in result.tests if t.score > 0]


def assert_stubs_score_zero(module: str, tmp: Path, start: int, with_torch: bool = False) -> None:
    """Grade `module` with every stub returning vacuous values: every test must have run (a
    session that stopped early would also score 0) and not one may give points."""
    result = grade(vacuous_submission(module, tmp, start, with_torch), [module])
    assert result.max_score >= 100, \
        f"only {result.max_score:g} points were graded: the session stopped early {result.notes}"
    assert passing_tests(result) == [], "stubs returning vacuous values got points"

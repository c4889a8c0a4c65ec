"""Output formats of a grade. Each takes a GradeResult and returns text; none knows pytest.

`FORMATS` is the one list of them: `autograder grade --format` offers exactly its names. Each
format's module is imported when it is used, so the command line starts without them.
"""

from __future__ import annotations

import importlib

from autograder.results import GradeResult

# format name -> the module of autograder.formats whose render(result) writes it
FORMATS: dict[str, str] = {
    "text": "text",
    "json": "gradescope",
    "markdown": "markdown",
    "classroom": "classroom",
    "junit": "junit",
}


def render(result: GradeResult, fmt: str) -> str:
    return importlib.import_module(f"autograder.formats.{FORMATS[fmt]}").render(result)

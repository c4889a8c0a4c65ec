"""Output formats of a grade. Each takes a GradeResult and returns text; none knows pytest."""

from __future__ import annotations

from typing import Callable

from autograder.formats import classroom, gradescope, junit, markdown, text
from autograder.results import GradeResult

FORMATS: dict[str, Callable[[GradeResult], str]] = {
    "text": text.render,
    "json": gradescope.render,
    "markdown": markdown.render,
    "classroom": classroom.render,
    "junit": junit.render,
}


def render(result: GradeResult, fmt: str) -> str:
    return FORMATS[fmt](result)

"""Gradescope's results.json, with per-module totals and the isolation in `extra_data`.

Every string is made inert by `escape.plain` (JSON itself would carry an ANSI sequence or a
lone surrogate, which a viewer may act on or a UTF-8 writer refuse)."""

from __future__ import annotations

import json

from autograder.formats.escape import safe
from autograder.formats.parts import deeper_hints_line, feedback, summary_notes
from autograder.results import GradeResult

__all__ = ["as_dict", "feedback", "render"]


def as_dict(result: GradeResult) -> dict:
    modules = result.modules
    summary = [f"{m}: {s.score:g}/{s.max_score:g}" for m, s in modules.items()]
    hints = deeper_hints_line(result)
    return {
        "score": result.score,
        "max_score": result.max_score,
        "execution_time": result.execution_time,
        "output": "\n".join(summary_notes(result) + summary + ([hints] if hints else [])),
        "tests": [
            {"name": safe(t.name, lines=3), "score": t.score, "max_score": t.points, "status": t.status,
             "output": feedback(t), "visibility": safe(t.visibility, lines=1),
             "tags": [safe(tag, lines=1) for tag in (t.module, t.suite, *t.functions)]}
            for t in result.tests
        ],
        "extra_data": {
            "modules": {m: {"score": s.score, "max_score": s.max_score}
                        for m, s in modules.items()},
            "isolation": _inert(result.isolation),
            "deeper_hints_used": [safe(h, lines=1) for h in result.deeper_hints_used],
        },
    }


def _inert(value):
    """A JSON value with every string made safe, keys included."""
    if isinstance(value, str):
        return safe(value, lines=5)
    if isinstance(value, dict):
        return {_inert(str(k)): _inert(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_inert(v) for v in value]
    return value


def render(result: GradeResult) -> str:
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"

"""Gradescope's results.json, with per-module totals and the isolation in `extra_data`."""

from __future__ import annotations

import json

from autograder.results import GradeResult, TestRecord


def feedback(test: TestRecord) -> str:
    """What a student reads under a test: the problem, then the hint."""
    parts = [test.output] if test.output else []
    if test.hint and not test.passed:
        parts.append(f"Hint: {test.hint}")
    return "\n".join(parts)


def as_dict(result: GradeResult) -> dict:
    modules = result.modules
    summary = [f"{m}: {s.score:g}/{s.max_score:g}" for m, s in modules.items()]
    return {
        "score": result.score,
        "max_score": result.max_score,
        "execution_time": result.execution_time,
        "output": "\n".join(result.notes + summary),
        "tests": [
            {"name": t.name, "score": t.score, "max_score": t.points, "status": t.status,
             "output": feedback(t), "visibility": t.visibility,
             "tags": [t.module, t.suite, *t.functions]}
            for t in result.tests
        ],
        "extra_data": {
            "modules": {m: {"score": s.score, "max_score": s.max_score}
                        for m, s in modules.items()},
            "isolation": result.isolation,
        },
    }


def render(result: GradeResult) -> str:
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"

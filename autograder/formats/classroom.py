"""The `result` JSON of GitHub Classroom's autograding actions (version 1), which
`classroom-resources/autograding-grading-reporter` totals (base64-encode it for the reporter).
The reporter prints each test's name and message to the workflow log, so both are made inert
by `escape.plain`."""

from __future__ import annotations

import json

from autograder.formats.escape import safe
from autograder.formats.parts import feedback
from autograder.results import GradeResult


def as_dict(result: GradeResult) -> dict:
    return {
        "version": 1,
        "status": "pass" if all(t.passed for t in result.tests) else "fail",
        "max_score": result.max_score,
        "tests": [
            {"name": safe(f"{t.module} / {t.name}", lines=3), "status": "pass" if t.passed else "fail",
             "score": t.score, "max_score": t.points, "message": feedback(t),
             "line_no": None, "execution_time": f"{t.seconds:.2f}s", "test_code": safe(t.name, lines=3)}
            for t in result.tests
        ],
        "deeper_hints_used": len(result.deeper_hints_used),
    }


def render(result: GradeResult) -> str:
    return json.dumps(as_dict(result), ensure_ascii=False) + "\n"

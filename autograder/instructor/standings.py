"""Each student's standing: raw score per module, late penalty, final score.

The one place where a gradebook and a late policy meet; the exports, `gradebook show` and the
report all read standings, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from autograder.instructor.dates import parse_datetime
from autograder.instructor.gradebook import Gradebook
from autograder.instructor.late import LatePolicy, Penalty
from autograder.instructor.submissions import Submission


@dataclass
class Standing:
    submission: Submission
    scores: dict[str, float | None] = field(default_factory=dict)  # None: not graded
    max_scores: dict[str, float] = field(default_factory=dict)
    penalty: Penalty = Penalty(0.0, 0, 0.0)
    seconds: float = 0.0

    @property
    def student(self) -> str:
        return self.submission.student

    @property
    def raw(self) -> float:
        return round(sum(s for s in self.scores.values() if s is not None), 4)

    @property
    def max_score(self) -> float:
        return sum(self.max_scores.values())

    @property
    def penalty_points(self) -> float:
        return self.penalty.points(self.raw)

    @property
    def final(self) -> float:
        return round(self.raw - self.penalty_points, 4)

    @property
    def complete(self) -> bool:
        """Every module graded."""
        return all(score is not None for score in self.scores.values())

    @property
    def commit_time(self) -> datetime | None:
        return _moment(self.submission.commit_time)

    @property
    def deadline(self) -> datetime | None:
        return _moment(self.submission.deadline)


def _moment(text: str) -> datetime | None:
    try:
        return parse_datetime(text) if text else None
    except ValueError:
        return None


def standings(gradebook: Gradebook, policy: LatePolicy,
              modules: list[str] | None = None) -> list[Standing]:
    """One standing per student of the gradebook, sorted by student."""
    grades = gradebook.grades()
    modules = modules or gradebook.modules()
    maxima: dict[str, float] = {}
    for grade in grades:
        maxima[grade.module] = max(maxima.get(grade.module, 0.0), grade.max_score)
    by_student: dict[str, dict] = {}
    for grade in grades:
        by_student.setdefault(grade.student, {})[grade.module] = grade
    result = []
    for student, submission in gradebook.submissions().items():
        own = by_student.get(student, {})
        standing = Standing(
            submission=submission,
            scores={m: own[m].score if m in own else None for m in modules},
            max_scores={m: own[m].max_score if m in own else maxima.get(m, 0.0)
                        for m in modules},
            seconds=sum(g.seconds for g in own.values()))
        if own:
            standing.penalty = policy.penalty(standing.commit_time, standing.deadline)
        result.append(standing)
    return result

"""The late policy: how late a submission was and what it costs.

Configured in the `[late]` table of `autograder.toml`:

    [late]
    penalty_per_day = 10     # percent of the raw score per day late or part of one
    max_penalty = 50         # percent; the penalty never exceeds this
    grace = "15m"            # commits this close after the deadline are on time
    accept_until = "5d"      # commits later than this after the deadline are not collected

(`penalty_per_hour` instead of `penalty_per_day` counts hours.) Lateness is measured from the
time of the collected commit to the student's own deadline (the course's plus any extension).
Without `accept_until`, `collect` takes the newest commit when a penalty is configured, and
the last commit before the deadline when none is. The penalty is computed when grades are
exported or reported, never stored, so changing the policy needs no re-grading, and the raw
score is always shown beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from autograder.instructor.dates import describe_duration, parse_duration

DAY, HOUR = 86400.0, 3600.0


@dataclass(frozen=True)
class Penalty:
    late_seconds: float   # 0 when on time (grace included)
    periods: int          # days (or hours) late, counting a started one
    percent: float        # of the raw score

    @property
    def late(self) -> bool:
        return self.late_seconds > 0

    def points(self, raw_score: float) -> float:
        return round(raw_score * self.percent / 100, 4)


@dataclass(frozen=True)
class LatePolicy:
    percent_per_period: float = 0.0
    period_seconds: float = DAY
    max_penalty: float = 100.0
    grace_seconds: float = 0.0
    accept_seconds: float | None = None

    @classmethod
    def from_config(cls, table: dict | None) -> "LatePolicy":
        table = dict(table or {})
        known = {"penalty_per_day", "penalty_per_hour", "max_penalty", "grace", "accept_until"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r} in [late]; "
                             f"known: {', '.join(sorted(known))}")
        if "penalty_per_day" in table and "penalty_per_hour" in table:
            raise ValueError("[late] takes penalty_per_day or penalty_per_hour, not both")
        period = HOUR if "penalty_per_hour" in table else DAY
        percent = float(table.get("penalty_per_hour", table.get("penalty_per_day", 0)))
        maximum = float(table.get("max_penalty", 100))
        if percent < 0 or not 0 <= maximum <= 100:
            raise ValueError("[late] penalties are percentages: per period ≥ 0, max 0–100")
        accept = table.get("accept_until")
        return cls(percent_per_period=percent, period_seconds=period, max_penalty=maximum,
                   grace_seconds=parse_duration(table.get("grace", 0)),
                   accept_seconds=None if accept is None else parse_duration(accept))

    def cutoff(self, deadline: datetime) -> datetime | None:
        """The newest commit time `collect` accepts; None: any commit, however late."""
        if self.accept_seconds is not None:
            return deadline + timedelta(seconds=self.accept_seconds)
        if self.percent_per_period > 0:
            return None
        return deadline + timedelta(seconds=self.grace_seconds)

    def penalty(self, commit_time: datetime | None, deadline: datetime | None) -> Penalty:
        if commit_time is None or deadline is None:
            return Penalty(0.0, 0, 0.0)
        late = (commit_time - deadline).total_seconds()
        if late <= self.grace_seconds:
            return Penalty(0.0, 0, 0.0)
        periods = math.ceil(late / self.period_seconds)
        return Penalty(late, periods, min(self.max_penalty, periods * self.percent_per_period))

    def describe(self) -> str:
        unit = "hour" if self.period_seconds == HOUR else "day"
        parts = [f"{self.percent_per_period:g}% per {unit} late, at most {self.max_penalty:g}%"
                 if self.percent_per_period else "no late penalty"]
        if self.grace_seconds:
            parts.append(f"{describe_duration(self.grace_seconds)} of grace")
        if self.accept_seconds is not None:
            parts.append(f"commits accepted until {describe_duration(self.accept_seconds)} "
                         "after the deadline")
        elif not self.percent_per_period:
            parts.append("commits after the deadline are not collected")
        return "; ".join(parts)

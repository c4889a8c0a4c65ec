"""Deadlines and durations as instructors write them.

    parse_datetime("2026-10-15T23:59+02:00")   an instant with its offset
    parse_datetime("2026-10-15 23:59")         no offset: this machine's local time
    parse_datetime("2026-10-15")               a bare date: the end of that day (23:59:59)
    parse_duration("2d"), "36h", "90m", "1d12h", "45s", "3" (a bare number is days)
"""

from __future__ import annotations

import re
from datetime import datetime, time, timezone

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([dhms])", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str | float | int | None) -> float:
    """Seconds in a duration such as `2d`, `36h`, `1d12h`, `90m`; a bare number is days."""
    if text is None:
        return 0.0
    if isinstance(text, (int, float)):
        return float(text) * 86400
    spec = text.strip().replace(" ", "")
    if not spec:
        return 0.0
    if re.fullmatch(r"\d+(?:\.\d+)?", spec):
        return float(spec) * 86400
    parts = _DURATION_PART.findall(spec)
    if not parts or "".join(f"{n}{u}" for n, u in parts).lower() != spec.lower():
        raise ValueError(f"{text!r} is not a duration like 2d, 36h, 1d12h or 90m")
    return sum(float(n) * _UNIT_SECONDS[u.lower()] for n, u in parts)


def parse_datetime(text: str | datetime) -> datetime:
    """An aware datetime from ISO 8601 text (see the module docstring for the conventions)."""
    if isinstance(text, datetime):
        return text if text.tzinfo else text.astimezone()
    spec = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", spec):
            moment = datetime.combine(datetime.fromisoformat(spec).date(), time(23, 59, 59))
        else:
            moment = datetime.fromisoformat(spec.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-10-15T23:59+02:00") from None
    return moment if moment.tzinfo else moment.astimezone()


def iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def from_timestamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def describe_duration(seconds: float) -> str:
    """`2d 3h`, `5h 10m`, `42s`: for people reading a table."""
    seconds = abs(seconds)
    days, rest = divmod(int(round(seconds)), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"

"""Deadlines and durations as instructors write them.

    parse_datetime("2026-10-15T23:59+02:00")   an instant with its offset
    parse_datetime("2026-10-15T21:59Z")        the same instant in UTC
    parse_datetime("2026-10-15 23:59")         refused: no UTC offset
    parse_datetime("2026-10-15")               refused: a bare date is no instant

A deadline without a UTC offset would mean a different instant on every machine that reads it
(the instructor's laptop, a runner in UTC, a colleague abroad), so it is refused with one clear
message instead of being guessed.
    parse_duration("2d"), "36h", "90m", "1d12h", "45s", "3" (a bare number is days)
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

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
    """An aware datetime from ISO 8601 text with a UTC offset (or Z); anything without one is
    refused (see the module docstring)."""
    if isinstance(text, datetime):
        if text.tzinfo is None:
            raise ValueError(f"{text.isoformat()} has no UTC offset; write it like "
                             "2026-10-15T23:59+02:00 (or ...Z for UTC)")
        return text
    spec = text.strip()
    try:
        moment = datetime.fromisoformat(spec.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-10-15T23:59+02:00") from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset, so it is a different instant on every "
                         "machine; write it like 2026-10-15T23:59+02:00 (or ...Z for UTC)")
    return moment


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

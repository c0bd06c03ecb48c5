"""Schedule slots in UTC: when a 1h, 6h or daily schedule runs next; pure, no I/O."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Final

EVERY_CHOICES: Final = ("1h", "6h", "daily")
DEFAULT_DAILY_AT: Final = "09:00"

_AT = re.compile(r"^(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)$")
_TEXT_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _aware_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC)


def normalise_at(every: str, at: str | None) -> str | None:
    """Return ``at`` as ``HH:MM`` for a daily schedule (09:00 when None), None otherwise.

    Raises ValueError for an unknown ``every``, a malformed time, or a time given for an
    hourly schedule (where it would be silently ignored).
    """
    if every not in EVERY_CHOICES:
        raise ValueError(f"every must be one of {', '.join(EVERY_CHOICES)}, got {every!r}")
    if every != "daily":
        if at is not None:
            raise ValueError(f"a time of day only goes with a daily schedule, not {every!r}")
        return None
    match = _AT.match((DEFAULT_DAILY_AT if at is None else at).strip())
    if match is None:
        raise ValueError(f"the time must be HH:MM in UTC (00:00 to 23:59), got {at!r}")
    return f"{int(match['hour']):02d}:{match['minute']}"


def next_run(every: str, at: str | None, after: datetime) -> datetime:
    """Return the first slot strictly after ``after``, in UTC.

    ``1h`` runs at every full hour, ``6h`` at 00:00, 06:00, 12:00 and 18:00, ``daily`` at
    ``at`` (``HH:MM``, 09:00 when None; ignored for the others). ``after`` must be
    timezone-aware. After a downtime this is one slot, not one per missed slot.
    """
    moment = _aware_utc(after, "after")
    daily_at = normalise_at(every, at if every == "daily" else None)
    hour_start = moment.replace(minute=0, second=0, microsecond=0)
    if every == "1h":
        return hour_start + timedelta(hours=1)
    if every == "6h":
        return hour_start.replace(hour=moment.hour - moment.hour % 6) + timedelta(hours=6)
    hour, minute = (int(part) for part in (daily_at or DEFAULT_DAILY_AT).split(":"))
    slot = moment.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return slot if slot > moment else slot + timedelta(days=1)


def to_utc_text(moment: datetime) -> str:
    """Return ``moment`` as the store's UTC text, e.g. ``2024-01-31T09:00:00.000Z``.

    The fixed width (milliseconds, like SQLite's own ``strftime('%f')`` defaults) makes
    text order the same as time order, so SQL can compare these strings.
    """
    utc = _aware_utc(moment, "the time")
    return f"{utc.strftime(_TEXT_FORMAT)}.{utc.microsecond // 1000:03d}Z"


def from_utc_text(text: str) -> datetime:
    """Return the aware UTC datetime of a `to_utc_text` string."""
    return datetime.strptime(text, f"{_TEXT_FORMAT}.%fZ").replace(tzinfo=UTC)

"""The only place that reads the clock: entry points pass the result down as ``as_of``."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today_in_london() -> date:
    return datetime.now(LONDON).date()


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def midday_in_london(day: date) -> datetime:
    """Noon on ``day`` in London, as UTC: a moment inside any working day's sending hours."""
    return datetime.combine(day, time(12), LONDON).astimezone(timezone.utc)

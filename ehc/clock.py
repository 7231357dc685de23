"""The only place that reads the clock: entry points pass the result down as ``as_of``."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today_in_london() -> date:
    return datetime.now(LONDON).date()


def now_utc() -> datetime:
    return datetime.now(timezone.utc)

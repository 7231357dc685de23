"""The only place that reads the clock.

Services take the time from ``App.clock`` (a ``Clock``), so a test or a
replay can hand them another; entry points read it for their defaults and
pass the day down as ``as_of``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime:
        """This moment, UTC-aware."""

    def today(self) -> date:
        """Today's date in Europe/London."""


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return now_utc()

    def today(self) -> date:
        return today_in_london()


def today_in_london() -> date:
    return datetime.now(LONDON).date()


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def midday_in_london(day: date) -> datetime:
    """Noon on ``day`` in London, as UTC: a moment inside any working day's sending hours."""
    return datetime.combine(day, time(12), LONDON).astimezone(timezone.utc)

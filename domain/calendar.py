"""Working-day arithmetic over a calendar that is passed in as data.

Statutory EHC timescales are calendar-based; working days only shape
reminders, escalations and the "last working day on or before" view
(docs/RULES.md, "Working days: where they matter"). A working day is Monday
to Friday and not an England bank holiday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable


@dataclass(frozen=True)
class WorkingCalendar:
    """Bank holidays as data, with the years they are known to be complete for.

    ``bank_holidays`` may hold rule-based dates beyond ``last_known_year``;
    asking about such a year still answers, but what is shown from it carries
    ``coverage_warning``, because one-off holidays (a jubilee, a coronation)
    are only known once announced.
    """

    bank_holidays: frozenset[date]
    first_known_year: int
    last_known_year: int

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays

    def last_working_day_on_or_before(self, day: date) -> date:
        """``day`` itself when it is a working day, else the nearest one before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def shift_working_days(self, day: date, count: int) -> date:
        """Move ``count`` working days later (or earlier when negative).

        ``day`` itself is not counted: Friday shifted by 1 is the next Monday,
        unless that is a bank holiday. A count of 0 returns ``day`` unchanged.
        """
        step = timedelta(days=1 if count > 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def within_working_days(self, as_of: date, day: date, count: int) -> bool:
        """``day`` (itself a working day) is ``as_of`` or one of the ``count`` working days after it."""
        return as_of <= day and self.shift_working_days(day, -count) <= as_of

    def coverage_warning(self, days: Iterable[date]) -> str | None:
        """What a reader of these days must be told when any lies in a year the bank-holiday data may not cover."""
        years = sorted({day.year for day in days if not self.first_known_year <= day.year <= self.last_known_year})
        if not years:
            return None
        return (f"bank holidays for {', '.join(map(str, years))} may be incomplete: the calendar's data covers "
                f"{self.first_known_year}-{self.last_known_year}")

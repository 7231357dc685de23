"""The one place the working calendar is built: England bank holidays from `holidays`."""

from __future__ import annotations

import holidays

from domain.calendar import WorkingCalendar

FIRST_YEAR = 2014  # the SEND Regulations 2014 came into force on 1 September 2014
RULE_BASED_MARGIN_YEARS = 10


def england_calendar(known_until: int) -> WorkingCalendar:
    """Bank holidays for England, with substitute days and one-off holidays.

    The ENG subdivision is required: plain GB omits Easter Monday and the
    summer bank holiday. Years after ``known_until`` are still computed from
    the rules (so arithmetic works); a timeline that reaches them says so in its warnings.
    """
    years = range(FIRST_YEAR, known_until + RULE_BASED_MARGIN_YEARS + 1)
    days = holidays.country_holidays("GB", subdiv="ENG", years=years)
    return WorkingCalendar(
        bank_holidays=frozenset(days.keys()),
        first_known_year=FIRST_YEAR,
        last_known_year=known_until,
    )

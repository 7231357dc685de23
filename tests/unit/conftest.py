"""Shared fixtures for the pure domain tests.

The working calendar is the real England calendar (built once: it is immutable).
Closures are written out here as data, so these tests never depend on the
packaged LA file (one test in test_exceptions.py loads it on purpose).
"""

from __future__ import annotations

from datetime import date

import pytest

from config.calendar import england_calendar
from domain.calendar import WorkingCalendar
from domain.closures import Closure, ClosureCalendar, SettingKind

KNOWN_UNTIL = 2027

# Summer 2026 for LA-maintained schools: closed Wed 22 Jul, back Wed 2 Sep (42 days).
LA_SUMMER_2026 = Closure(date(2026, 7, 22), date(2026, 9, 2), "LA summer 2026")
# An academy trust's own summer: closed Wed 15 Jul, back Thu 27 Aug (43 days).
TRUST_SUMMER_2026 = Closure(date(2026, 7, 15), date(2026, 8, 27), "Trust summer 2026")
# Easter 2026: Sat 28 Mar to Mon 13 Apr (16 days): too short for Reg 10(4).
LA_EASTER_2026 = Closure(date(2026, 3, 28), date(2026, 4, 13), "LA Easter 2026")
TRUST_SCHOOL = "URN-140001"


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return england_calendar(KNOWN_UNTIL)


@pytest.fixture(scope="session")
def closures() -> ClosureCalendar:
    every_kind = (LA_EASTER_2026, LA_SUMMER_2026)
    return ClosureCalendar(
        defaults={kind: every_kind for kind in SettingKind},
        overrides={TRUST_SCHOOL: (TRUST_SUMMER_2026,)},
    )

"""Integration fixtures: the case store on a real database (SQLite and PostgreSQL).

`database_url` (tests/conftest.py) is a fresh, migrated store on each database;
`empty_database_url` is the same without the migration, for schema tests.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest

from config.calendar import england_calendar
from domain.closures import Closure, ClosureCalendar, SettingKind
from store.unit_of_work import CaseDatabase

# Summer 2026 for LA schools: closed Wed 22 Jul, back Wed 2 Sep (written out here, not read from config/la).
SUMMER_2026 = Closure(date(2026, 7, 22), date(2026, 9, 2), "summer 2026")


@pytest.fixture(scope="session")
def calendar():
    return england_calendar(2027)


@pytest.fixture(scope="session")
def closures() -> ClosureCalendar:
    return ClosureCalendar(defaults={kind: (SUMMER_2026,) for kind in SettingKind})


@pytest.fixture
def case_database(engine, calendar, closures) -> CaseDatabase:
    """The store's units of work on the test's engine, with the calendar and closures above."""
    return CaseDatabase(engine, calendar, closures)


@pytest.fixture
def unit_of_work(case_database):
    """``with unit_of_work() as store:`` one unit of work's case repository, committed at the end, as a command
    does it."""

    @contextmanager
    def open_store():
        with case_database.unit_of_work() as work:
            yield work.cases

    return open_store

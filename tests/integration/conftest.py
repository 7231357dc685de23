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
from store.cases import CaseStore
from store.db import session_factory

# Summer 2026 for LA schools: closed Wed 22 Jul, back Wed 2 Sep (written out here, not read from config/la).
SUMMER_2026 = Closure(date(2026, 7, 22), date(2026, 9, 2), "summer 2026")


@pytest.fixture(scope="session")
def calendar():
    return england_calendar(2027)


@pytest.fixture(scope="session")
def closures() -> ClosureCalendar:
    return ClosureCalendar(defaults={kind: (SUMMER_2026,) for kind in SettingKind})


@pytest.fixture
def unit_of_work(engine, calendar, closures):
    """``with unit_of_work() as store:`` one transaction, committed at the end, as the CLI does it."""
    sessions = session_factory(engine)

    @contextmanager
    def open_store():
        with sessions.begin() as session:
            yield CaseStore(session, calendar, closures)

    return open_store

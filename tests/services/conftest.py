"""Service tests: the use cases in ehc/services/ on the fakes (tests/fakes.py), with no database and no Prefect.

Each test gets an App from ``bootstrap`` with an in-memory case database, a
recording orchestrator and a clock stopped at noon in London on Mon 30 Nov
2026 (TODAY), after everything the usual request records: events dated after
today are refused. What needs SQL is tested on
SQLite and PostgreSQL in tests/integration/.
"""

from __future__ import annotations

from datetime import date

import pytest

from config.calendar import england_calendar
from config.settings import Settings
from domain.closures import Closure, ClosureCalendar, SettingKind
from ehc.bootstrap import App, bootstrap
from tests.fakes import FixedClock, InMemoryCaseDatabase, RecordingOrchestrator

TODAY = date(2026, 11, 30)
RECEIVED = date(2026, 3, 2)  # Mon: decision due Mon 13 Apr, no-plan notice Mon 22 Jun, final plan Mon 20 Jul
# Summer 2026 for LA schools: closed Wed 22 Jul, back Wed 2 Sep (written out here, not read from config/la).
SUMMER_2026 = Closure(date(2026, 7, 22), date(2026, 9, 2), "summer 2026")


@pytest.fixture(scope="session")
def calendar():
    return england_calendar(2027)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.on(TODAY)


@pytest.fixture
def orchestrator() -> RecordingOrchestrator:
    return RecordingOrchestrator()


@pytest.fixture
def database(calendar) -> InMemoryCaseDatabase:
    return InMemoryCaseDatabase(calendar, ClosureCalendar(defaults={kind: (SUMMER_2026,) for kind in SettingKind}))


@pytest.fixture
def app(tmp_path, clock, orchestrator, database) -> App:
    return bootstrap(Settings(state_dir=tmp_path / "state"), orchestrator=orchestrator, clock=clock,
                     database=database)

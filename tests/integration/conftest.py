"""Integration fixtures: the case store on a real database (SQLite and PostgreSQL).

`database_url` (tests/conftest.py) is a fresh, migrated store on each database;
`empty_database_url` is the same without the migration, for schema tests.
"""

from __future__ import annotations

import itertools
import os
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import MetaData, create_engine, inspect, select, text

from config.calendar import england_calendar
from domain.closures import Closure, ClosureCalendar, SettingKind
from store.cases import CaseStore
from store.db import make_engine, session_factory

# Summer 2026 for LA schools: closed Wed 22 Jul, back Wed 2 Sep (written out here, not read from config/la).
SUMMER_2026 = Closure(date(2026, 7, 22), date(2026, 9, 2), "summer 2026")

_empty_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def calendar():
    return england_calendar(2027)


@pytest.fixture(scope="session")
def closures() -> ClosureCalendar:
    return ClosureCalendar(defaults={kind: (SUMMER_2026,) for kind in SettingKind})


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def unit_of_work(engine, calendar, closures):
    """``with unit_of_work() as store:`` one transaction, committed at the end, as the CLI does it."""
    sessions = session_factory(engine)

    @contextmanager
    def open_store():
        with sessions.begin() as session:
            yield CaseStore(session, calendar, closures)

    return open_store


@pytest.fixture
def dump_tables(engine):
    """Every row of every table, in primary-key order, as text: equal dumps mean an unchanged store."""

    def dump() -> dict[str, list[tuple]]:
        metadata = MetaData()
        metadata.reflect(engine)
        tables = {}
        with engine.connect() as connection:
            for name in sorted(inspect(engine).get_table_names()):
                table = metadata.tables[name]
                order = list(table.primary_key.columns) or list(table.columns)
                tables[name] = [tuple(repr(v) for v in row)
                                for row in connection.execute(select(table).order_by(*order))]
        return tables

    return dump


@pytest.fixture
def count_rows(engine):
    def count(table: str) -> int:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()

    return count


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request, tmp_path) -> str:
    """A database with nothing in it (no migration run), on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty' / 'ehc.sqlite3'}"
    admin_url = request.getfixturevalue("postgres_admin_url")
    name = f"ehc_empty_{os.getpid()}_{next(_empty_numbers)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"

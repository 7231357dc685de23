"""Shared fixtures: a case store on SQLite and on a real PostgreSQL server.

PostgreSQL comes from EHC_TEST_POSTGRES_URL (an admin URL that may create
databases) or, failing that, a throwaway cluster started here from the
installed PostgreSQL binaries. Without either, PostgreSQL tests are skipped,
unless EHC_REQUIRE_POSTGRES=1 (as the README's test command sets) makes that
a failure.
"""

from __future__ import annotations

import itertools
import json
import os
from contextlib import closing
from pathlib import Path
from typing import Iterable

import pytest
from sqlalchemy import MetaData, create_engine, inspect, select, text

from store.db import make_engine, upgrade
from tests.postgres_cluster import PostgresCluster, PostgresNotInstalled

_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_admin_url():
    url = os.environ.get("EHC_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    try:
        cluster = PostgresCluster().start()
    except PostgresNotInstalled as missing:
        if os.environ.get("EHC_REQUIRE_POSTGRES") == "1":
            pytest.fail(str(missing))
        pytest.skip(str(missing))
    try:
        yield cluster.admin_url
    finally:
        cluster.stop()


def _fresh_postgres_database(admin_url: str) -> str:
    """A new, empty database on the test server; returns its URL."""
    name = f"ehc_test_{os.getpid()}_{next(_database_numbers)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


ON_EACH_DATABASE = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=ON_EACH_DATABASE)
def empty_database_url(request, tmp_path) -> str:
    """A database with nothing in it (no migration run), on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty' / 'ehc.sqlite3'}"
    return _fresh_postgres_database(request.getfixturevalue("postgres_admin_url"))


@pytest.fixture(params=ON_EACH_DATABASE)
def database_url(request, tmp_path) -> str:
    """An empty, migrated case store on each database the product supports."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ehc.sqlite3'}"
    else:
        url = _fresh_postgres_database(request.getfixturevalue("postgres_admin_url"))
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url):
    """A connection pool of the test's own onto the migrated store, to look at the tables directly."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def count_rows(engine):
    def count(table: str) -> int:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()

    return count


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


def _prefect_text(database: Path, results: Iterable[Path] = ()) -> str:
    """Everything Prefect keeps, as text: every value in its database and every stored (pickled) result."""
    import base64
    import sqlite3

    parts: list[str] = []
    with closing(sqlite3.connect(database)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                parts.extend(value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                             for value in row)
    for path in results:
        raw = path.read_bytes()
        parts.append(raw.decode("utf-8", "replace"))
        try:  # a result record: JSON whose "result" is a base64 pickle
            encoded = json.loads(raw).get("result") or ""
        except (ValueError, AttributeError):  # a bare base64 pickle (e.g. flow parameters)
            encoded = raw
        try:
            parts.append(base64.b64decode(encoded, validate=False).decode("utf-8", "replace"))
        except ValueError:
            pass
    return "\n".join(parts)


@pytest.fixture
def prefect_text():
    """``prefect_text(database, result_files)``: search it for what must never reach Prefect."""
    return _prefect_text

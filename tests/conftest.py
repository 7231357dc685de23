"""Shared fixtures: a case store on SQLite and on a real PostgreSQL server.

PostgreSQL comes from EHC_TEST_POSTGRES_URL (an admin URL that may create
databases) or, failing that, a throwaway cluster started here from the
installed PostgreSQL binaries. Without either, PostgreSQL tests are skipped,
unless EHC_REQUIRE_POSTGRES=1 (as the README's test command sets) makes that
a failure.

Migrations run once per session per database kind: ``database_url`` copies a
migrated template (a checkpointed SQLite file copied per test; a PostgreSQL
``CREATE DATABASE ... TEMPLATE``), so each test still gets a store of its own.
``empty_database_url`` stays unmigrated, for the migration tests.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from contextlib import closing
from pathlib import Path
from typing import Iterable

import pytest
from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from store.db import make_engine, upgrade
from tests.postgres_cluster import PostgresCluster, PostgresNotInstalled

_database_numbers = itertools.count(1)


# Folders whose every test is in the slow lane (`bin/test --all`, or `bin/test tests/flows`); a single module is
# marked with `pytestmark = pytest.mark.slow` instead.
SLOW_FOLDERS = tuple(Path(__file__).resolve().parent / name for name in ("browser", "flows", "reliability"))


@pytest.hookimpl(tryfirst=True)  # marked before -m "not slow" deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.path.is_relative_to(folder) for folder in SLOW_FOLDERS):
            item.add_marker(pytest.mark.slow)


def pytest_configure(config: pytest.Config) -> None:
    """The fast lane: ``bin/test`` sets EHC_TEST_LANE=fast, and a run of the whole suite then leaves out the
    tests marked ``slow`` (-m "not slow"). Test paths named on the command line run as asked, slow or not, and
    a -m of your own is kept as it is. ``bin/test --all`` (EHC_TEST_LANE=all, as in CI) runs everything."""
    if (os.environ.get("EHC_TEST_LANE") == "fast" and config.args_source != pytest.Config.ArgsSource.ARGS
            and not config.option.markexpr):
        config.option.markexpr = "not slow"


def pytest_report_header(config: pytest.Config) -> str | None:
    lane = os.environ.get("EHC_TEST_LANE")
    if lane == "fast" and config.args_source == pytest.Config.ArgsSource.ARGS:
        return "lane: the tests named, slow or not"
    if lane == "fast" and config.option.markexpr == "not slow":
        return 'lane: fast (-m "not slow"; `bin/test --all` runs the slow tests too)'
    if lane:
        return f"lane: {lane}" + (f" (-m {config.option.markexpr!r})" if config.option.markexpr else "")
    return None


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


class PostgresDatabases:
    """Creates the tests' databases on the test server, through one admin connection pool for the session.

    Nothing is dropped: DROP DATABASE forces a checkpoint, and a test's app often leaves its connection
    pool to the garbage collector (so the drop must end those sessions, 0.1 s more). Dropping each database
    after its test, or 25 at a time, made the fast lane 20-40 s slower than deleting the throwaway server's
    files when the session ends (about 8 s). On a server given by EHC_TEST_POSTGRES_URL the databases stay,
    as they always have.
    """

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self._admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)

    def url(self, name: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def create(self, template: str | None = None) -> str:
        """A new database (empty, or a copy of ``template``, which nobody may be connected to); returns its URL."""
        name = f"ehc_test_{os.getpid()}_{next(_database_numbers)}"
        copy = f' TEMPLATE "{template}"' if template else ""
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        return self.url(name)

    def close(self) -> None:
        self._admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases(postgres_admin_url) -> PostgresDatabases:
    databases = PostgresDatabases(postgres_admin_url)
    yield databases
    databases.close()


ON_EACH_DATABASE = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=ON_EACH_DATABASE)
def empty_database_url(request, tmp_path) -> str:
    """A database with nothing in it (no migration run), on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty' / 'ehc.sqlite3'}"
    return request.getfixturevalue("postgres_databases").create()


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory) -> Path:
    """One SQLite file migrated to the newest revision, checkpointed and closed: copied for each test."""
    path = tmp_path_factory.mktemp("migrated-template") / "ehc.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        with engine.connect() as connection:  # the store runs in WAL mode: fold the log into the file
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    for side_file in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if side_file.exists() and side_file.stat().st_size:  # would hold what a plain file copy misses
            raise RuntimeError(f"{side_file} is not empty after a checkpoint and close: the template is incomplete")
        side_file.unlink(missing_ok=True)
    return path


@pytest.fixture(scope="session")
def migrated_postgres_template(postgres_databases) -> str:
    """One PostgreSQL database migrated to the newest revision, with no connection left open: copied for each test.

    CREATE DATABASE ... TEMPLATE refuses a template anyone is connected to, so the migrating engine is disposed
    here and the tests only ever see copies.
    """
    url = postgres_databases.create()
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return make_url(url).database


@pytest.fixture(params=ON_EACH_DATABASE)
def database_url(request, tmp_path) -> str:
    """An empty, migrated case store of the test's own, on each database the product supports.

    A copy of the session's migrated template (``migrated_sqlite_template``, ``migrated_postgres_template``):
    the migrations run once per session and database, not once per test.
    """
    if request.param == "sqlite":
        path = tmp_path / "ehc.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_template"), path)
        return f"sqlite:///{path}"
    template = request.getfixturevalue("migrated_postgres_template")
    return request.getfixturevalue("postgres_databases").create(template=template)


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

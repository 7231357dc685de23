"""Hostile input: fixtures and the fuzzing profiles.

Profiles (pick one with HYPOTHESIS_PROFILE; the default is ``ci``):

- ``ci``: derandomised (the same examples on every run, so CI never flakes on
  a new one), 25 examples per property that goes through the CLI and a real
  database, 100 for the pure ones, no deadline;
- ``long``: randomised, 1,000 examples per store property (4,000 pure), for a soak run:
  ``HYPOTHESIS_PROFILE=long EHC_REQUIRE_POSTGRES=1 .venv/bin/python -m pytest tests/hostile``.

The profiles are applied with ``@FUZZ`` to these tests only, so loading this
file changes no other test's settings.

Each property reuses one store for all its examples (a function-scoped
fixture under ``@given``): that is sound here because the property is that a
refused input leaves the store exactly as it was, which every example checks.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import MetaData, inspect, select
from sqlalchemy.engine import make_url

from tests.cli_run import ehc_runner
from tests.fakes import FixedClock

_SHARED = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                     HealthCheck.data_too_large])
settings.register_profile("ci", derandomize=True, max_examples=25, print_blob=True, **_SHARED)
settings.register_profile("long", derandomize=False, max_examples=1000, print_blob=True, **_SHARED)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ = settings(settings.get_profile(PROFILE if PROFILE in ("ci", "long") else "ci"))
# Properties with no database (models, spreadsheet writers) are cheap: four times as many examples.
FUZZ_PURE = settings(FUZZ, max_examples=FUZZ.max_examples * 4)

ACTOR = "caseworker.hostile"
HOSTILE_NOW = datetime(2027, 12, 31, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def store_env(database_url: str, tmp_path: Path, monkeypatch) -> str:
    """The CLI pointed at a fresh migrated store (SQLite or PostgreSQL), no Prefect server, no user settings."""
    monkeypatch.setenv("EHC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("EHC_ACTOR", ACTOR)
    monkeypatch.setenv("EHC_DATABASE_URL", database_url)
    monkeypatch.delenv("EHC_LA_CONFIG", raising=False)
    # Events dated after today are refused: the App's clock stands after every date the properties record.
    monkeypatch.setattr("ehc.bootstrap.SystemClock", lambda: FixedClock(HOSTILE_NOW))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    return database_url


@pytest.fixture
def ehc(store_env):
    """Run `ehc ARGS...` in-process. An uncaught exception is raised, not turned into an exit code."""
    return ehc_runner()


@pytest.fixture
def snapshot(store_env, engine):
    """Everything stored, as comparable data: every row of every table, and on SQLite the full SQL dump too.

    The rows are dumped as tests/conftest.py's ``dump_tables`` does (every table in primary-key order, each
    value's repr), but the schema is reflected once rather than on every call: a property compares
    hundreds of dumps. A refused command cannot add a table, and the SQLite dump would show it if it did.
    """
    url = make_url(store_env)
    metadata = MetaData()
    metadata.reflect(engine)
    tables = [(name, metadata.tables[name]) for name in sorted(inspect(engine).get_table_names())]

    def rows() -> dict[str, list[tuple]]:
        with engine.connect() as connection:
            return {name: [tuple(repr(v) for v in row) for row in connection.execute(
                        select(table).order_by(*(list(table.primary_key.columns) or list(table.columns))))]
                    for name, table in tables}

    def take() -> dict:
        state = {"tables": rows()}
        if url.get_backend_name() == "sqlite":
            with closing(sqlite3.connect(url.database)) as connection:
                state["sqlite_dump"] = list(connection.iterdump())
        return state

    return take


@pytest.fixture
def refused(ehc, snapshot):
    """``refused(*args)``: run the command, require exit 2 with one clear message and no change to the store.

    Returns the message (stderr without the "error: " lead).
    """
    def check(*args: str, before: dict | None = None) -> str:
        before = before if before is not None else snapshot()
        ran = ehc(*args, expect=None)
        assert ran.exit_code == 2, str(ran)
        assert "Traceback" not in ran.stderr and "Traceback" not in ran.stdout, str(ran)
        assert ran.stderr.startswith("error: "), str(ran)
        after = snapshot()
        if after != before:  # named briefly: a full dump of both stores would bury the command that did it
            changed = sorted(name for name in after["tables"] if after["tables"][name] != before["tables"].get(name))
            pytest.fail(f"the store changed (tables {changed}): {ran}")
        return ran.stderr.removeprefix("error: ").strip()

    return check


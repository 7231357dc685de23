"""End-to-end fixtures: the `ehc` CLI run in-process against a real case store.

`bootstrap()` reads `config.settings.Settings()` from the environment on every
command, so the environment set here (with monkeypatch) is what each command
sees. The store is the `database_url` fixture's: a fresh, migrated SQLite file
or a fresh PostgreSQL database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_run import ehc_runner

ACTOR = "caseworker.alice"


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch) -> Path:
    """An environment of its own: no user settings leak in; the LA config is the packaged one."""
    state = tmp_path / "state"
    monkeypatch.setenv("EHC_STATE_DIR", str(state))
    monkeypatch.setenv("EHC_ACTOR", ACTOR)
    monkeypatch.delenv("EHC_DATABASE_URL", raising=False)
    monkeypatch.delenv("EHC_LA_CONFIG", raising=False)
    return state


@pytest.fixture
def store_url(database_url: str, state_dir: Path, monkeypatch) -> str:
    """The CLI pointed (by EHC_DATABASE_URL) at a fresh migrated store, on SQLite and on PostgreSQL."""
    monkeypatch.setenv("EHC_DATABASE_URL", database_url)
    return database_url


@pytest.fixture
def ehc():
    """Run `ehc ARGS...` in-process; ``expect`` is the exit code the run must end with."""
    return ehc_runner()


@pytest.fixture
def sql(store_url: str, engine):
    """A separate connection to the CLI's store, to look at the tables directly."""
    return engine

"""Flow tests: one Prefect test server for the session, and `ehc serve` processes pointed at it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from config.settings import Settings
from ehc.bootstrap import App, bootstrap
from ehc.orchestration.orchestrator import TaskWorkerOrchestrator
from ehc.orchestration.serve import ServeProcess
from flows import _app
from store.db import upgrade

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def prefect_api_url(tmp_path_factory) -> str:
    from prefect.settings import PREFECT_API_URL, PREFECT_LOCAL_STORAGE_PATH, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    storage = tmp_path_factory.mktemp("prefect-results")
    with prefect_test_harness(server_startup_timeout=120):
        with temporary_settings(updates={PREFECT_LOCAL_STORAGE_PATH: str(storage)}):
            yield PREFECT_API_URL.value()


@pytest.fixture
def prefect_db_path() -> Path:
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL

    return Path(PREFECT_SERVER_DATABASE_CONNECTION_URL.value().removeprefix("sqlite+aiosqlite:///"))


@pytest.fixture
def state_dir(tmp_path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def results_dir(tmp_path) -> Path:
    """The result storage this test and its `ehc serve` share: a delayed pass's parameters are written here."""
    return tmp_path / "results"


@pytest.fixture
def app(state_dir, prefect_api_url, results_dir) -> App:
    app_ = bootstrap(Settings(state_dir=state_dir, database_url=None),
                     orchestrator=TaskWorkerOrchestrator(prefect_api_url, results_dir))
    upgrade(app_.engine)
    return app_


@pytest.fixture
def engine(app):
    """The test's store, for the shared ``dump_tables`` (tests/conftest.py) to read."""
    return app.engine


@pytest.fixture
def server(app, prefect_api_url, state_dir, results_dir, tmp_path):
    env = {**os.environ, "PREFECT_API_URL": prefect_api_url, "EHC_STATE_DIR": str(state_dir),
           "PREFECT_LOCAL_STORAGE_PATH": str(results_dir), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "EHC_ACTOR": "flow-test"}
    env.pop("EHC_DATABASE_URL", None)
    serving = ServeProcess(env, tmp_path / "serve.log", cwd=ROOT)
    serving.start()
    yield serving
    serving.stop()


@pytest.fixture
def flow_app(tmp_path, monkeypatch, prefect_api_url) -> App:
    """The app the flows build from the environment (flows/_app.py), on a fresh store."""
    monkeypatch.setenv("EHC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("EHC_DATABASE_URL", raising=False)
    _app.app.cache_clear()
    app_ = bootstrap(Settings())
    upgrade(app_.engine)
    yield app_
    _app.app.cache_clear()

"""Web app fixtures: the real app (ehc.web.app.create_web_app) on a real case store, driven in-process.

``web_app`` is an App on the test's own migrated store (``database_url``: SQLite and PostgreSQL), with the
accounts of tests/web/support.py, its clock (``clock``) stopped at TODAY, and a recording orchestrator.
``client`` is a TestClient over the FastAPI app; ``signed_in(username)`` signs it in through the form.
``app_with_caseload(count, **settings)`` is another App on the test's store, holding ``count`` synthetic requests.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ehc.bootstrap import App
from ehc.web.app import create_web_app
from tests.fakes import FixedClock
from tests.web.support import TODAY, add_accounts, add_synthetic_caseload, sign_in, web_app_for


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.on(TODAY)


@pytest.fixture
def web_app(database_url, tmp_path, clock) -> App:
    app = web_app_for(database_url, tmp_path / "state", clock)
    add_accounts(app)
    yield app
    app.engine.dispose()


@pytest.fixture
def client(web_app) -> TestClient:
    with TestClient(create_web_app(web_app), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def signed_in(client):
    """``signed_in(username)``: the client, signed in as that account through the form."""
    def as_user(username: str) -> TestClient:
        sign_in(client, username)
        return client

    return as_user


@pytest.fixture
def app_with_caseload(database_url, tmp_path):
    """``app_with_caseload(count, **settings)``: an App on the test's store (no accounts) holding ``count``
    synthetic requests received over the 30 weeks before TODAY."""
    made = []

    def make(count: int, **settings) -> App:
        app = web_app_for(database_url, tmp_path / "state", **settings)
        add_synthetic_caseload(app, count)
        made.append(app)
        return app

    yield make
    for app in made:
        app.engine.dispose()

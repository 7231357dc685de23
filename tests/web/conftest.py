"""Web app fixtures: the real app (ehc.web.app.create_web_app) on a real case store, driven in-process.

``web_app`` is an App on the test's own migrated store (``database_url``: SQLite, and PostgreSQL where a test
asks for both), with its clock stopped at noon in London on TODAY, a recording orchestrator and a cheap
argon2 hasher (hashes made with it verify like any other; the production parameters cost ~50 ms a hash).
``client`` is an httpx TestClient over the FastAPI app; ``sign_in`` signs it in through the form as a
person would. The accounts (``ACCOUNTS``): two caseworkers of different teams, a manager and an admin.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from config.settings import Settings
from ehc.bootstrap import App, bootstrap
from ehc.services.users import add_user
from ehc.web.app import create_web_app
from tests.fakes import FixedClock, RecordingOrchestrator

TODAY = date(2026, 11, 30)  # a Monday
PASSWORD = "correct horse battery staple"
# username: (role, team, name as cases name their caseworker)
ACCOUNTS = {
    "alice": ("caseworker", "North", "A Okafor"),
    "bruno": ("caseworker", "South", "B Hughes"),
    "maria": ("manager", "North", None),
    "ada": ("admin", None, None),
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def settings_for(database_url: str, state_dir, **overrides) -> Settings:
    return Settings(state_dir=state_dir, database_url=database_url, secret_key="test-signing-key-" + "x" * 32,
                    **overrides)


def web_app_for(database_url: str, state_dir, clock=None, **overrides) -> App:
    app = bootstrap(settings_for(database_url, state_dir, **overrides), orchestrator=RecordingOrchestrator(),
                    clock=clock or FixedClock.on(TODAY))
    app.password_hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    return app


def add_accounts(app: App) -> None:
    for username, (role, team, name) in ACCOUNTS.items():
        add_user(app, username, role, PASSWORD, team=team, display_name=name)


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


def form_token(client: TestClient, path: str = "/sign-in") -> str:
    """The CSRF token of the form on the page at ``path``."""
    page = client.get(path)
    found = CSRF.search(page.text)
    assert found, f"no csrf_token on {path}: {page.status_code}"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD, *, expect: int = 303):
    """Sign in through the form, as a browser does; the client keeps the session cookie."""
    response = client.post("/sign-in", data={"username": username, "password": password,
                                             "csrf_token": form_token(client)}, follow_redirects=False)
    assert response.status_code == expect, response.text[:2000]
    return response


@pytest.fixture
def signed_in(client):
    """``signed_in(username)``: the client signed in as that account."""
    def as_user(username: str) -> TestClient:
        sign_in(client, username)
        return client

    return as_user

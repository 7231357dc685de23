"""What the web tests share: the day they run on, the accounts, an App on a test store, signing in by the form.

TODAY is noon in London on Mon 30 Nov 2026. The accounts (``ACCOUNTS``, password ``PASSWORD``): alice and
bruno, caseworkers of the North and South teams; maria, the North team's manager; ada, an admin.
``web_app_for`` hashes passwords with argon2's cheapest parameters (a hash made with them verifies like any
other; the production parameters cost ~50 ms a hash, which a test signing in often would feel).
"""

from __future__ import annotations

import re
from datetime import date

from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from config.settings import Settings
from ehc.bootstrap import App, bootstrap
from ehc.clock import now_utc
from ehc.demo.synthetic import SYNTHETIC_CONTRIBUTORS, synthetic_caseload
from ehc.services.users import add_user
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


def add_synthetic_caseload(app: App, count: int, seed: int = 14) -> None:
    """``count`` synthetic requests received over the 30 weeks before TODAY (ehc/demo/synthetic.py), with the
    contributors they ask for advice."""
    with app.unit_of_work() as work:
        for contributor in SYNTHETIC_CONTRIBUTORS:
            work.cases.add_contributor(contributor.code, contributor.name, contributor.agency.value)
    with app.unit_of_work() as work:
        work.cases.import_caseload(synthetic_caseload(count, TODAY, weeks=30, seed=seed), "test", now_utc())


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

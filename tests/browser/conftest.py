"""Browser fixtures: the real web app under uvicorn on a loopback port, driven by Debian's Chromium.

Every test here is slow (tests/conftest.py marks the folder): `bin/test --all`, or name the folder.
Playwright drives /usr/bin/chromium and never downloads a browser of its own.

- ``live_app``: the App behind the server: a migrated SQLite store with the accounts of tests/web/support.py
  and 300 synthetic requests over 30 weeks, its clock stopped at TODAY.
- ``server_url``: ``http://127.0.0.1:PORT`` of uvicorn serving ``create_web_app(live_app)`` in a thread.
- ``browser``: Chromium, headless; ``new_page(javascript=True, bypass_csp=False, width=1100)`` opens a page in
  a fresh context (its own cookies). ``bypass_csp=True`` only where axe-core is injected: Playwright injects
  it as an inline script, which the app's Content-Security-Policy rightly refuses.
- ``screenshot(page, name)``: saved under the test's tmp_path and as test-output/web/NAME.png (ignored by git).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.browser.support import CHROMIUM, SCREENSHOTS
from tests.web.support import add_accounts, add_synthetic_caseload, web_app_for

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    state = tmp_path_factory.mktemp("web-state")
    app = web_app_for(f"sqlite:///{state / 'ehc.sqlite3'}", state)
    from store.db import upgrade

    upgrade(app.engine)
    add_accounts(app)
    add_synthetic_caseload(app, 300)
    yield app
    app.engine.dispose()


@pytest.fixture(scope="module")
def server_url(live_app):
    import uvicorn

    from ehc.web.app import create_web_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_web_app(live_app), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, server_url):
    contexts = []

    def open_page(*, javascript: bool = True, bypass_csp: bool = False, width: int = 1100):
        context = browser.new_context(base_url=server_url, java_script_enabled=javascript, bypass_csp=bypass_csp,
                                      viewport={"width": width, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copyfile(path, SCREENSHOTS / f"{name}.png")
        return path

    return save


# tests/browser/support.py has sign_in_as (through the form) and axe_violations (axe-core's serious and critical).

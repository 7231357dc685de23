"""The demo's web app (ehc/demo/web.py) as `ehc demo` runs it, without Prefect: the port it takes, its two
accounts, the contributor's and the parent's link, and the check of its pages, under uvicorn on loopback.

The whole demo, Prefect and all, is tests/e2e/test_demo.py (slow).
"""

from __future__ import annotations

import json
import socket

import httpx
import pytest

from domain.timeline import OPEN_STAGES, Stage
from ehc.demo.web import DemoWebFailed, check_pages, prepare, reserved_port
from ehc.services.casework import find_cases
from ehc.web.server import ServerThread
from tests.web.support import CSRF, TODAY

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def said() -> list[str]:
    return []


@pytest.fixture
def listener(said):
    with reserved_port(f"http://localhost:{free_port()}", said.append) as reserved:
        yield reserved


@pytest.fixture
def demo_app(app_with_caseload, listener):
    return app_with_caseload(80, public_url=listener.public_url)


def open_cases(app) -> dict[str, list[str]]:
    """References of the open cases: waiting for advice, and awaiting a decision."""
    found = find_cases(app, TODAY, stages=OPEN_STAGES)
    return {
        "waiting for advice": [record.reference for record, timeline in found
                               if any(advice.done_on is None for advice in timeline.advice)],
        "awaiting a decision": [record.reference for record, timeline in found
                                if timeline.stage is Stage.AWAITING_DECISION],
    }


def sign_in(browser: httpx.Client, username: str, password: str) -> httpx.Response:
    form = browser.get("/sign-in")
    return browser.post("/sign-in", data={"username": username, "password": password,
                                          "csrf_token": CSRF.search(form.text).group(1)})


@SQLITE_ONLY
def test_the_demo_accounts_see_the_case_whose_links_the_demo_prints(demo_app, listener):
    waiting = open_cases(demo_app)["waiting for advice"]
    web = prepare(demo_app, [waiting[0]])

    with ServerThread(demo_app, listener.sock):
        checked = check_pages(web).checked
        with httpx.Client(base_url=web.public_url, follow_redirects=False) as browser:
            manager = web.accounts[1]
            assert sign_in(browser, manager.username, manager.password).headers["location"] == "/cases"
            case_page = browser.get(f"/cases/{waiting[0]}")
        contributor_page = httpx.get(web.contributor_link)
        parent_page = httpx.get(web.parent_link)

    case = next(record for record, _ in find_cases(demo_app, TODAY, stages=OPEN_STAGES)
                if record.reference == waiting[0])
    assert [(a.username, a.role, a.team, a.name) for a in web.accounts] == [
        ("demo-caseworker", "caseworker", case.team, case.caseworker),
        ("demo-manager", "manager", case.team, None),
    ]
    assert web.dashboard == f"{listener.public_url}/cases"
    assert web.contributor_link.startswith(f"{listener.public_url}/portal/{waiting[0]}/advice/")
    assert web.parent_link.startswith(f"{listener.public_url}/portal/{waiting[0]}/parent/")
    assert checked[0] == "/sign-in answers; demo-caseworker signs in through its form (to /cases)"
    assert checked[1].startswith("/cases lists ") and checked[1].endswith(f" open cases of team {case.team}")
    assert checked[2:] == (f"/cases/{waiting[0]} answers", f"/reviews answers (no plan in force of team {case.team})",
                           "the contributor's link answers", "the parent's link answers")
    assert case_page.status_code == contributor_page.status_code == parent_page.status_code == 200
    assert waiting[0] in contributor_page.text and waiting[0] in parent_page.text


@SQLITE_ONLY
@pytest.mark.parametrize("live, expected", [
    # the live cases given                          the case the links are for
    (["waiting for advice"],                        "that live case"),
    (["awaiting a decision", "waiting for advice"], "the live case waiting for advice"),
    (["awaiting a decision"],                       "the first other open case waiting for advice"),
])
def test_the_links_are_for_a_live_case_waiting_for_advice_else_another_open_case(demo_app, live, expected):
    cases = open_cases(demo_app)
    live_references = [cases[kind][0] for kind in live]

    web = prepare(demo_app, live_references)

    assert web.link_case == {
        "that live case": cases["waiting for advice"][0],
        "the live case waiting for advice": cases["waiting for advice"][0],
        "the first other open case waiting for advice": next(
            reference for reference in cases["waiting for advice"] if reference not in live_references),
    }[expected]
    assert web.advice_key and web.contributor_link


def test_a_port_in_use_is_said_and_a_free_one_taken_that_every_link_names(said):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        with reserved_port(f"http://localhost:{taken}", said.append) as listener:
            assert listener.port != taken
            assert listener.public_url == f"http://127.0.0.1:{listener.port}"
    assert said == [f"       Port {taken} on 127.0.0.1 (from EHC_PUBLIC_URL, http://localhost:{taken}) cannot be "
                    f"used (Address already in use): the web app will listen on 127.0.0.1:{listener.port} "
                    "instead, and every link the demo makes names that port"]


def test_a_free_port_of_the_public_address_is_the_one_taken(said):
    wanted = free_port()
    with reserved_port(f"http://localhost:{wanted}", said.append) as listener:
        assert (listener.port, listener.public_url) == (wanted, f"http://127.0.0.1:{wanted}")


@SQLITE_ONLY
@pytest.mark.parametrize("spoil, refusal", [
    # what goes wrong                the demo stops with
    ("the caseworker's password",    "POST /sign-in answered 401, not 303"),
    ("the contributor's link",       "GET {url}/portal/... answered 404, not 200"),
])
def test_a_page_that_does_not_answer_stops_the_demo_naming_it_and_never_a_token(demo_app, listener, spoil,
                                                                                 refusal):
    from dataclasses import replace

    web = prepare(demo_app, open_cases(demo_app)["waiting for advice"][:1])
    if spoil == "the caseworker's password":
        web = replace(web, accounts=(replace(web.accounts[0], password="not the password at all"),
                                     web.accounts[1]))
    else:
        web = replace(web, contributor_link=web.contributor_link + "x")

    with ServerThread(demo_app, listener.sock), pytest.raises(DemoWebFailed) as stopped:
        check_pages(web)

    assert str(stopped.value) == refusal.format(url=listener.public_url)


@SQLITE_ONLY
def test_the_passwords_are_in_no_json_and_no_repr(demo_app):
    web = prepare(demo_app, open_cases(demo_app)["waiting for advice"][:1])

    shown = json.dumps(web.as_json()) + repr(web)

    assert len({account.password for account in web.accounts}) == 2
    assert all(account.password not in shown for account in web.accounts)
    assert [sorted(account) for account in web.as_json()["accounts"]] == [["name", "role", "team", "username"]] * 2

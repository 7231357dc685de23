"""Signing in and out: the form, the generic refusal, the limits on failed attempts, disabled accounts, the idle
timeout, and the cookie's flags. Every refusal is an audit entry without the password."""

from __future__ import annotations

import pytest

from ehc.services.users import disable_user
from tests.web.support import PASSWORD, form_token, sign_in

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _audit(app, action=None):
    with app.unit_of_work() as work:
        return work.audit.entries(action=action)


@SQLITE_ONLY
def test_the_sign_in_page_has_the_username_and_password_fields_and_the_sign_in_button(client):
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert '<label class="govuk-label" for="username">Username</label>' in page.text
    assert '<label class="govuk-label" for="password">Password</label>' in page.text
    assert '>Sign in</button>' in page.text
    assert 'type="password"' in page.text


@SQLITE_ONLY
def test_a_correct_password_signs_in_to_the_caseload_with_an_httponly_samesite_session_cookie(client, web_app):
    response = sign_in(client, "alice")
    assert response.headers["location"] == "/cases"
    cookie = next(value for name, value in response.headers.multi_items()
                  if name == "set-cookie" and value.startswith("ehc_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain http here
    assert client.get("/cases").status_code == 200
    assert [(e.actor, e.action) for e in _audit(web_app)] == [("alice", "sign_in")]


@SQLITE_ONLY
def test_the_session_cookie_is_secure_when_the_service_is_reached_over_https(database_url, tmp_path):
    from fastapi.testclient import TestClient

    from ehc.web.app import create_web_app
    from tests.web.support import add_accounts, web_app_for

    app = web_app_for(database_url, tmp_path / "state", public_url="https://ehc.example.gov.uk")
    add_accounts(app)
    with TestClient(create_web_app(app), base_url="https://testserver") as client:
        response = sign_in(client, "alice")
    cookies = [value for name, value in response.headers.multi_items() if name == "set-cookie"]
    assert any(value.startswith("ehc_session=") and "Secure" in value for value in cookies)
    app.engine.dispose()


# what was typed -> the audit entry's detail; the page says the same for all of them
WRONG = {
    "wrong password": ("alice", "not the password"),
    "no such user": ("nobody", PASSWORD),
}


@SQLITE_ONLY
@pytest.mark.parametrize("detail", WRONG)
def test_a_wrong_password_and_an_unknown_username_get_the_same_message_and_an_audit_entry(detail, client, web_app):
    username, password = WRONG[detail]
    response = sign_in(client, username, password, expect=401)
    assert "Enter a correct username and password" in response.text
    assert "There is a problem" in response.text
    assert client.get("/cases", follow_redirects=False).headers["location"] == "/sign-in?next=/cases"
    [entry] = _audit(web_app)
    assert (entry.action, entry.subject, entry.detail, entry.client_address) == (
        "sign_in_refused", username, detail, "testclient")
    assert password not in repr(_audit(web_app))


@SQLITE_ONLY
def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(client, web_app):
    sign_in(client, "alice")
    disable_user(web_app, "alice")
    assert client.get("/cases", follow_redirects=False).status_code == 303  # its session ended with it
    response = sign_in(client, "alice", expect=401)
    assert "Enter a correct username and password" in response.text
    assert _audit(web_app, "sign_in_refused")[0].detail == "account disabled"


@pytest.mark.parametrize("database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_after_five_failures_an_account_is_refused_even_the_right_password_until_the_window_passes(
        client, web_app, clock):
    for _ in range(5):
        sign_in(client, "alice", "guess", expect=401)
    locked = sign_in(client, "alice", expect=429)
    assert "You have tried to sign in too many times. Wait 15 minutes and try again" in locked.text
    assert sign_in(client, "bruno", expect=303)  # another account from the same address is not locked
    clock.advance(minutes=16)
    sign_in(client, "alice", expect=303)
    actions = [entry.action for entry in reversed(_audit(web_app))]
    assert actions == ["sign_in_refused"] * 5 + ["sign_in_throttled", "sign_in", "sign_in"]


@SQLITE_ONLY
def test_one_address_trying_many_accounts_is_refused_after_the_per_address_limit(client, web_app):
    for number in range(20):
        sign_in(client, f"user{number}", "guess", expect=401)
    sign_in(client, "alice", expect=429)
    assert _audit(web_app)[0].action == "sign_in_throttled"


@SQLITE_ONLY
def test_a_session_idle_longer_than_the_setting_ends_and_the_next_page_asks_to_sign_in_again(client, web_app, clock):
    sign_in(client, "alice")
    clock.advance(minutes=29)
    assert client.get("/cases").status_code == 200
    clock.advance(minutes=29)  # 58 minutes after signing in, 29 after the last page
    assert client.get("/cases").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/cases/ANY", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/sign-in?next=/cases/ANY")
    assert _audit(web_app)[0].action == "session_expired"
    clock.advance(minutes=1)
    assert client.get("/cases", follow_redirects=False).status_code == 303  # it does not come back


@SQLITE_ONLY
def test_sign_out_ends_the_session_so_its_cookie_no_longer_works(client, web_app):
    sign_in(client, "alice")
    stolen = client.cookies.get("ehc_session")
    response = client.post("/sign-out", data={"csrf_token": form_token(client, "/cases")}, follow_redirects=False)
    assert response.headers["location"] == "/sign-in"
    client.cookies.set("ehc_session", stolen)
    assert client.get("/cases", follow_redirects=False).headers["location"] == "/sign-in?next=/cases"
    assert _audit(web_app)[0].action == "sign_out"


# next= as given -> where signing in goes: this service's paths only
NEXT = {
    "/cases/EHC-1": "/cases/EHC-1",
    "https://evil.example/": "/cases",
    "//evil.example/cases": "/cases",
    "/cases?name=Amelia": "/cases",
}


@SQLITE_ONLY
@pytest.mark.parametrize("given", NEXT)
def test_after_signing_in_only_a_path_of_this_service_is_followed(given, client):
    response = client.post("/sign-in", data={"username": "alice", "password": PASSWORD, "next": given,
                                             "csrf_token": form_token(client)}, follow_redirects=False)
    assert response.headers["location"] == NEXT[given]


@SQLITE_ONLY
def test_the_root_sends_each_role_to_its_start_page(client):
    assert client.get("/", follow_redirects=False).headers["location"] == "/sign-in"
    sign_in(client, "ada")
    assert client.get("/", follow_redirects=False).headers["location"] == "/admin/users"

"""Every POST carries its form's token or is refused with nothing stored; every response carries the security
headers; pages are never cached."""

from __future__ import annotations

import pytest

from tests.web.support import PASSWORD, form_token

BOTH = pytest.mark.parametrize("database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                               indirect=True)
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _without_audit(tables: dict) -> dict:
    return {name: rows for name, rows in tables.items() if name != "audit_log"}


def _audit(app):
    with app.unit_of_work() as work:
        return work.audit.entries()


# what the form sent as its token -> the audit entry's detail
TOKENS = {"missing": (None, "no form token"), "another session's": ("x" * 43, "form token does not match")}


@BOTH
@pytest.mark.parametrize("token", TOKENS)
def test_a_post_without_its_forms_token_is_refused_with_nothing_stored_and_an_audit_entry(
        token, signed_in, web_app, engine, dump_tables):
    client = signed_in("ada")
    before = dump_tables()
    sent, detail = TOKENS[token]
    data = {"username": "mallory", "role": "admin", "password": "x" * 20}
    if sent:
        data["csrf_token"] = sent
    response = client.post("/admin/users", data=data)
    assert response.status_code == 403
    assert "Your form could not be sent" in response.text and "Nothing was saved" in response.text
    assert _without_audit(dump_tables()) == _without_audit(before)  # no account, and the session unchanged
    entry = _audit(web_app)[0]
    assert (entry.action, entry.actor, entry.subject, entry.detail) == ("csrf_refused", "ada", "/admin/users", detail)


@SQLITE_ONLY
def test_the_same_post_with_its_token_is_done(signed_in, web_app):
    client = signed_in("ada")
    response = client.post("/admin/users", data={"username": "mallory", "role": "admin", "password": "x" * 20,
                                                 "csrf_token": form_token(client, "/admin/users")},
                           follow_redirects=False)
    assert response.headers["location"] == "/admin/users?done=added"
    assert "mallory" in client.get("/admin/users").text


@SQLITE_ONLY
def test_sign_out_without_the_token_is_refused_and_the_session_goes_on(signed_in):
    client = signed_in("alice")
    assert client.post("/sign-out", data={}).status_code == 403
    assert client.get("/cases").status_code == 200


@SQLITE_ONLY
def test_a_sign_in_form_token_works_only_with_the_cookie_it_was_made_for(client, web_app):
    token = form_token(client)
    client.cookies.delete("ehc_form")  # as a post from another site arrives: SameSite=Lax keeps the cookie off it
    response = client.post("/sign-in", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 403
    assert client.cookies.get("ehc_session") is None
    assert [entry.action for entry in _audit(web_app)] == ["csrf_refused"]


HEADERS = {
    "content-security-policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
                                "object-src 'none'"),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
# path -> Cache-Control: pages never stored; only the vendored assets may be cached
PATHS = {
    "/sign-in": "no-store",
    "/cases": "no-store",  # answered with a redirect to sign in
    "/no-such-page": "no-store",
    "/static/govuk-frontend/govuk-frontend.min.css": None,
    "/assets/images/govuk-crest.svg": None,
}


@SQLITE_ONLY
@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_security_headers_and_pages_are_not_cached(path, client):
    response = client.get(path, follow_redirects=False)
    assert {name: response.headers.get(name) for name in HEADERS} == HEADERS
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers.get("cache-control") == PATHS[path]


@SQLITE_ONLY
def test_a_signed_in_page_with_case_data_is_not_cached_either(signed_in):
    response = signed_in("alice").get("/cases")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-security-policy"] == HEADERS["content-security-policy"]


@SQLITE_ONLY
def test_pages_have_no_inline_script_or_style_for_the_policy_to_block(signed_in):
    client = signed_in("alice")
    for path in ("/cases", "/team", "/sign-in"):
        page = client.get(path).text
        assert "<script>" not in page and "style=" not in page and "<style" not in page, path
        assert '<script type="module" src="/static/init.js"></script>' in page

"""Who may use the casework forms: every request, GET and POST, is checked against the case's team before
anything is read or stored, and every POST must carry the session's form token."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from tests.web.support import form_token
from tests.web.forms_steps import casework, date_typed, new_case

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the forms are on test here

# Each form of a North case, with what a person would send it.
FORMS = [
    ("/cases/N-1/record", {"event": "decision"}),
    ("/cases/N-1/record/decision", {**date_typed("on", date(2026, 11, 9)), "outcome": "assess"}),
    ("/cases/N-1/events/2/void", {"reason": "Wrong case"}),
    ("/cases/N-1/reassign", {"caseworker": "B Hughes", "team": "South"}),
]


@pytest.fixture
def case(web_app):
    """N-1, North's, received 2 November, with a decision (E2) to void."""
    from ehc.services.casework import record_event
    from domain.events import Decision, DecisionOutcome

    new_case(web_app, "N-1", date(2026, 11, 2))
    record_event(web_app, "N-1", Decision(on=date(2026, 11, 9), outcome=DecisionOutcome.ASSESS), "setup")
    web_app.orchestrator.calls.clear()
    return "N-1"


def audit_actions(engine) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            text("SELECT action, actor, subject FROM audit_log WHERE action != 'sign_in' ORDER BY id"))]


@pytest.mark.parametrize(("path", "fields"), FORMS)
def test_a_caseworker_of_another_team_gets_page_not_found_and_changes_nothing(
        signed_in, web_app, dump_tables, engine, case, path, fields):
    client = signed_in("bruno")
    token = form_token(client, "/cases")  # bruno's own, valid token: only the team stops him
    stored = casework(dump_tables)

    shown = client.get(path)
    sent = client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)

    assert (shown.status_code, sent.status_code) == (404, 404)
    assert "Page not found" in sent.text and "N-1" not in sent.text.split("<main", 1)[1]
    assert casework(dump_tables) == stored
    assert web_app.orchestrator.calls == []
    assert audit_actions(engine) == [("access_refused", "bruno", "N-1")] * 2


def test_intake_refuses_another_teams_case_even_with_a_valid_token(signed_in, dump_tables, case):
    client = signed_in("bruno")
    stored = casework(dump_tables)

    page = client.post("/cases/new", data={"csrf_token": form_token(client, "/cases/new"), "reference": "N-2",
                                           **date_typed("received", date(2026, 11, 2)), "team": "North"})

    assert page.status_code == 400
    assert casework(dump_tables) == stored


@pytest.mark.parametrize(("path", "fields"), [*FORMS, ("/cases/new", {"reference": "N-2", "team": "North",
                                                                      **date_typed("received", date(2026, 11, 2))})])
@pytest.mark.parametrize("token", [None, "not-the-sessions-token"])
def test_a_form_sent_without_its_token_is_refused_and_changes_nothing(
        signed_in, web_app, dump_tables, engine, case, path, fields, token):
    client = signed_in("alice")
    stored = casework(dump_tables)

    sent = client.post(path, data={**fields, **({"csrf_token": token} if token else {})}, follow_redirects=False)

    assert sent.status_code == 403
    assert "Your form could not be sent" in sent.text
    assert casework(dump_tables) == stored
    assert web_app.orchestrator.calls == []
    assert audit_actions(engine) == [("csrf_refused", "alice", path)]


@pytest.mark.parametrize("path", ["/cases/new", *(path for path, _ in FORMS)])
def test_an_admin_sees_no_casework_form(signed_in, path, case):
    assert signed_in("ada").get(path).status_code == 404


@pytest.mark.parametrize("path", ["/cases/new", *(path for path, _ in FORMS)])
def test_signed_out_the_forms_ask_to_sign_in_first(client, path, case):
    shown = client.get(path, follow_redirects=False)

    assert (shown.status_code, shown.headers["location"]) == (303, f"/sign-in?next={path}")

"""`/cases/new`: a request added through the web is added as `ehc request add` adds it (ehc/services/casework.py
add_request), by the person signed in, to a team they may see; a refused one shows what is wrong and stores
nothing. TODAY is Monday 30 November 2026."""

from __future__ import annotations

from datetime import date

import pytest

from tests.web.support import TODAY
from tests.web.forms_steps import (
    banner, case_now, casework, date_typed, error_summary, field_error, kept, new_case, submit,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the forms are on test here

RECEIVED = date(2026, 11, 2)


def intake(reference="N-1", received=RECEIVED, **fields) -> dict[str, str]:
    return {"reference": reference, **date_typed("received", received), "team": "North", **fields}


def test_a_caseworker_adds_a_request_which_is_stored_with_them_as_actor_and_handed_to_orchestration(signed_in,
                                                                                                   web_app):
    client = signed_in("alice")
    sent = submit(client, "/cases/new", intake(
        child_given_name="Sam", child_family_name="Jones", **date_typed("child_date_of_birth", date(2016, 4, 9)),
        caseworker="A Okafor", setting="SCH-1"))

    assert (sent.status_code, sent.headers["location"]) == (303, "/cases/N-1?done=added")
    case = case_now(web_app, "N-1")
    assert (case["timeline"]["received"], case["team"], case["caseworker"], case["setting"]) == (
        "2026-11-02", "North", "A Okafor", "SCH-1")
    assert case["child"] == {"given_name": "Sam", "family_name": "Jones", "date_of_birth": "2016-04-09",
                             "initials": "SJ"}
    assert [(event["type"], event["actor"]) for event in case["events"]] == [("received", "alice")]
    assert web_app.orchestrator.calls == [("hand_over", ["N-1"])]
    assert banner(client.get(sent.headers["location"])) == "Request added"


def test_the_form_suggests_a_caseworkers_own_name_and_team(signed_in):
    page = signed_in("alice").get("/cases/new")

    assert 'name="caseworker" type="text" value="A Okafor"' in page.text
    assert 'name="team" type="text" value="North"' in page.text


@pytest.mark.parametrize(("fields", "anchor", "message"), [
    (intake(received=date(2026, 12, 1)), "#received-day",
     "Date the request was received: 2026-12-01 is after today, 2026-11-30"),
    (intake(received=None), "#received-day", "Enter the date the request was received"),
    (intake(received=("31", "2", "2026")), "#received-day", "Date the request was received: must be a real date"),
    (intake(received=("2", "", "2026")), "#received-day", "Date the request was received: must include a month"),
    (intake(received=("2", "11", "26")), "#received-day",
     "Date the request was received: the year must have 4 digits"),
    (intake(received=date(2014, 8, 29)), "#received-day", "Date the request was received: 2014-08-29 is before "
     "2014-09-01, when EHC needs assessments began (Children and Families Act 2014, Part 3)"),
    (intake(reference=""), "#reference", "Enter the case reference"),
    (intake(reference="N 1"), "#reference", "Case reference: is not a case reference (letters, digits and "
     "/ _ . -, up to 40, starting with a letter or digit)"),
    (intake(team="South"), "#team", "Team: must be North, your own team"),
    (intake(**date_typed("child_date_of_birth", date(2026, 11, 3))), "#child_date_of_birth-day",
     "Child's date of birth: 2026-11-03 is after the request was received (2026-11-02)"),
])
def test_a_refused_request_says_why_at_the_field_keeps_what_was_typed_and_stores_nothing(
        signed_in, web_app, dump_tables, fields, anchor, message):
    client = signed_in("alice")
    before = casework(dump_tables)

    page = submit(client, "/cases/new", fields)

    assert page.status_code == 400
    assert error_summary(page) == [(anchor, message)]
    assert field_error(page, anchor[1:].removesuffix("-day")) == message
    assert "<title>Error: " in page.text
    for name, value in fields.items():
        assert kept(page, name, value), name
    assert casework(dump_tables) == before
    assert web_app.orchestrator.calls == []


def test_every_problem_shows_at_once_in_the_order_of_the_form(signed_in):
    page = submit(signed_in("alice"), "/cases/new", intake(reference="", received=("30", "2", "2026"), team="South"))

    assert [anchor for anchor, _ in error_summary(page)] == ["#reference", "#received-day", "#team"]


def test_a_reference_already_stored_is_refused_at_the_reference(signed_in, web_app, dump_tables):
    new_case(web_app, "N-1", date(2026, 10, 1))
    before = casework(dump_tables)

    page = submit(signed_in("alice"), "/cases/new", intake())

    assert error_summary(page) == [("#reference", "Case reference: a case 'N-1' already exists")]
    assert casework(dump_tables) == before


def test_a_manager_who_sees_every_team_adds_to_any_team(database_url, tmp_path):
    from fastapi.testclient import TestClient

    from ehc.web.app import create_web_app
    from tests.web.support import add_accounts, sign_in, web_app_for

    app = web_app_for(database_url, tmp_path / "state", manager_sees_all_teams=True)
    add_accounts(app)
    with TestClient(create_web_app(app), base_url="http://testserver") as client:
        sign_in(client, "maria")
        sent = submit(client, "/cases/new", intake(team="South"))
    assert sent.status_code == 303
    assert case_now(app, "N-1")["team"] == "South"
    app.engine.dispose()


def test_a_request_received_today_is_accepted(signed_in, web_app):
    sent = submit(signed_in("alice"), "/cases/new", intake(received=TODAY))

    assert sent.status_code == 303
    assert case_now(web_app, "N-1")["timeline"]["received"] == "2026-11-30"

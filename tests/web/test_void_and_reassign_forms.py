"""`/cases/REF/events/SEQ/void` and `/cases/REF/reassign`: corrections through the services `ehc case void` and
`ehc case reassign` call, with their refusals. TODAY is Monday 30 November 2026."""

from __future__ import annotations

from datetime import date

import pytest

from tests.web.forms_steps import (
    banner, case_now, casework, date_typed, error_summary, field_error, kept, new_case, submit,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the forms are on test here


@pytest.fixture
def case(web_app, signed_in):
    """N-1, received 2 November, with its decision to assess (E2) and a draft served (E3), by alice."""
    new_case(web_app, "N-1", date(2026, 11, 2), caseworker="A Okafor", setting="SCH-1")
    client = signed_in("alice")
    for form, on, fields in (("decision", date(2026, 11, 9), {"outcome": "assess"}),
                             ("draft-served", date(2026, 11, 20), {})):
        assert submit(client, f"/cases/N-1/record/{form}", {**date_typed("on", on), **fields}).status_code == 303
    return "N-1"


def test_voiding_an_event_appends_a_correction_by_the_signed_in_person(signed_in, web_app, case):
    client = signed_in("alice")

    sent = submit(client, f"/cases/{case}/events/3/void", {"reason": "Recorded on the wrong case"})

    assert (sent.status_code, sent.headers["location"]) == (303, f"/cases/{case}?done=voided")
    events = case_now(web_app, case)["events"]
    assert (events[-1]["type"], events[-1]["details"]["sequence"], events[-1]["details"]["reason"],
            events[-1]["actor"]) == ("event_voided", 3, "Recorded on the wrong case", "alice")
    assert events[2]["voided_by"] == 4
    assert case_now(web_app, case)["timeline"]["stage"] == "assessment"
    assert web_app.orchestrator.calls[-1] == ("hand_over", [case])
    assert banner(client.get(sent.headers["location"])) == "Event voided"


@pytest.mark.parametrize(("sequence", "reason", "message"), [
    (3, "", "Enter why the event is void"),
    (1, "Typed twice", "The receipt (#1 received on 2026-11-02) cannot be voided while later events stand "
                       "(#2 decision on 2026-11-09, #3 draft served on 2026-11-20)"),
    (2, "Wrong case", "Voiding #2 decision on 2026-11-09 would leave an impossible history: draft served on "
                      "2026-11-20 needs a decision to assess first"),
])
def test_a_refused_void_says_why_keeps_the_reason_and_stores_nothing(
        signed_in, web_app, dump_tables, case, sequence, reason, message):
    client = signed_in("alice")
    stored = casework(dump_tables)

    page = submit(client, f"/cases/{case}/events/{sequence}/void", {"reason": reason})

    assert page.status_code == 400
    assert error_summary(page) == [("#reason", message)]
    assert field_error(page, "reason") == message
    assert kept(page, "reason", reason)
    assert casework(dump_tables) == stored


def test_only_the_cases_own_events_can_be_voided(signed_in, case):
    client = signed_in("alice")

    assert client.get(f"/cases/{case}/events/9/void").status_code == 404
    assert client.get(f"/cases/{case}/events/two/void").status_code == 404


def test_the_case_page_offers_to_void_the_events_a_person_recorded_only(signed_in, case):
    page = signed_in("alice").get(f"/cases/{case}")

    assert [number for number in (1, 2, 3) if f'href="/cases/{case}/events/{number}/void"' in page.text] == [2, 3]


def test_reassigning_changes_only_what_is_filled_in(signed_in, web_app, case):
    client = signed_in("alice")

    sent = submit(client, f"/cases/{case}/reassign", {"caseworker": "C Jones", "team": "", "setting": ""})

    assert (sent.status_code, sent.headers["location"]) == (303, f"/cases/{case}?done=reassigned")
    now = case_now(web_app, case)
    assert (now["caseworker"], now["team"], now["setting"]) == ("C Jones", "North", "SCH-1")
    assert (now["events"][-1]["type"], now["events"][-1]["details"], now["events"][-1]["actor"]) == (
        "case_reassigned", {"caseworker": "C Jones"}, "alice")
    assert banner(client.get(sent.headers["location"])) == "Case reassigned"


def test_a_case_passed_to_a_team_the_person_does_not_see_leaves_their_view(signed_in, web_app, case):
    client = signed_in("alice")

    sent = submit(client, f"/cases/{case}/reassign", {"team": "South"})

    assert sent.headers["location"] == "/cases?done=reassigned-away"
    assert banner(client.get(sent.headers["location"])) == (
        "Case reassigned. It is now with a team whose cases you do not see.")
    assert client.get(f"/cases/{case}").status_code == 404
    assert case_now(web_app, case)["team"] == "South"


@pytest.mark.parametrize(("fields", "message"), [
    ({}, "A reassignment names the new caseworker, team or setting"),
    ({"caseworker": "C" * 121}, "New caseworker: String should have at most 120 characters"),
])
def test_a_refused_reassignment_says_why_and_stores_nothing(signed_in, dump_tables, case, fields, message):
    client = signed_in("alice")
    stored = casework(dump_tables)

    page = submit(client, f"/cases/{case}/reassign", fields)

    assert error_summary(page) == [("#caseworker", message)]
    assert casework(dump_tables) == stored

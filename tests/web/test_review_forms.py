"""`/reviews/REF/record` and `/reviews/REF/events/SEQ/void`: every review event `ehc review record` takes,
recorded through its web form by the service the CLI calls (review_event_from_options, record_review_event),
with the same refusals, shown at the field, and nothing stored on a refusal; voiding one; the form token.
TODAY is Monday 30 November 2026. P-1 is North's (alice's team), issued 1 December 2025 at SCH-1."""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain.plan_events import RECORDABLE_PLAN_EVENTS, MeetingHeld
from domain.plan_review import PlanInForce
from ehc.services.reviews import add_plan, record_review_event, show_plan
from ehc.web.review_forms import REVIEW_EVENT_FORMS
from tests.web.forms_steps import banner, casework, date_typed, error_summary, field_error, kept, submit
from tests.web.test_casework_form_access import audit_actions
from tests.web.support import TODAY, form_token

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the forms are on test here

# One plan's reviews, form by form: (form, date, fields sent, details the stored event has).
HISTORY = [
    ("meeting-notice-sent", date(2026, 10, 1), date_typed("meeting", date(2026, 10, 20)), {"meeting": "2026-10-20"}),
    ("advice-circulated", date(2026, 10, 5), {}, {}),
    ("meeting-held", date(2026, 10, 20), {}, {}),
    ("report-received", date(2026, 10, 30), {}, {}),
    ("decision", date(2026, 11, 10), {"outcome": "amend"}, {"outcome": "amend"}),
    ("proposals-sent", date(2026, 11, 10), {}, {}),
    ("amended-plan-issued", date(2026, 11, 30), {}, {}),
    ("plan-ceased", date(2026, 11, 30), {}, {}),
]


@pytest.fixture
def plan(web_app):
    add_plan(web_app, PlanInForce(plan_ref="P-1", issued=date(2025, 12, 1), last_review=None, year_group="4",
                                  year_group_year=2026, setting="SCH-1", caseworker="A Okafor", team="North"), "setup")
    return "P-1"


def events_of(app, plan_ref: str) -> list[dict]:
    return list(show_plan(app, plan_ref, TODAY)[0].audit)


def record(client, plan_ref: str, form: str, on, fields: dict[str, str]):
    return submit(client, f"/reviews/{plan_ref}/record/{form}", {**date_typed("on", on), **fields})


def test_the_choice_offers_every_review_event_the_cli_records_in_the_domains_order(signed_in, plan):
    page = signed_in("alice").get(f"/reviews/{plan}/record")
    offered = re.findall(r'name="event" type="radio" value="([^"]+)"', page.text)
    assert offered == [event.replace("_", "-") for event in RECORDABLE_PLAN_EVENTS]
    assert tuple(REVIEW_EVENT_FORMS) == RECORDABLE_PLAN_EVENTS


def test_every_review_event_form_records_its_event_as_the_cli_does(signed_in, web_app, plan):
    client = signed_in("alice")
    for sequence, (form, on, fields, details) in enumerate(HISTORY, start=1):
        sent = record(client, plan, form, on, fields)

        assert (sent.status_code, sent.headers.get("location")) == (303, f"/reviews/{plan}?done={form}"), form
        stored = events_of(web_app, plan)[-1]
        assert (stored["sequence"], stored["type"], stored["date"], stored["details"], stored["actor"]) == (
            sequence, form.replace("-", "_"), on.isoformat(), details, "alice")
    record_, timeline = show_plan(web_app, plan, TODAY)
    assert (timeline.stage.value, timeline.ceased) == ("ceased", date(2026, 11, 30))


def test_after_recording_the_plan_page_says_so_and_shows_the_event(signed_in, plan):
    client = signed_in("alice")
    sent = record(client, plan, "meeting-held", date(2026, 11, 16), {})
    page = client.get(sent.headers["location"])

    assert banner(page) == "Review meeting held recorded"
    assert "16 November 2026 (review meeting)" in page.text
    assert 'href="/reviews/P-1/events/1/void"' in page.text


def test_the_event_is_chosen_first_then_its_form_opens(signed_in, plan):
    client = signed_in("alice")
    chosen = submit(client, f"/reviews/{plan}/record", {"event": "decision"})
    refused = submit(client, f"/reviews/{plan}/record", {})

    assert (chosen.status_code, chosen.headers["location"]) == (303, f"/reviews/{plan}/record/decision")
    assert error_summary(refused) == [("#event", "Select what happened")]
    opened = client.get(chosen.headers["location"])
    assert "Decision after the review" in opened.text and 'name="outcome" type="radio" value="cease"' in opened.text


# (form, date, fields, history recorded first) -> the problems listed in the error summary: (link, message)
REFUSALS = [
    ("meeting-notice-sent", date(2026, 12, 1), date_typed("meeting", date(2027, 1, 11)), [],
     [("#on-day", "Date the notice was sent: 2026-12-01 is after today, 2026-11-30")]),
    ("meeting-notice-sent", date(2026, 11, 20), date_typed("meeting", date(2026, 11, 2)), [],
     [("#meeting-day", "The meeting on 2026-11-02 is before the notice of it on 2026-11-20")]),
    ("meeting-notice-sent", date(2026, 11, 20), {}, [],
     [("#meeting-day", "Enter the date of the review meeting")]),
    ("meeting-notice-sent", date(2026, 11, 20), date_typed("meeting", ("31", "2", "2027")), [],
     [("#meeting-day", "Date of the review meeting: must be a real date")]),
    ("decision", None, {}, [MeetingHeld(on=date(2026, 11, 2))],
     [("#on-day", "Enter the date the decision was notified"), ("#outcome", "Select the decision")]),
    ("report-received", date(2026, 11, 20), {}, [],
     [("#on-day", "Report received needs a review meeting first: record meeting_held")]),
    ("meeting-held", date(2025, 11, 3), {}, [],
     [("#on-day", "A review meeting on 2025-11-03 is not after the start of the review period on 2025-12-01 "
                  "(the plan issued or last reviewed then)")]),
]


@pytest.mark.parametrize(("form", "on", "fields", "before", "problems"), REFUSALS)
def test_a_refused_event_says_why_at_the_field_keeps_what_was_typed_and_stores_nothing(
        signed_in, web_app, dump_tables, plan, form, on, fields, before, problems):
    for event in before:
        record_review_event(web_app, plan, event, "setup")
    client = signed_in("alice")
    stored = casework(dump_tables)

    page = record(client, plan, form, on, fields)

    assert page.status_code == 400
    assert error_summary(page) == problems
    for anchor, message in problems:
        assert field_error(page, anchor[1:].removesuffix("-day")) == message
    assert all(kept(page, name, value) for name, value in {**date_typed("on", on), **fields}.items())
    assert casework(dump_tables) == stored


def test_an_unknown_event_has_no_form(signed_in, plan):
    assert signed_in("alice").get(f"/reviews/{plan}/record/final-issued").status_code == 404


def test_voiding_an_event_appends_a_correction_by_the_signed_in_person(signed_in, web_app, plan):
    record_review_event(web_app, plan, MeetingHeld(on=date(2026, 11, 2)), "setup")
    client = signed_in("alice")
    shown = client.get(f"/reviews/{plan}/events/1/void")
    sent = submit(client, f"/reviews/{plan}/events/1/void", {"reason": "Recorded on the wrong plan"})
    page = client.get(sent.headers["location"])

    assert "E1 Review meeting held" in shown.text and "2 November 2026" in shown.text
    assert (sent.status_code, sent.headers["location"]) == (303, f"/reviews/{plan}?done=voided")
    assert events_of(web_app, plan)[-1] | {"recorded_at": None} == {
        "sequence": 2, "type": "event_voided", "date": "2026-11-30", "actor": "alice", "recorded_at": None,
        "details": {"sequence": 1, "voided_type": "meeting_held", "voided_on": "2026-11-02",
                    "reason": "Recorded on the wrong plan"}}
    assert banner(page) == "Event voided"
    assert "Voided by E2" in page.text and "Not yet reviewed" in page.text


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Enter why the event is void"),
    ("x" * 401, "Why is this event void?: String should have at most 400 characters"),
])
def test_a_refused_void_says_why_and_stores_nothing(signed_in, web_app, dump_tables, plan, reason, message):
    record_review_event(web_app, plan, MeetingHeld(on=date(2026, 11, 2)), "setup")
    client = signed_in("alice")
    stored = casework(dump_tables)

    page = submit(client, f"/reviews/{plan}/events/1/void", {"reason": reason})

    assert page.status_code == 400
    assert error_summary(page) == [("#reason", message)]
    assert casework(dump_tables) == stored


def test_only_the_plans_own_events_can_be_voided_and_a_void_only_once(signed_in, web_app, plan):
    record_review_event(web_app, plan, MeetingHeld(on=date(2026, 11, 2)), "setup")
    client = signed_in("alice")
    assert [client.get(f"/reviews/{plan}/events/{number}/void").status_code for number in ("0", "2", "x")] == [404] * 3
    submit(client, f"/reviews/{plan}/events/1/void", {"reason": "Wrong plan"})

    again = submit(client, f"/reviews/{plan}/events/1/void", {"reason": "Wrong plan"})

    assert error_summary(again) == [("#reason", "Event: #1 meeting held on 2026-11-02 was already voided by #2")]
    assert 'href="/reviews/P-1/events/2/void"' not in client.get(f"/reviews/{plan}").text  # a void is not voided


# -- who may use them --------------------------------------------------------------------------------------

FORMS = [
    ("/reviews/P-1/record", {"event": "meeting-held"}),
    ("/reviews/P-1/record/meeting-held", date_typed("on", date(2026, 11, 2))),
    ("/reviews/P-1/events/1/void", {"reason": "Wrong plan"}),
]


@pytest.fixture
def plan_with_an_event(web_app, plan):
    record_review_event(web_app, plan, MeetingHeld(on=date(2026, 11, 2)), "setup")
    return plan



@pytest.mark.parametrize(("path", "fields"), FORMS)
def test_a_caseworker_of_another_team_gets_page_not_found_and_changes_nothing(
        signed_in, dump_tables, engine, plan_with_an_event, path, fields):
    client = signed_in("bruno")
    token = form_token(client, "/reviews")  # bruno's own, valid token: only the team stops him
    stored = casework(dump_tables)

    shown = client.get(path)
    sent = client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)

    assert (shown.status_code, sent.status_code) == (404, 404)
    assert "Page not found" in sent.text and "P-1" not in sent.text.split("<main", 1)[1]
    assert casework(dump_tables) == stored
    assert audit_actions(engine) == [("access_refused", "bruno", "P-1")] * 2


@pytest.mark.parametrize(("path", "fields"), FORMS)
@pytest.mark.parametrize("token", [None, "not-the-sessions-token"])
def test_a_form_sent_without_its_token_is_refused_and_changes_nothing(
        signed_in, dump_tables, engine, plan_with_an_event, path, fields, token):
    client = signed_in("alice")
    stored = casework(dump_tables)

    sent = client.post(path, data={**fields, **({"csrf_token": token} if token else {})}, follow_redirects=False)

    assert sent.status_code == 403
    assert "Your form could not be sent" in sent.text
    assert casework(dump_tables) == stored
    assert audit_actions(engine) == [("csrf_refused", "alice", path)]


@pytest.mark.parametrize(("path", "fields"), FORMS)
def test_an_admin_sees_no_review_form_and_signed_out_they_ask_to_sign_in(
        client, signed_in, plan_with_an_event, path, fields):
    shown = client.get(path, follow_redirects=False)
    assert (shown.status_code, shown.headers["location"]) == (303, f"/sign-in?next={path}")
    assert signed_in("ada").get(path).status_code == 404

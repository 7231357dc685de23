"""`/cases/REF/record`: every event `ehc case record` takes, recorded through its web form by the service the
CLI calls (event_from_options, record_event): the same event stored, the same refusals, the case handed
to orchestration, the signed-in person recorded as the actor. TODAY is Monday 30 November 2026."""

from __future__ import annotations

from datetime import date

import pytest

from tests.web.forms_steps import (
    banner, case_now, casework, date_typed, error_summary, field_error, kept, new_case, submit,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the forms are on test here

RECEIVED = date(2026, 11, 2)

# One case's history, form by form: (form, date, fields sent, details the stored event has).
HISTORY = [
    ("decision", date(2026, 11, 9), {"outcome": "assess"}, {"outcome": "assess"}),
    ("advice-requested", date(2026, 11, 10), {"agency": "health"}, {"agency": "health"}),
    ("advice-requested", date(2026, 11, 10), {"contributor": "EP-NORTH"},
     {"agency": "educational_psychology", "contributor": "EP-NORTH"}),
    ("advice-requested", date(2026, 11, 10), {"agency": "education", "setting_kind": "school"},
     {"agency": "education", "setting": "SCH-1", "setting_kind": "school"}),
    ("advice-received", date(2026, 11, 20), {"advice": "health"}, {"agency": "health"}),
    ("advice-received", date(2026, 11, 23), {"advice": "EP-NORTH"}, {"contributor": "EP-NORTH"}),
    ("exception-started", date(2026, 11, 24), {"limb": "8(2)(c)", "advice": "education", "evidence": "Missed visit"},
     {"limb": "8(2)(c)", "advice": "education", "evidence": "Missed visit"}),
    ("exception-ended", date(2026, 11, 25), {"limb": "8(2)(c)", "advice": "education"},
     {"limb": "8(2)(c)", "advice": "education"}),
    ("exception-started", date(2026, 11, 25), {"limb": "10(4)(c)", "advice": ""}, {"limb": "10(4)(c)"}),
    ("draft-served", date(2026, 11, 26), {}, {}),
    ("representations-received", date(2026, 11, 27), {}, {}),
    ("consultation-sent", date(2026, 11, 27), {"setting": "SCH-2"}, {"setting": "SCH-2"}),
    ("consultation-answered", date(2026, 11, 30), {"setting": "SCH-2"}, {"setting": "SCH-2"}),
    ("final-issued", date(2026, 11, 30), {}, {}),
    ("mediation", date(2026, 11, 30), {}, {}),
    ("tribunal", date(2026, 11, 30), {}, {}),
]
# The events that close a case another way, each on a case of its own: (history before it, form, date).
CLOSINGS = [
    ([("decision", date(2026, 11, 9), {"outcome": "assess"})], "no-plan-notice", date(2026, 11, 27)),
    ([], "withdrawn", date(2026, 11, 27)),
    ([], "decision", date(2026, 11, 27)),  # not to assess: below, with its outcome
]


@pytest.fixture
def case(web_app):
    with web_app.unit_of_work() as work:
        work.cases.add_contributor("EP-NORTH", "North EP service", "educational_psychology")
    new_case(web_app, "N-1", RECEIVED, setting="SCH-1")
    return "N-1"


def record(client, reference: str, form: str, on, fields: dict[str, str]):
    return submit(client, f"/cases/{reference}/record/{form}", {**date_typed("on", on), **fields})


def test_every_event_form_records_its_event_as_the_cli_does_and_hands_the_case_to_orchestration(
        signed_in, web_app, case):
    client = signed_in("alice")
    told = len(web_app.orchestrator.calls)
    for sequence, (form, on, fields, details) in enumerate(HISTORY, start=2):
        sent = record(client, case, form, on, fields)

        assert (sent.status_code, sent.headers.get("location")) == (303, f"/cases/{case}?done={form}"), form
        stored = case_now(web_app, case)["events"][-1]
        assert (stored["sequence"], stored["type"], stored["date"], stored["details"], stored["actor"]) == (
            sequence, form.replace("-", "_"), on.isoformat(), details, "alice")
        assert web_app.orchestrator.calls[told:] == [("hand_over", [case])] * (sequence - 1), form
    assert case_now(web_app, case)["timeline"]["stage"] == "issued"


@pytest.mark.parametrize(("before", "form", "on"), CLOSINGS)
def test_the_events_that_close_a_case_are_recorded_too(signed_in, web_app, before, form, on):
    client = signed_in("alice")
    new_case(web_app, "N-2", RECEIVED)
    for earlier_form, earlier_on, fields in before:
        record(client, "N-2", earlier_form, earlier_on, fields)

    sent = record(client, "N-2", form, on, {"outcome": "not_assess"} if form == "decision" else {})

    assert sent.status_code == 303
    assert case_now(web_app, "N-2")["timeline"]["stage"] == {
        "no-plan-notice": "no_plan", "withdrawn": "withdrawn", "decision": "not_assessed"}[form]


def test_after_recording_the_case_page_says_so_and_shows_the_event(signed_in, case):
    client = signed_in("alice")
    sent = record(client, case, "decision", date(2026, 11, 9), {"outcome": "assess"})

    page = client.get(sent.headers["location"])

    assert banner(page) == "Decision whether to assess recorded"
    assert "Decision<br><span class=\"govuk-body-s\">outcome: assess</span>" in page.text
    assert "<td class=\"govuk-table__cell\">alice<br>" in page.text


def test_the_event_is_chosen_first_then_its_form_opens(signed_in, case):
    client = signed_in("alice")

    chosen = submit(client, f"/cases/{case}/record", {"event": "advice-received"})
    nothing_chosen = submit(client, f"/cases/{case}/record", {})

    assert (chosen.status_code, chosen.headers["location"]) == (303, f"/cases/{case}/record/advice-received")
    assert error_summary(nothing_chosen) == [("#event", "Select what happened")]


def test_advice_received_offers_the_requests_still_waiting_for_advice(signed_in, web_app, case):
    client = signed_in("alice")
    for form, on, fields, _ in HISTORY[:5]:  # health answered; EP-NORTH and education still waiting
        record(client, case, form, on, fields)

    page = client.get(f"/cases/{case}/record/advice-received")

    offered = [value for value in ("health", "EP-NORTH", "education") if f'type="radio" value="{value}"' in page.text]
    assert offered == ["EP-NORTH", "education"]


# (history before it, form, date, fields, where the summary links, the message there)
REFUSALS = [
    ([], "decision", date(2026, 12, 1), {"outcome": "assess"}, "#on-day",
     "Date of the decision: 2026-12-01 is after today, 2026-11-30"),
    ([], "decision", None, {"outcome": "assess"}, "#on-day", "Enter the date of the decision"),
    ([], "decision", ("29", "2", "2026"), {"outcome": "assess"}, "#on-day",
     "Date of the decision: must be a real date"),
    ([], "decision", date(2026, 11, 9), {}, "#outcome", "Select the decision"),
    ([], "decision", date(2026, 10, 30), {"outcome": "assess"}, "#on-day",
     "Decision on 2026-10-30 is before the request was received on 2026-11-02"),
    ([("decision", date(2026, 11, 9), {"outcome": "assess"})], "decision", date(2026, 11, 10), {"outcome": "assess"},
     "#on-day", "Decision on 2026-11-10 (assess): a decision was already recorded on 2026-11-09 (assess)"),
    ([], "draft-served", date(2026, 11, 9), {}, "#on-day",
     "Draft served on 2026-11-09 needs a decision to assess first"),
    ([], "advice-requested", date(2026, 11, 10), {"contributor": "DCO-X"}, "#contributor",
     "Contributor's code: no contributor with code 'DCO-X' (add it with `ehc contributors add`)"),
    ([], "advice-received", date(2026, 11, 20), {}, "#advice", "Select the advice request that was answered"),
    ([], "consultation-sent", date(2026, 11, 20), {}, "#setting", "Enter the setting consulted"),
    ([], "consultation-sent", date(2026, 11, 20), {"setting": "S" * 121}, "#setting",
     "Setting consulted: String should have at most 120 characters"),
    ([], "exception-started", date(2026, 11, 20), {"evidence": "Ill"}, "#limb", "Select the exception"),
    ([("decision", date(2026, 11, 9), {"outcome": "assess"}),
      ("advice-requested", date(2026, 11, 10), {"agency": "health"})],
     "exception-started", date(2026, 11, 20), {"limb": "10(4)(c)", "advice": "health"}, "#limb",
     "A Reg 10(4)(c) exception applies to the whole case, not to one advice request"),
]


@pytest.mark.parametrize(("before", "form", "on", "fields", "anchor", "message"), REFUSALS)
def test_a_refused_event_says_why_at_the_field_keeps_what_was_typed_and_stores_nothing(
        signed_in, web_app, dump_tables, case, before, form, on, fields, anchor, message):
    client = signed_in("alice")
    for earlier_form, earlier_on, earlier_fields in before:
        record(client, case, earlier_form, earlier_on, earlier_fields)
    stored, told = casework(dump_tables), list(web_app.orchestrator.calls)

    page = record(client, case, form, on, fields)

    assert page.status_code == 400
    assert error_summary(page) == [(anchor, message)]
    assert field_error(page, anchor[1:].removesuffix("-day")) == message
    for name, value in {**date_typed("on", on), **fields}.items():
        assert kept(page, name, value), name
    assert casework(dump_tables) == stored
    assert web_app.orchestrator.calls == told


def test_an_unknown_event_has_no_form(signed_in, case):
    assert signed_in("alice").get(f"/cases/{case}/record/received").status_code == 404

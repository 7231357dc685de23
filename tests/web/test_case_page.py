"""`/cases/{reference}`: one case for those whose team may see it; for anyone else, the page of a reference
that does not exist, and an audit entry."""

from __future__ import annotations

from datetime import date

import pytest

from domain.events import AdviceRequested, Agency, Decision, DecisionOutcome, ExceptionStarted, Limb, Received
from domain.intake import NewRequest
from ehc.clock import now_utc
from ehc.services.casework import void_event

BOTH = pytest.mark.parametrize("database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                               indirect=True)
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def cases(web_app):
    """N-1 (North): received Mon 7 Sep 2026, decided to assess Thu 1 Oct, health advice asked Fri 2 Oct (due Fri
    13 Nov, not received: overdue), a Reg 10(4)(c) exception from Mon 2 Nov. S-1 (South): received the same day."""
    north = [Received(on=date(2026, 9, 7)), Decision(on=date(2026, 10, 1), outcome=DecisionOutcome.ASSESS),
             AdviceRequested(on=date(2026, 10, 2), agency=Agency.HEALTH),
             ExceptionStarted(on=date(2026, 11, 2), limb=Limb.PERSONAL_CIRCUMSTANCES, evidence="family illness")]
    with web_app.unit_of_work() as work:
        work.cases.import_caseload([
            (NewRequest(reference="N-1", received=date(2026, 9, 7), team="North", caseworker="A Okafor",
                        child_given_name="Amelia", child_family_name="Zebedee-Jones"), north),
            (NewRequest(reference="S-1", received=date(2026, 9, 7), team="South"), [Received(on=date(2026, 9, 7))]),
        ], "casework.lead", now_utc())
    return web_app


def _audit(app, action):
    with app.unit_of_work() as work:
        return work.audit.entries(action=action)


@SQLITE_ONLY
def test_the_case_page_shows_every_statutory_date_in_words_with_its_last_working_day_and_status(cases, signed_in):
    page = signed_in("alice").get("/cases/N-1")
    assert page.status_code == 200
    text = page.text
    assert "<title>Case N-1 – EHC timelines</title>" in text  # the title names no child: it stays in history
    assert "Amelia Zebedee-Jones" in text
    for expected in (
        "Decision whether to assess, notified to parent/young person", "19 October 2026", "Done on time on 1 October 2026",
        "Advice returned", "13 November 2026", "Overdue: 17 days overdue",
        "Notice that no EHC plan will be issued", "28 December 2026", "24 December 2026",  # the last working day
        "Final EHC plan issued", "25 January 2027",
        "Reg 10(4)(c)", "family illness", "non-statutory",
        "No plan has been attached for review.",
    ):
        assert expected in text, expected
    assert 'class="ehc-timeline" aria-hidden="true"' in text
    assert "ehc-timeline__today ehc-at-84" in text  # 30 Nov is day 84 of the 140


@SQLITE_ONLY
def test_the_audit_trail_shows_each_event_with_who_recorded_it_and_a_voided_one_marked(cases, signed_in):
    void_event(cases, "N-1", 4, "recorded on the wrong case", "casework.lead")
    text = signed_in("alice").get("/cases/N-1").text
    trail = text[text.index('id="audit-trail"'):]
    assert trail.count('<tr class="govuk-table__row') == 5 + 1  # the header row, then each event
    assert "Voided by E5" in trail and "recorded on the wrong case" in trail
    assert "casework.lead" in trail and "30 November 2026, 12:00pm" in trail


@BOTH
def test_a_caseworker_typing_another_teams_reference_gets_the_unknown_reference_page_and_an_audit_entry(
        cases, signed_in):
    client = signed_in("alice")
    refused = client.get("/cases/S-1")
    unknown = client.get("/cases/NO-SUCH")
    assert refused.status_code == unknown.status_code == 404
    assert refused.text == unknown.text
    [entry] = _audit(cases, "access_refused")
    assert (entry.actor, entry.subject, entry.client_address) == ("alice", "S-1", "testclient")


@SQLITE_ONLY
def test_an_admin_sees_no_case_data_and_others_no_account_pages(cases, client):
    from tests.web.support import sign_in

    sign_in(client, "ada")
    assert client.get("/cases/N-1").status_code == 404
    assert client.get("/cases").status_code == 404
    assert client.get("/team").status_code == 404
    client.cookies.clear()
    sign_in(client, "alice")
    assert client.get("/admin/users").status_code == 404
    assert [(e.actor, e.subject) for e in reversed(_audit(cases, "access_refused"))] == [
        ("ada", "/cases/N-1"), ("ada", "/cases"), ("ada", "/team"), ("alice", "/admin/users")]


@SQLITE_ONLY
def test_a_page_asked_for_before_signing_in_comes_back_after_it(cases, client):
    from tests.web.support import PASSWORD, form_token

    response = client.get("/cases/N-1", follow_redirects=False)
    assert response.headers["location"] == "/sign-in?next=/cases/N-1"
    page = client.get(response.headers["location"])
    assert 'name="next" value="/cases/N-1"' in page.text
    signed = client.post("/sign-in", data={"username": "alice", "password": PASSWORD, "next": "/cases/N-1",
                                           "csrf_token": form_token(client)}, follow_redirects=False)
    assert signed.headers["location"] == "/cases/N-1"


@SQLITE_ONLY
def test_the_team_page_shows_workload_and_overdue_advice_by_agency_and_contributor(cases, signed_in):
    text = signed_in("maria").get("/team").text
    assert "A Okafor" in text and "N-1" in text and "S-1" not in text
    by_agency = text[text.index("By agency"):text.index("By contributor")]
    assert "Health" in by_agency and ">1<" in by_agency


@SQLITE_ONLY
def test_a_reference_holding_slashes_opens_at_the_address_messages_link_to_and_its_forms_work(web_app, signed_in):
    with web_app.unit_of_work() as work:
        work.cases.import_caseload([(NewRequest(reference="NE/2026/7", received=date(2026, 10, 5), team="North"),
                                     [Received(on=date(2026, 10, 5))])], "casework.lead", now_utc())
    alice = signed_in("alice")

    for address in ("/cases/NE/2026/7", "/cases/NE%2F2026%2F7", "/cases/NE/2026/7/record", "/cases/NE/2026/7/reassign"):
        page = alice.get(address)
        assert page.status_code == 200 and "NE/2026/7" in page.text, address
    assert alice.get("/cases/NE/2026/8").status_code == 404

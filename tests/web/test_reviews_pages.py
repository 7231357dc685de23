"""`/reviews` and `/reviews/REF`: the plans in force a person's teams may see, filtered as `ehc reviews` filters,
and one plan's statutory dates, written the GOV.UK way. Today is Mon 30 Nov 2026 (academic year 2026/27).

The plans (alice is "A Okafor" of North; maria North's manager; bruno of South):

    plan        team   issued       last review  year  setting  caseworker  recorded           next statutory date
    P-OVERDUE   North  29 Feb 2024  -            9     SCH-A    C Patel     -                  review by 28 Feb 2025 (overdue)
    P-YEAR-END  North  10 Jan 2019  27 Dec 2025  3     SCH-B    A Okafor    notice 20 Nov 2026 advice by 21 Dec 2026
                                                                            of a meeting 4 Jan 2027
    P-TRANSFER  North  10 Mar 2026  -            6     SCH-A    A Okafor    -                  transfer last day 14 Feb 2027
    P-LATER     North  15 Sep 2026  -            2     SCH-B    B Hughes    -                  review by 14 Sep 2027
    P-CEASED    North  6 Jan 2025   -            4     SCH-A    A Okafor    ceased 15 Dec 2025 (not in force)
    P-NO-TEAM   -      1 May 2026   -            4     SCH-C    -           -                  review by 30 Apr 2027
    S-PLAN      South  1 Jun 2026   -            5     SCH-S    B Hughes    -                  review by 31 May 2027
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from domain.events import Decision, DraftServed, FinalIssued
from domain.plan_events import MeetingHeld, MeetingNoticeSent, PlanCeased, ReviewDecision, ReviewOutcome
from domain.plan_review import PlanInForce
from ehc.services.casework import record_event
from ehc.services.reviews import add_plan, record_review_event
from ehc.web.app import create_web_app
from tests.web.forms_steps import new_case
from tests.web.test_casework_form_access import audit_actions
from tests.web.support import sign_in, web_app_for

BOTH = pytest.mark.parametrize("database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                               indirect=True)
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PLANS = {  # plan_ref: (team, issued, last review, year group in 2026/27, setting, caseworker)
    "P-OVERDUE": ("North", "2024-02-29", None, "9", "SCH-A", "C Patel"),
    "P-YEAR-END": ("North", "2019-01-10", "2025-12-27", "3", "SCH-B", "A Okafor"),
    "P-TRANSFER": ("North", "2026-03-10", None, "6", "SCH-A", "A Okafor"),
    "P-LATER": ("North", "2026-09-15", None, "2", "SCH-B", "B Hughes"),
    "P-CEASED": ("North", "2025-01-06", None, "4", "SCH-A", "A Okafor"),
    "P-NO-TEAM": (None, "2026-05-01", None, "4", "SCH-C", None),
    "S-PLAN": ("South", "2026-06-01", None, "5", "SCH-S", "B Hughes"),
}
EVENTS = [  # (plan_ref, event), in the order recorded
    ("P-YEAR-END", MeetingNoticeSent(on=date(2026, 11, 20), meeting=date(2027, 1, 4))),
    ("P-CEASED", MeetingHeld(on=date(2025, 12, 1))),
    ("P-CEASED", ReviewDecision(on=date(2025, 12, 10), outcome=ReviewOutcome.CEASE)),
    ("P-CEASED", PlanCeased(on=date(2025, 12, 15))),
]
NORTH_BY_NEXT_DATE = ["P-OVERDUE", "P-YEAR-END", "P-TRANSFER", "P-LATER"]

# query string -> the plans listed, in order (alice's view: North's plans in force)
FILTERS = {
    "": NORTH_BY_NEXT_DATE,
    "overdue=yes": ["P-OVERDUE"],
    "due_within=20": [],
    "due_within=21": ["P-YEAR-END"],
    "due_within=76": ["P-YEAR-END", "P-TRANSFER"],
    "phase_transfer=2027": ["P-TRANSFER"],
    "phase_transfer=2029": ["P-OVERDUE"],
    "phase_transfer=2028": [],
    "school=SCH-A": ["P-OVERDUE", "P-TRANSFER"],
    "school=sch-b": ["P-YEAR-END", "P-LATER"],
    "caseworker=B+Hughes": ["P-LATER"],
    "mine=yes": ["P-YEAR-END", "P-TRANSFER"],
    "school=SCH-A&due_within=76": ["P-TRANSFER"],
}
LISTED = re.compile(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/reviews/([^"]+)">')
COUNTS = re.compile(r'font-weight-bold">(\d+)</span><br>([^<]+)</p>')


def listed(page) -> list[str]:
    return LISTED.findall(page.text)


def counts(page) -> dict[str, int]:
    return {what: int(number) for number, what in COUNTS.findall(page.text)}


def words(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def table(page, caption_start: str) -> list[list[str]]:
    """The rows of the table whose caption starts so, each as its cells' words."""
    found = re.search(rf'<caption[^>]*>{re.escape(caption_start)}.*?</caption>(.*?)</table>', page.text, re.S)
    assert found, f"no table {caption_start!r}"
    body = found.group(1).split("<tbody", 1)[1]
    return [[words(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def summary(page) -> dict[str, str]:
    """A summary list's rows as key: value, each as its words (every summary list on the page)."""
    return {words(key): words(value) for key, value in re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt><dd class="govuk-summary-list__value">(.*?)</dd>', page.text,
        re.S)}


def seed(app) -> None:
    for plan_ref, (team, issued, last_review, year_group, setting, caseworker) in PLANS.items():
        add_plan(app, PlanInForce(plan_ref=plan_ref, issued=date.fromisoformat(issued),
                                  last_review=date.fromisoformat(last_review) if last_review else None,
                                  year_group=year_group, year_group_year=2026, setting=setting,
                                  caseworker=caseworker, team=team), "setup")
    for plan_ref, event in EVENTS:
        record_review_event(app, plan_ref, event, "setup")


@pytest.fixture
def plans(web_app):
    seed(web_app)
    return web_app



# -- the list ----------------------------------------------------------------------------------------------


@BOTH
def test_each_filter_lists_the_teams_plans_in_force_it_should_earliest_date_first(plans, signed_in):
    client = signed_in("alice")
    found = {query: listed(client.get(f"/reviews?{query}")) for query in FILTERS}
    assert found == FILTERS


@SQLITE_ONLY
def test_the_counts_say_how_many_are_in_force_overdue_and_transferring_this_year(plans, signed_in):
    client = signed_in("alice")
    assert counts(client.get("/reviews")) == {
        "plans in force": 4, "with a date overdue": 1, "phase transfer due this year": 1}
    assert counts(client.get("/reviews?school=SCH-B")) == {
        "plans in force": 2, "with a date overdue": 0, "phase transfers due this year": 0}


@SQLITE_ONLY
def test_a_row_shows_setting_year_group_stage_and_every_date_in_words(plans, signed_in):
    page = signed_in("alice").get("/reviews")
    assert table(page, "Plans in force") == [
        # plan, setting, year group, stage, next review by, next statutory date, phase transfer, caseworker
        ["P-OVERDUE", "SCH-A", "Year 9", "Awaiting review meeting", "28 February 2025",
         "28 February 2025 Plan reviewed (review meeting held), CFA s44(1) Overdue: 640 days overdue",
         "Secondary to post-16, 2029 last day 30 March 2029 Open: 851 days", "C Patel"],
        ["P-YEAR-END", "SCH-B", "Year 3", "Awaiting review meeting", "26 December 2026 last working day 24 December 2026",
         "21 December 2026 Advice and information circulated, Reg 20(4) Open: 21 days",
         "Primary to secondary, 2030 last day 14 February 2030 Open: 1172 days", "A Okafor"],
        ["P-TRANSFER", "SCH-A", "Year 6", "Awaiting review meeting", "9 March 2027",
         "14 February 2027 last working day 12 February 2027 Plan amended for the phase transfer, Reg 18(1)(b) "
         "Open: 76 days",
         "Primary to secondary, 2027 last day 14 February 2027 Open: 76 days", "A Okafor"],
        ["P-LATER", "SCH-B", "Year 2", "Awaiting review meeting", "14 September 2027",
         "14 September 2027 Plan reviewed (review meeting held), CFA s44(1) Open: 288 days",
         "Primary to secondary, 2031 last day 14 February 2031 Open: 1537 days", "B Hughes"],
    ]
    assert "North team&#39;s plans: each plan" in page.text


@SQLITE_ONLY
def test_a_manager_sees_their_teams_plans_or_every_teams_when_the_la_sets_it(plans, database_url, tmp_path,
                                                                            signed_in):
    assert listed(signed_in("maria").get("/reviews")) == NORTH_BY_NEXT_DATE
    every_team = web_app_for(database_url, tmp_path / "other-state", manager_sees_all_teams=True)
    with TestClient(create_web_app(every_team)) as client:
        sign_in(client, "maria")
        assert sorted(listed(client.get("/reviews"))) == sorted([*NORTH_BY_NEXT_DATE, "P-NO-TEAM", "S-PLAN"])
        assert client.get("/reviews/P-NO-TEAM").status_code == 200
    every_team.engine.dispose()


# what was typed -> the message by the field
BAD = {
    "due_within=soon": "Days must be a whole number from 0 to 366",
    "due_within=-3": "Days must be a whole number from 0 to 366",
    "due_within=%EF%BC%93": "Days must be a whole number from 0 to 366",  # a full-width 3
    "due_within=367": "Days must be a whole number from 0 to 366",
    "phase_transfer=27": "Enter the year of transfer as 4 digits, for example 2027",
    "phase_transfer=next": "Enter the year of transfer as 4 digits, for example 2027",
    "school=" + "S" * 101: "School or setting must be up to 100 characters, letters, digits and punctuation only",
    "school=SCH%00A": "School or setting must be up to 100 characters, letters, digits and punctuation only",
    "caseworker=A%0AOkafor": "Caseworker must be up to 100 characters, letters, digits and punctuation only",
}


@SQLITE_ONLY
@pytest.mark.parametrize("query", BAD)
def test_a_bad_filter_is_named_in_an_error_summary_and_lists_nothing(query, plans, signed_in):
    page = signed_in("alice").get(f"/reviews?{query}")
    assert page.status_code == 400
    assert "There is a problem" in page.text and BAD[query] in page.text
    assert page.text.count(BAD[query]) == 2  # in the summary and by the field
    assert listed(page) == []


@SQLITE_ONLY
def test_pages_of_fifty_keep_the_filters_in_their_links(web_app, signed_in):
    for number in range(60):
        add_plan(web_app, PlanInForce(plan_ref=f"P-{number:03d}", issued=date(2026, 1, 5), last_review=None,
                                      year_group="3", year_group_year=2026, setting="SCH-A",
                                      caseworker="A Okafor", team="North"), "setup")
    client = signed_in("alice")
    first = client.get("/reviews?school=SCH-A")
    assert listed(first) == [f"P-{number:03d}" for number in range(50)]
    assert "60 plans" in first.text and "Page 1 of 2" in first.text
    assert 'href="/reviews?school=SCH-A&amp;page=2"' in first.text
    assert listed(client.get("/reviews?school=SCH-A&page=2")) == [f"P-{number:03d}" for number in range(50, 60)]
    assert listed(client.get("/reviews?school=SCH-A&page=99")) == listed(client.get("/reviews?school=SCH-A&page=2"))


# -- one plan ----------------------------------------------------------------------------------------------


@SQLITE_ONLY
def test_a_plan_issued_on_29_february_is_due_for_review_on_28_february_next_year(plans, signed_in):
    page = signed_in("alice").get("/reviews/P-OVERDUE")
    assert table(page, "Review 1") == [
        ["Plan reviewed (review meeting held)", "CFA s44(1)", "28 February 2025", "28 February 2025",
         "Overdue: 640 days overdue"]]
    assert summary(page)["Plan issued"] == "29 February 2024"


@SQLITE_ONLY
def test_a_review_across_the_year_end_shows_each_statutory_date_and_its_last_working_day(plans, signed_in):
    page = signed_in("alice").get("/reviews/P-YEAR-END")
    assert words(re.search(r"<caption[^>]*>(Review 1.*?)</caption>", page.text, re.S).group(1)) == (
        "Review 1: the 12 months from 27 December 2025, meeting planned for 4 January 2027")
    assert table(page, "Review 1") == [
        # step, regulation, statutory date, last working day, status
        ["Plan reviewed (review meeting held)", "CFA s44(1)", "26 December 2026", "24 December 2026", "Open: 26 days"],
        ["Notice of the review meeting given", "Reg 20(3)", "21 December 2026", "21 December 2026",
         "Done on time on 20 November 2026"],
        ["Advice and information circulated", "Reg 20(4)", "21 December 2026", "21 December 2026", "Open: 21 days"],
        ["Report of the review meeting sent", "Reg 20(8)", "18 January 2027", "18 January 2027", "Open: 49 days"],
        ["Decision to maintain, amend or cease notified", "Reg 20(10)", "1 February 2027", "1 February 2027",
         "Open: 63 days"],
    ]
    shown = summary(page)
    assert (shown["Last reviewed"], shown["Next statutory date"]) == (
        "27 December 2025 (before this service held the plan)",
        "Advice and information circulated: 21 December 2026 (Open: 21 days)")


@SQLITE_ONLY
def test_a_phase_transfer_whose_last_day_is_a_sunday_shows_friday_as_its_last_working_day(plans, signed_in):
    shown = summary(signed_in("alice").get("/reviews/P-TRANSFER"))
    assert {key: shown[key] for key in ("Transfer", "Plan reviewed and amended", "Status",
                                        "Review meeting by local target")} == {
        "Transfer": "Primary to secondary, September 2027",
        "Plan reviewed and amended": "before 15 February 2027: the last day is 14 February 2027 last working day "
                                     "12 February 2027 Reg 18(1)(b)",
        "Status": "Open: 76 days",
        "Review meeting by local target": "22 November 2026 The authority's own target, not statutory: a meeting by "
                                          "then leaves time for the decision and the amended plan before the last day.",
    }


@SQLITE_ONLY
def test_a_child_under_5_has_the_guidance_target_labelled_not_statutory(plans, signed_in):
    add_plan(plans, PlanInForce(plan_ref="P-NURSERY", issued=date(2026, 6, 1), last_review=None, year_group="N2",
                                year_group_year=2026, setting="NUR-1", team="North"), "setup")
    page = signed_in("alice").get("/reviews/P-NURSERY")
    assert "Targets <strong class=\"govuk-tag govuk-tag--yellow\">guidance, not statutory</strong>" in page.text
    assert summary(page)["Under-5s review"].startswith("1 December 2026 Guidance (SEND Code of Practice 9.178)")
    assert summary(page)["Transfer"] == "Early years to school, September 2027"


@SQLITE_ONLY
def test_a_ceased_plan_shows_its_notice_and_the_appeal_window(plans, signed_in):
    page = signed_in("alice").get("/reviews/P-CEASED")
    shown = summary(page)
    assert (shown["Stage"], shown["Notice to cease"]) == ("Ceased", "15 December 2025")
    assert shown["Appeal window closes"].startswith("15 February 2026")
    assert "Record a review event" not in page.text
    assert [row[:3] for row in table(page, "Every review event")] == [
        ["E1", "1 December 2025", "Review meeting held"],
        ["E2", "10 December 2025", "Decision after the review outcome: Cease"],
        ["E3", "15 December 2025", "Plan ceased"]]


@SQLITE_ONLY
def test_the_request_a_plan_came_from_is_linked_only_for_someone_who_may_see_it(plans, client):
    for request, plan_ref, team in (("N-REQ", "P-FROM-NORTH", "North"), ("N-REQ-2", "S-FROM-NORTH", "South")):
        new_case(plans, request, date(2025, 11, 3), team="North")
        for event in (Decision(on=date(2025, 12, 8), outcome="assess"), DraftServed(on=date(2026, 2, 23)),
                      FinalIssued(on=date(2026, 3, 23))):  # a plan names the request that made it
            record_event(plans, request, event, "setup")
        add_plan(plans, PlanInForce(plan_ref=plan_ref, issued=date(2026, 3, 23), last_review=None, year_group="4",
                                    year_group_year=2026, setting="SCH-A", case_ref=request, team=team), "setup")
    sign_in(client, "alice")
    north = client.get("/reviews/P-FROM-NORTH")
    before_the_service = client.get("/reviews/P-LATER")
    sign_in(client, "bruno")
    south = client.get("/reviews/S-FROM-NORTH")

    assert '<a class="govuk-link" href="/cases/N-REQ">N-REQ</a>' in north.text
    assert summary(before_the_service)["Request"] == "None: the plan was made before this service"
    assert summary(south)["Request"] == "A request of a team you do not see"
    assert "N-REQ" not in south.text


# -- access ------------------------------------------------------------------------------------------------


@SQLITE_ONLY
def test_a_caseworker_of_another_team_gets_page_not_found_recorded_as_refused(plans, signed_in, engine):
    client = signed_in("bruno")
    shown = client.get("/reviews/P-TRANSFER")
    unknown = client.get("/reviews/P-NOTHING")

    assert (shown.status_code, unknown.status_code) == (404, 404)
    assert "Page not found" in shown.text and "P-TRANSFER" not in shown.text.split("<main", 1)[1]
    assert shown.text.split("<main", 1)[1] == unknown.text.split("<main", 1)[1]
    assert listed(client.get("/reviews")) == ["S-PLAN"]
    assert audit_actions(engine) == [("access_refused", "bruno", "P-TRANSFER")]


@SQLITE_ONLY
def test_a_plan_with_no_team_is_for_a_manager_who_sees_every_team_only(plans, signed_in):
    assert signed_in("maria").get("/reviews/P-NO-TEAM").status_code == 404


@SQLITE_ONLY
@pytest.mark.parametrize("path", ["/reviews", "/reviews/P-TRANSFER"])
def test_an_admin_sees_no_plan(plans, signed_in, engine, path):
    page = signed_in("ada").get(path)
    assert page.status_code == 404
    assert "P-" not in page.text
    assert audit_actions(engine) == [("access_refused", "ada", path)]


@SQLITE_ONLY
@pytest.mark.parametrize("path", ["/reviews", "/reviews/P-TRANSFER", "/reviews?overdue=yes"])
def test_signed_out_the_pages_ask_to_sign_in_first(plans, client, path):
    shown = client.get(path, follow_redirects=False)
    assert (shown.status_code, shown.headers["location"]) == (303, f"/sign-in?next={path.split('?')[0]}")


@SQLITE_ONLY
def test_the_navigation_leads_to_the_plans_in_force(plans, signed_in):
    page = signed_in("alice").get("/reviews/P-TRANSFER")
    assert re.search(r'href="/reviews" aria-current="page">\s*<strong[^>]*>Reviews</strong>', page.text)

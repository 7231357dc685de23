"""`/cases`: a caseworker's team's cases, filtered, sorted and paged as asked, dates written the GOV.UK way.

Today is Mon 30 Nov 2026. The North team's cases (alice is "A Okafor" of North; the South case is never hers):

    reference      received     caseworker  what has happened      next statutory date
    N-ASSESS       7 Sep 2026   B Hughes    decided to assess      notice not to issue 28 Dec 2026 (28 days)
    N-OVERDUE      12 Oct 2026  C Patel     -                      decision 23 Nov 2026 (7 days overdue)
    N-DECIDE-SOON  26 Oct 2026  B Hughes    -                      decision 7 Dec 2026 (7 days)
    N-MINE         2 Nov 2026   A Okafor    -                      decision 14 Dec 2026 (14 days)
    N-LATER        23 Nov 2026  A Okafor    -                      decision 4 Jan 2027 (35 days)
    N-CLOSED       2 Mar 2026   C Patel     decided not to assess  none (closed)
    S-OTHER        26 Oct 2026  B Hughes    - (South team)         decision 7 Dec 2026

RAG under the packaged policy (red within 3, amber within 10 working days): N-OVERDUE red; N-DECIDE-SOON
(5 working days) and N-MINE (10) amber; N-ASSESS (16 working days, Christmas between) and N-LATER green.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain.events import Decision, DecisionOutcome, Received
from domain.intake import NewRequest
from ehc.clock import now_utc

BOTH = pytest.mark.parametrize("database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                               indirect=True)
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

CASES = {  # reference: (received, caseworker, team, decision (date, outcome) or None)
    "N-ASSESS": ("2026-09-07", "B Hughes", "North", ("2026-10-01", "assess")),
    "N-OVERDUE": ("2026-10-12", "C Patel", "North", None),
    "N-DECIDE-SOON": ("2026-10-26", "B Hughes", "North", None),
    "N-MINE": ("2026-11-02", "A Okafor", "North", None),
    "N-LATER": ("2026-11-23", "A Okafor", "North", None),
    "N-CLOSED": ("2026-03-02", "C Patel", "North", ("2026-04-01", "not_assess")),
    "S-OTHER": ("2026-10-26", "B Hughes", "South", None),
}
BY_NEXT_DATE = ["N-OVERDUE", "N-DECIDE-SOON", "N-MINE", "N-ASSESS", "N-LATER"]

# query string -> the references listed, in order
FILTERS = {
    "": BY_NEXT_DATE,
    "overdue=yes": ["N-OVERDUE"],
    "due_within=7": ["N-DECIDE-SOON"],
    "due_within=14": ["N-DECIDE-SOON", "N-MINE"],
    "mine=yes": ["N-MINE", "N-LATER"],
    "caseworker=B+Hughes": ["N-DECIDE-SOON", "N-ASSESS"],
    "stage=assessment": ["N-ASSESS"],
    "stage=not_assessed": ["N-CLOSED"],
    "rag=red": ["N-OVERDUE"],
    "rag=amber": ["N-DECIDE-SOON", "N-MINE"],
    "rag=green": ["N-ASSESS", "N-LATER"],
    "rag=amber&mine=yes": ["N-MINE"],
    "sort=reference": sorted(BY_NEXT_DATE),
    "sort=received": ["N-ASSESS", "N-OVERDUE", "N-DECIDE-SOON", "N-MINE", "N-LATER"],
    "sort=days-left": list(reversed(BY_NEXT_DATE)),
}
LISTED = re.compile(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/cases/([^"]+)">')


def listed(page) -> list[str]:
    return LISTED.findall(page.text)


@pytest.fixture
def caseload(web_app):
    cases = []
    for reference, (received, caseworker, team, decision) in CASES.items():
        events = [Received(on=date.fromisoformat(received))]
        if decision:
            events.append(Decision(on=date.fromisoformat(decision[0]), outcome=DecisionOutcome(decision[1])))
        cases.append((NewRequest(reference=reference, received=date.fromisoformat(received), caseworker=caseworker,
                                 team=team, child_given_name="Amelia", child_family_name="Zebedee-Jones"), events))
    with web_app.unit_of_work() as work:
        work.cases.import_caseload(cases, "test", now_utc())
    return web_app


@BOTH
def test_each_filter_and_sort_lists_the_teams_cases_it_should(caseload, signed_in):
    client = signed_in("alice")
    found = {query: listed(client.get(f"/cases?{query}")) for query in FILTERS}
    assert found == FILTERS


@SQLITE_ONLY
def test_a_row_shows_initials_stage_week_dates_in_words_days_left_and_rag_never_the_childs_name(caseload, signed_in):
    page = signed_in("alice").get("/cases?overdue=yes").text
    row = page[page.index('href="/cases/N-OVERDUE"'):]
    row = row[:row.index("</tr>")]
    cells = [re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert [" ".join(words) for words in cells] == [
        "AZ", "Awaiting decision", "8 of 20", "23 November 2026", "7 days overdue", "Red", "C Patel"]
    assert "Amelia" not in page and "Zebedee" not in page
    assert "North team&#39;s cases, as of 30 November 2026." in page


@SQLITE_ONLY
def test_a_manager_sees_their_teams_cases_or_every_teams_when_the_la_sets_it(caseload, database_url, tmp_path,
                                                                            signed_in):
    assert "S-OTHER" not in listed(signed_in("maria").get("/cases"))
    from fastapi.testclient import TestClient

    from ehc.web.app import create_web_app
    from tests.web.support import sign_in, web_app_for

    every_team = web_app_for(database_url, tmp_path / "other-state", manager_sees_all_teams=True)
    with TestClient(create_web_app(every_team)) as client:
        sign_in(client, "maria")
        assert sorted(listed(client.get("/cases"))) == sorted([*BY_NEXT_DATE, "S-OTHER"])
        assert client.get("/cases/S-OTHER").status_code == 200
    every_team.engine.dispose()


# what was typed -> the message by the field
BAD = {
    "due_within=soon": "Days must be a whole number from 0 to 366",
    "due_within=-3": "Days must be a whole number from 0 to 366",
    "due_within=%EF%BC%93": "Days must be a whole number from 0 to 366",  # a full-width 3
    "stage=lost": "Choose a stage from the list",
    "rag=purple": "Choose red, amber or green",
    "sort=name": "Choose an order from the list",
}


@SQLITE_ONLY
@pytest.mark.parametrize("query", BAD)
def test_a_bad_filter_is_named_in_an_error_summary_and_lists_nothing(query, caseload, signed_in):
    page = signed_in("alice").get(f"/cases?{query}")
    assert page.status_code == 400
    assert "There is a problem" in page.text and BAD[query] in page.text
    assert page.text.count(BAD[query]) == 2  # in the summary and by the field
    assert listed(page) == []


@BOTH
def test_pages_of_fifty_keep_the_filters_in_their_links(web_app, signed_in):
    cases = [(NewRequest(reference=f"N-{number:03d}", received=date(2026, 11, 30), team="North",
                         caseworker="A Okafor"), [Received(on=date(2026, 11, 30))]) for number in range(120)]
    with web_app.unit_of_work() as work:
        work.cases.import_caseload(cases, "test", now_utc())
    client = signed_in("alice")
    first = client.get("/cases?sort=reference&mine=yes")
    assert listed(first) == [f"N-{number:03d}" for number in range(50)]
    assert "120 cases" in first.text and "Page 1 of 3" in first.text
    assert 'href="/cases?sort=reference&amp;mine=yes&amp;page=2"' in first.text
    assert listed(client.get("/cases?sort=reference&mine=yes&page=3")) == [f"N-{number:03d}" for number in range(100, 120)]
    assert listed(client.get("/cases?sort=reference&mine=yes&page=99")) == listed(
        client.get("/cases?sort=reference&mine=yes&page=3"))  # past the end: the last page

"""How SQLite answers the caseload page's queries (store/caseload.py): a case's earliest awaited advice is one
probe of ``ix_advice_requests_case_pending`` and is read only when a filter or sort needs it.

A plan that scans the pending advice per case made the red filter take 2 minutes over 12,000 open cases;
one that groups all pending advice for every query cost 15 ms a query at 10,000 (docs/PERFORMANCE.md,
"The web app"). The answers themselves are held to the domain by test_caseload_agreement.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from domain.timeline import Stage
from ehc.services.access import Role, Viewer
from ehc.services.caseload import caseload_page
from store.caseload import CaseloadFilter
from tests.web.support import TODAY

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

MANAGER = Viewer(username="maria", display_name=None, role=Role.MANAGER, team="North")


@pytest.fixture
def store(app_with_caseload):
    return app_with_caseload(120)


def plans_of_a_caseload_page(app, wanted: CaseloadFilter, sort: str) -> list[tuple[str, list[str]]]:
    """Each statement the caseload page ran, with SQLite's plan for it."""
    statements = []

    def keep(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(app.engine, "before_cursor_execute", keep)
    try:
        caseload_page(app, MANAGER, TODAY, wanted, sort=sort)
    finally:
        event.remove(app.engine, "before_cursor_execute", keep)
    with app.engine.connect() as connection:
        return [(statement, [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                                          parameters)])
                for statement, parameters in statements]


@pytest.mark.parametrize("wanted, sort, count_reads_advice", [
    # the filter                                               sort          the count reads awaited advice
    (CaseloadFilter(teams=frozenset({"North"})),               "next-date",  False),
    (CaseloadFilter(teams=frozenset({"North"})),               "reference",  False),
    (CaseloadFilter(teams=None, rag="red"),                    "next-date",  True),
    (CaseloadFilter(teams=None, rag="green"),                  "days-left",  True),
    (CaseloadFilter(teams=None, overdue=True),                 "received",   True),
    (CaseloadFilter(teams=None, due_within_days=14),           "next-date",  True),
    (CaseloadFilter(teams=None, stages=(Stage.ASSESSMENT,)),   "reference",  False),
])
def test_a_cases_awaited_advice_is_one_index_probe_and_read_only_where_needed(store, wanted, sort,
                                                                              count_reads_advice):
    plans = plans_of_a_caseload_page(store, wanted, sort)

    advice_reads = [step for _, plan in plans for step in plan if "advice_requests" in step]
    assert all(step == "SEARCH advice_requests USING INDEX ix_advice_requests_case_pending (case_id=?)"
               for step in advice_reads), advice_reads
    assert not [step for _, plan in plans for step in plan if "MATERIALIZE" in step]
    count = next(plan for statement, plan in plans if "count(*)" in statement)
    assert any("advice_requests" in step for step in count) == count_reads_advice


def test_the_open_cases_of_a_team_are_counted_and_their_caseworkers_listed_from_indexes_alone(store):
    plans = plans_of_a_caseload_page(store, CaseloadFilter(teams=frozenset({"North"})), "next-date")

    count = next(plan for statement, plan in plans if "count(*)" in statement)
    caseworkers = next(plan for statement, plan in plans if "DISTINCT cases.caseworker" in statement)
    assert count == ["SEARCH cases USING COVERING INDEX ix_cases_stage_team_received "
                     "(stage=? AND team=? AND received<?)"]
    assert caseworkers[0].startswith("SEARCH cases USING ") and "ix_cases_stage_" in caseworkers[0]

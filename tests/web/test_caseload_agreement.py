"""The caseload's SQL (store/caseload.py) agrees with the domain, case by case, over a synthetic caseload.

The web caseload filters and sorts in SQL over the projections, but shows each case as the domain folds it.
Here 600 synthetic requests received over 30 weeks before TODAY (late advice, exceptions, drafts, plans
issued) are imported, and every filter's references are compared with what the timeline (domain/timeline.py)
and the one RAG rule (domain/rag.py) say of each case as of TODAY.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.rag import rag_of
from domain.timeline import OPEN_STAGES
from ehc.services.caseload import rag_boundaries
from store.caseload import CaseloadFilter
from tests.web.support import TODAY


@pytest.fixture
def caseload_app(app_with_caseload):
    return app_with_caseload(600)


def _domain_view(app):
    """Every open case as the domain sees it on TODAY: reference -> (timeline, RAG)."""
    with app.unit_of_work() as work:
        found = work.cases.find(TODAY, stages=OPEN_STAGES)
    return {record.reference: (timeline, rag_of(timeline, app.policy, app.calendar)) for record, timeline in found}


def _references(app, sort="reference", **filters):
    wanted = CaseloadFilter(teams=None, **filters)
    with app.unit_of_work() as work:
        return [row.reference for row in work.caseload.page(TODAY, wanted, rag_boundaries(app, TODAY), sort=sort,
                                                             offset=0, limit=100_000)]


def test_every_filter_and_the_sort_by_next_date_agree_with_the_timelines(caseload_app):
    view = _domain_view(caseload_app)
    assert len(view) > 200  # enough open cases of every stage and colour to mean something
    for colour in ("red", "amber", "green"):
        expected = sorted(reference for reference, (_, rag) in view.items() if rag == colour)
        assert expected, f"the synthetic caseload has no {colour} case"
        assert _references(caseload_app, rag=colour) == expected, colour
    assert _references(caseload_app, overdue=True) == sorted(
        reference for reference, (timeline, _) in view.items() if timeline.is_overdue)
    for days in (0, 7, 28):
        assert _references(caseload_app, due_within_days=days) == sorted(
            reference for reference, (timeline, _) in view.items()
            if timeline.next_due and TODAY <= timeline.next_due.statutory <= TODAY + timedelta(days=days)), days
    by_next_date = sorted(view, key=lambda reference: (view[reference][0].next_due.statutory, reference))
    assert _references(caseload_app, sort="next-date") == by_next_date

"""The quality-review flow scores the case's plan and alerts the caseworker below Good, once per review.

The case was received Mon 2 Mar 2026 and assessed; its draft plan, served
Mon 15 Jun 2026, is the corpus's poor plan (Inadequate) or strong plan.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.events import Decision, DecisionOutcome, DraftServed
from domain.intake import NewRequest
from ehc.clock import now_utc
from ehc.services.messages import list_outbox
from ehc.services.plan_quality import attach_plan
from flows.quality_review import quality_review

PLANS = Path(__file__).parents[1] / "fixtures" / "plans"
REF = "EHC-Q-0001"
SERVED = date(2026, 6, 15)


@pytest.fixture
def case_app(flow_app):
    """A case whose draft plan is served."""
    with flow_app.unit_of_work() as work:
        work.cases.add_request(NewRequest(reference=REF, received=date(2026, 3, 2), caseworker="A Okafor"), "test",
                               now_utc())
        work.cases.record(REF, Decision(on=date(2026, 4, 10), outcome=DecisionOutcome.ASSESS), "test", now_utc())
        work.cases.record(REF, DraftServed(on=SERVED), "test", now_utc())
    return flow_app


@pytest.mark.parametrize("plan, grade, alerts", [
    ("poor.json", "Inadequate", (1, 0)),   # below Good: one alert, and the re-run finds it queued
    ("strong.json", "Good", (0, 0)),  # automatic grades are Good at most: Outstanding needs a reviewer
])
def test_the_flow_alerts_the_caseworker_once_when_the_plan_is_below_good(case_app, plan, grade, alerts):
    attach_plan(case_app, REF, "draft", PLANS / plan, SERVED)

    first = quality_review(REF, "draft", as_of=SERVED)
    again = quality_review(REF, "draft", as_of=SERVED)

    assert (first["grade"], first["created"], again["created"]) == (grade, True, False)
    assert (first["alert_queued"], again["alert_queued"]) == alerts
    assert len(list_outbox(case_app, case_reference=REF).messages) == alerts[0]

"""One short `review-pass` per plan arrival and review event, run by the task worker in `ehc serve`.

As tests/flows/test_case_passes.py does for requests: each test stores through ehc/services/reviews.py (as
`ehc import plans` and `ehc review record` do: store first, then hand over) with `ehc serve` running against
the session's Prefect test server, and waits until the store shows the plan level.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.plan_events import MeetingHeld, ReportReceived
from domain.plan_review import PlanInForce
from ehc.orchestration.runs import task_runs
from ehc.services import reviews
from ehc.services.review_orchestration import plans_catch_up
from prefect_runs import wait_until_plans_level
from tests.fakes import RecordingOrchestrator

pytestmark = pytest.mark.flows


def _plan(plan_ref: str) -> PlanInForce:
    return PlanInForce(plan_ref=plan_ref, issued=date(2025, 12, 1), last_review=None, year_group="6",
                       year_group_year=2026, setting="Oak Primary", caseworker="A Okafor", team="North")


def test_a_plan_is_carried_from_its_arrival_through_its_review_one_pass_each_named_by_the_plan(app, server):
    added = reviews.add_plan(app, _plan("PLAN-F-1"), "flow-test")
    assert added.orchestration.startswith("handed to orchestration (task run ")
    wait_until_plans_level(app, ["PLAN-F-1"], log=server.log)

    meeting = min(app.clock.today(), date(2026, 11, 30))
    for event in (MeetingHeld(on=meeting), ReportReceived(on=meeting)):
        assert "handed to orchestration" in reviews.record_review_event(app, "PLAN-F-1", event, "flow-test").orchestration
        wait_until_plans_level(app, ["PLAN-F-1"], log=server.log)

    passes = [run for run in task_runs(["PLAN-F-1"]) if run.state and run.state.is_final()]
    assert {run.name for run in passes} == {"PLAN-F-1"}
    assert len(passes) >= 3  # its arrival, the meeting and the report


def test_the_catch_up_levels_plans_whose_hand_over_was_lost(app, server):
    real = app.orchestrator
    app.orchestrator = RecordingOrchestrator(error=RuntimeError("Prefect is down"))
    for plan_ref in ("PLAN-F-2", "PLAN-F-3"):
        reviews.add_plan(app, _plan(plan_ref), "flow-test")
    app.orchestrator = real

    assert plans_catch_up(app) == 2  # what the `catch-up` flow does every 10 minutes
    wait_until_plans_level(app, ["PLAN-F-2", "PLAN-F-3"], log=server.log)
    assert plans_catch_up(app) == 0

"""Review passes (ehc/services/review_orchestration.py) on the real store, SQLite and PostgreSQL: a plan added or
changed is handed over, its pass acts on its arrival and each review event once, the messages it queues go to
the outbox under their keys (a pass repeated queues nothing twice), and the catch-up hands over a plan whose
hand-over was lost. Prefect is the recording orchestrator (tests/fakes.py).

The plan: issued Mon 3 Mar 2025 at Oak Primary, year 6 in 2025/26, so its review is due by Mon 2 Mar 2026 and
its transfer to secondary school needs the amended plan by Sat 14 Feb 2026. Today is Mon 2 Feb 2026.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from config.settings import Settings
from domain.plan_events import MeetingHeld, ReviewDecision
from domain.plan_review import PlanInForce
from ehc.bootstrap import bootstrap
from ehc.services import reviews
from ehc.services.messages import list_outbox
from ehc.services.review_orchestration import advance_plan, plan_level, plans_catch_up
from tests.fakes import FixedClock, RecordingOrchestrator

PLAN = PlanInForce(plan_ref="PLAN-1", issued=date(2025, 3, 3), last_review=None, year_group="6",
                   year_group_year=2025, setting="Oak Primary", caseworker="A Okafor", team="North")


@pytest.fixture
def app(database_url, tmp_path):
    app = bootstrap(Settings(database_url=database_url, state_dir=tmp_path / "state"),
                    orchestrator=RecordingOrchestrator(), clock=FixedClock.on(date(2026, 2, 2)))
    yield app
    app.engine.dispose()


def outbox_keys(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT key FROM outbox ORDER BY key")).scalars())


def level(app) -> dict:
    return plan_level(app, reviews.show_plan(app, "PLAN-1", app.clock.today())[0]).as_dict()


def test_a_plan_is_handed_over_on_arrival_and_on_each_review_event_and_its_pass_acts_once(app, engine):
    orchestrator = app.orchestrator
    added = reviews.add_plan(app, PLAN, "test")
    assert added.orchestration == "1 plan(s) handed to orchestration (fake)"
    assert orchestrator.calls == [("hand_over_plans", ["PLAN-1"])]
    assert level(app) == {"events_stored": 1, "events_acted_on": 0}

    [first] = orchestrator.run_review_passes(app)
    assert (first.acted_before, first.events_acted_on) == (0, 1)
    assert level(app) == {"events_stored": 1, "events_acted_on": 1}
    queued = outbox_keys(engine)
    assert first.messages_queued == len(queued) > 0  # the transfer's countdown and the review's reminders
    assert [entry.key for entry in list_outbox(app, case_reference="PLAN-1").messages] == queued  # `ehc outbox --case`

    again = advance_plan(app, "PLAN-1")
    assert (again.acted_before, again.events_acted_on, again.messages_queued) == (1, 1, 0)
    assert outbox_keys(engine) == queued

    reviews.record_review_event(app, "PLAN-1", MeetingHeld(on=date(2026, 1, 28)), "test")
    reviews.record_review_event(app, "PLAN-1", ReviewDecision(on=date(2026, 2, 2), outcome="amend"), "test")
    assert orchestrator.calls[1:] == [("hand_over_plans", ["PLAN-1"])] * 2
    assert level(app) == {"events_stored": 3, "events_acted_on": 1}
    passes = orchestrator.run_review_passes(app)
    assert [(done.acted_before, done.events_acted_on) for done in passes] == [(1, 3), (3, 3)]
    assert level(app) == {"events_stored": 3, "events_acted_on": 3}
    assert passes[0].stage == "amending"
    assert set(queued) <= set(outbox_keys(engine))  # nothing queued is taken back; each key once (unique)


def test_the_catch_up_hands_over_a_plan_whose_hand_over_was_lost_and_then_none(app):
    lost = RecordingOrchestrator(error=RuntimeError("Prefect is down"))
    app.orchestrator = lost
    added = reviews.add_plan(app, PLAN, "test")
    assert "not handed to orchestration (RuntimeError: Prefect is down)" in added.orchestration
    assert "`ehc review resync`" in added.orchestration

    app.orchestrator = RecordingOrchestrator()
    assert plans_catch_up(app) == 1
    assert app.orchestrator.calls == [("hand_over_plans", ["PLAN-1"])]
    app.orchestrator.run_review_passes(app)
    assert plans_catch_up(app) == 0


def test_a_plan_refused_an_event_is_not_handed_over_and_nothing_is_stored(app):
    from domain.casefile import EventRejected
    from domain.plan_events import ProposalsSent

    reviews.add_plan(app, PLAN, "test")
    app.orchestrator.run_review_passes(app)
    with pytest.raises(EventRejected, match="proposals sent needs a review meeting first: record meeting_held"):
        reviews.record_review_event(app, "PLAN-1", ProposalsSent(on=date(2026, 1, 30)), "test")
    assert app.orchestrator.calls == [("hand_over_plans", ["PLAN-1"])]
    assert level(app) == {"events_stored": 1, "events_acted_on": 1}

"""Casework on plans in force, as the CLI, the web app and the demo all do it: reviews recorded, plans found.

As for requests (ehc/services/casework.py): the store is written first, then
the plan is handed to orchestration for a review pass; a hand-over that
fails only delays the pass until the catch-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

from pydantic import ValidationError

from domain.plan_events import RECORDABLE_PLAN_EVENTS, PlanEvent, PlanEventVoided, parse_plan_event
from domain.plan_review import PlanInForce, PlanTimeline
from ehc.bootstrap import App
from ehc.parse import FieldProblems, field_problems
from ehc.services.casework import not_after_today
from ehc.services.hand_over import hand_over_plans
from store.plans import PlanRecord


@dataclass
class RecordedReview:
    record: PlanRecord
    timeline: PlanTimeline
    orchestration: str


def review_event_from_options(event_type: str, on: date, options: dict) -> PlanEvent:
    """The review event the fields describe (``outcome`` for a decision, ``meeting`` for a notice); bad values:
    FieldProblems naming those fields."""
    if event_type not in RECORDABLE_PLAN_EVENTS:
        raise FieldProblems.one("event", f"{event_type!r} is not a review event: one of "
                                         f"{', '.join(RECORDABLE_PLAN_EVENTS)}")
    payload = {name: value for name, value in options.items() if value is not None}
    try:
        return parse_plan_event(event_type, on, payload)
    except ValidationError as error:
        raise FieldProblems(field_problems(error, skip=(event_type,))) from error


def add_plan(app: App, plan: PlanInForce, actor: str) -> RecordedReview:
    """Store one plan in force (as the import does for many), then hand it to orchestration."""
    not_after_today(app, "issued", plan.issued)
    today = app.clock.today()
    with app.unit_of_work() as work:
        record = work.plans.add(plan, actor, app.clock.now(), today)
        timeline = work.plans.timeline(record, today)
    return RecordedReview(record, timeline, hand_over_plans(app, [plan.plan_ref]).note)


def record_review_event(app: App, plan_ref: str, event: PlanEvent, actor: str) -> RecordedReview:
    """Store the review event if the plan's history allows it (EventRejected otherwise), then hand the plan
    to orchestration. A notice names a meeting that may be ahead; every event's own date is not after today."""
    not_after_today(app, "on", event.on)
    return _record(app, plan_ref, event, actor)


def void_review_event(app: App, plan_ref: str, sequence: int, reason: str, actor: str) -> RecordedReview:
    """Take a mistaken review event out of the plan's history: a correction event names it and why."""
    with app.unit_of_work() as work:
        audit = work.plans.get(plan_ref).audit
    if not 1 <= sequence <= len(audit):
        listed = (f"its events are #1 to #{len(audit)}, as `ehc review show` lists them" if audit
                  else "no review event is recorded yet")
        raise FieldProblems.one("event", f"{plan_ref} has no event #{sequence} ({listed})")
    voided = audit[sequence - 1]
    try:
        event = PlanEventVoided(on=app.clock.today(), sequence=sequence, voided_type=voided["type"],
                                voided_on=date.fromisoformat(voided["date"]), reason=reason)
    except ValidationError as error:
        raise FieldProblems(field_problems(error, skip=("event_voided",))) from error
    return _record(app, plan_ref, event, actor)


def _record(app: App, plan_ref: str, event: PlanEvent, actor: str) -> RecordedReview:
    today = app.clock.today()
    with app.unit_of_work() as work:
        record = work.plans.record(plan_ref, event, actor, app.clock.now(), today)
        timeline = work.plans.timeline(record, max(today, event.on))
    return RecordedReview(record, timeline, hand_over_plans(app, [plan_ref]).note)


def show_plan(app: App, plan_ref: str, as_of: date) -> tuple[PlanRecord, PlanTimeline]:
    """The plan with its review history, and its timeline as of ``as_of``."""
    with app.unit_of_work() as work:
        record = work.plans.get(plan_ref)
        return record, work.plans.timeline(record, as_of)


def find_plans(app: App, as_of: date, *, due_within: int | None = None, overdue: bool = False,
               phase_transfer: int | None = None, school: str | None = None, caseworker: str | None = None,
               teams: Sequence[str] | None = None) -> list[tuple[PlanRecord, PlanTimeline]]:
    """Plans in force matching every filter given, earliest statutory date first (then by reference).

    ``due_within``: a statutory date pending within that many days (the phase-transfer deadline among them, in
    its transfer year); ``overdue``: one passed; ``phase_transfer``: the child transfers in September of that
    year; ``school``: the plan's setting; ``teams``: only plans of these teams (the web app's access rule).
    """
    found = []
    with app.unit_of_work() as work:
        for batch in work.plans.batches(setting=school, caseworker=caseworker, teams=teams):
            for record in batch:
                timeline = work.plans.timeline(record, as_of)
                if plan_matches(timeline, as_of, due_within=due_within, overdue=overdue,
                                phase_transfer=phase_transfer):
                    found.append((record, timeline))
    return sorted(found, key=lambda item: (item[1].next_due is None, item[1].next_due or date.max,
                                           item[0].plan_ref))


def plan_matches(timeline: PlanTimeline, as_of: date, *, due_within: int | None, overdue: bool,
                 phase_transfer: int | None) -> bool:
    transfer = timeline.phase_transfer
    if phase_transfer is not None and (transfer is None or transfer.transfer.transfer_year != phase_transfer):
        return False
    if overdue and not timeline.is_overdue:
        return False
    if due_within is None:
        return True
    horizon = as_of + timedelta(days=due_within)
    return any(as_of <= day <= horizon for day in timeline.pending_days)

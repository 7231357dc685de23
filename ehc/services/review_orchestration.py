"""Orchestration's work on a plan in force: one short pass per review event, the waiting held in the store.

Each review is carried as a request is (ehc/services/orchestration.py, docs/decisions/0001): recording a
review event (or importing a plan) stores it, then hands the plan over; Prefect's task worker runs
``advance_plan`` (flows/review_pass.py). Under the plan's pass lock it reads the plan, queues what its
events make due today (to the school, the caseworker, the manager: keyed messages in the outbox, so a pass
repeated after a kill queues nothing twice) and records in the store how many events it has acted on.
The daily watch plans the reminders that come due later; the catch-up hands over every plan behind.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from ehc.bootstrap import App
from ehc.services.casework import OrchestrationLevel
from store.plans import PlanRecord

LOCK_PREFIX = "plan/"  # plans share the pass locks with requests; the prefix keeps a plan and a case apart


@dataclass(frozen=True)
class ReviewPassOutcome:
    """What one pass did: the plan reference, counts and its stage only (a Prefect task result and log)."""

    plan_ref: str
    acted_before: int
    events_acted_on: int
    messages_queued: int = 0
    stage: str = ""

    def as_dict(self) -> dict:
        return {"plan_ref": self.plan_ref, "acted_before": self.acted_before,
                "events_acted_on": self.events_acted_on, "messages_queued": self.messages_queued,
                "stage": self.stage}

    def describe(self) -> str:
        if self.events_acted_on == self.acted_before and not self.messages_queued:
            return f"{self.plan_ref}: nothing new since event {self.acted_before}; {self.stage}"
        return (f"{self.plan_ref}: acted on {self.events_acted_on} review event(s), "
                f"{self.messages_queued} message(s) queued; {self.stage}")


def advance_plan(app: App, plan_ref: str, say: Callable[[str], None] = lambda line: None) -> ReviewPassOutcome:
    """One pass over the plan; waits while another pass holds it."""
    from ehc.services.review_messages import queue_plan_messages

    with _holding(app, plan_ref, say):
        today = app.clock.today()
        with app.unit_of_work() as work:
            record = work.plans.get(plan_ref)
            stage = work.plans.timeline(record, today).stage.value
        if record.events_stored <= record.events_acted_on:
            return ReviewPassOutcome(plan_ref, record.events_acted_on, record.events_acted_on, stage=stage)
        queued = queue_plan_messages(app, plan_ref, today)
        with app.unit_of_work() as work:
            work.plans.acted_on(plan_ref, record.events_stored, app.clock.now())
        return ReviewPassOutcome(plan_ref, record.events_acted_on, record.events_stored, queued, stage)


@contextmanager
def _holding(app: App, plan_ref: str, say: Callable[[str], None]) -> Iterator[None]:
    with app.case_pass_lock(LOCK_PREFIX + plan_ref):
        say(f"{plan_ref}: pass holds the plan")
        try:
            yield
        finally:
            say(f"{plan_ref}: pass lets the plan go")


def plans_catch_up(app: App) -> int:
    """Hand every plan that is behind (its arrival or review events not acted on) to orchestration again;
    returns how many."""
    with app.unit_of_work() as work:
        behind = work.plans.plans_behind()
    if behind:
        app.orchestrator.hand_over_plans(behind)
    return len(behind)


def plan_level(app: App, record: PlanRecord) -> OrchestrationLevel | None:
    """How far orchestration has got with the plan (its arrival and review events acted on), as
    `ehc review show --json` says it; None when no orchestration is configured."""
    if not app.orchestrator.configured:
        return None
    return OrchestrationLevel(record.events_stored, record.events_acted_on)

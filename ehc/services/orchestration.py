"""Orchestration's work on a case, one short pass per casework event, with the waiting held in the store.

A pass (``advance_case``) is what Prefect runs for each hand-over (``flows/case_pass.py``). Under the case's
pass lock it reads the stored events, does what they make due, and records in the case store how many
events it has acted on. Everything it does is keyed, so a pass repeated after a kill or a lost hand-over
repeats nothing: the contributor's advice request and reminders go to the outbox under their message keys,
and a plan's quality review is started under a Prefect idempotency key per document and date.

A case whose stored events outnumber those acted on is behind: ``catch_up`` hands every such case over
again (``ehc serve`` at start-up, and the ``catch-up`` deployment every 10 minutes).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from domain.events import AUDIT_MODELS
from domain.progress import progress_of
from ehc.bootstrap import App
from ehc.services import messages
from ehc.services.hand_over import hand_over_plans

# The plan documents whose arrival starts a quality review: (document, the event that brings it, which is
# also the name of the date it brought in domain.progress.Progress).
REVIEWED_DOCUMENTS = (("draft", "draft_served"), ("final", "final_issued"))


@dataclass(frozen=True)
class PassOutcome:
    """What one pass did; case references, counts and dates only (it becomes a Prefect task result and log)."""

    reference: str
    acted_before: int
    events_acted_on: int
    messages_queued: int = 0
    reviews_started: tuple[str, ...] = ()
    standing: str = ""
    plan_added: str | None = None  # the plan in force its final plan made (its reference), when this pass added it

    def as_dict(self) -> dict:
        return {"reference": self.reference, "acted_before": self.acted_before,
                "events_acted_on": self.events_acted_on, "messages_queued": self.messages_queued,
                "reviews_started": list(self.reviews_started), "standing": self.standing,
                "plan_added": self.plan_added}

    def describe(self) -> str:
        if self.events_acted_on == self.acted_before:
            return f"{self.reference}: nothing new since event {self.acted_before}; {self.standing}"
        done = [f"{self.messages_queued} message(s) queued"]
        done += [f"{document} plan's quality review started" for document in self.reviews_started]
        done += [f"plan in force {self.plan_added} added"] if self.plan_added else []
        return (f"{self.reference}: acted on events {self.acted_before + 1} to {self.events_acted_on} "
                f"({', '.join(done)}); {self.standing}")


def advance_case(app: App, reference: str, say: Callable[[str], None] = lambda line: None) -> PassOutcome:
    """One pass over the case; waits while another pass holds the case. ``say`` hears when this pass takes
    the case and lets it go: a pass's log shows how long it held the case, and that no two passes overlapped."""
    with _holding(app, reference, say):
        with app.unit_of_work() as work:
            acted_before = work.orchestration.events_acted_on(reference)
            events = work.cases.get(reference).events
            attached = work.orchestration.attached_plan_stages(reference)
        progress = progress_of(reference, events)
        waiting = progress.waiting_on()
        ended = progress.outcome().removeprefix(f"{reference}: ")
        standing = ended or (f"waiting for {waiting.milestone.value}" if waiting else "open")
        if progress.casework_events <= acted_before:
            return PassOutcome(reference, acted_before, acted_before, standing=standing)
        casework = [event for event in events if not isinstance(event, AUDIT_MODELS)]
        new_types = {event.type for event in casework[acted_before:]}
        queued = 0
        if progress.decided_to_assess and progress.advice:
            # The contributor hears the day advice is asked for; reminders due today go with it.
            queued = messages.queue_case_messages(app, reference, app.clock.today())
        reviews = []
        for document, event_type in REVIEWED_DOCUMENTS:
            issued_on = getattr(progress, event_type)  # Progress keeps each date under its event's name
            # A review scores the attached document: with none attached it would be a flow-run process that
            # does nothing (hundreds, for an imported caseload). `ehc qa attach` reviews a plan attached later.
            if issued_on and event_type in new_types and document in attached:
                app.orchestrator.start_quality_review(reference, document, issued_on)
                reviews.append(document)
        plan = None
        if progress.final_issued and "final_issued" in new_types:
            plan = plan_in_force_from_request(app, reference)
        with app.unit_of_work() as work:
            work.orchestration.acted_on(reference, progress.casework_events, app.clock.now())
        if plan is not None:
            hand_over_plans(app, [plan])
        return PassOutcome(reference, acted_before, progress.casework_events, queued, tuple(reviews), standing,
                           plan)


def plan_in_force_from_request(app: App, reference: str) -> str | None:
    """The request's final plan as a plan in force, reviewed from then on (its reference is the request's):
    added once, when the final plan is first acted on. None when it is already there, or cannot be added
    because the child's year group is unknown (no date of birth, or past year 13): `ehc import plans` adds
    such a plan with its year group."""
    from domain.plan_review import PlanInForce
    from domain.year_groups import academic_year_of, year_group_for_birth_date

    today = app.clock.today()
    with app.unit_of_work() as work:
        if work.plans.plan_for_case(reference) is not None or work.plans.stored_refs([reference]):
            return None
        record = work.cases.get(reference)
        issued = progress_of(reference, record.events).final_issued
        born = record.child_date_of_birth
        year_group = year_group_for_birth_date(born, today) if born else None
        if issued is None or year_group is None:
            return None
        work.plans.add(PlanInForce(plan_ref=reference, issued=issued, last_review=None, year_group=year_group,
                                   year_group_year=academic_year_of(today), setting=record.setting,
                                   case_ref=reference, caseworker=record.caseworker, team=record.team),
                       "ehc-orchestration", app.clock.now(), today)
    return reference


@contextmanager
def _holding(app: App, reference: str, say: Callable[[str], None]) -> Iterator[None]:
    with app.case_pass_lock(reference):
        say(f"{reference}: pass holds the case")
        try:
            yield
        finally:
            say(f"{reference}: pass lets the case go")


def catch_up(app: App) -> dict:
    """Hand every case that is behind to orchestration again; returns how many were behind."""
    with app.unit_of_work() as work:
        behind = work.orchestration.cases_behind()
    if behind:
        app.orchestrator.hand_over(behind)
    return {"behind": len(behind)}

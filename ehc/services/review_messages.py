"""The watch over plans in force: review reminders, escalations, phase-transfer alerts and termly notices.

Composed from the App as the deadline watch is (ehc/services/messages.py, whose
morning run calls this one too): plans a batch at a time from the plans store,
their messages planned by domain/reminders/review_planner.py, rendered, and
queued in the outbox under their keys, so a re-run, the morning watch and a
plan's own review pass queue each message once. A plan's messages have no case
(``case_id`` None: no case audit) and the plan ref as their ``case_reference``;
a school's termly notice has neither. Results are counts only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterator, Sequence

from pydantic import BaseModel

from domain.plan_review import PlanTimeline, plan_timeline
from domain.reminders.delivery import opening_time
from domain.reminders.messages import PlannedMessage
from domain.reminders.review_planner import (
    PlanForReminders, TermNotice, TermReview, plan_review_messages, plan_term_notices, term_notice_due, term_review,
)
from ehc.bootstrap import App
from ehc.services.messages import branding
from notifications.render import RenderedMessage, Renderer
from store.outbox import outbox_row
from store.plans import PlanRecord

BATCH_SIZE = 1000

# A message with the child's initials for its body (None: a plan made before the product, or a termly notice).
Planned = tuple[PlannedMessage | TermNotice, str | None]


class ReviewWatchSummary(BaseModel):
    """Counts only."""

    as_of: date
    plans_checked: int = 0
    messages_queued: int = 0
    already_queued: int = 0


def review_watch(app: App, as_of: date, plan_refs: Sequence[str] | None = None) -> ReviewWatchSummary:
    """Queue the day's messages about every plan in force (or those named), idempotently; the whole watch also
    queues the termly notices to schools and settings when a term's are due."""
    app.require_current_schema()
    renderer = Renderer(branding(app))
    # Not before quiet hours end on the day; a watch run late in the day (or a catch-up) is due at once.
    not_before = opening_time(as_of, app.policy.delivery)
    summary = ReviewWatchSummary(as_of=as_of)
    for checked, planned in _planned(app, as_of, plan_refs):
        summary.plans_checked += checked
        keys = [message.key for message, _ in planned]
        with app.unit_of_work() as work:
            # Rendering is most of the work: only the messages not queued already are rendered. The insert checks.
            queued = work.outbox.existing_keys(keys)
        created_at = app.clock.now()
        rows = [outbox_row(message, _render(renderer, message, initials, as_of), case_id=None, not_before=not_before,
                           created_at=created_at)
                for message, initials in planned if message.key not in queued]
        with app.unit_of_work() as work:
            result = work.outbox.enqueue(rows)
        summary.messages_queued += result.inserted
        summary.already_queued += len(queued) + result.already_queued
    return summary


def queue_plan_messages(app: App, plan_ref: str, as_of: date) -> int:
    """The review watch for one plan, which its review pass runs after each review event, so whoever is due a
    message hears the same day; returns how many were newly queued (the morning watch finds the same keys)."""
    return review_watch(app, as_of, plan_refs=[plan_ref]).messages_queued


def preview_review_messages(app: App, as_of: date) -> list[PlannedMessage | TermNotice]:
    """What the review watch would queue on ``as_of``; nothing is written."""
    return [message for _, planned in _planned(app, as_of) for message, _ in planned]


def _planned(app: App, as_of: date, plan_refs: Sequence[str] | None = None) -> Iterator[tuple[int, list[Planned]]]:
    """(plans checked, their messages) a batch at a time; then, for the whole watch on a term's notice days, the
    termly notices (no plans checked)."""
    due = (term_notice_due(app.la.school_terms(), as_of, app.la.reviews.term_notice_days, app.calendar)
           if plan_refs is None else None)
    in_term: dict[str, list[TermReview]] = defaultdict(list)
    for batch in _plan_batches(app, as_of, plan_refs):
        planned: list[Planned] = []
        for record, timeline in batch:
            plan = record.plan
            facts = PlanForReminders(plan_ref=plan.plan_ref, caseworker=plan.caseworker, setting=plan.setting,
                                     timeline=timeline)
            planned.extend((message, record.child_initials)
                           for message in plan_review_messages(facts, app.policy, app.calendar, as_of))
            if due is not None and plan.setting is not None and (found := term_review(timeline, due, as_of)):
                in_term[plan.setting].append(found)
        yield len(batch), planned
    if due is not None:
        notices = plan_term_notices(in_term, due, app.la.reviews.term_notice_days, app.policy)
        yield 0, [(notice, None) for notice in notices]


def _plan_batches(app: App, as_of: date, plan_refs: Sequence[str] | None,
                  batch_size: int = BATCH_SIZE) -> Iterator[list[tuple[PlanRecord, PlanTimeline]]]:
    """The plans in force (or those named) with their timelines on ``as_of``, a batch per transaction."""
    after_id = 0
    while True:
        with app.unit_of_work() as work:
            records = next(work.plans.batches(after_id=after_id, size=batch_size, plan_refs=plan_refs), [])
        if not records:
            return
        after_id = records[-1].plan_id
        yield [(record, plan_timeline(record.plan, record.events, app.calendar, as_of, app.review_settings))
               for record in records]


def _render(renderer: Renderer, message: PlannedMessage | TermNotice, initials: str | None,
            as_of: date) -> RenderedMessage:
    if isinstance(message, TermNotice):
        return renderer.render_term_notice(message)
    return renderer.render(message, initials or "", as_of)

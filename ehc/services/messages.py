"""Reminder jobs, composed from the App: the CLI and the Prefect flows both call these.

Results of the jobs are counts only (no names, no addresses), so they are
safe as Prefect task results and in logs. Listing the outbox, for people at
the command line, shows each message's addressee and why it was queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Sequence

from pydantic import BaseModel

from domain.quality.alerts import ReviewFacts, plan_quality_alert, plan_ref, quality_alert_relevance
from domain.reminders.delivery import opening_time
from domain.plan_review import plan_timeline
from domain.reminders.messages import PLAN_KINDS, MessageKind, OutboxStatus, PlannedMessage
from domain.reminders.planner import CaseForReminders, plan_messages
from domain.reminders.planner import still_relevant as _still_relevant
from domain.reminders.report_mail import plan_weekly_report_mail
from domain.reminders.review_planner import TermNotice, review_message_relevance
from domain.timeline import Stage, timeline_for
from ehc.bootstrap import App
from ehc.services.plan_quality import ReviewSummary
from notifications.dispatcher import Dispatcher, DispatchSummary
from ehc.services.portal_links import Purpose, new_link
from notifications.render import ADVICE_KINDS, Branding, Renderer, ReportFigures
from store.models import OutboxMessage, as_utc
from store.outbox import outbox_row
from store.plans import PlanNotFound
from store.quality import NoPlanAttached, QualityStore

if TYPE_CHECKING:  # ehc.services.reporting pulls in jinja2 and openpyxl; only its result type is needed here
    from ehc.services.reporting import WeeklyReportFiles

BATCH_SIZE = 1000

__all__ = ["WatchSummary", "DispatchSummary", "ReminderPreview", "OutboxEntry", "OutboxListing", "branding",
           "deadline_watch", "dispatch_outbox", "preview_reminders", "queue_quality_alert", "queue_weekly_report_email",
           "list_outbox", "requeue_failed"]


class WatchSummary(BaseModel):
    """Counts only: of the cases' messages, and (the morning watch) the plans' (ehc/services/review_messages.py)."""

    as_of: date
    cases_checked: int = 0
    plans_checked: int = 0
    messages_queued: int = 0
    already_queued: int = 0


class ReminderPreview(BaseModel):
    """One message that would be sent on the day, and why: by case or plan reference, never the child's name
    (None: a school's termly notice)."""

    key: str
    case_reference: str | None
    kind: str
    purpose: str
    recipient: str
    channel: str
    to_address: str | None
    due_on: date
    send_on: date
    reason: str
    rag: str | None
    already_queued: bool


def _planned_batches(app: App, as_of: date, batch_size: int = BATCH_SIZE, references: Sequence[str] | None = None):
    """Yield (open case, its planned messages) for every open case (or those named), a batch per transaction."""
    after_id = 0
    while True:
        with app.unit_of_work() as work:
            batch = work.reminder_cases.open_case_batch(after_id, batch_size, references)
        if batch is None:
            return
        after_id = batch.last_id
        planned = []
        for case in batch.cases:
            timeline = timeline_for(case.events, app.calendar, as_of, app.closures)
            facts = CaseForReminders(reference=case.reference, caseworker=case.caseworker, timeline=timeline)
            planned.append((case, plan_messages(facts, batch.contributors, app.policy, app.calendar, as_of)))
        yield planned


def branding(app: App) -> Branding:
    """How the LA's messages present themselves: its name, the web app's address (for links), the sender."""
    return Branding(authority=app.la.authority.name, base_url=app.settings.public_url,
                    mail_from=app.settings.mail_from)


def deadline_watch(app: App, as_of: date, references: Sequence[str] | None = None) -> WatchSummary:
    """Plan the day's reminders, escalations and alerts for every open case (or those named), idempotently.

    A case's orchestration pass calls this for its own case the moment advice is asked
    for, so the contributor hears the same day; the morning watch finds the
    same keys already queued. The whole watch (no references) runs the review
    watch over the plans in force too, and its counts are added in.
    """
    app.require_current_schema()  # before anything is read or written
    renderer = Renderer(branding(app))
    summary = WatchSummary(as_of=as_of)
    # Not before quiet hours end on the day; a watch run late in the day (or a catch-up) is due at once.
    not_before = opening_time(as_of, app.policy.delivery)
    for planned in _planned_batches(app, as_of, references=references):
        created_at = app.clock.now()
        summary.cases_checked += len(planned)
        keys = [message.key for _, messages in planned for message in messages]
        with app.unit_of_work() as work:
            # Rendering is most of the watch's work: a re-run (or the request's own run earlier in the
            # day) has already queued these, so only new keys are rendered. The insert still checks.
            queued = work.outbox.existing_keys(keys)
        rows, links = [], {}
        for case, messages in planned:
            for message in messages:
                if message.key in queued:
                    continue
                if message.kind in ADVICE_KINDS:  # each one a fresh portal link to its advice request
                    links[message.key] = new_link(app, case.case_id, case.reference, Purpose.ADVICE,
                                                  advice_key=message.subject_ref)
                rendered = renderer.render(message, case.child_initials, as_of,
                                           advice_url=links[message.key].url if message.key in links else None)
                rows.append(outbox_row(message, rendered, case_id=case.case_id, not_before=not_before,
                                       created_at=created_at))
        with app.unit_of_work() as work:
            result = work.outbox.enqueue(rows)
            # Only the links of messages queued now are stored: a message another run queued first keeps its own.
            work.portal.add_links([links[key].row for key in sorted(result.inserted_keys) if key in links])
        summary.messages_queued += result.inserted
        summary.already_queued += len(queued) + result.already_queued
    if references is None:
        from ehc.services.review_messages import review_watch  # it builds on this module (branding)

        reviews = review_watch(app, as_of)
        summary.plans_checked = reviews.plans_checked
        summary.messages_queued += reviews.messages_queued
        summary.already_queued += reviews.already_queued
    return summary


def queue_case_messages(app: App, reference: str, as_of: date) -> int:
    """The deadline watch for one case: whatever it is due today, the contributor's new advice request among
    them, so the contributor hears the same day; returns how many were newly queued (the morning watch finds
    the same keys already queued)."""
    return deadline_watch(app, as_of, references=[reference]).messages_queued


def queue_quality_alert(app: App, summary: ReviewSummary, as_of: date) -> int:
    """Queue the caseworker's alert for an automatic review graded below Good; returns 1 if newly queued, else 0.

    Idempotent: the outbox key names the review, so the `quality-review` flow
    and `ehc qa attach` (or either run twice) queue one alert between them.
    Nothing for a Good or better plan, nor for a plan the case has moved past.
    """
    if not summary.below_good:
        return 0
    with app.unit_of_work() as work:
        case = work.reminder_cases.message_case(summary.reference)
        timeline = timeline_for(case.events, app.calendar, as_of, app.closures)
        message = plan_quality_alert(_review_facts(app, summary, case.caseworker, timeline.stage), app.policy,
                                     app.calendar, as_of)
        if message is None:
            return 0
        rendered = Renderer(branding(app)).render(message, case.child_initials, as_of)
        row = outbox_row(message, rendered, case_id=case.case_id,
                         not_before=opening_time(message.send_on, app.policy.delivery), created_at=app.clock.now())
        return work.outbox.enqueue([row]).inserted


def queue_weekly_report_email(app: App, files: WeeklyReportFiles, as_of: date) -> int:
    """Queue the weekly report for each address on the policy's ``[reports] weekly_distribution``, with its
    HTML page, CSV of open cases and workbook attached; returns how many messages were newly queued.

    Idempotent: the key names the report's day and the recipient, so running the
    report again for the same ``as_of`` queues nothing new. The files are read
    when the email is sent, from where the first queued run wrote them (the flow
    writes each day's report to the same folder, so a re-run's files go out).
    Goes out from the end of quiet hours on ``as_of``, or at once for an earlier day.
    """
    messages = plan_weekly_report_mail(as_of, app.policy)
    if not messages:
        return 0
    attachments = [files.html, files.csv, files.xlsx]
    figures = ReportFigures(
        as_of=as_of, open_requests=files.open_requests, open_overdue=files.open_overdue,
        plans_issued_rolling_12_months=files.plans_issued_rolling_12_months,
        pct_within_20_weeks_excl_exceptions=files.pct_within_20_weeks_excl_exceptions_rolling_12_months,
        attachments=tuple(path.name for path in attachments), saved_in=str(files.html.parent.resolve()),
        quality_review=files.quality_review, plans_in_force=files.plans_in_force,
        pct_reviews_within_12_months=files.pct_reviews_within_12_months_rolling_12_months,
        pct_decisions_within_4_weeks=files.pct_decisions_within_4_weeks_rolling_12_months)
    renderer = Renderer(branding(app))
    created_at = app.clock.now()
    rows = []
    for message in messages:
        rendered = renderer.render_report(message, figures)
        rows.append(outbox_row(message, rendered, case_id=None, not_before=opening_time(as_of, app.policy.delivery),
                               created_at=created_at, attachments=[str(path.resolve()) for path in attachments]))
    with app.unit_of_work() as work:
        return work.outbox.enqueue(rows).inserted


def _review_facts(app: App, summary: ReviewSummary, caseworker: str | None, case_stage: Stage) -> ReviewFacts:
    """The review as the planner takes it; the weakest criteria named by the rubric's titles, weightiest first."""
    weak = sorted((c for c in app.rubric.criteria if summary.scores.get(c.id, 4) <= 2),
                  key=lambda c: (summary.scores[c.id], -c.weight))
    return ReviewFacts(
        reference=summary.reference, caseworker=caseworker, case_stage=case_stage, plan_stage=summary.stage,
        document_id=summary.document_id, review_id=summary.review_id, reviewed_on=summary.reviewed_on,
        grade=summary.grade, cap_reasons=summary.cap_reasons,
        weakest=tuple(f"scored {summary.scores[c.id]} of 4: {c.title}" for c in weak), failings=summary.failings)


def dispatch_outbox(app: App, now: datetime) -> DispatchSummary:
    """Send every queued message that is due at ``now`` (outside quiet hours, on a working day)."""
    app.require_current_schema()
    dispatcher = Dispatcher(unit_of_work=app.unit_of_work, senders=app.senders, delivery=app.policy.delivery,
                            calendar=app.calendar, still_relevant=_relevance(app, now))
    return dispatcher.run(now)


def preview_reminders(app: App, as_of: date) -> list[ReminderPreview]:
    """What the watch would queue on ``as_of``, and why, about the cases and then the plans in force; nothing is
    written."""
    from ehc.services.review_messages import preview_review_messages  # it builds on this module (branding)

    app.require_current_schema()
    found: list[PlannedMessage | TermNotice] = [
        message for planned in _planned_batches(app, as_of) for _, messages in planned for message in messages]
    found.extend(preview_review_messages(app, as_of))
    with app.unit_of_work() as work:
        queued = work.outbox.existing_keys([message.key for message in found])
    return [
        ReminderPreview(
            key=message.key, case_reference=message.case_reference, kind=message.kind.value,
            purpose=message.purpose, recipient=message.recipient, channel=message.channel,
            to_address=message.to_address, due_on=message.due_on, send_on=message.send_on, reason=message.reason,
            rag=message.rag.value if isinstance(message, PlannedMessage) and message.rag else None, already_queued=message.key in queued)
        for message in found
    ]


def _relevance(app: App, now: datetime):
    """The dispatcher's last check: is the case still in the state that made the message due?"""
    today = now.astimezone(app.policy.delivery.zone).date()

    def check(row: OutboxMessage) -> str | None:
        if row.kind in PLAN_KINDS:  # about a plan in force: no case, judged by domain.reminders.review_planner
            return _plan_relevance(app, row, max(today, row.send_on))
        if row.case_id is None:  # about the service (the weekly report) or a school's termly notice: never stale
            return None
        quality = row.kind == MessageKind.QUALITY_ALERT
        with app.unit_of_work() as work:
            events = work.reminder_cases.case_events([row.case_id])[row.case_id]
            latest = _latest_plan_ref(work.quality, row.case_reference) if quality else None
        timeline = timeline_for(events, app.calendar, max(today, row.send_on), app.closures)
        if quality:  # about a plan document, not a statutory date: judged by domain.quality.alerts
            return quality_alert_relevance(row.subject_ref, timeline.stage, latest)
        return _still_relevant(row.kind, row.subject_ref, timeline)

    return check


def _plan_relevance(app: App, row: OutboxMessage, on: date) -> str | None:
    """Why a message about a plan should not go now (the date met, the meeting held, the plan ceased), or None."""
    with app.unit_of_work() as work:
        try:
            record = work.plans.get(row.case_reference)
        except PlanNotFound:
            return f"no plan {row.case_reference} is stored"
    timeline = plan_timeline(record.plan, record.events, app.calendar, on, app.review_settings)
    return review_message_relevance(row.kind, row.subject_ref, row.due_on, timeline, app.calendar)


def _latest_plan_ref(quality: QualityStore, reference: str) -> str | None:
    try:
        latest = quality.latest_plan(reference)
    except NoPlanAttached:
        return None
    return plan_ref(latest.stage, latest.id)


@dataclass(frozen=True)
class OutboxEntry:
    """One message in the outbox, with what it is for and why it was queued (times in UTC)."""

    key: str
    case_reference: str | None
    kind: str
    purpose: str
    recipient: str
    channel: str
    to_address: str | None
    due_on: date
    send_on: date
    reason: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    message_id: str
    sent_at: datetime | None


@dataclass(frozen=True)
class OutboxListing:
    counts: dict[str, int]   # by status, of the messages asked about (all, or one case's)
    messages: list[OutboxEntry]


def list_outbox(app: App, status: OutboxStatus | None = None, case_reference: str | None = None) -> OutboxListing:
    """The outbox, earliest next attempt first: every message, or those of one status or about one case
    (a reference with no case has no messages)."""
    with app.unit_of_work() as work:
        rows = work.outbox.messages(status, case_reference=case_reference)
        counts = work.outbox.counts(case_reference)
    return OutboxListing(counts, [_entry(row) for row in rows])


def _entry(row: OutboxMessage) -> OutboxEntry:
    return OutboxEntry(
        key=row.key, case_reference=row.case_reference, kind=row.kind, purpose=row.purpose, recipient=row.recipient,
        channel=row.channel, to_address=row.to_address, due_on=row.due_on, send_on=row.send_on, reason=row.reason,
        status=row.status, attempts=row.attempts, last_error=row.last_error,
        next_attempt_at=as_utc(row.next_attempt_at), message_id=row.message_id,
        sent_at=as_utc(row.sent_at) if row.sent_at else None)


def requeue_failed(app: App, key: str | None = None) -> int:
    """Give failed messages (every one, or the one with ``key``) another round of attempts, from now; returns
    how many."""
    with app.unit_of_work() as work:
        return work.outbox.requeue_failed(app.clock.now(), key)

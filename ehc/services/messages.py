"""Reminder jobs, composed from the App: the CLI and the Prefect flows both call these.

Results are counts only (no names, no addresses), so they are safe as
Prefect task results and in logs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Sequence

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.initials import initials
from domain.quality.alerts import ReviewFacts, plan_quality_alert, plan_ref, quality_alert_relevance
from domain.reminders.delivery import opening_time
from domain.reminders.messages import MessageKind, PlannedMessage
from domain.reminders.planner import CaseForReminders, plan_messages
from domain.reminders.report_mail import plan_weekly_report_mail
from domain.reminders.planner import still_relevant as _still_relevant
from domain.timeline import Stage, timeline_for
from ehc.bootstrap import App
from ehc.clock import now_utc
from ehc.services.plan_quality import ReviewSummary
from notifications.dispatcher import Dispatcher, DispatchSummary
from notifications.render import Branding, Renderer, ReportFigures
from store.cases import CaseNotFound
from store.models import Case, OutboxMessage
from store.outbox import OutboxStore, outbox_row
from store.quality import NoPlanAttached, QualityStore
from store.reminder_cases import OpenCase, case_events, open_case_batch

if TYPE_CHECKING:  # ehc.services.reporting pulls in jinja2 and openpyxl; only its result type is needed here
    from ehc.services.reporting import WeeklyReportFiles

BATCH_SIZE = 1000

__all__ = ["WatchSummary", "DispatchSummary", "ReminderPreview", "deadline_watch", "dispatch_outbox",
           "preview_reminders", "queue_quality_alert", "queue_weekly_report_email"]


class WatchSummary(BaseModel):
    """Counts only."""

    as_of: date
    cases_checked: int = 0
    messages_queued: int = 0
    already_queued: int = 0


class ReminderPreview(BaseModel):
    """One message that would be sent on the day, and why: by case reference, never the child's name."""

    key: str
    case_reference: str
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
        with app.sessions.begin() as session:
            batch = open_case_batch(session, after_id, batch_size, references)
        if batch is None:
            return
        after_id = batch.last_id
        planned = []
        for case in batch.cases:
            timeline = timeline_for(case.events, app.calendar, as_of, app.closures)
            facts = CaseForReminders(reference=case.reference, caseworker=case.caseworker, timeline=timeline)
            planned.append((case, plan_messages(facts, batch.contributors, app.policy, app.calendar, as_of)))
        yield planned


def _branding(app: App) -> Branding:
    return Branding(authority=app.la.authority.name, base_url=app.settings.public_base_url,
                    mail_from=app.settings.mail_from)


def _check_schema(app: App) -> None:
    with app.store():
        pass  # raises SchemaOutOfDate before anything is read or written


def deadline_watch(app: App, as_of: date, references: Sequence[str] | None = None) -> WatchSummary:
    """Plan the day's reminders, escalations and alerts for every open case (or those named), idempotently.

    A request's flow run calls this for its own case the moment advice is asked
    for, so the contributor hears the same day; the morning watch finds the
    same keys already queued.
    """
    _check_schema(app)
    renderer = Renderer(_branding(app))
    summary = WatchSummary(as_of=as_of)
    # Not before quiet hours end on the day; a watch run late in the day (or a catch-up) is due at once.
    not_before = opening_time(as_of, app.policy.delivery)
    for planned in _planned_batches(app, as_of, references=references):
        created_at = now_utc()
        summary.cases_checked += len(planned)
        keys = [message.key for _, messages in planned for message in messages]
        with app.sessions.begin() as session:
            # Rendering is most of the watch's work: a re-run (or the request's own run earlier in the
            # day) has already queued these, so only new keys are rendered. The insert still checks.
            queued = OutboxStore(session).existing_keys(keys)
        rows = []
        for case, messages in planned:
            for message in messages:
                if message.key in queued:
                    continue
                rendered = renderer.render(message, case.child_initials, as_of)
                rows.append(outbox_row(message, rendered, case_id=case.case_id, not_before=not_before,
                                       created_at=created_at))
        with app.sessions.begin() as session:
            result = OutboxStore(session).enqueue(rows)
        summary.messages_queued += result.inserted
        summary.already_queued += len(queued) + result.already_queued
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
    with app.store() as cases:  # the schema check, and one transaction
        session = cases.session
        case = session.execute(
            select(Case.id, Case.caseworker, Case.child_given_name, Case.child_family_name)
            .where(Case.reference == summary.reference)).one_or_none()
        if case is None:
            raise CaseNotFound(summary.reference)
        timeline = timeline_for(case_events(session, [case.id])[case.id], app.calendar, as_of, app.closures)
        message = plan_quality_alert(_review_facts(app, summary, case.caseworker, timeline.stage), app.policy,
                                     app.calendar, as_of)
        if message is None:
            return 0
        rendered = Renderer(_branding(app)).render(
            message, initials(case.child_given_name, case.child_family_name), as_of)
        row = outbox_row(message, rendered, case_id=case.id,
                         not_before=opening_time(message.send_on, app.policy.delivery), created_at=now_utc())
        return OutboxStore(session).enqueue([row]).inserted


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
        quality_review=files.quality_review)
    renderer = Renderer(_branding(app))
    created_at = now_utc()
    rows = []
    for message in messages:
        rendered = renderer.render_report(message, figures)
        rows.append(outbox_row(message, rendered, case_id=None, not_before=opening_time(as_of, app.policy.delivery),
                               created_at=created_at, attachments=[str(path.resolve()) for path in attachments]))
    with app.store() as cases:  # the schema check, and one transaction
        return OutboxStore(cases.session).enqueue(rows).inserted


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
    _check_schema(app)
    dispatcher = Dispatcher(sessions=app.sessions, senders=app.senders, delivery=app.policy.delivery,
                            calendar=app.calendar, still_relevant=_relevance(app, now))
    return dispatcher.run(now)


def preview_reminders(app: App, as_of: date) -> list[ReminderPreview]:
    """What the watch would queue on ``as_of``, and why; nothing is written."""
    _check_schema(app)
    found: list[tuple[OpenCase, PlannedMessage]] = [
        (case, message) for planned in _planned_batches(app, as_of) for case, messages in planned
        for message in messages]
    with app.sessions.begin() as session:
        queued = OutboxStore(session).existing_keys([message.key for _, message in found])
    return [
        ReminderPreview(
            key=message.key, case_reference=message.case_reference, kind=message.kind.value,
            purpose=message.purpose, recipient=message.recipient, channel=message.channel,
            to_address=message.to_address, due_on=message.due_on, send_on=message.send_on, reason=message.reason,
            rag=message.rag.value if message.rag else None, already_queued=message.key in queued)
        for _, message in found
    ]


def _relevance(app: App, now: datetime):
    """The dispatcher's last check: is the case still in the state that made the message due?"""
    today = now.astimezone(app.policy.delivery.zone).date()

    def check(row: OutboxMessage) -> str | None:
        if row.case_id is None:  # about the service (the weekly report), not a case: nothing can make it stale
            return None
        quality = row.kind == MessageKind.QUALITY_ALERT
        with app.sessions.begin() as session:
            events = case_events(session, [row.case_id])[row.case_id]
            latest = _latest_plan_ref(session, row.case_reference) if quality else None
        timeline = timeline_for(events, app.calendar, max(today, row.send_on), app.closures)
        if quality:  # about a plan document, not a statutory date: judged by domain.quality_alerts
            return quality_alert_relevance(row.subject_ref, timeline.stage, latest)
        return _still_relevant(row.kind, row.subject_ref, timeline)

    return check


def _latest_plan_ref(session: Session, reference: str) -> str | None:
    try:
        latest = QualityStore(session).latest_plan(reference)
    except NoPlanAttached:
        return None
    return plan_ref(latest.stage, latest.id)

"""Tables. Personal data about the child lives only in ``cases``.

``case_events`` is the record: append-only (the migration adds triggers that
refuse UPDATE and DELETE). ``cases.stage`` / ``next_due`` and
``advice_requests`` are projections of the events, rewritten in the same
transaction as each event so SQL can select cases without folding them.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import Text
from sqlalchemy.types import Float


class Base(DeclarativeBase):
    pass


def as_utc(moment: datetime) -> datetime:
    """A stored moment as an aware UTC datetime: the store writes UTC, but SQLite hands back naive datetimes
    and PostgreSQL aware ones in the session's time zone."""
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # The web caseload (store/caseload.py): open cases of some teams counted, and their caseworkers listed,
        # from the index alone (migration 0008_caseload_indexes).
        Index("ix_cases_stage_team_received", "stage", "team", "received"),
        Index("ix_cases_stage_caseworker", "stage", "caseworker"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    received: Mapped[date] = mapped_column(Date)
    child_given_name: Mapped[str | None] = mapped_column(String(200))
    child_family_name: Mapped[str | None] = mapped_column(String(200))
    child_date_of_birth: Mapped[date | None] = mapped_column(Date)
    caseworker: Mapped[str | None] = mapped_column(String(120), index=True)
    team: Mapped[str | None] = mapped_column(String(120))
    setting: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    stage: Mapped[str] = mapped_column(String(30), index=True)
    next_due: Mapped[date | None] = mapped_column(Date, index=True)
    exceptions_apply: Mapped[bool] = mapped_column(default=False)
    # Orchestration's progress (ehc/services/orchestration.py): casework events acted on, and when.
    events_acted_on: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    acted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.sequence")


class CaseEvent(Base):
    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    event_date: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class Contributor(Base):
    __tablename__ = "contributors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(30))
    team: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    escalation_email: Mapped[str | None] = mapped_column(String(254))


class AdviceRequest(Base):
    __tablename__ = "advice_requests"
    __table_args__ = (
        UniqueConstraint("case_id", "key"),
        Index("ix_advice_requests_pending_due", "received_on", "due_on"),
        # Each case's advice still awaited, by due date: one probe gives a case's earliest (store/caseload.py).
        Index("ix_advice_requests_case_pending", "case_id", "due_on", sqlite_where=text("received_on IS NULL"),
              postgresql_where=text("received_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    agency: Mapped[str] = mapped_column(String(30))
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id"))
    requested_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)


class OutboxMessage(Base):
    """One reminder, escalation or alert to send: written once per key, then claimed and sent.

    ``key`` is unique (case, purpose, recipient, due date), so re-running the
    deadline watch, or two at once, never stores a message twice. The
    Message-ID is derived from the key, so a re-send after a crash is
    recognisably the same message.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("key", name="uq_outbox_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # A plan in force's messages have no case_id: they are found by the plan reference (migration 0010).
        Index("ix_outbox_case_reference", "case_reference"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    # None for a message about the service rather than one case (the weekly report; migration 0005).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    case_reference: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(String(120))
    recipient: Mapped[str] = mapped_column(String(160))
    channel: Mapped[str] = mapped_column(String(10))
    to_address: Mapped[str | None] = mapped_column(String(254))
    subject_ref: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date)
    send_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(400))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claim_token: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attachments: Mapped[list | None] = mapped_column(JSON)  # paths of files to attach, read when sending


# -- plan quality review (store/quality.py; migration 0003_quality) ------------------------------------

class PlanDocumentRow(Base):
    """A draft or final EHC plan as attached to a case; its text is personal data, kept here only."""

    __tablename__ = "qa_plan_documents"
    __table_args__ = (UniqueConstraint("case_id", "stage", "content_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    received_on: Mapped[date] = mapped_column(Date)
    content: Mapped[dict] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    source_format: Mapped[str] = mapped_column(String(10))
    attached_by: Mapped[str] = mapped_column(String(120))
    attached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AutomaticReviewRow(Base):
    """The automatic checks' result for one document under one rubric: stored once (re-runs add nothing)."""

    __tablename__ = "qa_automatic_reviews"
    __table_args__ = (UniqueConstraint("document_id", "rubric_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("qa_plan_documents.id"), index=True)
    rubric_key: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[date] = mapped_column(Date)
    scores: Mapped[dict] = mapped_column(JSON)
    findings: Mapped[list] = mapped_column(JSON)
    weighted_score: Mapped[float] = mapped_column(Float)
    uncapped_grade: Mapped[str] = mapped_column(String(30))
    grade: Mapped[str] = mapped_column(String(30))
    cap_reasons: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewerScoreRow(Base):
    """One reviewer's score (1-4) and comment on one criterion; append-only, a reviewer's latest counts."""

    __tablename__ = "qa_reviewer_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("qa_plan_documents.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(60))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ModerationRow(Base):
    """Moderation raised (reviewers 2+ apart on a criterion) or resolved; append-only, the latest row counts."""

    __tablename__ = "qa_moderations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("qa_plan_documents.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10))
    scores: Mapped[dict] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GradeHistoryRow(Base):
    """Every grade a plan has had, automatic or after review; append-only (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "qa_grade_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("qa_plan_documents.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    weighted_score: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(30))
    reasons: Mapped[list] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# -- the web app's accounts, sessions and audit log (store/users.py, store/audit.py; migration 0006_web) ----

class User(Base):
    """A local account for the web app: argon2 hash only, never the password; disabled, never deleted."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(120))  # as cases name their caseworker
    role: Mapped[str] = mapped_column(String(20))
    team: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A signed-in browser: ``id`` is the SHA-256 of the cookie's random token, so the table holds no token."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did or was refused what, when and from where; append-only. Never a password or a token."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(200))
    client_address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(400))


# -- the contributor portal and the parent's view (store/portal.py; migration 0007_portal) -------------

class PortalLink(Base):
    """A link sent to a contributor (one advice request) or a parent (one case). ``id_hash`` is the SHA-256 of
    the random id the link's signed token carries, so the table holds nothing that opens a page."""

    __tablename__ = "portal_links"
    __table_args__ = (
        CheckConstraint("purpose IN ('advice', 'parent')", name="ck_portal_links_purpose"),
        CheckConstraint("(purpose = 'advice') = (advice_key IS NOT NULL)", name="ck_portal_links_advice_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    advice_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AdviceDocument(Base):
    """What a contributor sent through the portal for one advice request: a file kept under the advice files
    folder by a random ``stored_name``, or a declaration of no needs in their area with its reason."""

    __tablename__ = "advice_documents"
    __table_args__ = (
        CheckConstraint("(stored_name IS NULL) <> (no_needs_reason IS NULL)", name="ck_advice_documents_file_or_reason"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    advice_key: Mapped[str] = mapped_column(String(120))
    stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    original_filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    no_needs_reason: Mapped[str | None] = mapped_column(Text)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[str] = mapped_column(String(120))


# -- plans in force and their reviews (store/plans.py; migration 0010_plans_in_force) ------------------------

class Plan(Base):
    """An EHC plan in force: from a request the product carried (``case_id``) or imported as it stood.

    No personal data: the child's name stays with the request in ``cases``. ``stage``, ``next_due`` and
    ``next_review_by`` are projections of the review events, rewritten with each one (store/plans.py).
    """

    __tablename__ = "plans"
    __table_args__ = (
        Index("ix_plans_stage_next_due", "stage", "next_due"),
        Index("ix_plans_setting", "setting"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_ref: Mapped[str] = mapped_column(String(40), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    issued: Mapped[date] = mapped_column(Date)
    last_review: Mapped[date | None] = mapped_column(Date)
    year_group: Mapped[str] = mapped_column(String(3))
    year_group_year: Mapped[int] = mapped_column(Integer)  # the academic year (its first calendar year) of year_group
    setting: Mapped[str | None] = mapped_column(String(120))
    caseworker: Mapped[str | None] = mapped_column(String(120), index=True)
    team: Mapped[str | None] = mapped_column(String(120))
    planned_post16_transfer: Mapped[date | None] = mapped_column(Date)
    added_by: Mapped[str] = mapped_column(String(120))  # who imported or added it (orchestration, for a request's)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    stage: Mapped[str] = mapped_column(String(30))
    next_due: Mapped[date | None] = mapped_column(Date)
    next_review_by: Mapped[date | None] = mapped_column(Date, index=True)
    # Orchestration's progress with the plan's review events (ehc/services/review_orchestration.py).
    events_acted_on: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    acted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PlanEventRow(Base):
    """One review event of a plan: append-only, like ``case_events`` (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "plan_events"
    __table_args__ = (UniqueConstraint("plan_id", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    event_date: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)

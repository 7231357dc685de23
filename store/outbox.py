"""The outbox: messages waiting to be sent, written idempotently, claimed under a lease.

Writing: INSERT ... ON CONFLICT (key) DO NOTHING, on SQLite and PostgreSQL
alike, so a re-run of the deadline watch, or two at once, stores each
message once. Rows are inserted in key order so two concurrent watches
take their row locks in the same order and cannot deadlock.

Sending is at-least-once: a dispatcher claims a row by pushing its
``next_attempt_at`` a lease into the future and committing, then sends,
then marks it sent. If it dies anywhere in between, the lease runs out and
another run sends it again, with the same Message-ID (derived from the key).

Every outcome is also appended to the case's events as an audit entry
(domain.events.NotificationSent/Failed/Skipped) in the same transaction; a
message about the service rather than a case (the weekly report, no
``case_id``) keeps its outcome on its own row only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Protocol, Sequence

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domain.events import CaseEvent, event_payload
from domain.reminders.messages import MessageKind, OutboxStatus
from store.models import Case, CaseEvent as EventRow, OutboxMessage

SYSTEM_ACTOR = "ehc-notifications"


@dataclass(frozen=True)
class Enqueued:
    inserted: int
    already_queued: int
    inserted_keys: frozenset[str] = frozenset()


class OutboxStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- writing new messages ------------------------------------------------------------------

    def enqueue(self, rows: Sequence[dict]) -> Enqueued:
        """Insert each row unless a row with its key exists; returns how many were new."""
        if not rows:
            return Enqueued(0, 0)
        ordered = sorted(rows, key=lambda row: row["key"])
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        table = OutboxMessage.__table__
        statement = insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
        # An executemany that SQLAlchemy batches into multi-row INSERTs ("insertmanyvalues"): RETURNING
        # gives back only the rows that were new: their count, and their keys for what goes with them.
        inserted = frozenset(self._session.connection().execute(statement, ordered).scalars())
        return Enqueued(len(inserted), len(ordered) - len(inserted), inserted)

    def existing_keys(self, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            found.update(self._session.scalars(
                select(OutboxMessage.key).where(OutboxMessage.key.in_(keys[start:start + 500]))))
        return found

    # -- claiming and settling -----------------------------------------------------------------

    def claim_due(self, now: datetime, limit: int, lease: timedelta, token: str) -> list[OutboxMessage]:
        """Queued rows due by ``now``, each leased to ``token`` until ``now + lease``. Commit to hold the claim."""
        query = (select(OutboxMessage)
                 .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                 .limit(limit)
                 .with_for_update(skip_locked=True))
        claimed: list[int] = []
        while not claimed:
            candidates = list(self._session.scalars(query.with_only_columns(OutboxMessage.id)))
            if not candidates:
                return []
            # Claim only rows still queued and due as we write: SQLite takes no row locks (and pysqlite reads
            # outside the transaction), so another dispatcher may have claimed a candidate since we read it;
            # overwriting its claim would send the message twice. Rows lost so are no longer due: read again.
            claimed = list(self._session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(candidates), OutboxMessage.status == OutboxStatus.QUEUED,
                       OutboxMessage.next_attempt_at <= now)
                .values(claim_token=token, next_attempt_at=now + lease)
                .returning(OutboxMessage.id),
                execution_options={"synchronize_session": False}))
        return list(self._session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                                         .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                                         .execution_options(populate_existing=True)))

    def claimed(self, row_id: int, token: str) -> OutboxMessage | None:
        """The row if it is still claimed by ``token`` and queued; None when another run took it over."""
        row = self._session.get(OutboxMessage, row_id)
        if row is None or row.claim_token != token or row.status != OutboxStatus.QUEUED:
            return None
        return row

    def settle(self, row_id: int, token: str, values: dict) -> OutboxMessage | None:
        """Apply ``values`` if the row is still ours and queued; None when another run took it over."""
        row = self._session.scalar(select(OutboxMessage).where(OutboxMessage.id == row_id).with_for_update())
        if row is None or row.claim_token != token or row.status != OutboxStatus.QUEUED:
            return None
        for name, value in values.items():
            setattr(row, name, value)
        self._session.flush()
        return row

    def requeue_failed(self, now: datetime, key: str | None = None) -> int:
        """Give failed messages another round of attempts (after the cause is fixed)."""
        statement = (update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
                     .values(status=OutboxStatus.QUEUED, attempts=0, next_attempt_at=now, claim_token=None))
        if key is not None:
            statement = statement.where(OutboxMessage.key == key)
        return self._session.execute(statement).rowcount

    # -- reading -------------------------------------------------------------------------------

    def messages(self, status: OutboxStatus | None = None, limit: int = 1000,
                 case_reference: str | None = None) -> list[OutboxMessage]:
        """Earliest next attempt first; only those of one status, or about one case, if given."""
        query = select(OutboxMessage).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
        if status is not None:
            query = query.where(OutboxMessage.status == status)
        if case_reference is not None:
            query = query.where(_about_case(case_reference))
        return list(self._session.scalars(query))

    def counts(self, case_reference: str | None = None) -> dict[str, int]:
        """Messages by status: every one, or those about one case."""
        query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        if case_reference is not None:
            query = query.where(_about_case(case_reference))
        found = dict(self._session.execute(query).all())
        return {status.value: found.get(status.value, 0) for status in OutboxStatus}

    def queued_count(self) -> int:
        return self._session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.QUEUED))

    # -- the audit trail -----------------------------------------------------------------------

    def append_audit(self, case_id: int, event: CaseEvent, recorded_at: datetime, actor: str = SYSTEM_ACTOR) -> None:
        """Append an audit event to the case, after every event before it (the case row is locked first)."""
        self._session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
        last = self._session.scalar(select(func.max(EventRow.sequence)).where(EventRow.case_id == case_id)) or 0
        self._session.add(EventRow(case_id=case_id, sequence=last + 1, type=event.type, event_date=event.on,
                                  actor=actor, recorded_at=recorded_at, payload=event_payload(event)))
        self._session.flush()


def _about_case(reference: str):
    """Rows about the case (by its id) or the plan in force (by its reference: a plan's rows have no case id)."""
    return or_(OutboxMessage.case_id == select(Case.id).where(Case.reference == reference).scalar_subquery(),
               and_(OutboxMessage.case_id.is_(None), OutboxMessage.case_reference == reference))


class OutgoingMessage(Protocol):
    """A planned message as the outbox stores it: ``domain.reminders.messages.PlannedMessage`` (about a case) or
    ``domain.reminders.report_mail.ReportMessage`` (about the service)."""

    @property
    def key(self) -> str: ...
    @property
    def case_reference(self) -> str | None: ...
    @property
    def kind(self) -> MessageKind: ...
    @property
    def purpose(self) -> str: ...
    @property
    def recipient(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def to_address(self) -> str | None: ...
    @property
    def subject_ref(self) -> str: ...
    @property
    def due_on(self) -> date: ...
    @property
    def send_on(self) -> date: ...
    @property
    def reason(self) -> str: ...


class Rendering(Protocol):
    """What the message says, as ``notifications.render.Renderer`` wrote it."""

    @property
    def subject(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def html(self) -> str: ...
    @property
    def message_id(self) -> str: ...


def outbox_row(message: OutgoingMessage, rendered: Rendering, *, case_id: int | None, not_before: datetime,
               created_at: datetime, attachments: Sequence[str] = ()) -> dict:
    """The row that queues ``message`` as ``rendered``, to go out from ``not_before``. ``case_id`` None: a message
    about the service, not a case (the weekly report); ``attachments``: paths of files the email carries, read
    when it is sent."""
    return {
        "key": message.key, "case_id": case_id, "case_reference": message.case_reference,
        "kind": message.kind.value, "purpose": message.purpose, "recipient": message.recipient,
        "channel": message.channel, "to_address": message.to_address, "subject_ref": message.subject_ref,
        "due_on": message.due_on, "send_on": message.send_on, "reason": message.reason[:400],
        "subject": rendered.subject[:300], "body_text": rendered.text, "body_html": rendered.html,
        "message_id": rendered.message_id, "status": OutboxStatus.QUEUED.value, "attempts": 0, "last_error": None,
        "next_attempt_at": not_before.astimezone(timezone.utc), "claim_token": None, "created_at": created_at,
        "sent_at": None, "attachments": list(attachments) or None,
    }

"""Drain the outbox: claim due rows under a lease, send each, record the outcome.

Each step commits before the next begins, so a dispatcher killed at any
point loses nothing: a claimed row it never settled becomes due again when
its lease runs out. The only duplicate possible is a send the server
accepted just before the kill, and it carries the same Message-ID.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from domain.calendar import WorkingCalendar
from domain.events import NotificationFailed, NotificationSent, NotificationSkipped
from domain.reminders_policy import Delivery
from domain.reminders import is_sending_time, retry_time
from notifications.senders import Outgoing, Sender, SendFailed
from store.models import OutboxMessage
from store.outbox import OutboxStatus, OutboxStore

# Why a queued row should not be sent any more (the case moved on), or None: called with the row.
RelevanceCheck = Callable[[OutboxMessage], "str | None"]


class DispatchSummary(BaseModel):
    """Counts only: no addresses, no names."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    still_queued: int = 0
    sending_time: bool = True


@dataclass
class Dispatcher:
    sessions: sessionmaker[Session]
    senders: dict[str, Sender]          # by channel: "email", "webhook"
    delivery: Delivery
    calendar: WorkingCalendar
    still_relevant: RelevanceCheck
    batch_size: int = 50
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def run(self, now: datetime) -> DispatchSummary:
        now = now.astimezone(timezone.utc)
        summary = DispatchSummary()
        if not is_sending_time(now, self.delivery, self.calendar):
            summary.sending_time = False  # quiet hours, a weekend or a bank holiday: everything waits
        else:
            lease = timedelta(minutes=self.delivery.claim_lease_minutes)
            try:
                while True:
                    with self.sessions.begin() as session:
                        claimed = [row.id for row in OutboxStore(session).claim_due(now, self.batch_size, lease,
                                                                                   self.token)]
                    if not claimed:
                        break
                    for row_id in claimed:
                        self._deliver(row_id, now, summary)
            finally:
                for sender in self.senders.values():
                    sender.close()
        with self.sessions.begin() as session:
            summary.still_queued = session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.QUEUED))
        return summary

    def _deliver(self, row_id: int, now: datetime, summary: DispatchSummary) -> None:
        with self.sessions.begin() as session:
            row = session.get(OutboxMessage, row_id)
            if row is None or row.claim_token != self.token or row.status != OutboxStatus.QUEUED:
                return
            reason = self._skip_reason(row)
            outgoing = Outgoing(key=row.key, to_address=row.to_address, subject=row.subject, text=row.body_text,
                                html=row.body_html, message_id=row.message_id, created_at=now,
                                attachments=tuple(Path(path) for path in row.attachments or ()))
            attempt = row.attempts + 1
        if reason is not None:
            self._settle(row_id, now, {"status": OutboxStatus.SKIPPED.value, "last_error": reason},
                         lambda row, day: NotificationSkipped(on=day, reason=reason[:200], **_audit(row)))
            summary.skipped += 1
            return
        try:
            self.senders[row.channel].send(outgoing)
        except SendFailed as error:
            give_up = error.permanent or attempt >= self.delivery.max_attempts
            values = {"attempts": attempt, "last_error": str(error)[:2000]}
            if give_up:
                values["status"] = OutboxStatus.FAILED.value
            else:
                values["next_attempt_at"] = retry_time(now, attempt, self.delivery, self.calendar)
            self._settle(row_id, now, values, lambda row, day: NotificationFailed(
                on=day, attempt=attempt, will_retry=not give_up, **_audit(row)))
            summary.failed += 1
            return
        self._settle(row_id, now, {"status": OutboxStatus.SENT.value, "attempts": attempt, "sent_at": now,
                                   "last_error": None},
                     lambda row, day: NotificationSent(on=day, attempt=attempt, **_audit(row)))
        summary.sent += 1

    def _skip_reason(self, row: OutboxMessage) -> str | None:
        if row.channel == "email" and not row.to_address:
            return f"no email address for {row.recipient}"
        if row.channel not in self.senders:
            return f"no sender for channel {row.channel}"
        unavailable = self.senders[row.channel].unavailable()
        if unavailable:
            return unavailable
        return self.still_relevant(row)

    def _settle(self, row_id: int, now: datetime, values: dict, audit) -> None:
        """The outcome and its audit event in one transaction, if the claim is still ours."""
        with self.sessions.begin() as session:
            store = OutboxStore(session)
            row = store.settle(row_id, self.token, {**values, "claim_token": None})
            if row is not None and row.case_id is not None:  # a service message (no case) has no case audit
                day = now.astimezone(ZoneInfo(self.delivery.timezone)).date()
                store.append_audit(row.case_id, audit(row, day), recorded_at=now)


def _audit(row: OutboxMessage) -> dict:
    return {"outbox_key": row.key, "purpose": row.purpose, "recipient_role": row.recipient,
            "channel": row.channel}

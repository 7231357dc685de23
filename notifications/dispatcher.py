"""Drain the outbox: claim due rows under a lease, send each, record the outcome.

Each step commits before the next begins, so a dispatcher killed at any
point loses nothing: a claimed row it never settled becomes due again when
its lease runs out. The only duplicate possible is a send the server
accepted just before the kill, and it carries the same Message-ID.

A lost database connection (PostgreSQL restarted, a network blip) does not
end the run at once: each step is retried, on a fresh connection, for up to
``store_wait_seconds``; every step can be repeated safely. If the store does
not come back the run stops with CaseStoreUnavailable, which says so.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, ContextManager, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, OperationalError

from domain.calendar import WorkingCalendar
from domain.events import NotificationFailed, NotificationSent, NotificationSkipped
from domain.reminders.delivery import is_sending_time, retry_time
from domain.reminders.messages import OutboxStatus
from domain.reminders.policy import Delivery
from notifications.senders import Outgoing, Sender, SendFailed
from store.db import CaseStoreUnavailable
from store.models import OutboxMessage
from store.unit_of_work import UnitOfWork

# Why a queued row should not be sent any more (the case moved on), or None: called with the row.
RelevanceCheck = Callable[[OutboxMessage], "str | None"]
# Opens a unit of work on a connection of its own (App.unit_of_work): each step of a run is one.
UnitOfWorkFactory = Callable[[], ContextManager[UnitOfWork]]
T = TypeVar("T")


class DispatchSummary(BaseModel):
    """Counts only: no addresses, no names."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    still_queued: int = 0
    sending_time: bool = True


@dataclass
class Dispatcher:
    unit_of_work: UnitOfWorkFactory
    senders: dict[str, Sender]          # by channel: "email", "webhook"
    delivery: Delivery
    calendar: WorkingCalendar
    still_relevant: RelevanceCheck
    batch_size: int = 50
    store_wait_seconds: float = 60.0    # how long a lost database connection may take to come back
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
                    claimed = self._in_store(lambda work: [
                        row.id for row in work.outbox.claim_due(now, self.batch_size, lease, self.token)])
                    if not claimed:
                        break
                    for row_id in claimed:
                        self._deliver(row_id, now, summary)
            finally:
                for sender in self.senders.values():
                    sender.close()
        summary.still_queued = self._in_store(lambda work: work.outbox.queued_count())
        return summary

    def _in_store(self, step: Callable[[UnitOfWork], T]) -> T:
        """``step`` in one unit of work; again on a fresh connection while the database is unreachable."""
        give_up_at = time.monotonic() + self.store_wait_seconds
        pause = 0.25
        while True:
            try:
                with self.unit_of_work() as work:
                    return step(work)
            except DBAPIError as error:
                if not (error.connection_invalidated or isinstance(error, OperationalError)):
                    raise
                if time.monotonic() >= give_up_at:
                    detail = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
                    raise CaseStoreUnavailable(
                        f"the case store connection failed and did not recover within {self.store_wait_seconds:.0f} s "
                        f"({detail}); messages not yet sent stay queued for the next dispatch run") from error
                time.sleep(pause)
                pause = min(pause * 2, 2.0)

    def _deliver(self, row_id: int, now: datetime, summary: DispatchSummary) -> None:
        def read(work: UnitOfWork):
            row = work.outbox.claimed(row_id, self.token)
            if row is None:
                return None
            outgoing = Outgoing(key=row.key, to_address=row.to_address, subject=row.subject, text=row.body_text,
                                html=row.body_html, message_id=row.message_id, created_at=now,
                                attachments=tuple(Path(path) for path in row.attachments or ()))
            return row, self._skip_reason(row), outgoing

        found = self._in_store(read)
        if found is None:
            return
        row, reason, outgoing = found
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
        """The outcome and its audit event in one transaction, if the claim is still ours (so a retry after a
        commit whose reply was lost changes nothing)."""
        def settle(work: UnitOfWork) -> None:
            row = work.outbox.settle(row_id, self.token, {**values, "claim_token": None})
            if row is not None and row.case_id is not None:  # a service message (no case) has no case audit
                day = now.astimezone(ZoneInfo(self.delivery.timezone)).date()
                work.outbox.append_audit(row.case_id, audit(row, day), recorded_at=now)

        self._in_store(settle)


def _audit(row: OutboxMessage) -> dict:
    return {"outbox_key": row.key, "purpose": row.purpose, "recipient_role": row.recipient,
            "channel": row.channel}

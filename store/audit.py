"""The audit log of the web app (table ``audit_log``): sign-ins, sign-outs and every refusal. Append-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import AuditEntry, as_utc

# Column widths (migration 0006_web): what is longer is cut, never refused, so a refusal is always recorded.
WIDTHS = {"actor": 120, "subject": 200, "client_address": 64, "detail": 400}


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str | None
    action: str
    subject: str | None
    client_address: str | None
    detail: str | None


class AuditLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, at: datetime, action: str, *, actor: str | None = None, subject: str | None = None,
               client_address: str | None = None, detail: str | None = None) -> None:
        values = {"actor": actor, "subject": subject, "client_address": client_address, "detail": detail}
        self._session.add(AuditEntry(at=at, action=action, **{name: _cut(value, WIDTHS[name])
                                                              for name, value in values.items()}))
        self._session.flush()

    def count_since(self, action: str, since: datetime, *, subject: str | None = None,
                    client_address: str | None = None) -> int:
        """How many ``action`` entries at or after ``since``, for that subject and/or client address."""
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action,
                                                                   AuditEntry.at >= since)
        if subject is not None:
            query = query.where(AuditEntry.subject == _cut(subject, WIDTHS["subject"]))
        if client_address is not None:
            query = query.where(AuditEntry.client_address == _cut(client_address, WIDTHS["client_address"]))
        return self._session.scalar(query)

    def entries(self, *, action: str | None = None, limit: int = 200) -> list[AuditRecord]:
        """The newest first."""
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        return [AuditRecord(as_utc(row.at), row.actor, row.action, row.subject, row.client_address, row.detail)
                for row in self._session.scalars(query)]


def _cut(value: str | None, width: int) -> str | None:
    return value[:width] if value is not None else None

"""The portal's links and the advice sent through them (tables ``portal_links`` and ``advice_documents``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.models import AdviceDocument, Case, PortalLink, as_utc


@dataclass(frozen=True)
class LinkRecord:
    id: int
    case_id: int
    case_reference: str
    purpose: str  # "advice" | "parent"
    advice_key: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    case_reference: str
    advice_key: str
    stored_name: str | None  # None for a declaration of no needs
    original_filename: str | None
    content_type: str | None
    size_bytes: int | None
    sha256: str | None
    no_needs_reason: str | None
    uploaded_at: datetime
    uploaded_by: str


class PortalStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def case_id(self, reference: str) -> int | None:
        return self._session.scalar(select(Case.id).where(Case.reference == reference))

    def add_links(self, rows: list[dict]) -> None:
        """Rows of ``portal_links`` (``id_hash``, ``case_id``, ``purpose``, ``advice_key``, ``created_at``,
        ``expires_at``)."""
        for row in rows:
            self._session.add(PortalLink(**row))
        self._session.flush()

    def link(self, id_hash: str) -> LinkRecord | None:
        found = self._session.execute(
            select(PortalLink, Case.reference).join(Case, Case.id == PortalLink.case_id)
            .where(PortalLink.id_hash == id_hash)).first()
        if found is None:
            return None
        row, reference = found
        return LinkRecord(row.id, row.case_id, reference, row.purpose, row.advice_key, as_utc(row.created_at),
                          as_utc(row.expires_at), as_utc(row.used_at) if row.used_at else None)

    def use_link(self, link_id: int, at: datetime) -> bool:
        """Mark the link used, once: False when it already was (another submission got there first)."""
        marked = self._session.execute(
            update(PortalLink).where(PortalLink.id == link_id, PortalLink.used_at.is_(None)).values(used_at=at),
            execution_options={"synchronize_session": False})
        return marked.rowcount == 1

    def add_document(self, case_id: int, advice_key: str, *, uploaded_at: datetime, uploaded_by: str,
                     stored_name: str | None = None, original_filename: str | None = None,
                     content_type: str | None = None, size_bytes: int | None = None, sha256: str | None = None,
                     no_needs_reason: str | None = None) -> int:
        row = AdviceDocument(case_id=case_id, advice_key=advice_key, stored_name=stored_name,
                             original_filename=original_filename, content_type=content_type, size_bytes=size_bytes,
                             sha256=sha256, no_needs_reason=no_needs_reason, uploaded_at=uploaded_at,
                             uploaded_by=uploaded_by)
        self._session.add(row)
        self._session.flush()
        return row.id

    def documents(self, reference: str) -> list[DocumentRecord]:
        """The case's advice documents and declarations, in the order they came."""
        rows = self._session.execute(
            select(AdviceDocument, Case.reference).join(Case, Case.id == AdviceDocument.case_id)
            .where(Case.reference == reference).order_by(AdviceDocument.id))
        return [_document(row, reference) for row, reference in rows]

    def document(self, reference: str, document_id: int) -> DocumentRecord | None:
        """One of the case's documents; None for an id that is not this case's."""
        found = self._session.execute(
            select(AdviceDocument, Case.reference).join(Case, Case.id == AdviceDocument.case_id)
            .where(Case.reference == reference, AdviceDocument.id == document_id)).first()
        return _document(*found) if found else None


def _document(row: AdviceDocument, reference: str) -> DocumentRecord:
    return DocumentRecord(row.id, reference, row.advice_key, row.stored_name, row.original_filename,
                          row.content_type, row.size_bytes, row.sha256, row.no_needs_reason, as_utc(row.uploaded_at),
                          row.uploaded_by)

"""The cases messages are planned for: open cases a batch at a time for the deadline watch, one case for an alert.

Keyset pagination on the case id: each batch is one query for the cases,
one for their events and one for the contributors their advice requests
name, so the watch never holds the whole caseload in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.events import CaseEvent, parse_event
from domain.initials import initials
from domain.reminders.planner import ContributorEntry
from domain.timeline import OPEN_STAGES
from store.cases import CaseNotFound
from store.models import AdviceRequest, Case, CaseEvent as EventRow, Contributor


@dataclass(frozen=True)
class MessageCase:
    """A case as the messages about it need it."""

    case_id: int
    reference: str
    caseworker: str | None
    child_initials: str   # for the message body only; never logged or returned in summaries
    events: tuple[CaseEvent, ...]


@dataclass(frozen=True)
class Batch:
    cases: tuple[MessageCase, ...]
    contributors: dict[str, ContributorEntry]
    last_id: int


_CASE_COLUMNS = (Case.id, Case.reference, Case.caseworker, Case.child_given_name, Case.child_family_name)


class ReminderCases:
    """Reads for planning messages; works in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def open_case_batch(self, after_id: int, size: int, references: Sequence[str] | None = None) -> Batch | None:
        """The next ``size`` open cases with id above ``after_id`` (of ``references``, if given); None after the
        last."""
        query = (select(*_CASE_COLUMNS)
                 .where(Case.stage.in_([stage.value for stage in OPEN_STAGES]), Case.id > after_id))
        if references is not None:
            query = query.where(Case.reference.in_(list(references)))
        rows = self._session.execute(query.order_by(Case.id).limit(size)).all()
        if not rows:
            return None
        ids = [row.id for row in rows]
        events = self.case_events(ids)
        contributors = {
            row.code: ContributorEntry(code=row.code, name=row.name, agency=row.agency, team=row.team,
                                       email=row.email, escalation_email=row.escalation_email)
            for row in self._session.scalars(
                select(Contributor).where(Contributor.id.in_(
                    select(AdviceRequest.contributor_id).where(AdviceRequest.case_id.in_(ids)))))
        }
        return Batch(tuple(_message_case(row, events[row.id]) for row in rows), contributors, ids[-1])

    def message_case(self, reference: str) -> MessageCase:
        """One case, open or closed, with its events (CaseNotFound if there is none)."""
        row = self._session.execute(select(*_CASE_COLUMNS).where(Case.reference == reference)).one_or_none()
        if row is None:
            raise CaseNotFound(reference)
        return _message_case(row, self.case_events([row.id])[row.id])

    def case_events(self, case_ids: Sequence[int]) -> dict[int, list[CaseEvent]]:
        """The events of some cases, in order: a batch of the watch, or the dispatcher's re-check before sending."""
        found: dict[int, list[CaseEvent]] = {case_id: [] for case_id in case_ids}
        # Columns, not ORM rows: no identity map or instance state for what is only read and folded.
        for case_id, type_, on, payload in self._session.execute(
                select(EventRow.case_id, EventRow.type, EventRow.event_date, EventRow.payload)
                .where(EventRow.case_id.in_(list(case_ids))).order_by(EventRow.case_id, EventRow.sequence)):
            found[case_id].append(parse_event(type_, on, payload))
        return found


def _message_case(row, events: Sequence[CaseEvent]) -> MessageCase:
    return MessageCase(row.id, row.reference, row.caseworker, initials(row.child_given_name, row.child_family_name),
                       tuple(events))


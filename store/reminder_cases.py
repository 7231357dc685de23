"""Open cases for the deadline watch, a batch at a time, with what the planner needs.

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
from store.models import AdviceRequest, Case, CaseEvent as EventRow, Contributor


@dataclass(frozen=True)
class OpenCase:
    case_id: int
    reference: str
    caseworker: str | None
    child_initials: str   # for the message body only; never logged or returned in summaries
    events: tuple[CaseEvent, ...]


@dataclass(frozen=True)
class Batch:
    cases: tuple[OpenCase, ...]
    contributors: dict[str, ContributorEntry]
    last_id: int


def open_case_batch(session: Session, after_id: int, size: int,
                    references: Sequence[str] | None = None) -> Batch | None:
    """The next ``size`` open cases with id above ``after_id`` (of ``references``, if given); None after the last."""
    query = (select(Case.id, Case.reference, Case.caseworker, Case.child_given_name, Case.child_family_name)
             .where(Case.stage.in_([stage.value for stage in OPEN_STAGES]), Case.id > after_id))
    if references is not None:
        query = query.where(Case.reference.in_(list(references)))
    rows = session.execute(query.order_by(Case.id).limit(size)).all()
    if not rows:
        return None
    ids = [row.id for row in rows]
    events = case_events(session, ids)
    contributors = {
        row.code: ContributorEntry(code=row.code, name=row.name, agency=row.agency, team=row.team,
                                   email=row.email, escalation_email=row.escalation_email)
        for row in session.scalars(
            select(Contributor).where(Contributor.id.in_(
                select(AdviceRequest.contributor_id).where(AdviceRequest.case_id.in_(ids)))))
    }
    cases = tuple(
        OpenCase(row.id, row.reference, row.caseworker, initials(row.child_given_name, row.child_family_name),
                 tuple(events[row.id]))
        for row in rows)
    return Batch(cases, contributors, ids[-1])


def case_events(session: Session, case_ids: Sequence[int]) -> dict[int, list[CaseEvent]]:
    """The events of some cases, in order: a batch of the watch, or the dispatcher's re-check before sending."""
    found: dict[int, list[CaseEvent]] = {case_id: [] for case_id in case_ids}
    # Columns, not ORM rows: no identity map or instance state for what is only read and folded.
    for case_id, type_, on, payload in session.execute(
            select(EventRow.case_id, EventRow.type, EventRow.event_date, EventRow.payload)
            .where(EventRow.case_id.in_(list(case_ids))).order_by(EventRow.case_id, EventRow.sequence)):
        found[case_id].append(parse_event(type_, on, payload))
    return found

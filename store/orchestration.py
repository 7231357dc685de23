"""Orchestration's progress with each case: the casework events it has acted on, and which cases are behind."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from domain.events import AUDIT_EVENT_TYPES
from store.cases import CaseNotFound
from store.models import Case, CaseEvent as EventRow, PlanDocumentRow


class OrchestrationProgress:
    def __init__(self, session: Session) -> None:
        self._session = session

    def events_acted_on(self, reference: str) -> int:
        acted = self._session.scalar(select(Case.events_acted_on).where(Case.reference == reference))
        if acted is None:
            raise CaseNotFound(reference)
        return acted

    def acted_on(self, reference: str, casework_events: int, at: datetime) -> None:
        """A pass has acted on the first ``casework_events`` casework events (never moves backwards)."""
        self._session.execute(
            update(Case).where(Case.reference == reference, Case.events_acted_on <= casework_events)
            .values(events_acted_on=casework_events, acted_at=at))

    def attached_plan_stages(self, reference: str) -> frozenset[str]:
        """The plan documents ("draft", "final") attached to the case (`ehc qa attach`), for a pass to know
        whether a quality review would have anything to score."""
        return frozenset(self._session.scalars(
            select(PlanDocumentRow.stage).join(Case, Case.id == PlanDocumentRow.case_id)
            .where(Case.reference == reference).distinct()))

    def cases_behind(self, references: Sequence[str] | None = None) -> list[str]:
        """Cases with casework events that orchestration has not acted on (of ``references``, if given),
        by reference."""
        counted = (select(EventRow.case_id, func.count(EventRow.id).label("casework_events"))
                   .where(EventRow.type.not_in(AUDIT_EVENT_TYPES)).group_by(EventRow.case_id).subquery())
        query = (select(Case.reference).join(counted, counted.c.case_id == Case.id)
                 .where(counted.c.casework_events > Case.events_acted_on).order_by(Case.reference))
        if references is not None:
            query = query.where(Case.reference.in_(list(references)))
        return list(self._session.scalars(query))

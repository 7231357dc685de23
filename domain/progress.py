"""Where a request stands on its statutory journey: what each orchestration pass reads.

The store's events are the record; this is a read of them, shaped as the
milestones of the 20-week process (decision, advice, draft, representations
and consultation, final plan or notice not to issue).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Sequence

from pydantic import BaseModel, ConfigDict

from domain.casefile import fold
from domain.events import AUDIT_MODELS, CaseEvent
from domain.timeline import Stage, stage_of


class Milestone(StrEnum):
    DECISION = "decision to assess"
    ADVICE = "advice"
    DRAFT = "draft plan"
    REPRESENTATIONS = "representations and consultation"
    FINAL = "final plan"


class MilestoneState(StrEnum):
    DONE = "done"
    WAITING = "waiting"
    NOT_REQUIRED = "not required"


class MilestoneReport(BaseModel):
    """What a flow task reports: dates and keys only, never the child's details."""

    model_config = ConfigDict(frozen=True)

    milestone: Milestone
    state: MilestoneState
    on: date | None = None
    detail: str = ""


class AdviceProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    agency: str
    requested_on: date
    received_on: date | None


class Progress(BaseModel):
    model_config = ConfigDict(frozen=True)

    reference: str
    casework_events: int
    received: date
    stage: Stage
    decided_on: date | None
    decided_to_assess: bool
    advice: tuple[AdviceProgress, ...]
    draft_served: date | None
    representations_received: date | None
    consultations_sent: int
    consultations_answered: int
    final_issued: date | None
    no_plan_notice: date | None
    withdrawn: date | None

    @property
    def closed(self) -> bool:
        return not self.stage.is_open

    def decision(self) -> MilestoneReport:
        if self.decided_on is None:
            return self._waiting(Milestone.DECISION, "no decision recorded yet")
        outcome = "assess" if self.decided_to_assess else "not assess"
        return MilestoneReport(milestone=Milestone.DECISION, state=MilestoneState.DONE, on=self.decided_on,
                               detail=f"decided to {outcome}")

    def contribution(self, key: str) -> MilestoneReport:
        advice = next(item for item in self.advice if item.key == key)
        if advice.received_on is None:
            return self._waiting(Milestone.ADVICE, f"{key}: requested {advice.requested_on}, not yet received")
        return MilestoneReport(milestone=Milestone.ADVICE, state=MilestoneState.DONE, on=advice.received_on,
                               detail=f"{key}: received")

    def draft(self) -> MilestoneReport:
        if self.draft_served:
            return MilestoneReport(milestone=Milestone.DRAFT, state=MilestoneState.DONE, on=self.draft_served)
        if self.closed:
            return self._not_required(Milestone.DRAFT)
        return self._waiting(Milestone.DRAFT, f"{len(self._outstanding())} advice contribution(s) outstanding")

    def representations(self) -> MilestoneReport:
        detail = f"{self.consultations_answered} of {self.consultations_sent} consultation(s) answered"
        if self.representations_received:
            return MilestoneReport(milestone=Milestone.REPRESENTATIONS, state=MilestoneState.DONE,
                                   on=self.representations_received, detail=detail)
        if self.final_issued:
            return MilestoneReport(milestone=Milestone.REPRESENTATIONS, state=MilestoneState.DONE,
                                   on=self.final_issued, detail=detail + "; no representations")
        if self.closed:
            return self._not_required(Milestone.REPRESENTATIONS)
        return self._waiting(Milestone.REPRESENTATIONS, detail)

    def final(self) -> MilestoneReport:
        if self.final_issued:
            return MilestoneReport(milestone=Milestone.FINAL, state=MilestoneState.DONE, on=self.final_issued)
        if self.closed:
            return self._not_required(Milestone.FINAL)
        return self._waiting(Milestone.FINAL, "final plan not yet issued")

    def waiting_on(self) -> MilestoneReport | None:
        """The milestone the case waits on for casework, in the order of the 20 weeks; None once it has ended."""
        steps = [self.decision()]
        if self.decided_to_assess:
            steps.append(self.draft())
            if self.draft_served:
                steps.append(self.final())
        return next((step for step in steps if step.state is MilestoneState.WAITING), None)

    def outcome(self) -> str:
        """How the request ended, for a pass's log and result ("" while open)."""
        ended_on = {
            Stage.ISSUED: self.final_issued, Stage.NO_PLAN: self.no_plan_notice,
            Stage.NOT_ASSESSED: self.decided_on, Stage.WITHDRAWN: self.withdrawn,
        }.get(self.stage)
        return f"{self.reference}: {self.stage.value} on {ended_on}" if self.closed else ""

    def _outstanding(self) -> list[AdviceProgress]:
        return [item for item in self.advice if item.received_on is None]

    def _waiting(self, milestone: Milestone, detail: str) -> MilestoneReport:
        if self.closed:
            return self._not_required(milestone)
        return MilestoneReport(milestone=milestone, state=MilestoneState.WAITING, detail=detail)

    def _not_required(self, milestone: Milestone) -> MilestoneReport:
        return MilestoneReport(milestone=milestone, state=MilestoneState.NOT_REQUIRED,
                               detail=f"request {self.stage.value}")


def progress_of(reference: str, events: Sequence[CaseEvent]) -> Progress:
    """The journey so far; ``casework_events`` counts events that change the case (not audit notes)."""
    casework = [event for event in events if not isinstance(event, AUDIT_MODELS)]
    case = fold(events)
    return Progress(
        reference=reference,
        casework_events=len(casework),
        received=case.received,
        stage=stage_of(case),
        decided_on=case.decision.on if case.decision else None,
        decided_to_assess=case.decided_to_assess,
        advice=tuple(AdviceProgress(key=record.key, agency=record.agency.value, requested_on=record.requested_on,
                                    received_on=record.received_on) for record in case.advice.values()),
        draft_served=case.draft_served,
        representations_received=case.representations_received,
        consultations_sent=len(case.consultations),
        consultations_answered=sum(1 for record in case.consultations.values() if record.answered_on),
        final_issued=case.final_issued,
        no_plan_notice=case.no_plan_notice,
        withdrawn=case.withdrawn,
    )

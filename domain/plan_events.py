"""Review events: the append-only record a plan in force's reviews are derived from.

Like the request's events (domain/events.py): each carries the calendar date
it happened on (``on``); who recorded it and when belong to the store.
``ehc review record PLAN EVENT --date D`` records them, as do the web pages.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from domain.input_rules import PLAIN_TEXT, CaseDay

ReasonText = Annotated[str, Field(min_length=1, max_length=400), PLAIN_TEXT]


class ReviewOutcome(StrEnum):
    """The LA's decision after a review meeting (Reg 20(10))."""

    MAINTAIN = "maintain"
    AMEND = "amend"
    CEASE = "cease"


class _PlanEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    on: CaseDay


class MeetingNoticeSent(_PlanEvent):
    """Notice of the review meeting given (Reg 20(3)), naming the day it will be held."""

    type: Literal["meeting_notice_sent"] = "meeting_notice_sent"
    meeting: CaseDay

    @model_validator(mode="after")
    def _meeting_after_notice(self) -> MeetingNoticeSent:
        if self.meeting < self.on:
            raise ValueError(f"the meeting on {self.meeting} is before the notice of it on {self.on}")
        return self


class AdviceCirculated(_PlanEvent):
    """Advice and information circulated to those invited (Reg 20(4))."""

    type: Literal["advice_circulated"] = "advice_circulated"


class MeetingHeld(_PlanEvent):
    """The review meeting: the plan is reviewed on this day, and the next 12-month period starts with it."""

    type: Literal["meeting_held"] = "meeting_held"


class ReportReceived(_PlanEvent):
    """The report of the meeting, sent to the LA and those invited (Reg 20(7)-(8))."""

    type: Literal["report_received"] = "report_received"


class ReviewDecision(_PlanEvent):
    """The LA's decision to maintain, amend or cease the plan, notified (Reg 20(10))."""

    type: Literal["decision"] = "decision"
    outcome: ReviewOutcome


class ProposalsSent(_PlanEvent):
    """The proposed amendments sent to the parent or young person (Reg 22(2)); 8 weeks to the amended plan."""

    type: Literal["proposals_sent"] = "proposals_sent"


class AmendedPlanIssued(_PlanEvent):
    type: Literal["amended_plan_issued"] = "amended_plan_issued"


class PlanCeased(_PlanEvent):
    """Notice that the LA ceases to maintain the plan, with the right of appeal (CFA s45; Reg 31(2)-(3))."""

    type: Literal["plan_ceased"] = "plan_ceased"


class PlanEventVoided(_PlanEvent):
    """A mistaken event taken out of the review history, naming it (by its number) and why; its row stays."""

    type: Literal["event_voided"] = "event_voided"
    sequence: int = Field(ge=1)
    voided_type: str
    voided_on: date
    reason: ReasonText


PlanEvent = Annotated[
    Union[MeetingNoticeSent, AdviceCirculated, MeetingHeld, ReportReceived, ReviewDecision, ProposalsSent,
          AmendedPlanIssued, PlanCeased, PlanEventVoided],
    Field(discriminator="type"),
]

_ADAPTER: TypeAdapter[PlanEvent] = TypeAdapter(PlanEvent)

RECORDABLE_PLAN_EVENTS: tuple[str, ...] = ("meeting_notice_sent", "advice_circulated", "meeting_held",
                                           "report_received", "decision", "proposals_sent", "amended_plan_issued",
                                           "plan_ceased")


def parse_plan_event(event_type: str, on: date, payload: dict) -> PlanEvent:
    """The event of ``event_type`` on ``on``; pydantic's ValidationError names any bad field."""
    return _ADAPTER.validate_python({"type": event_type, "on": on, **payload})


def plan_event_payload(event: PlanEvent) -> dict:
    return event.model_dump(mode="json", exclude={"type", "on"})

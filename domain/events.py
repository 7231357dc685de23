"""Casework events: the append-only record a case's state is derived from.

Each event carries the calendar date it happened on (``on``, Europe/London).
Who recorded it and when belong to the store, not to the event.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from domain.closures import SettingKind
from domain.input_rules import MULTILINE_TEXT, PLAIN_TEXT, CaseDay
from domain.rules import Limb

ShortText = Annotated[str, Field(min_length=1, max_length=120), PLAIN_TEXT]
EvidenceText = Annotated[str, Field(max_length=2000), MULTILINE_TEXT]


class Agency(StrEnum):
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology"
    EDUCATION = "education"
    OTHER = "other"


class DecisionOutcome(StrEnum):
    ASSESS = "assess"
    NOT_ASSESS = "not_assess"


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    on: CaseDay


class Received(_Event):
    type: Literal["received"] = "received"


class Decision(_Event):
    type: Literal["decision"] = "decision"
    outcome: DecisionOutcome


class AdviceRequested(_Event):
    """The LA asks one contributor for advice (Reg 6); the 6 weeks of Reg 8(1) start."""

    type: Literal["advice_requested"] = "advice_requested"
    agency: Agency
    contributor: ShortText | None = None
    setting: ShortText | None = None
    setting_kind: SettingKind | None = None

    @model_validator(mode="after")
    def _setting_only_for_education(self) -> AdviceRequested:
        if self.setting_kind is not None and self.agency is not Agency.EDUCATION:
            raise ValueError("setting_kind is only for advice asked of a school or setting (agency 'education')")
        return self

    @property
    def key(self) -> str:
        """Identifies the request within its case: the contributor, else the agency."""
        return self.contributor or self.agency.value


class AdviceReceived(_Event):
    """Advice back from the request named by its ``advice`` key (as the case's timeline lists it: the
    contributor, else the agency), by its contributor, or by its agency when one request to it is outstanding."""

    type: Literal["advice_received"] = "advice_received"
    agency: Agency | None = None
    contributor: ShortText | None = None
    advice: ShortText | None = None

    @model_validator(mode="after")
    def _names_the_request(self) -> AdviceReceived:
        if self.advice is not None and (self.agency or self.contributor):
            raise ValueError("advice received names the request by its key alone, without the agency or contributor")
        if self.agency is None and self.contributor is None and self.advice is None:
            raise ValueError("advice received must name the request (its key), the contributor or the agency")
        return self


class DraftServed(_Event):
    type: Literal["draft_served"] = "draft_served"


class RepresentationsReceived(_Event):
    type: Literal["representations_received"] = "representations_received"


class ConsultationSent(_Event):
    type: Literal["consultation_sent"] = "consultation_sent"
    setting: ShortText


class ConsultationAnswered(_Event):
    type: Literal["consultation_answered"] = "consultation_answered"
    setting: ShortText


class FinalIssued(_Event):
    type: Literal["final_issued"] = "final_issued"


class NoPlanNotice(_Event):
    type: Literal["no_plan_notice"] = "no_plan_notice"


class ExceptionStarted(_Event):
    """A dated exception with its limb. Reg 8(2) limbs may name the advice request they excuse."""

    type: Literal["exception_started"] = "exception_started"
    limb: Limb
    advice: ShortText | None = None
    evidence: EvidenceText | None = None

    @model_validator(mode="after")
    def _advice_only_for_reg8(self) -> ExceptionStarted:
        if self.advice is not None and self.limb.is_case_exception:
            raise ValueError(f"a Reg {self.limb} exception applies to the whole case, not to one advice request")
        return self


class ExceptionEnded(_Event):
    type: Literal["exception_ended"] = "exception_ended"
    limb: Limb
    advice: ShortText | None = None


class Withdrawn(_Event):
    type: Literal["withdrawn"] = "withdrawn"


class _Appeal(_Event):
    """Mediation (CFA s52-s55) or an appeal to the First-tier Tribunal (CFA s51) on the case.

    Either may follow any decision (not to assess, not to issue a plan, the
    plan's content), so it is accepted at any stage after receipt, also after
    the case closed. A case with either is left out of the SEN2 timeliness
    measures (docs/RULES.md, "How SEN2 counts timeliness").
    ``date_from_row`` is set (True) when a caseload CSV said ``yes`` without a date:
    ``on`` is then the latest date the row gives, not the day it took place.
    """

    date_from_row: bool | None = None


class Mediation(_Appeal):
    type: Literal["mediation"] = "mediation"


class Tribunal(_Appeal):
    type: Literal["tribunal"] = "tribunal"


class _NotificationAudit(_Event):
    """An audit entry for one outbox message: what happened to it, never its contents.

    It names the outbox key, the purpose and the recipient's role (e.g.
    ``contributor:DCO-NORTH`` or ``role:director``), not the address or the
    body. It never changes the case's state, and may follow the case's closure
    (a message queued before the case closed can be skipped after it).
    """

    outbox_key: Annotated[str, Field(min_length=1, max_length=400)]
    purpose: Annotated[str, Field(min_length=1, max_length=120)]
    recipient_role: Annotated[str, Field(min_length=1, max_length=160)]
    channel: Literal["email", "webhook"] = "email"


class NotificationSent(_NotificationAudit):
    type: Literal["notification_sent"] = "notification_sent"
    attempt: int = Field(ge=1)


class NotificationFailed(_NotificationAudit):
    """A send attempt failed; ``will_retry`` is False once the outbox has given up on it."""

    type: Literal["notification_failed"] = "notification_failed"
    attempt: int = Field(ge=1)
    will_retry: bool


class NotificationSkipped(_NotificationAudit):
    type: Literal["notification_skipped"] = "notification_skipped"
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class EventVoided(_Event):
    """A correction: the event recorded as ``sequence`` is taken as never having happened, and the fold skips it.

    Its row stays in the record beside this one (the audit trail shows both). ``on`` is the day the
    correction was made; ``voided_type`` and ``voided_on`` repeat what was voided, so the trail reads
    on its own and a void can never land on another event than the one it names.
    """

    type: Literal["event_voided"] = "event_voided"
    sequence: int = Field(ge=1)
    voided_type: Annotated[str, Field(min_length=1, max_length=40)]
    voided_on: date
    reason: Annotated[str, Field(min_length=1, max_length=2000), MULTILINE_TEXT]


class CaseReassigned(_Event):
    """The case passes to another caseworker, team or setting (those given); it changes no statutory step."""

    type: Literal["case_reassigned"] = "case_reassigned"
    caseworker: ShortText | None = None
    team: ShortText | None = None
    setting: ShortText | None = None

    @model_validator(mode="after")
    def _names_something(self) -> CaseReassigned:
        if self.caseworker is None and self.team is None and self.setting is None:
            raise ValueError("a reassignment names the new caseworker, team or setting")
        return self


_CASEWORK_MODELS = (
    Received, Decision, AdviceRequested, AdviceReceived, DraftServed, RepresentationsReceived,
    ConsultationSent, ConsultationAnswered, FinalIssued, NoPlanNotice, ExceptionStarted,
    ExceptionEnded, Withdrawn, Mediation, Tribunal,
)
AUDIT_MODELS = (NotificationSent, NotificationFailed, NotificationSkipped)
# Corrections: recorded by `ehc case void` and `ehc case reassign`, never by `ehc case record`.
CORRECTION_MODELS = (EventVoided, CaseReassigned)
_EVENT_MODELS = (*_CASEWORK_MODELS, *AUDIT_MODELS, *CORRECTION_MODELS)
CaseEvent = Annotated[Union[_EVENT_MODELS], Field(discriminator="type")]  # type: ignore[valid-type]

# Casework events (what a caseworker records); audit events are written by the system only.
EVENT_TYPES: tuple[str, ...] = tuple(model.model_fields["type"].default for model in _CASEWORK_MODELS)
# What a person records on a case (`ehc case record`, the web's forms): every casework event but the receipt,
# which intake records.
RECORDABLE_EVENT_TYPES: tuple[str, ...] = tuple(event for event in EVENT_TYPES if event != "received")
AUDIT_EVENT_TYPES: tuple[str, ...] = tuple(model.model_fields["type"].default for model in AUDIT_MODELS)

_adapter: TypeAdapter[CaseEvent] = TypeAdapter(CaseEvent)


def parse_event(type_: str, on: date | str, payload: dict | None = None) -> CaseEvent:
    """Build an event from its stored or typed-in parts; raises pydantic.ValidationError."""
    return _adapter.validate_python({**(payload or {}), "type": type_, "on": on})


def event_payload(event: CaseEvent) -> dict:
    """What the store keeps beside the event's type and date."""
    return event.model_dump(mode="json", exclude={"type", "on"}, exclude_none=True)

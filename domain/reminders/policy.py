"""The reminder and escalation policy as plain data: an LA's choices, not the law.

The law sets the statutory dates (docs/RULES.md, "Assessment timescales");
how often a contributor is nudged, who is told when advice is late and when
nothing may be sent are local practice (docs/RULES.md, "RAG, reminders and
escalations"), so they live in a per-LA file (config/policy/*.toml), are
validated here and are passed to the planner (domain/reminders/planner.py).

Offsets are working days (Monday to Friday, not an England bank holiday)
relative to the last working day on or before the statutory date.

``[reviews]`` holds the same choices for plans in force: reminders about each
date of an annual review, escalations once one is missed, and countdown alerts
before a phase transfer's deadline (domain/reminders/review_planner.py).
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.events import Agency
from domain.timeline import OPEN_STAGES, Stage

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Who a message goes to: the contributor, the contributor's escalation contact
# (their manager), the case's caseworker, a role address from [roles], or the
# team's webhook channel (Teams/Slack through apprise).
RECIPIENT = re.compile(r"^(contributor|contributor_escalation|caseworker|channel|role:[a-z0-9_]+)$")

# Who a message about a plan in force goes to: the school or setting the plan names ([setting_contacts], else role
# casework_team), the plan's caseworker, a role from [roles], or the team's webhook channel.
REVIEW_RECIPIENT = re.compile(r"^(setting|caseworker|channel|role:[a-z0-9_]+)$")

# Who gets a service-level report (the weekly timeliness report): a role from [roles] or an email address.
DISTRIBUTION = re.compile(r"^(role:[a-z0-9_]+|[^@\s]+@[^@\s]+\.[^@\s]+)$")

Address = Annotated[str, Field(pattern=EMAIL.pattern, max_length=254)]
Recipient = Annotated[str, Field(pattern=RECIPIENT.pattern)]
ReviewRecipient = Annotated[str, Field(pattern=REVIEW_RECIPIENT.pattern)]
WorkingDays = Annotated[int, Field(ge=0, le=60)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuietHours(_Strict):
    """Local times between which nothing is sent; they run overnight (start after end)."""

    start: time
    end: time

    @model_validator(mode="after")
    def _overnight(self) -> QuietHours:
        if self.start <= self.end:
            raise ValueError(f"quiet hours must run overnight: start ({self.start}) must be after end ({self.end})")
        return self


class Delivery(_Strict):
    timezone: str = "Europe/London"
    quiet_hours: QuietHours
    max_attempts: int = Field(8, ge=1, le=100)
    retry_backoff_minutes: tuple[Annotated[int, Field(ge=1)], ...] = Field((5, 15, 60, 240), min_length=1)
    # A dispatcher that dies holding a claim loses it after this long; the message is then sent again.
    claim_lease_minutes: int = Field(10, ge=1, le=24 * 60)
    # A reminder whose day was missed (the watch did not run) still goes out this many working days late.
    catch_up_working_days: WorkingDays = 3

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def backoff_minutes(self, attempts: int) -> int:
        """Wait after the ``attempts``-th failure: the schedule, then its last step again."""
        return self.retry_backoff_minutes[min(attempts, len(self.retry_backoff_minutes)) - 1]


class EscalationRung(_Strict):
    after: int = Field(ge=1, le=60, description="working days after the due day")
    to: Recipient
    title: str = Field(min_length=1, max_length=120, description="who this is, for the message")


class Ladder(_Strict):
    """Reminders, each step once, then escalation rungs, ``after`` increasing: an agency's advice or a review date
    (each narrows what its steps and rungs may be)."""

    reminders: tuple[int | str, ...] = ()
    escalations: tuple[EscalationRung, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> Ladder:
        offsets = [step for step in self.reminders if step != "request"]
        if len(set(offsets)) != len(offsets) or self.reminders.count("request") > 1:
            raise ValueError("reminders: each step may appear once")
        afters = [rung.after for rung in self.escalations]
        if afters != sorted(set(afters)):
            raise ValueError("escalations: 'after' must increase from one rung to the next")
        return self


class AgencyPolicy(Ladder):
    # "request" is the day the advice was asked for; numbers are working days from the due day.
    reminders: tuple[Literal["request"] | Annotated[int, Field(ge=-60, le=60)], ...] = ()
    escalations: tuple[EscalationRung, ...] = ()


class Alert(_Strict):
    to: tuple[Recipient, ...] = Field(min_length=1)


class WindowAlert(Alert):
    within_working_days: WorkingDays


class WeekAlert(Alert):
    week: int = Field(ge=1, le=20, description="the local target week for a draft plan")


class StageAlerts(_Strict):
    decision_due_soon: WindowAlert
    no_draft_by_week: WeekAlert
    representations_open: Alert
    final_plan_due_soon: WindowAlert
    statutory_date_missed: Alert


class RagRule(_Strict):
    """One open stage's RAG thresholds, in working days before its earliest watched date (domain/rag.py)."""

    amber_within_working_days: WorkingDays
    red_within_working_days: WorkingDays

    @model_validator(mode="after")
    def _red_inside_amber(self) -> RagRule:
        if self.red_within_working_days > self.amber_within_working_days:
            raise ValueError("red_within_working_days must not exceed amber_within_working_days")
        return self


class ReviewRung(EscalationRung):
    to: ReviewRecipient


class ReviewDatePolicy(Ladder):
    """One date of an annual review: who is reminded, on which working days from its last working day, and who
    is told, and when, once it has passed with nothing recorded."""

    to: ReviewRecipient
    reminders: tuple[Annotated[int, Field(ge=-60, le=60)], ...] = ()
    escalations: tuple[ReviewRung, ...] = ()


class PhaseTransferAlerts(_Strict):
    """Countdown alerts before a phase transfer's last working day (Reg 18(1)), and alerts when its local meeting
    target passes with no review meeting held and when the deadline itself passes."""

    weeks_before: tuple[Annotated[int, Field(ge=1, le=52)], ...] = Field(min_length=1)
    to: tuple[ReviewRecipient, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> PhaseTransferAlerts:
        if len(set(self.weeks_before)) != len(self.weeks_before):
            raise ValueError("weeks_before: each number of weeks may appear once")
        return self


class ReviewsPolicy(_Strict):
    """Messages about plans in force, by the review date they serve (domain/review_rules.py)."""

    # Before a meeting is known: its notice is needed by the review date less 14 days (Reg 20(3)).
    arrange_meeting: ReviewDatePolicy
    review_by: ReviewDatePolicy
    meeting_notice_by: ReviewDatePolicy
    advice_circulated_by: ReviewDatePolicy
    report_by: ReviewDatePolicy
    decision_by: ReviewDatePolicy
    amended_plan_by: ReviewDatePolicy
    phase_transfer: PhaseTransferAlerts

    def dates(self) -> dict[str, ReviewDatePolicy]:
        """Each review date's policy, by its name (the contract's step names, and ``arrange_meeting``)."""
        return {name: getattr(self, name) for name in type(self).model_fields if name != "phase_transfer"}


class ReportsPolicy(_Strict):
    """Who the scheduled reports go to; empty: the report is saved and emailed to nobody."""

    weekly_distribution: tuple[Annotated[str, Field(pattern=DISTRIBUTION.pattern, max_length=254)], ...] = ()


class ReminderPolicy(_Strict):
    roles: dict[Annotated[str, Field(pattern=r"^[a-z0-9_]+$")], Address] = Field(default_factory=dict)
    # The caseworker names used on cases, with their addresses; others fall back to role "casework_team".
    caseworkers: dict[str, Address] = Field(default_factory=dict)
    # The schools and settings plans name (as the plans store them), with the address their messages go to
    # (the SENCO's, say); others fall back to role "casework_team".
    setting_contacts: dict[Annotated[str, Field(min_length=1, max_length=120)], Address] = Field(
        default_factory=dict)
    delivery: Delivery
    agencies: dict[Agency, AgencyPolicy]
    alerts: StageAlerts
    rag: dict[Stage, RagRule]
    reviews: ReviewsPolicy
    reports: ReportsPolicy = ReportsPolicy()

    @model_validator(mode="after")
    def _complete(self) -> ReminderPolicy:
        missing = [agency.value for agency in Agency if agency not in self.agencies]
        if missing:
            raise ValueError(f"agencies: no policy for {', '.join(missing)}")
        missing_rag = [stage.value for stage in OPEN_STAGES if stage not in self.rag]
        if missing_rag:
            raise ValueError(f"rag: no rule for stage {', '.join(missing_rag)}")
        for where, recipient in self._recipients():
            role = recipient.removeprefix("role:")
            if recipient.startswith("role:") and role not in self.roles:
                raise ValueError(f"{where}: role {role!r} is not defined under [roles]")
        return self

    def _recipients(self):
        for agency, policy in self.agencies.items():
            for index, rung in enumerate(policy.escalations):
                yield f"agencies.{agency.value}.escalations.{index}.to", rung.to
        for name in StageAlerts.model_fields:
            for recipient in getattr(self.alerts, name).to:
                yield f"alerts.{name}.to", recipient
        for recipient in self.reports.weekly_distribution:
            yield "reports.weekly_distribution", recipient
        for name, policy in self.reviews.dates().items():
            yield f"reviews.{name}.to", policy.to
            for index, rung in enumerate(policy.escalations):
                yield f"reviews.{name}.escalations.{index}.to", rung.to
        for recipient in self.reviews.phase_transfer.to:
            yield "reviews.phase_transfer.to", recipient


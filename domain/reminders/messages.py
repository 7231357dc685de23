"""What a planned message is: its kind, its key, where it stands in the outbox. Pure data.

The planners (domain.reminders.planner, domain.reminders.review_planner,
domain.quality.alerts) make these; notifications/ renders them and the outbox
(store/outbox.py) stores them under their key, which is unique per case (or
plan), purpose, recipient and due date.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.rag import Rag


class OutboxStatus(StrEnum):
    """Where a queued message stands."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"    # given up after the policy's attempts; `ehc outbox` shows why
    SKIPPED = "skipped"  # not sent on purpose: nobody to send to, or the case moved on


class MessageKind(StrEnum):
    ADVICE_REMINDER = "advice_reminder"
    ADVICE_ESCALATION = "advice_escalation"
    STAGE_ALERT = "stage_alert"
    QUALITY_ALERT = "quality_alert"  # planned by domain/quality/alerts.py, after a plan's automatic review
    WEEKLY_REPORT = "weekly_report"  # the weekly timeliness report to its distribution list (report_mail.py)
    # About a plan in force (domain/reminders/review_planner.py): the outbox row's case_reference is the plan ref.
    REVIEW_REMINDER = "review_reminder"
    REVIEW_ESCALATION = "review_escalation"
    PHASE_TRANSFER_ALERT = "phase_transfer_alert"
    # To a school or setting: which of its pupils' reviews fall in the coming term (no case, no one plan).
    TERM_NOTICE = "term_notice"


PLAN_KINDS = (MessageKind.REVIEW_REMINDER, MessageKind.REVIEW_ESCALATION, MessageKind.PHASE_TRANSFER_ALERT)


class PlannedMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    case_reference: str
    kind: MessageKind
    purpose: str
    recipient: str            # who, by role: "contributor:DCO-N", "escalation:DCO-N", "role:director", ...
    recipient_title: str      # how the message addresses them
    channel: Literal["email", "webhook"]
    to_address: str | None    # None: nobody to send it to; the dispatcher records it as skipped
    what: str                 # "health advice from DCO-N (Reg 8(1))"
    due_on: date              # the statutory date the message is about
    last_working_day: date
    send_on: date             # the working day it is for
    reason: str
    subject_ref: str          # the advice key or statutory step, to re-check at dispatch
    rag: Rag | None = None
    escalation_title: str | None = None
    # Quality alerts only: the grade given and the main reasons for it (rubric wording, never plan text).
    grade: str | None = None
    points: tuple[str, ...] = ()


def message_key(case_reference: str, purpose: str, recipient: str, due_on: date) -> str:
    return f"{case_reference}/{purpose}/{recipient}/{due_on.isoformat()}"


def day_label(day: date) -> str:
    """How a message writes a day: "Thu 2026-04-09"."""
    return f"{day:%a} {day.isoformat()}"

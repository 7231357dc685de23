"""Tell the caseworker when a plan's automatic quality review grades it below Good. Pure: no I/O, no clock.

Issue 6: the quality-review step scores every draft and final plan against
the LA's rubric (config/rubric/); a plan graded Requires improvement or
Inadequate is the caseworker's to put right, so they are told, once per
review. The message gives the grade and the main reasons in the rubric's
own words (the hard-rule reasons and the weakest criteria), never plan text.

The key names the review (its id) and the day it was made, not the day the
alert was queued, so re-running the flow or `ehc qa attach` (today or next
week) finds it already queued. At dispatch the alert is re-checked: it still
goes out while the case is open, or once the final plan is issued if the
alert is about that final plan, provided the reviewed plan is still the
case's latest; a later plan (a final after a draft, a revised draft) has its
own review and its own alert.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.calendar import WorkingCalendar
from domain.quality.rubric import Grade
from domain.reminders.messages import MessageKind, PlannedMessage, day_label, message_key
from domain.reminders.planner import caseworker_recipient
from domain.reminders.policy import ReminderPolicy
from domain.timeline import Stage

# How many reasons the message lists: enough to act on, short enough to read; the case shows every finding.
MAX_POINTS = 5


class ReviewFacts(BaseModel):
    """What the planner needs of one automatic review: ids, grade and rubric wording; no names, no plan text."""

    model_config = ConfigDict(frozen=True)

    reference: str
    caseworker: str | None
    case_stage: Stage                      # the case's stage on the day (domain.timeline)
    plan_stage: Literal["draft", "final"]
    document_id: int
    review_id: int
    reviewed_on: date                      # the day the review was made: part of the key
    grade: Grade
    cap_reasons: tuple[str, ...] = ()      # the hard rule's reasons (domain.quality.hard_caps): rubric wording
    weakest: tuple[str, ...] = ()          # criteria scored 1 or 2, weakest first: "scored 1 of 4: <title>"
    failings: int = 0                      # checks that failed, in all


def plan_ref(plan_stage: str, document_id: int) -> str:
    """The outbox row's subject: which plan document the alert is about ("draft-plan:12")."""
    return f"{plan_stage}-plan:{document_id}"


def plan_quality_alert(review: ReviewFacts, policy: ReminderPolicy, calendar: WorkingCalendar,
                       as_of: date) -> PlannedMessage | None:
    """The caseworker's alert for a review graded below Good; None when the plan is Good or better, or moot."""
    if not review.grade.below_good:
        return None
    subject_ref = plan_ref(review.plan_stage, review.document_id)
    if quality_alert_relevance(subject_ref, review.case_stage, subject_ref) is not None:
        return None
    recipient, title, address = caseworker_recipient(review.caseworker, policy)
    purpose = f"quality-alert/{review.plan_stage}-review-{review.review_id}"
    # Keyed by role, not name: a change of caseworker does not make the same review alert again.
    key = message_key(review.reference, purpose, "caseworker", review.reviewed_on)
    what = f"{review.plan_stage} EHC plan"
    checks = f"{review.failings} check{'s' if review.failings != 1 else ''} failed"
    reason = (f"the automatic quality review of the {what} on {day_label(review.reviewed_on)} graded it "
              f"{review.grade.value} ({checks}); a plan must be graded at least Good")
    # Queued on a weekend or bank holiday (a CLI attach), it is for the next working day.
    send_on = as_of if calendar.is_working_day(as_of) else calendar.shift_working_days(as_of, 1)
    return PlannedMessage(
        key=key, case_reference=review.reference, kind=MessageKind.QUALITY_ALERT, purpose=purpose,
        recipient=recipient, recipient_title=title, channel="email", to_address=address, what=what,
        due_on=review.reviewed_on, last_working_day=review.reviewed_on, send_on=send_on, reason=reason,
        subject_ref=subject_ref, grade=review.grade.value,
        points=(review.cap_reasons + review.weakest)[:MAX_POINTS],
    )


def quality_alert_relevance(subject_ref: str, case_stage: Stage, latest_plan_ref: str | None) -> str | None:
    """Why a queued quality alert should no longer be sent, or None while it still should.

    A final plan's alert stays relevant once the plan is issued (the case's
    timeline then reads "issued", which for other alerts means closed): the
    issued plan is the one to amend. A draft's is moot once the final is issued.
    """
    if case_stage in (Stage.NO_PLAN, Stage.NOT_ASSESSED, Stage.WITHDRAWN):
        return f"case closed ({case_stage.value})"
    if case_stage is Stage.ISSUED and not subject_ref.startswith("final-"):
        return "final plan issued: the draft's review is moot"
    if latest_plan_ref is None:
        return "no plan on file for the case"
    if latest_plan_ref != subject_ref:
        return f"a later plan is on file ({latest_plan_ref}); its own review decides"
    return None


__all__ = ["MAX_POINTS", "ReviewFacts", "plan_quality_alert", "plan_ref", "quality_alert_relevance"]

"""Which messages about plans in force are due on a day, and why. Pure: no I/O, no clock.

For one plan (``plan_review_messages``): reminders about each date of its
reviews, to the school or setting for the meeting's notice, the advice
circulated before it and the report after it, and to the LA's caseworker for
the decision and the amended plan; before any meeting is known, reminders to
arrange one (its notice is needed by the review date less 14 days); an
escalation once a date has passed with nothing recorded (the highest rung
reached only, as for advice); and the phase-transfer countdown to the
caseworker and a manager, with an alert when the local target for the review
meeting passes with no meeting held and when the deadline itself passes.

For a term (``term_review``, ``plan_term_notices``): one notice per school or
setting listing its pupils' plans, by reference only, whose reviews fall in
the term, overdue ones marked (SEND Code of Practice 9.172; domain/terms.py).

Input is the plan's timeline (domain/plan_review.py), the LA's reminder policy
(``[reviews]``, domain/reminders/policy.py) and the working calendar, as the
request planner (domain/reminders/planner.py) takes a case's; each message's
key is unique per plan, purpose, recipient and due date, so the morning watch
and a plan's own review pass queue it once. Nothing is planned on a weekend or
bank holiday, and nothing for a ceased plan. ``review_message_relevance`` is
the dispatcher's last check that the plan has not moved on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.calendar import WorkingCalendar
from domain.plan_review import PlanTimeline
from domain.reminders.messages import MessageKind, PlannedMessage, day_label, message_key
from domain.reminders.planner import caseworker_recipient, due_label
from domain.reminders.policy import ReminderPolicy, ReviewDatePolicy
from domain.review_rules import REVIEW_LIMITS, ReviewStep
from domain.terms import Term, notice_day, term_to_notify
from domain.timeline import PENDING, Status

ARRANGE_MEETING = "arrange_meeting"  # no meeting known yet: the date its notice is needed by
PHASE_TRANSFER = "phase_transfer"
MEETING_TARGET = "phase_transfer/meeting_target"
TERM_NOTICE = "term-notice"
# More than the bank holidays on weekdays in any 60 working days (the policy's longest offset): Christmas Day,
# Boxing Day and New Year's Day, then Good Friday and Easter Monday, or Easter and both May bank holidays.
MOST_BANK_HOLIDAYS_IN_A_SPAN = 8

# What each date is about, for the reason line and the message (its regulation follows, by the plan's setting).
DATE_LABELS: dict[str, str] = {
    ARRANGE_MEETING: "notice of the review meeting",
    ReviewStep.REVIEW_BY: "the review meeting",
    ReviewStep.MEETING_NOTICE_BY: "notice of the review meeting",
    ReviewStep.ADVICE_CIRCULATED_BY: "advice and information circulated before the review meeting",
    ReviewStep.REPORT_BY: "the report of the review meeting",
    ReviewStep.DECISION_BY: "the decision to maintain, amend or cease the plan, notified",
    ReviewStep.AMENDED_PLAN_BY: "the amended plan",
}


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlanForReminders(_Data):
    """What the planner needs of a plan: never the child's name."""

    plan_ref: str
    caseworker: str | None
    setting: str | None   # None: the child or young person attends no school or setting
    timeline: PlanTimeline


@dataclass(frozen=True)
class DueDates:
    """A date a message is about that is not a review deadline itself: the day a meeting's notice is needed by,
    a phase transfer's last day."""

    statutory: date
    last_working_day: date


def cited(regulation: str) -> str:
    """"20(4)" as "Reg 20(4)"; "CFA s44(1)" as it is."""
    return regulation if regulation.startswith("CFA") else f"Reg {regulation}"


# -- one plan ----------------------------------------------------------------------------------------------

def plan_review_messages(plan: PlanForReminders, policy: ReminderPolicy, calendar: WorkingCalendar,
                         as_of: date) -> list[PlannedMessage]:
    """Every message due on ``as_of`` about one plan; none on a weekend or bank holiday, none for a ceased plan."""
    timeline = plan.timeline
    if not calendar.is_working_day(as_of) or timeline.ceased is not None:
        return []
    planner = _ReviewPlanner(plan, policy, calendar, as_of)
    for review in timeline.reviews:
        for deadline in review.pending:
            planner.date_messages(deadline.step.value, deadline,
                                  f"{DATE_LABELS[deadline.step]} ({cited(deadline.regulation)})",
                                  overdue=deadline.status is Status.OVERDUE)
    notice_needed = arrange_meeting_dates(timeline, calendar)
    if notice_needed is not None:
        review_by = timeline.reviews[-1].deadlines[ReviewStep.REVIEW_BY]
        limit = REVIEW_LIMITS[ReviewStep.MEETING_NOTICE_BY]
        planner.date_messages(
            ARRANGE_MEETING, notice_needed,
            f"{DATE_LABELS[ARRANGE_MEETING]}, for a meeting by the review date {day_label(review_by.statutory)} "
            f"({cited(limit.regulation_for(plan.setting is not None))})",
            overdue=as_of > notice_needed.statutory)
    planner.phase_transfer_alerts()
    return sorted(planner.messages.values(), key=lambda m: (m.send_on, m.key))


def arrange_meeting_dates(timeline: PlanTimeline, calendar: WorkingCalendar) -> DueDates | None:
    """While no meeting of the current review is known: the day notice of a meeting on the review date is needed
    by (Reg 20(3): at least two weeks before it), with its last working day."""
    current = timeline.reviews[-1]
    review_by = current.deadlines[ReviewStep.REVIEW_BY]
    if current.meeting is not None or current.meeting_planned is not None or review_by.status not in PENDING:
        return None
    needed_by = REVIEW_LIMITS[ReviewStep.MEETING_NOTICE_BY].due(review_by.statutory)
    return DueDates(needed_by, calendar.last_working_day_on_or_before(needed_by))


def transfer_meeting_held(timeline: PlanTimeline) -> date | None:
    """The first review meeting held for the plan's phase transfer: in the academic year before it, as
    domain/plan_review.py counts the transfer's review done."""
    view = timeline.phase_transfer
    if view is None:
        return None
    window_start = date(view.transfer.transfer_year - 1, 9, 1)
    return min((review.meeting for review in timeline.reviews
                if review.meeting is not None and review.meeting >= window_start), default=None)


class _ReviewPlanner:
    def __init__(self, plan: PlanForReminders, policy: ReminderPolicy, calendar: WorkingCalendar,
                 as_of: date) -> None:
        self.plan = plan
        self.policy = policy
        self.calendar = calendar
        self.as_of = as_of
        self.messages: dict[str, PlannedMessage] = {}

    # -- the dates of a review ---------------------------------------------------------------------------

    def date_messages(self, name: str, dates: DueDates, what: str, *, overdue: bool) -> None:
        """The reminder due about one date, and its escalation once it has passed with nothing recorded."""
        policy = self.policy.reviews.dates()[name]
        self._reminder(name, policy, dates, what)
        if overdue:
            self._escalation(name, policy, dates, what)

    def _reminder(self, name: str, policy: ReviewDatePolicy, dates: DueDates, what: str) -> None:
        """The latest reminder step reached, if no more than the catch-up allowance ago: older ones are stale."""
        if not policy.reminders:
            return
        # Most dates are months ahead or long past: no step can be due, and counting working days is the watch's
        # main cost, so those are passed over on calendar days alone.
        ahead = (dates.last_working_day - self.as_of).days
        if ahead > _most_calendar_days(-min(*policy.reminders, 0)):
            return
        if -ahead > (_most_calendar_days(max(*policy.reminders, 0))
                     + _most_calendar_days(self.policy.delivery.catch_up_working_days)):
            return
        reached = [(send_on, offset) for offset in policy.reminders
                   if (send_on := self.calendar.shift_working_days(dates.last_working_day, offset)) <= self.as_of]
        if not reached:
            return
        send_on, offset = max(reached)
        if self.calendar.shift_working_days(send_on, self.policy.delivery.catch_up_working_days) < self.as_of:
            return
        count = abs(offset)
        when = ("on its last working day:" if offset == 0 else
                f"{count} working day{'s' if count != 1 else ''} {'before' if offset < 0 else 'after'}")
        self._add(MessageKind.REVIEW_REMINDER, f"review-reminder/{name}/{offset:+d}", policy.to, dates, what,
                  send_on, f"{when} {what} due ({due_label(dates)})", subject_ref=name)

    def _escalation(self, name: str, policy: ReviewDatePolicy, dates: DueDates, what: str) -> None:
        """The highest rung reached, and only that one, as for advice (domain/reminders/planner.py)."""
        # From the top: the first rung reached is the highest, and every rung below it was reached before it.
        found = next(((index, rung, send_on) for index, rung in reversed(list(enumerate(policy.escalations)))
                      if (send_on := self.calendar.shift_working_days(dates.last_working_day, rung.after))
                      <= self.as_of), None)
        if found is None:
            return
        index, rung, send_on = found
        late = (self.as_of - dates.statutory).days
        passed = [earlier.title for earlier in policy.escalations[:index]]
        passed_over = (f"; the highest rung due, so {', '.join(passed[:-1]) + ' and ' if len(passed) > 1 else ''}"
                       f"{passed[-1]} {'is' if len(passed) == 1 else 'are'} not told now" if passed else "")
        reason = (f"{what} due ({due_label(dates)}) not recorded {rung.after} working "
                  f"day{'s' if rung.after != 1 else ''} after it was due ({late} day{'s' if late != 1 else ''} "
                  f"overdue): escalation to {rung.title}{passed_over}")
        self._add(MessageKind.REVIEW_ESCALATION, f"review-escalation/{name}/+{rung.after}", rung.to, dates, what,
                  send_on, reason, subject_ref=name, escalation_title=rung.title)

    # -- the phase transfer ------------------------------------------------------------------------------

    def phase_transfer_alerts(self) -> None:
        """The countdown (the latest step reached, within the catch-up allowance), the meeting target passed
        with no meeting held, and the deadline passed: in the transfer's year only."""
        view = self.plan.timeline.transfer_due
        if view is None:
            return
        transfer, alerts = view.transfer, self.policy.reviews.phase_transfer
        dates = DueDates(transfer.last_day, transfer.last_working_day)
        words = transfer.transfer.replace("post16", "post-16").replace("_", " ")
        before = f": before {day_label(transfer.amend_before)}" if transfer.amend_before else ""
        what = f"the plan reviewed and amended for the {words} transfer ({cited(transfer.regulation)}{before})"
        held = transfer_meeting_held(self.plan.timeline)
        planned = self.plan.timeline.reviews[-1].meeting_planned
        meeting = (f"review meeting held {day_label(held)}" if held else
                   f"review meeting planned for {day_label(planned)}" if planned else "no review meeting arranged")
        if view.status is Status.OVERDUE:
            late = (self.as_of - transfer.last_day).days
            self._alert("phase-transfer/deadline-missed", alerts.to, dates, what,
                        f"phase transfer deadline missed: {what} due ({due_label(dates)}), "
                        f"{late} day{'s' if late != 1 else ''} overdue; {meeting}", PHASE_TRANSFER)
            return
        countdown = [(self._on_or_after(transfer.last_working_day - timedelta(weeks=weeks)), weeks)
                     for weeks in alerts.weeks_before]
        reached = [(send_on, weeks) for send_on, weeks in countdown if send_on <= self.as_of]
        if reached:
            send_on, weeks = max(reached)
            if self.calendar.shift_working_days(send_on, self.policy.delivery.catch_up_working_days) >= self.as_of:
                self._alert(f"phase-transfer/countdown/{weeks}w", alerts.to, dates, what,
                            f"{weeks} weeks before its last working day: {what} due ({due_label(dates)}); "
                            f"{meeting}", PHASE_TRANSFER, send_on=send_on)
        target = view.meeting_target
        if target is not None and self.as_of > target and held is None:
            self._alert("phase-transfer/meeting-target-missed", alerts.to, dates, what,
                        f"no review meeting held by the local target {day_label(target)} for {what} due "
                        f"({due_label(dates)}); {meeting}", MEETING_TARGET)

    def _alert(self, purpose: str, recipients: tuple[str, ...], dates: DueDates, what: str, reason: str,
               subject_ref: str, send_on: date | None = None) -> None:
        for spec in recipients:
            self._add(MessageKind.PHASE_TRANSFER_ALERT, purpose, spec, dates, what, send_on or self.as_of, reason,
                      subject_ref=subject_ref)

    # -- recipients and assembly -------------------------------------------------------------------------

    def _add(self, kind: MessageKind, purpose: str, spec: str, dates: DueDates, what: str, send_on: date,
             reason: str, *, subject_ref: str, escalation_title: str | None = None) -> None:
        recipient, title, address, channel = review_recipient(spec, self.plan, self.policy)
        if escalation_title and spec.startswith("role:"):
            title = escalation_title.removeprefix("the ")
        key = message_key(self.plan.plan_ref, purpose, recipient, dates.statutory)
        self.messages[key] = PlannedMessage(
            key=key, case_reference=self.plan.plan_ref, kind=kind, purpose=purpose, recipient=recipient,
            recipient_title=title, channel=channel, to_address=address, what=what, due_on=dates.statutory,
            last_working_day=dates.last_working_day, send_on=send_on, reason=reason, subject_ref=subject_ref,
            escalation_title=escalation_title)

    def _on_or_after(self, day: date) -> date:
        return day if self.calendar.is_working_day(day) else self.calendar.shift_working_days(day, 1)


def _most_calendar_days(working_days: int) -> int:
    """The most calendar days ``working_days`` working days can span: their weekends and bank holidays with them."""
    return working_days + 2 * (working_days // 5 + 1) + MOST_BANK_HOLIDAYS_IN_A_SPAN


def review_recipient(spec: str, plan: PlanForReminders, policy: ReminderPolicy) -> tuple[str, str, str | None, str]:
    """(recipient id for the key and audit, how to address them, email address or None, channel)."""
    if spec == "setting" and plan.setting is not None:
        return (*setting_recipient(plan.setting, policy), "email")
    if spec in ("setting", "caseworker"):  # a child in no school or setting: the LA arranges the review (Reg 21)
        return (*caseworker_recipient(plan.caseworker, policy), "email")
    if spec == "channel":
        return "channel:webhook", "casework channel", None, "webhook"
    role = spec.removeprefix("role:")
    return spec, role.replace("_", " "), policy.roles[role], "email"


def setting_recipient(setting: str, policy: ReminderPolicy) -> tuple[str, str, str | None]:
    """(recipient id, how to address them, address): the policy's [setting_contacts] entry, else role
    casework_team, who pass the message on."""
    address = policy.setting_contacts.get(setting)
    if address is not None:
        return f"setting:{setting}", f"colleagues at {setting}", address
    return f"setting:{setting}", f"casework team (for {setting})", policy.roles.get("casework_team")


# -- termly notices to schools and settings ----------------------------------------------------------------

class TermReview(_Data):
    """One plan's review as a school's termly notice lists it: the plan ref, never a name."""

    plan_ref: str
    meet_by: date    # the latest day for the review meeting
    basis: Literal["review date", "phase-transfer meeting target"]
    when: Literal["overdue", "before the term", "in the term"]


class TermNotice(_Data):
    """The notice to one school or setting of the reviews falling in a term: keyed per setting and term."""

    key: str
    kind: MessageKind = MessageKind.TERM_NOTICE
    case_reference: None = None   # about a setting's plans, not one case or plan
    purpose: str = TERM_NOTICE
    recipient: str
    recipient_title: str
    channel: Literal["email"] = "email"
    to_address: str | None
    setting: str
    term: Term
    window_end: date   # the day before the next term starts: a review due in a holiday falls in the term before
    reviews: tuple[TermReview, ...]
    subject_ref: str
    due_on: date       # the term's first day
    send_on: date      # its notice day
    reason: str


@dataclass(frozen=True)
class TermDue:
    """The term whose schools are told on a day: the last day of its window, and its notice day."""

    term: Term
    window_end: date
    notice_on: date


def term_notice_due(terms: tuple[Term, ...], as_of: date, notice_days: int,
                    calendar: WorkingCalendar) -> TermDue | None:
    """The term whose notices go on ``as_of``: from its notice day (``notice_days`` before it starts, or the working
    day before that) until it starts, so a watch that missed the day still tells the schools, late. None on a day
    that is not a working day, or when no term is due."""
    if not calendar.is_working_day(as_of):
        return None
    found = term_to_notify(terms, as_of, notice_days, calendar)
    if found is None:
        return None
    term, window_end = found
    return TermDue(term, window_end, notice_day(term, notice_days, calendar))


def term_review(timeline: PlanTimeline, due: TermDue, as_of: date) -> TermReview | None:
    """The plan's review as the term's notice lists it, when its latest meeting day (the review date, or the
    phase transfer's meeting target if earlier and no meeting is held for it yet) is by the end of the term's
    window; earlier ones not yet held too, marked. None for a plan whose review falls later, or that ceased."""
    if timeline.ceased is not None:
        return None
    meet_by = timeline.reviews[-1].deadlines[ReviewStep.REVIEW_BY].statutory
    basis: Literal["review date", "phase-transfer meeting target"] = "review date"
    view = timeline.transfer_due
    if (view is not None and view.meeting_target is not None and view.meeting_target < meet_by
            and transfer_meeting_held(timeline) is None):
        meet_by, basis = view.meeting_target, "phase-transfer meeting target"
    if meet_by > due.window_end:
        return None
    when = "overdue" if meet_by < as_of else "before the term" if meet_by < due.term.first_day else "in the term"
    return TermReview(plan_ref=timeline.plan_ref, meet_by=meet_by, basis=basis, when=when)


def plan_term_notices(reviews_by_setting: dict[str, list[TermReview]], due: TermDue, notice_days: int,
                      policy: ReminderPolicy) -> list[TermNotice]:
    """One notice per setting with reviews to list, earliest meeting day first; a setting with none gets none."""
    term, notice_on = due.term, due.notice_on
    notices = []
    for setting, reviews in sorted(reviews_by_setting.items()):
        if not reviews:
            continue
        recipient, title, address = setting_recipient(setting, policy)
        overdue = sum(1 for review in reviews if review.when == "overdue")
        notices.append(TermNotice(
            key=message_key(setting, TERM_NOTICE, recipient, term.first_day), recipient=recipient,
            recipient_title=title, to_address=address, setting=setting, term=term, window_end=due.window_end,
            reviews=tuple(sorted(reviews, key=lambda review: (review.meet_by, review.plan_ref))),
            subject_ref=f"{TERM_NOTICE}/{term.first_day.isoformat()}", due_on=term.first_day, send_on=notice_on,
            reason=(f"{term.name} starts {day_label(term.first_day)}: {len(reviews)} review(s) of plans at {setting} "
                    f"fall in it{f' ({overdue} overdue)' if overdue else ''}; schools are told at least "
                    f"{notice_days} days before each term (SEND Code of Practice 9.172), on "
                    f"{day_label(notice_on)}")))
    return notices


# -- at dispatch -------------------------------------------------------------------------------------------

def review_message_relevance(kind: MessageKind | str, subject_ref: str, due_on: date, timeline: PlanTimeline,
                             calendar: WorkingCalendar) -> str | None:
    """Why a queued message about a plan should no longer be sent (the plan moved on), or None when it still
    should."""
    if timeline.ceased is not None:
        return f"plan ceased on {timeline.ceased.isoformat()}"
    if kind == MessageKind.PHASE_TRANSFER_ALERT:
        view = timeline.phase_transfer
        if view is None or view.transfer.last_day != due_on:
            return f"no phase transfer due on {due_on.isoformat()} any more"
        if view.status not in PENDING:
            return f"phase transfer {view.status.value}"
        held = transfer_meeting_held(timeline)
        if subject_ref == MEETING_TARGET and held is not None:
            return f"review meeting held on {held.isoformat()}"
        return None
    if subject_ref == ARRANGE_MEETING:
        needed = arrange_meeting_dates(timeline, calendar)
        if needed is None:
            return "review meeting arranged or held"
        return None if needed.statutory == due_on else f"review date moved: notice now needed by {needed.statutory}"
    found = [deadline for review in timeline.reviews for step, deadline in review.deadlines.items()
             if step.value == subject_ref and deadline.statutory == due_on]
    if not found:
        return f"no review has {subject_ref} due on {due_on.isoformat()} any more"
    if found[0].status not in PENDING:
        return f"{subject_ref} {found[0].status.value}"
    return None

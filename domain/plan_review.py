"""A plan in force as of a date: its reviews, their statutory dates, status and days remaining. Pure.

A plan's reviews follow each other: the first 12-month period starts with the
day the plan was issued (or, for a plan made before the product, the last
review the import gives), and each review meeting starts the next (CFA 2014
s44(1)). After a meeting come its report (2 weeks), the LA's decision
(4 weeks) and, for an amendment, the amended plan (8 weeks from the proposals).
The phase transfer, where one is ahead, is dated by the child's year group
(domain/year_groups.py). Limits and their sources: domain/review_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from domain.calendar import WorkingCalendar
from domain.casefile import EventRejected
from domain.plan_events import (
    AdviceCirculated, AmendedPlanIssued, MeetingHeld, MeetingNoticeSent, PlanCeased, PlanEvent, PlanEventVoided,
    ProposalsSent, ReportReceived, ReviewDecision, ReviewOutcome,
)
from domain.review_rules import (
    CEASE_APPEAL_MONTHS, REPRESENTATIONS_DAYS, REVIEW_LIMITS, UNDER_FIVES_REVIEW_MONTHS, ReviewLimit, ReviewStep,
    add_months,
)
from domain.timeline import PENDING, Status
from domain.year_groups import REG_18_2, PhaseTransfer, TransferPoint, academic_year_of, next_transfer, \
    post16_transfer, year_group_on

UNDER_FIVES_GROUPS = ("N1", "N2", "R")  # nursery and reception: under 5 for most of the year (CoP 9.178)


@dataclass(frozen=True)
class PlanInForce:
    """What the store keeps of a plan beside its review events: never the child's name."""

    plan_ref: str
    issued: date
    last_review: date | None      # the last review before the product knew the plan (an import), if any
    year_group: str               # in the academic year starting ``year_group_year``
    year_group_year: int
    setting: str | None           # None: the child or young person attends no school or other institution
    case_ref: str | None = None
    caseworker: str | None = None
    team: str | None = None
    planned_post16_transfer: date | None = None  # a move between post-16 institutions (Reg 18(2))


class ReviewStage(StrEnum):
    AWAITING_MEETING = "awaiting_meeting"
    AWAITING_DECISION = "awaiting_decision"
    AMENDING = "amending"
    CEASED = "ceased"


@dataclass
class ReviewRecord:
    """One review: from the 12-month period it belongs to, to the decision and any amendment after it."""

    number: int
    last: date                          # the period starts with this day
    meeting_planned: date | None = None
    notice_sent: date | None = None
    advice_circulated: date | None = None
    meeting: date | None = None
    report: date | None = None
    decision: date | None = None
    outcome: ReviewOutcome | None = None
    proposals: date | None = None
    amended: date | None = None

    @property
    def meeting_day(self) -> date | None:
        """The day the post-meeting limits count from: held, else planned."""
        return self.meeting or self.meeting_planned

    @property
    def concluded_on(self) -> date | None:
        """The day the review's outcome took effect: the decision to maintain or cease, or the amended plan."""
        if self.outcome in (ReviewOutcome.MAINTAIN, ReviewOutcome.CEASE):
            return self.decision
        return self.amended


@dataclass
class PlanFile:
    plan: PlanInForce
    reviews: list[ReviewRecord] = field(default_factory=list)
    ceased: date | None = None
    latest: tuple[date, str] | None = None  # the latest day an event on file is dated, and which event it is

    @property
    def current(self) -> ReviewRecord:
        """The review whose meeting is still to come."""
        return self.reviews[-1]

    @property
    def held(self) -> ReviewRecord | None:
        """The latest review whose meeting was held."""
        return self.reviews[-2] if len(self.reviews) > 1 else None


def standing_plan_events(events: Sequence[PlanEvent]) -> list[PlanEvent]:
    """The events that stand, in the order recorded: without the voided ones and the voids. EventRejected for
    a void of an event that is not earlier, not the one it names, already voided, or itself a void."""
    voided: dict[int, int] = {}
    for position, event in enumerate(events, start=1):
        if not isinstance(event, PlanEventVoided):
            continue
        named = f"#{event.sequence} {event.voided_type.replace('_', ' ')} on {event.voided_on}"
        if event.sequence >= position:
            raise EventRejected(f"there is no event #{event.sequence} to void", field="event")
        target = events[event.sequence - 1]
        if isinstance(target, PlanEventVoided):
            raise EventRejected(f"{named} is itself a correction and cannot be voided", field="event")
        if (target.type, target.on) != (event.voided_type, event.voided_on):
            raise EventRejected(f"event #{event.sequence} is {target.type.replace('_', ' ')} on {target.on}, "
                                f"not the {named} the void names", field="event")
        if event.sequence in voided:
            raise EventRejected(f"{named} was already voided by #{voided[event.sequence]}", field="event")
        voided[event.sequence] = position
    return [event for position, event in enumerate(events, start=1)
            if position not in voided and not isinstance(event, PlanEventVoided)]


def fold_plan(plan: PlanInForce, events: Iterable[PlanEvent]) -> PlanFile:
    """The plan's reviews from its standing events; EventRejected, naming the clash, for an impossible history."""
    file = PlanFile(plan, [ReviewRecord(1, plan.last_review or plan.issued)])
    for event in standing_plan_events(list(events)):
        _apply(file, event)
        if file.latest is None or event.on >= file.latest[0]:
            file.latest = (event.on, f"the {event.type.replace('_', ' ')}")
    return file


def _apply(file: PlanFile, event: PlanEvent) -> None:
    if file.ceased is not None:
        raise EventRejected(f"the plan ceased on {file.ceased}: nothing more can be recorded of its reviews")
    current, held = file.current, file.held
    if isinstance(event, (MeetingNoticeSent, AdviceCirculated)):
        _before_meeting(current, held, event)
    elif isinstance(event, MeetingHeld):
        if event.on <= current.last:
            raise EventRejected(f"a review meeting on {event.on} is not after the start of the review period on "
                                f"{current.last} (the plan issued or last reviewed then)")
        current.meeting = event.on
        file.reviews.append(ReviewRecord(current.number + 1, event.on))
    elif isinstance(event, PlanCeased):
        # Recorded order is the order of the reviews: the ceasing cannot come before anything already on file.
        latest, what = file.latest or (current.last, "the review period began")
        _not_before(event.on, latest, "plan ceased", what)
        file.ceased = event.on
    else:
        if held is None or held.meeting is None:
            raise EventRejected(f"{event.type.replace('_', ' ')} needs a review meeting first: record meeting_held")
        _after_meeting(held, event)


def _before_meeting(current: ReviewRecord, held: ReviewRecord | None,
                    event: MeetingNoticeSent | AdviceCirculated) -> None:
    """The notice or the advice for the meeting to come; or, dated before the latest meeting held, for that one
    (recorded after the meeting was)."""
    review = held if held is not None and event.on < current.last else current
    name = "this review" if review is current else f"the meeting held on {review.meeting}"
    if isinstance(event, MeetingNoticeSent):
        _not_before(event.on, review.last, "the notice", "the review period began")
        if review is not current:  # before its meeting a second notice moves it; after, there is nothing to move
            _once(review.notice_sent, f"notice of {name}")
        review.notice_sent, review.meeting_planned = event.on, event.meeting
    else:
        _not_before(event.on, review.last, "advice circulated", "the review period began")
        _once(review.advice_circulated, f"advice circulated for {name}")
        review.advice_circulated = event.on


def _after_meeting(review: ReviewRecord, event: PlanEvent) -> None:
    assert review.meeting is not None
    what = event.type.replace("_", " ")
    _not_before(event.on, review.meeting, what, "the review meeting")
    if isinstance(event, ReportReceived):
        _once(review.report, "the report of this review")
        review.report = event.on
    elif isinstance(event, ReviewDecision):
        _once(review.decision, "the decision of this review")
        review.decision, review.outcome = event.on, event.outcome
    elif isinstance(event, ProposalsSent):
        if review.outcome is not ReviewOutcome.AMEND:
            raise EventRejected("proposed amendments follow a decision to amend: record decision with outcome "
                                "amend first")
        _not_before(event.on, review.decision, what, "the decision to amend")
        _once(review.proposals, "proposed amendments for this review")
        review.proposals = event.on
    elif isinstance(event, AmendedPlanIssued):
        if review.proposals is None:
            raise EventRejected("an amended plan follows the proposed amendments: record proposals_sent first")
        _not_before(event.on, review.proposals, what, "the proposals were sent")
        _once(review.amended, "the amended plan of this review")
        review.amended = event.on


def _not_before(day: date, earliest: date | None, what: str, since: str) -> None:
    if earliest is not None and day < earliest:
        raise EventRejected(f"{what} on {day} is before {since} on {earliest}", field="on")


def _once(existing: date | None, what: str) -> None:
    if existing is not None:
        raise EventRejected(f"{what} was already recorded, on {existing} (void it first to correct it)")


# -- views -------------------------------------------------------------------------------------------------

class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReviewDeadline(_View):
    step: ReviewStep
    title: str
    regulation: str
    statutory: date
    last_working_day: date
    status: Status
    days_remaining: int | None
    done_on: date | None

    def as_contract(self) -> dict:
        """As `ehc review timeline --json` gives each date."""
        return {"statutory": self.statutory.isoformat(), "last_working_day": self.last_working_day.isoformat(),
                "regulation": self.regulation, "status": self.status.value,
                "days_remaining": self.days_remaining}


class ReviewView(_View):
    number: int
    last: date
    meeting: date | None
    meeting_planned: date | None
    outcome: ReviewOutcome | None
    deadlines: dict[ReviewStep, ReviewDeadline]
    representations_close: date | None   # Reg 22(2): the 15th day from the proposals
    warnings: tuple[str, ...] = ()

    @property
    def pending(self) -> list[ReviewDeadline]:
        return sorted((d for d in self.deadlines.values() if d.status in PENDING), key=lambda d: d.statutory)


class PhaseTransferView(_View):
    transfer: PhaseTransfer
    in_transfer_year: bool       # the deadline is in this academic year: the review for it is due now
    status: Status
    days_remaining: int | None
    done_on: date | None
    meeting_target: date | None  # the local target for the review meeting (config), before the deadline

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class LocalTarget(_View):
    """Guidance or local practice: never a statutory date."""

    name: str
    target: date
    basis: str


class PlanTimeline(_View):
    plan_ref: str
    as_of: date
    stage: ReviewStage
    year_group: str | None
    reviews: tuple[ReviewView, ...]
    phase_transfer: PhaseTransferView | None
    targets: tuple[LocalTarget, ...]
    ceased: date | None
    appeal_window_closes: date | None
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    @property
    def next_review_by(self) -> ReviewDeadline | None:
        return None if self.ceased else self.reviews[-1].deadlines[ReviewStep.REVIEW_BY]

    @property
    def pending(self) -> list[ReviewDeadline]:
        found = [deadline for review in self.reviews for deadline in review.pending]
        return sorted(found, key=lambda d: d.statutory)

    @property
    def is_overdue(self) -> bool:
        return any(d.status is Status.OVERDUE for d in self.pending) or self.phase_transfer_overdue

    @property
    def phase_transfer_overdue(self) -> bool:
        return self.phase_transfer is not None and self.phase_transfer.status is Status.OVERDUE

    @property
    def transfer_due(self) -> PhaseTransferView | None:
        """The phase transfer, when its deadline is in this academic year and it is not yet done."""
        transfer = self.phase_transfer
        return transfer if transfer is not None and transfer.in_transfer_year and transfer.status in PENDING else None

    @property
    def pending_days(self) -> list[date]:
        """Every statutory date still pending, the due phase transfer's last day among them."""
        days = [deadline.statutory for deadline in self.pending]
        if self.transfer_due is not None:
            days.append(self.transfer_due.transfer.last_day)
        return days

    @property
    def next_due(self) -> date | None:
        """The earliest statutory date still pending, the phase transfer's last day among them."""
        return min(self.pending_days, default=None)


@dataclass(frozen=True)
class ReviewSettings:
    """An LA's choices about reviews (config/la.py): its transfer points and local targets."""

    transfer_points: tuple[TransferPoint, ...]
    # The phase-transfer review meeting this many weeks before the last day, so that a 4-week decision and
    # 8 weeks of amendment fit before it.
    transfer_meeting_weeks_before: int = 12


def plan_timeline(plan: PlanInForce, events: Sequence[PlanEvent], calendar: WorkingCalendar, as_of: date,
                  settings: ReviewSettings) -> PlanTimeline:
    """The plan as it stood at the end of ``as_of``: events dated later are not yet known."""
    known = [event for event in standing_plan_events(list(events)) if event.on <= as_of]
    return build_plan_timeline(fold_plan(plan, known), calendar, as_of, settings)


def build_plan_timeline(file: PlanFile, calendar: WorkingCalendar, as_of: date,
                        settings: ReviewSettings) -> PlanTimeline:
    plan = file.plan
    in_school = plan.setting is not None
    reviews = tuple(review_view(review, calendar, as_of, in_school, file.ceased) for review in file.reviews)
    group = year_group_on(plan.year_group, plan.year_group_year, as_of)
    transfer = _phase_transfer(file, group, calendar, as_of, settings)
    targets = []
    if group in UNDER_FIVES_GROUPS and file.ceased is None:
        targets.append(LocalTarget(
            name="early_years_review", target=add_months(file.current.last, UNDER_FIVES_REVIEW_MONTHS),
            basis=f"guidance (SEND Code of Practice 9.178): a child under 5 reviewed every 3 to "
                  f"{UNDER_FIVES_REVIEW_MONTHS} months; not statutory"))
    return PlanTimeline(
        plan_ref=plan.plan_ref, as_of=as_of, stage=_stage(file), year_group=group, reviews=reviews,
        phase_transfer=transfer, targets=tuple(targets), ceased=file.ceased,
        appeal_window_closes=add_months(file.ceased, CEASE_APPEAL_MONTHS) if file.ceased else None)


def review_view(review: ReviewRecord, calendar: WorkingCalendar, as_of: date, in_school: bool,
                ceased: date | None) -> ReviewView:
    """One review's dates: the review itself; with a meeting (held or given notice of), the notice, the advice,
    the report and the decision; with proposals sent, the amended plan."""
    def deadline(limit: ReviewLimit, counted_from: date, done_on: date | None, not_required: bool,
                 closed: bool = False) -> ReviewDeadline:
        due = limit.due(counted_from)
        if done_on is not None:
            status = Status.ON_TIME if done_on <= due else Status.LATE
        elif not_required:
            status = Status.NOT_REQUIRED
        elif closed:
            status = Status.CLOSED
        else:
            status = Status.OPEN if as_of <= due else Status.OVERDUE
        return ReviewDeadline(
            step=limit.step, title=limit.title, regulation=limit.regulation_for(in_school), statutory=due,
            last_working_day=calendar.last_working_day_on_or_before(due), status=status,
            days_remaining=(due - as_of).days if status in PENDING else None, done_on=done_on)

    ended = ceased is not None
    deadlines = {ReviewStep.REVIEW_BY: deadline(REVIEW_LIMITS[ReviewStep.REVIEW_BY], review.last, review.meeting,
                                                ended and review.meeting is None)}
    meeting = review.meeting_day
    warnings: list[str] = []
    if meeting is not None:
        # Notice and advice are before the meeting: once it is held, one not recorded is past, not missing.
        held = review.meeting is not None
        for step, done_on in ((ReviewStep.MEETING_NOTICE_BY, review.notice_sent),
                              (ReviewStep.ADVICE_CIRCULATED_BY, review.advice_circulated)):
            deadlines[step] = deadline(REVIEW_LIMITS[step], meeting, done_on, ended and not held, closed=held)
        for step, done_on in ((ReviewStep.REPORT_BY, review.report), (ReviewStep.DECISION_BY, review.decision)):
            deadlines[step] = deadline(REVIEW_LIMITS[step], meeting, done_on, ended)
    representations_close = None
    if review.proposals is not None:
        deadlines[ReviewStep.AMENDED_PLAN_BY] = deadline(REVIEW_LIMITS[ReviewStep.AMENDED_PLAN_BY],
                                                         review.proposals, review.amended, ended)
        representations_close = review.proposals + timedelta(days=REPRESENTATIONS_DAYS - 1)
        if review.amended is not None and review.amended <= representations_close:
            warnings.append(f"amended plan issued on {review.amended}, before the 15 days for representations on "
                            f"the proposals ended on {representations_close} (Reg 22(2))")
    coverage = calendar.coverage_warning([deadline.statutory for deadline in deadlines.values()])
    if coverage:
        warnings.append(coverage)
    return ReviewView(number=review.number, last=review.last, meeting=review.meeting,
                      meeting_planned=review.meeting_planned, outcome=review.outcome, deadlines=deadlines,
                      representations_close=representations_close, warnings=tuple(warnings))


def transfer_review_window_start(transfer: PhaseTransfer, planned_post16_transfer: date | None) -> date:
    """The first day a review meeting counts toward ``transfer``: 12 months before a planned move between
    post-16 institutions (Reg 18(2)), else 1 September of the academic year before the transfer."""
    if transfer.regulation == REG_18_2 and planned_post16_transfer is not None:
        return add_months(planned_post16_transfer, -12)
    return date(transfer.transfer_year - 1, 9, 1)


def _phase_transfer(file: PlanFile, group: str | None, calendar: WorkingCalendar, as_of: date,
                    settings: ReviewSettings) -> PhaseTransferView | None:
    if group is None or file.ceased is not None:
        return None
    plan = file.plan
    if plan.planned_post16_transfer is not None and plan.planned_post16_transfer >= as_of:
        transfer = post16_transfer(group, plan.planned_post16_transfer, calendar)
    else:
        transfer = next_transfer(group, as_of, settings.transfer_points, calendar)
        if transfer is None:
            return None
    window_start = transfer_review_window_start(transfer, plan.planned_post16_transfer)
    in_year = transfer.last_day < date(academic_year_of(as_of) + 1, 9, 1) and transfer.last_day >= window_start
    done_on = min((review.concluded_on for review in file.reviews
                   if review.meeting is not None and review.meeting >= window_start and review.concluded_on),
                  default=None)
    if done_on is not None and done_on > as_of:
        done_on = None
    if done_on is not None:
        status = Status.ON_TIME if done_on <= transfer.last_day else Status.LATE
    elif plan.issued > transfer.last_day:  # a plan made after the last day could not be reviewed for the transfer
        status = Status.NOT_REQUIRED
    else:
        status = Status.OPEN if as_of <= transfer.last_day else Status.OVERDUE
    meeting_target = None
    if transfer.regulation != "18(2)":
        meeting_target = transfer.last_day - timedelta(weeks=settings.transfer_meeting_weeks_before)
    return PhaseTransferView(
        transfer=transfer, in_transfer_year=in_year, status=status,
        days_remaining=(transfer.last_day - as_of).days if status in PENDING else None, done_on=done_on,
        meeting_target=meeting_target)


def _stage(file: PlanFile) -> ReviewStage:
    if file.ceased is not None:
        return ReviewStage.CEASED
    held = file.held
    if held is not None and held.decision is None:
        return ReviewStage.AWAITING_DECISION
    if held is not None and held.outcome is ReviewOutcome.AMEND and held.amended is None:
        return ReviewStage.AMENDING
    return ReviewStage.AWAITING_MEETING

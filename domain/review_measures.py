"""Timeliness of plans in force for a period: reviews, review decisions, amended plans, the phase-transfer cohort.

Pure: measured over each plan's review timeline (``domain.plan_review.plan_timeline``), so the reports count
exactly what `ehc reviews` and the review pages show. Counting rules, all calendar days (docs/RULES.md,
"Plans in force"; the limits are ``domain.review_rules``):

- a period names its first and last day, **both included** (``domain.timeliness.Period``); the plans are
  judged as they stood at the end of its last day (events dated later are not yet known);
- **reviews within 12 months** (CFA 2014 s44(1)): the reviews whose ``review_by`` falls in the period,
  held or not; of them, those whose meeting was held on or before ``review_by``. Counted by when the review
  fell due, not by when its meeting was held, so that a review never held is counted, in the period it was
  due in. A review left unheld because the plan ceased on or before its ``review_by`` was not required and is
  not counted; one the plan ceased after is counted, late;
- ``reviews_overdue``: reviews past their ``review_by`` and not held at the end of the period's last day (a
  plan still in force), whenever they fell due;
- **decisions within 4 weeks** (Reg 20(10), the DfE's published measure): the decisions to maintain, amend or
  cease made in the period; of them, those on or before ``decision_by`` (the meeting + 28 days).
  ``decisions_overdue``: meetings held whose decision is past ``decision_by`` and not made at the period's end;
- **amended plans within 8 weeks** (Reg 22(3)): amended plans issued in the period; of them, those on or
  before ``amended_plan_by`` (the proposals + 56 days). ``amended_plans_overdue``: likewise, at the end;
- **the phase-transfer cohort**, as of the report's day: the children whose transfer by year group
  (early years to school, primary to secondary, secondary to post-16 and any the LA configures) has its
  deadline in the academic year of that day (``PhaseTransferView.in_transfer_year``), counted per transfer
  and per school or setting: in the cohort; a review meeting held since the transfer's review window opened
  (``transfer_review_window_start``); its decision made; done (the plan reviewed and amended, or the review
  otherwise concluded: the transfer view's ``done_on``), and of them done after the last day; outstanding;
  overdue (past the last day, not done). Counted down in calendar days to the last day (the day before
  15 February or 31 March, Reg 18(1)) and to the last working day on or before it. A move between post-16
  institutions at another time (Reg 18(2)) is dated per young person, not a cohort, and is left out;
- a percentage is rounded half-up to one decimal place, and is None when nothing was counted.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Iterable

from domain.calendar import WorkingCalendar
from domain.plan_review import PlanInForce, PlanTimeline, ReviewDeadline, transfer_review_window_start
from domain.review_rules import ReviewStep
from domain.timeline import Status
from domain.timeliness import Period, percentage
from domain.year_groups import REG_18_2, YEAR_GROUPS, PhaseTransfer, TransferPoint, next_transfer

DONE = (Status.ON_TIME, Status.LATE)


@dataclass(frozen=True)
class WithinLimit:
    """Things counted in a period (the denominator) and how many of them were within their limit."""

    counted: int = 0
    within: int = 0

    def __add__(self, other: WithinLimit) -> WithinLimit:
        return WithinLimit(self.counted + other.counted, self.within + other.within)

    @property
    def percentage(self) -> float | None:
        return percentage(self.within, self.counted)

    def as_contract(self) -> dict:
        return {"numerator": self.within, "denominator": self.counted, "percentage": self.percentage}


@dataclass(frozen=True)
class ReviewTally:
    """A period's review measures: additive, so plans can be counted one at a time and summed."""

    plans_in_force: int = 0  # issued by the period's last day and not ceased by then
    reviews: WithinLimit = WithinLimit()
    reviews_overdue: int = 0
    decisions: WithinLimit = WithinLimit()
    decisions_overdue: int = 0
    amended_plans: WithinLimit = WithinLimit()
    amended_plans_overdue: int = 0

    def __add__(self, other: ReviewTally) -> ReviewTally:
        return ReviewTally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def review_tally(plan: PlanInForce, at_period_end: PlanTimeline, period: Period) -> ReviewTally:
    """One plan's part of the period's measures; ``at_period_end`` is its timeline as of ``period.end``."""
    if plan.issued > period.end:
        return ReviewTally()
    ceased = at_period_end.ceased
    reviews = decisions = amended_plans = WithinLimit()
    decisions_overdue = amended_plans_overdue = 0
    for review in at_period_end.reviews:
        review_by = review.deadlines[ReviewStep.REVIEW_BY]
        not_required = review_by.done_on is None and ceased is not None and ceased <= review_by.statutory
        if review_by.statutory in period and not not_required:
            reviews += _judged(review_by)
        if review.meeting is None:
            continue  # a meeting only planned has no decision or amendment to answer for yet
        decision = review.deadlines[ReviewStep.DECISION_BY]
        amended = review.deadlines.get(ReviewStep.AMENDED_PLAN_BY)
        decisions += _done_in(period, decision)
        decisions_overdue += _overdue(decision)
        amended_plans += _done_in(period, amended)
        amended_plans_overdue += _overdue(amended)
    next_review = at_period_end.next_review_by
    return ReviewTally(
        plans_in_force=int(ceased is None), reviews=reviews, reviews_overdue=_overdue(next_review),
        decisions=decisions, decisions_overdue=decisions_overdue,
        amended_plans=amended_plans, amended_plans_overdue=amended_plans_overdue)


def _judged(deadline: ReviewDeadline) -> WithinLimit:
    return WithinLimit(1, int(deadline.done_on is not None and deadline.done_on <= deadline.statutory))


def _done_in(period: Period, deadline: ReviewDeadline | None) -> WithinLimit:
    """The step done in the period, judged; nothing when it was not."""
    if deadline is None or deadline.done_on is None or deadline.done_on not in period:
        return WithinLimit()
    return _judged(deadline)


def _overdue(deadline: ReviewDeadline | None) -> int:
    return int(deadline is not None and deadline.status is Status.OVERDUE)


# -- the phase-transfer cohort ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CohortProgress:
    """Children of one transfer (at one school or setting) and how far their transfer reviews have got."""

    children: int = 0
    meeting_held: int = 0
    decision_made: int = 0
    done: int = 0
    done_late: int = 0
    outstanding: int = 0
    overdue: int = 0

    def __add__(self, other: CohortProgress) -> CohortProgress:
        return CohortProgress(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def as_contract(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def cohort_progress(plan: PlanInForce, at_as_of: PlanTimeline) -> tuple[str, CohortProgress] | None:
    """The child's transfer and progress toward it, when they are in this academic year's cohort of a
    transfer by year group; None otherwise (no transfer this year, a ceased plan, a Reg 18(2) move)."""
    view = at_as_of.phase_transfer
    if view is None or not view.in_transfer_year or view.transfer.regulation == REG_18_2:
        return None
    window_start = transfer_review_window_start(view.transfer, plan.planned_post16_transfer)
    held = [review for review in at_as_of.reviews if review.meeting is not None and review.meeting >= window_start]
    return view.transfer.transfer, CohortProgress(
        children=1, meeting_held=int(bool(held)),
        decision_made=int(any(review.outcome is not None for review in held)),
        done=int(view.status in DONE), done_late=int(view.status is Status.LATE),
        outstanding=int(view.status not in DONE), overdue=int(view.status is Status.OVERDUE))


@dataclass(frozen=True)
class CohortTransfer:
    """One transfer's cohort as of a day, by school or setting (None: attends none), counted down."""

    transfer: PhaseTransfer  # as for a child in the transfer's from-year group
    as_of: date
    by_setting: tuple[tuple[str | None, CohortProgress], ...]

    @property
    def total(self) -> CohortProgress:
        return sum((progress for _, progress in self.by_setting), CohortProgress())

    @property
    def days_to_last_day(self) -> int:
        """Negative once the last day has passed."""
        return (self.transfer.last_day - self.as_of).days

    @property
    def days_to_last_working_day(self) -> int:
        return (self.transfer.last_working_day - self.as_of).days

    def as_contract(self) -> dict:
        return {
            "transfer": self.transfer.transfer, "transfer_year": self.transfer.transfer_year,
            "regulation": self.transfer.regulation, "last_day": self.transfer.last_day.isoformat(),
            "last_working_day": self.transfer.last_working_day.isoformat(),
            "days_to_last_day": self.days_to_last_day, "days_to_last_working_day": self.days_to_last_working_day,
            **self.total.as_contract(),
            "by_setting": [{"setting": setting, **progress.as_contract()} for setting, progress in self.by_setting],
        }


def _setting_order(setting: str | None) -> tuple[bool, str]:
    return setting is None, (setting or "").casefold()


# -- a period's report ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanSeen:
    """One stored plan, its timeline as of the period's last day and as of the report's day (the same object
    when they are the same day)."""

    plan: PlanInForce
    at_period_end: PlanTimeline
    at_as_of: PlanTimeline


@dataclass(frozen=True)
class PlansInForceMeasures:
    period: Period
    as_of: date
    plans_stored: int  # every plan read, ceased or not
    tally: ReviewTally
    cohorts: tuple[CohortTransfer, ...]


def plans_in_force_measures(plans: Iterable[PlanSeen], period: Period, as_of: date,
                            points: tuple[TransferPoint, ...], calendar: WorkingCalendar) -> PlansInForceMeasures:
    """The period's review measures and ``as_of``'s phase-transfer cohorts, in one pass over the plans.

    Every configured transfer point is listed, in year-group order, with no children when none are due.
    A plan issued after ``as_of`` is not in a cohort.
    """
    stored = 0
    tally = ReviewTally()
    cohorts: dict[str, dict[str | None, CohortProgress]] = {point.name: {} for point in points}
    for seen in plans:
        stored += 1
        tally += review_tally(seen.plan, seen.at_period_end, period)
        found = cohort_progress(seen.plan, seen.at_as_of) if seen.plan.issued <= as_of else None
        if found is not None and found[0] in cohorts:
            by_setting = cohorts[found[0]]
            setting = seen.plan.setting
            by_setting[setting] = by_setting.get(setting, CohortProgress()) + found[1]
    transfers = []
    for point in sorted(points, key=lambda point: YEAR_GROUPS.index(point.from_group)):
        transfer = next_transfer(point.from_group, as_of, points, calendar)
        assert transfer is not None  # a point's own from-year group always has it ahead
        by_setting = cohorts[point.name]
        transfers.append(CohortTransfer(transfer, as_of, tuple(
            (setting, by_setting[setting]) for setting in sorted(by_setting, key=_setting_order))))
    return PlansInForceMeasures(period, as_of, stored, tally, tuple(transfers))


# -- the `ehc report reviews --json` contract -------------------------------------------------------------

def reviews_contract(measures: PlansInForceMeasures) -> dict:
    """The stable JSON object (reports/README.md): keys are never renamed and keep their meaning."""
    tally = measures.tally
    return {
        "period": {"from": measures.period.start.isoformat(), "to": measures.period.end.isoformat()},
        "as_of": measures.as_of.isoformat(),
        "plans_in_force": tally.plans_in_force,
        "reviews_within_12_months": tally.reviews.as_contract(),
        "reviews_overdue": tally.reviews_overdue,
        "decisions_within_4_weeks": tally.decisions.as_contract(),
        "decisions_overdue": tally.decisions_overdue,
        "amended_plans_within_8_weeks": tally.amended_plans.as_contract(),
        "amended_plans_overdue": tally.amended_plans_overdue,
        "phase_transfers": [cohort.as_contract() for cohort in measures.cohorts],
    }

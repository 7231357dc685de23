"""Timeliness measures as the DfE's SEN2 return counts them (docs/RULES.md, "How SEN2 counts timeliness").

Everything here is pure: the report layer feeds it rows (one per plan,
decision or advice return) or SQL aggregates of those rows (tallies per
day), and these functions add them up per period.

Counting rules, all calendar days (Europe/London dates):

- a period names its first and last day, **both included**;
- a plan is counted in the period its final plan was issued in, and is
  *within 20 weeks* when issued on or before ``received + 140 days``
  (Reg 13(2), the rule's data is ``domain.rules.FINAL_PLAN``);
- a decision (to assess or not) is counted in the period it was made in and
  is *within 6 weeks* when made on or before ``received + 42 days`` (Reg 5(1));
- advice is counted in the period it was returned in and is *within 6 weeks*
  when returned on or before ``requested + 42 days`` (Reg 8(1));
- "excluding exceptions" removes every plan whose case has "exception
  applies" (a qualifying Reg 10(4) exception, also 13(3), that excuses the
  final plan: ``domain.timeline.excusing``) from numerator **and** denominator;
- a notice that no plan will be issued is counted in the period it was given
  in, and is *within 16 weeks* when given on or before ``received + 112 days``
  (Reg 10(1));
- a case with a mediation or a tribunal appeal recorded (at any date) is left
  out of every measure here but advice: plans (with and without exceptions),
  decisions and notices; plans so left out are counted on their own;
- "within a year" is on or before the anniversary of receipt; a request
  received on 29 February has its anniversary on 28 February of a common year;
- a percentage is rounded half-up to one decimal place, and is None (no
  figure) when nothing was counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Iterable, Mapping, Sequence

from domain.calendar import WorkingCalendar
from domain.rag import Rag, rag_of_pending
from domain.reminders.policy import ReminderPolicy, RagRule
from domain.rules import ADVICE, DECISION_TO_ASSESS, FINAL_PLAN, NO_PLAN_NOTICE, REPRESENTATIONS_CLOSE, Limb, Step
from domain.timeline import OPEN_STAGES, Stage

# -- the national yardstick, as data with its source -------------------------------------------------

ENGLAND_SOURCE = ('DfE, "Education, health and care plans" (England, calendar years): share of new EHC plans '
                  "issued within 20 weeks, excluding exceptions")

# Calendar year -> percentage. 2022 is the revised figure (50.7% was first published).
ENGLAND_WITHIN_20_WEEKS_EXCL_EXCEPTIONS: dict[int, float] = {
    2019: 60.4,
    2021: 59.9,
    2022: 49.2,
    2023: 50.3,
    2024: 46.4,
}


@dataclass(frozen=True)
class EnglandFigure:
    year: int
    pct_within_20_weeks_excl_exceptions: float
    source: str = ENGLAND_SOURCE


def england_figure(year: int) -> EnglandFigure | None:
    """The latest published England figure for ``year`` or before (figures lag by a year or more)."""
    known = [known_year for known_year in ENGLAND_WITHIN_20_WEEKS_EXCL_EXCEPTIONS if known_year <= year]
    if not known:
        return None
    latest = max(known)
    return EnglandFigure(latest, ENGLAND_WITHIN_20_WEEKS_EXCL_EXCEPTIONS[latest])


# -- arithmetic ----------------------------------------------------------------------------------------

def percentage(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a percentage, rounded half-up to one decimal place; None when ``whole`` is 0."""
    if whole == 0:
        return None
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def one_year_after(day: date) -> date:
    """The anniversary of ``day``; 29 February's is 28 February in a common year."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# -- periods -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    name: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


class PeriodName(StrEnum):
    WEEK = "report week"
    YEAR_TO_DATE = "calendar year to date"
    ROLLING_12_MONTHS = "rolling 12 months"


def report_periods(as_of: date) -> tuple[Period, Period, Period]:
    """The week ending ``as_of`` (7 days), the calendar year to date and the 12 months ending ``as_of``."""
    return (
        Period(PeriodName.WEEK, as_of - timedelta(days=6), as_of),
        Period(PeriodName.YEAR_TO_DATE, date(as_of.year, 1, 1), as_of),
        Period(PeriodName.ROLLING_12_MONTHS, one_year_before(as_of) + timedelta(days=1), as_of),
    )


def trend_weeks(as_of: date, weeks: int = 26) -> tuple[Period, ...]:
    """``weeks`` consecutive 7-day periods, the last ending on ``as_of``; oldest first."""
    return tuple(
        Period(f"week ending {end.isoformat()}", end - timedelta(days=6), end)
        for end in (as_of - timedelta(days=7 * back) for back in range(weeks - 1, -1, -1))
    )


# -- per-item facts (what one plan, decision or advice return counts as) -------------------------------

@dataclass(frozen=True)
class PlanIssued:
    """One new EHC plan: when the request was received, when the final plan was issued."""

    received: date
    issued: date
    exceptions_apply: bool = False
    mediation_tribunal: bool = False  # the case had mediation or a tribunal appeal: left out, counted apart

    @property
    def days_to_issue(self) -> int:
        return (self.issued - self.received).days

    @property
    def within_20_weeks(self) -> bool:
        return self.issued <= FINAL_PLAN.due(self.received)

    @property
    def within_a_year(self) -> bool:
        return self.issued <= one_year_after(self.received)


@dataclass(frozen=True)
class DecisionMade:
    """A decision whether to assess (either outcome)."""

    received: date
    decided: date
    mediation_tribunal: bool = False  # the case had mediation or a tribunal appeal: not counted

    @property
    def within_6_weeks(self) -> bool:
        return self.decided <= DECISION_TO_ASSESS.due(self.received)


@dataclass(frozen=True)
class NoPlanNoticeGiven:
    """A notice, after assessing, that no plan will be issued (Reg 10(1))."""

    received: date
    given: date
    mediation_tribunal: bool = False  # the case had mediation or a tribunal appeal: not counted

    @property
    def within_16_weeks(self) -> bool:
        return self.given <= NO_PLAN_NOTICE.due(self.received)


@dataclass(frozen=True)
class AdviceReturned:
    agency: str
    contributor: str | None
    requested: date
    returned: date

    @property
    def within_6_weeks(self) -> bool:
        return self.returned <= ADVICE.due(self.requested)


# -- tallies: additive, so SQL can sum per day and Python per period -----------------------------------

@dataclass(frozen=True)
class PlanTally:
    plans: int = 0
    within_20_weeks: int = 0
    plans_excl_exceptions: int = 0
    within_20_weeks_excl_exceptions: int = 0
    days_to_issue: int = 0  # summed over the plans, for the average
    over_20_weeks_within_a_year: int = 0
    over_a_year: int = 0
    excluded_mediation_tribunal: int = 0  # plans left out of every field above: mediation or tribunal

    @classmethod
    def of(cls, plans: Iterable[PlanIssued]) -> PlanTally:
        return sum((cls._one(plan) for plan in plans), cls())

    @classmethod
    def _one(cls, plan: PlanIssued) -> PlanTally:
        if plan.mediation_tribunal:
            return cls(excluded_mediation_tribunal=1)
        on_time = int(plan.within_20_weeks)
        counted = int(not plan.exceptions_apply)
        return cls(
            plans=1, within_20_weeks=on_time,
            plans_excl_exceptions=counted, within_20_weeks_excl_exceptions=on_time * counted,
            days_to_issue=plan.days_to_issue,
            over_20_weeks_within_a_year=int(not plan.within_20_weeks and plan.within_a_year),
            over_a_year=int(not plan.within_a_year),
        )

    def __add__(self, other: PlanTally) -> PlanTally:
        return PlanTally(*(a + b for a, b in zip(_values(self), _values(other))))

    @property
    def pct_within_20_weeks(self) -> float | None:
        return percentage(self.within_20_weeks, self.plans)

    @property
    def pct_within_20_weeks_excl_exceptions(self) -> float | None:
        return percentage(self.within_20_weeks_excl_exceptions, self.plans_excl_exceptions)

    @property
    def average_weeks_to_issue(self) -> float | None:
        """Mean of (issued - received) in weeks, to one decimal place; None with no plans."""
        if self.plans == 0:
            return None
        exact = Decimal(self.days_to_issue) / Decimal(7 * self.plans)
        return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class OnTimeTally:
    """Things done in a period and how many of them within their 6 weeks (decisions, advice)."""

    done: int = 0
    within_6_weeks: int = 0

    @classmethod
    def of(cls, items: Iterable[DecisionMade | AdviceReturned]) -> OnTimeTally:
        """Decisions on a case with mediation or a tribunal appeal are left out."""
        items = [item for item in items if not getattr(item, "mediation_tribunal", False)]
        return cls(len(items), sum(item.within_6_weeks for item in items))

    def __add__(self, other: OnTimeTally) -> OnTimeTally:
        return OnTimeTally(self.done + other.done, self.within_6_weeks + other.within_6_weeks)

    @property
    def pct_within_6_weeks(self) -> float | None:
        return percentage(self.within_6_weeks, self.done)


@dataclass(frozen=True)
class NoticeTally:
    """Notices that no plan will be issued, given in a period, and how many within 16 weeks (Reg 10(1))."""

    notices: int = 0
    within_16_weeks: int = 0

    @classmethod
    def of(cls, notices: Iterable[NoPlanNoticeGiven]) -> NoticeTally:
        """Notices on a case with mediation or a tribunal appeal are left out."""
        counted = [notice for notice in notices if not notice.mediation_tribunal]
        return cls(len(counted), sum(notice.within_16_weeks for notice in counted))

    def __add__(self, other: NoticeTally) -> NoticeTally:
        return NoticeTally(self.notices + other.notices, self.within_16_weeks + other.within_16_weeks)

    @property
    def pct_within_16_weeks(self) -> float | None:
        return percentage(self.within_16_weeks, self.notices)


def _values(tally: PlanTally) -> tuple[int, ...]:
    return tuple(getattr(tally, name) for name in tally.__dataclass_fields__)


# -- daily aggregates, as SQL returns them --------------------------------------------------------------

CLOSURE_DETECTED = "10(4)(a)/(b) from closure dates"
"""The label for a plan whose only Reg 10(4) exception was found from closure data, not recorded."""


@dataclass(frozen=True)
class PlanDay:
    day: date  # the final plans' issue date
    tally: PlanTally


@dataclass(frozen=True)
class DecisionDay:
    day: date
    tally: OnTimeTally


@dataclass(frozen=True)
class NoticeDay:
    day: date  # the day the notice that no plan will be issued was given
    tally: NoticeTally


@dataclass(frozen=True)
class AdviceDay:
    day: date  # the day the advice was returned
    agency: str
    contributor: str | None  # the contributor's code; None when asked of an agency, not a named contributor
    tally: OnTimeTally


@dataclass(frozen=True)
class ExceptionDay:
    day: date  # the plans' issue date
    limb: str  # a Reg 10(4) limb, or CLOSURE_DETECTED
    plans: int


def plans_in(period: Period, days: Iterable[PlanDay]) -> PlanTally:
    return sum((row.tally for row in days if row.day in period), PlanTally())


def decisions_in(period: Period, days: Iterable[DecisionDay]) -> OnTimeTally:
    return sum((row.tally for row in days if row.day in period), OnTimeTally())


def notices_in(period: Period, days: Iterable[NoticeDay]) -> NoticeTally:
    return sum((row.tally for row in days if row.day in period), NoticeTally())


def advice_in(period: Period, days: Iterable[AdviceDay], by: str) -> dict[str, OnTimeTally]:
    """Advice returned in the period, by ``"agency"`` or by ``"contributor"`` (code, else the agency)."""
    found: dict[str, OnTimeTally] = {}
    for row in days:
        if row.day in period:
            key = row.agency if by == "agency" else (row.contributor or f"{row.agency} (no named contributor)")
            found[key] = found.get(key, OnTimeTally()) + row.tally
    return dict(sorted(found.items()))


def exceptions_in(period: Period, days: Iterable[ExceptionDay]) -> dict[str, int]:
    """Plans issued in the period with each Reg 10(4) limb (a plan with two limbs counts under both)."""
    found = {limb.value: 0 for limb in Limb if limb.is_case_exception}
    for row in days:
        if row.day in period:
            found[row.limb] = found.get(row.limb, 0) + row.plans
    return found


@dataclass(frozen=True)
class PeriodMeasures:
    period: Period
    plans: PlanTally
    decisions: OnTimeTally
    advice_by_agency: dict[str, OnTimeTally]
    advice_by_contributor: dict[str, OnTimeTally]
    exceptions_by_limb: dict[str, int]
    england: EnglandFigure | None
    notices: NoticeTally = NoticeTally()


def measures_for(period: Period, plan_days: Sequence[PlanDay], decision_days: Sequence[DecisionDay],
                 advice_days: Sequence[AdviceDay], exception_days: Sequence[ExceptionDay],
                 notice_days: Sequence[NoticeDay] = ()) -> PeriodMeasures:
    return PeriodMeasures(
        period=period,
        plans=plans_in(period, plan_days),
        decisions=decisions_in(period, decision_days),
        advice_by_agency=advice_in(period, advice_days, "agency"),
        advice_by_contributor=advice_in(period, advice_days, "contributor"),
        exceptions_by_limb=exceptions_in(period, exception_days),
        england=england_figure(period.end.year),
        notices=notices_in(period, notice_days),
    )


# -- open requests ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenRequest:
    """A request open at the end of ``as_of`` with what had happened by then (dates after it left out)."""

    reference: str
    received: date
    decided_to_assess: date | None = None
    draft_served: date | None = None
    representations_received: date | None = None
    next_advice_due: date | None = None  # the earliest due date of advice asked for and not yet returned
    owner: str | None = None  # the caseworker's initials (domain.initials.caseworker_label)
    exceptions_apply: bool = False  # a Reg 10(4) exception applies to the case (the store's projection)


@dataclass(frozen=True)
class OpenRequestView:
    reference: str
    owner: str | None
    received: date
    stage: Stage
    week: int
    next_step: str
    next_due: date
    regulation: str
    days_remaining: int
    rag: Rag
    overdue: bool  # the contract's open_overdue: undecided past 6 weeks, or assessing past 20 weeks
    exceptions_apply: bool = False


def view_open_request(request: OpenRequest, as_of: date, policy: ReminderPolicy,
                      calendar: WorkingCalendar) -> OpenRequestView:
    """Stage, week of the 20 (week 1 is the 7 days from receipt), next statutory date and RAG.

    The pending statutory dates are those of ``domain.timeline`` for an open
    case: the decision (until made), each advice request (until returned),
    the notice not to issue (until a draft is served), the representations
    window (while open and unanswered) and the final plan. The next of them
    is shown whatever it is; the RAG is the LA's rule (``domain.rag``), which
    watches only the dates the stage answers for.
    """
    pending: list[tuple[date, str, Step, str]] = [
        (FINAL_PLAN.due(request.received), "final plan", FINAL_PLAN.step, FINAL_PLAN.regulation)]
    if request.decided_to_assess is None:
        stage = Stage.AWAITING_DECISION
        pending.append((DECISION_TO_ASSESS.due(request.received), "decision whether to assess",
                        DECISION_TO_ASSESS.step, DECISION_TO_ASSESS.regulation))
    else:
        stage = Stage.DRAFT if request.draft_served else Stage.ASSESSMENT
    if request.draft_served is None:
        pending.append((NO_PLAN_NOTICE.due(request.received), "notice not to issue a plan", NO_PLAN_NOTICE.step,
                        NO_PLAN_NOTICE.regulation))
    else:
        closes = REPRESENTATIONS_CLOSE.due(request.draft_served)
        if request.representations_received is None and as_of <= closes:
            pending.append((closes, "representations on the draft close", REPRESENTATIONS_CLOSE.step,
                            REPRESENTATIONS_CLOSE.regulation))
    if request.next_advice_due is not None:
        pending.append((request.next_advice_due, "advice returned", ADVICE.step, ADVICE.regulation))
    due, next_step, _, regulation = min(pending)
    rag = rag_of_pending(stage, ((step, day) for day, _, step, _ in pending), as_of, policy, calendar)
    return OpenRequestView(
        reference=request.reference, owner=request.owner, received=request.received, stage=stage,
        week=(as_of - request.received).days // 7 + 1, next_step=next_step, next_due=due, regulation=regulation,
        days_remaining=(due - as_of).days, rag=rag,
        overdue=is_open_overdue(request.received, request.decided_to_assess, as_of),
        exceptions_apply=request.exceptions_apply,
    )


def is_open_overdue(received: date, decided_to_assess: date | None, as_of: date) -> bool:
    """Undecided after received + 42 days, or decided to assess and past received + 140 days."""
    if decided_to_assess is None:
        return as_of > DECISION_TO_ASSESS.due(received)
    return as_of > FINAL_PLAN.due(received)


@dataclass(frozen=True)
class OpenTally:
    requests: int = 0
    overdue: int = 0


WEEK_BANDS = tuple(str(week) for week in range(1, 21)) + ("21-52", "53+")


def week_band(week: int) -> str:
    """Weeks 1-20 one by one, then the cases already past the 20 weeks in two bands."""
    return str(week) if week <= 20 else "21-52" if week <= 52 else "53+"


@dataclass(frozen=True)
class OpenCaseload:
    as_of: date
    cases: tuple[OpenRequestView, ...]
    by_stage_and_rag: dict[Stage, dict[Rag, int]] = field(default_factory=dict)
    by_week_and_stage: dict[str, dict[Stage, int]] = field(default_factory=dict)
    by_owner: dict[str, dict[Rag, int]] = field(default_factory=dict)
    rag_rules: Mapping[Stage, RagRule] = field(default_factory=dict)  # the policy's, for the report to state

    @property
    def tally(self) -> OpenTally:
        return OpenTally(len(self.cases), sum(case.overdue for case in self.cases))


def open_caseload(requests: Iterable[OpenRequest], as_of: date, policy: ReminderPolicy,
                  calendar: WorkingCalendar) -> OpenCaseload:
    """Every open request's view, soonest next statutory date first, with the counts the report charts."""
    views = sorted((view_open_request(request, as_of, policy, calendar) for request in requests),
                   key=lambda view: (view.next_due, view.reference))
    by_stage = {stage: {rag: 0 for rag in Rag} for stage in OPEN_STAGES}
    by_week = {band: {stage: 0 for stage in OPEN_STAGES} for band in WEEK_BANDS}
    by_owner: dict[str, dict[Rag, int]] = {}
    for view in views:
        by_stage[view.stage][view.rag] += 1
        by_week[week_band(view.week)][view.stage] += 1
        owner = by_owner.setdefault(view.owner or "unassigned", {rag: 0 for rag in Rag})
        owner[view.rag] += 1
    return OpenCaseload(as_of, tuple(views), by_stage, by_week, dict(sorted(by_owner.items())),
                        {stage: policy.rag[stage] for stage in OPEN_STAGES})


# -- the `ehc report timeliness --json` contract ---------------------------------------------------------

def timeliness_contract(period: Period, plans: PlanTally, decisions: OnTimeTally, open_at_end: OpenTally,
                        notices: NoticeTally = NoticeTally()) -> dict:
    """The stable JSON object: keys and meanings are checked by acceptance tests; do not rename.

    Cases with mediation or a tribunal appeal are in none of the plan, decision
    or notice counts (plans so left out are ``plans_excluded_mediation_tribunal``),
    but are among the open and overdue requests.
    """
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "plans_issued": plans.plans,
        "plans_within_20_weeks": plans.within_20_weeks,
        "pct_within_20_weeks": plans.pct_within_20_weeks,
        "plans_issued_excl_exceptions": plans.plans_excl_exceptions,
        "plans_within_20_weeks_excl_exceptions": plans.within_20_weeks_excl_exceptions,
        "pct_within_20_weeks_excl_exceptions": plans.pct_within_20_weeks_excl_exceptions,
        "decisions_made": decisions.done,
        "decisions_within_6_weeks": decisions.within_6_weeks,
        "pct_decisions_within_6_weeks": decisions.pct_within_6_weeks,
        "open_requests": open_at_end.requests,
        "open_overdue": open_at_end.overdue,
        "plans_excluded_mediation_tribunal": plans.excluded_mediation_tribunal,
        "no_plan_notices": notices.notices,
        "no_plan_notices_within_16_weeks": notices.within_16_weeks,
        "pct_no_plan_notices_within_16_weeks": notices.pct_within_16_weeks,
    }

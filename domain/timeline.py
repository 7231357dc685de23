"""A case's statutory timeline as of a date: due dates, status and days remaining.

Exceptions never move a statutory date (Reg 10(4), 8(2)): they excuse
lateness, mark the case as "exception applies", and yield a separately
labelled, non-statutory adjusted target.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Iterable

from pydantic import BaseModel, ConfigDict

from domain.calendar import WorkingCalendar
from domain.casefile import AdviceRecord, CaseFile, ExceptionRecord, fold, standing
from domain.closures import NO_CLOSURES, ClosureCalendar
from domain.events import CaseEvent, DecisionOutcome
from domain.rules import (
    ADVICE, CONSULTATION_RESPONSE, DECISION_TO_ASSESS, FINAL_PLAN, NO_PLAN_NOTICE,
    REPRESENTATIONS_CLOSE, Limb, Step, TimeLimit,
)


class Status(StrEnum):
    ON_TIME = "done_on_time"
    LATE = "done_late"
    OPEN = "open"
    OVERDUE = "overdue"
    NOT_REQUIRED = "not_required"
    CLOSED = "closed"  # a window that ended with nothing received: not a failure


PENDING = (Status.OPEN, Status.OVERDUE)


class Stage(StrEnum):
    AWAITING_DECISION = "awaiting_decision"
    ASSESSMENT = "assessment"
    DRAFT = "draft"
    ISSUED = "issued"
    NO_PLAN = "no_plan"
    NOT_ASSESSED = "not_assessed"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STAGES


OPEN_STAGES = (Stage.AWAITING_DECISION, Stage.ASSESSMENT, Stage.DRAFT)

CASE_STEPS = (Step.DECISION_TO_ASSESS, Step.NO_PLAN_NOTICE, Step.FINAL_PLAN)
"""The case's own steps that Reg 10(4) exceptions excuse (with Reg 5(4) and 13(3)): what "exceptions apply" is
about."""


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class Deadline(_View):
    step: Step
    title: str
    regulation: str
    statutory: date
    last_working_day: date
    status: Status
    days_remaining: int | None
    done_on: date | None
    exceptions: tuple[Limb, ...] = ()


class AdviceDeadline(Deadline):
    key: str
    agency: str
    contributor: str | None
    requested: date


class ConsultationTarget(_View):
    """CoP 9.83 guidance: a local target, never a statutory deadline."""

    setting: str
    sent: date
    target: date
    last_working_day: date
    status: Status
    days_remaining: int | None
    basis: str = "guidance (CoP 9.83), not statutory"


class ExceptionView(_View):
    limb: Limb
    start: date
    end: date | None
    advice: str | None
    evidence: str | None
    detected_from_closures: bool
    not_qualifying_because: str | None = None  # set when it excuses nothing (an absence under 4 weeks)
    steps: tuple[Step, ...] = ()  # the steps it excuses (overlapping their statutory period); ADVICE for advice
    advice_requests: tuple[str, ...] = ()  # which advice requests (their keys) it excuses

    @property
    def qualifies(self) -> bool:
        return self.not_qualifying_because is None


class AdjustedTarget(_View):
    """Statutory date plus the days of dated exceptions: a management view only."""

    step: Step
    target: date | None
    basis: str
    statutory: bool = False


class Timeline(_View):
    received: date
    as_of: date
    stage: Stage
    week: int
    exceptions_apply: bool
    deadlines: dict[Step, Deadline]
    advice: tuple[AdviceDeadline, ...]
    consultations: tuple[ConsultationTarget, ...]
    exceptions: tuple[ExceptionView, ...]
    adjusted_targets: tuple[AdjustedTarget, ...]
    warnings: tuple[str, ...]

    @property
    def pending(self) -> list[Deadline]:
        """Statutory deadlines still to be met, advice included, earliest first."""
        found = [d for d in (*self.deadlines.values(), *self.advice) if d.status in PENDING]
        return sorted(found, key=lambda d: d.statutory)

    @property
    def next_due(self) -> Deadline | None:
        pending = self.pending
        return pending[0] if pending else None

    @property
    def is_overdue(self) -> bool:
        return any(d.status is Status.OVERDUE for d in self.pending)


def timeline_for(
    events: Iterable[CaseEvent],
    calendar: WorkingCalendar,
    as_of: date,
    closures: ClosureCalendar = NO_CLOSURES,
) -> Timeline:
    """The case as it stood at the end of ``as_of``: later events are not yet known.

    ``events`` is the whole history in the order recorded. Corrections apply whatever ``as_of`` is: a voided
    event is taken never to have happened.
    """
    events = standing(list(events))
    known = [event for event in events if event.on <= as_of or event.type == "received"]
    return build_timeline(fold(known), calendar, as_of, closures)


def build_timeline(case: CaseFile, calendar: WorkingCalendar, as_of: date, closures: ClosureCalendar) -> Timeline:
    """The timeline of an already-folded case file (``timeline_for`` folds events first)."""
    exceptions = [*case.exceptions, *_closure_exceptions(case, closures)]
    ended = case.closure is not None
    assess_refused = case.decision is not None and case.decision.outcome is DecisionOutcome.NOT_ASSESS
    plan_settled = bool(case.final_issued or case.no_plan_notice or assess_refused or case.withdrawn)
    excused_by = _excused_case_steps(case, exceptions, as_of)

    def deadline(limit: TimeLimit, anchor: date, done_on: date | None, not_required: bool) -> Deadline:
        due = limit.due(anchor)
        status = _status(due, done_on, not_required, as_of)
        return Deadline(
            step=limit.step, title=limit.title, regulation=limit.regulation, statutory=due,
            last_working_day=calendar.last_working_day_on_or_before(due), status=status,
            days_remaining=_days_remaining(due, status, as_of), done_on=done_on,
            exceptions=_limbs(excused_by[limit.step]),
        )

    deadlines = {
        Step.DECISION_TO_ASSESS: deadline(
            DECISION_TO_ASSESS, case.received, case.decision.on if case.decision else None, bool(case.withdrawn)),
        Step.NO_PLAN_NOTICE: deadline(
            NO_PLAN_NOTICE, case.received, case.no_plan_notice,
            bool(case.draft_served or case.final_issued or assess_refused or case.withdrawn)),
        Step.FINAL_PLAN: deadline(
            FINAL_PLAN, case.received, case.final_issued,
            bool(case.no_plan_notice or assess_refused or case.withdrawn)),
    }
    warnings: list[str] = []
    if case.final_issued and not case.draft_served:
        warnings.append(f"draft date not recorded: the final plan was issued on {case.final_issued} and no "
                        f"draft served is recorded (a caseload imported without draft dates)")
    if case.draft_served:
        deadlines[Step.REPRESENTATIONS_CLOSE] = _representations(case, calendar, as_of)
        earliest_final = case.draft_served + timedelta(days=REPRESENTATIONS_CLOSE.days + 1)
        if case.final_issued and case.final_issued < earliest_final and not case.representations_received:
            warnings.append(
                f"final plan issued on {case.final_issued}, before the representation window closed "
                f"and with no response recorded (Reg 13(1)(a))")

    advice_excused_by: dict[str, list[ExceptionRecord]] = {}
    for record in case.advice.values():
        named = [exception for exception in exceptions if exception.advice in (None, record.key)]
        advice_excused_by[record.key] = excusing(named, ADVICE, record.requested_on, record.received_on, as_of)
    advice = tuple(
        _advice_deadline(record, advice_excused_by[record.key], calendar, as_of,
                         not_required=ended and record.received_on is None)
        for record in sorted(case.advice.values(), key=lambda record: (record.requested_on, record.key))
    )
    consultations = tuple(
        _consultation_target(record.setting, record.sent_on, record.answered_on, plan_settled, calendar, as_of)
        for record in sorted(case.consultations.values(), key=lambda record: record.sent_on)
    )
    adjusted = tuple(
        _adjusted_target(deadlines[step], excused_by[step])
        for step in CASE_STEPS
        if excused_by[step] and deadlines[step].status in (*PENDING, Status.LATE)
    )
    coverage = calendar.coverage_warning(
        [*(deadline.statutory for deadline in (*deadlines.values(), *advice)), *(c.target for c in consultations)])
    if coverage:
        warnings.append(coverage)
    return Timeline(
        received=case.received,
        as_of=as_of,
        stage=stage_of(case),
        week=(as_of - case.received).days // 7 + 1,
        exceptions_apply=any(excused_by[step] for step in CASE_STEPS),
        deadlines=deadlines,
        advice=advice,
        consultations=consultations,
        exceptions=tuple(_exception_view(record, as_of, excused_by, advice_excused_by) for record in exceptions),
        adjusted_targets=adjusted,
        warnings=tuple(warnings),
    )


def next_statutory_date(case: CaseFile, as_of: date) -> date | None:
    """``build_timeline(case, ..., as_of).next_due.statutory``, without building the timeline.

    Only which steps are still pending decides it, and statutory dates never
    move with the calendar or exceptions; a case store projecting many
    histories at once (an import) needs no more. Kept in step with
    build_timeline by a property test.
    """
    refused = case.decision is not None and case.decision.outcome is DecisionOutcome.NOT_ASSESS
    pending = []
    if case.decision is None and not case.withdrawn:
        pending.append(DECISION_TO_ASSESS.due(case.received))
    if not (case.no_plan_notice or case.draft_served or case.final_issued or refused or case.withdrawn):
        pending.append(NO_PLAN_NOTICE.due(case.received))
    if not (case.final_issued or case.no_plan_notice or refused or case.withdrawn):
        pending.append(FINAL_PLAN.due(case.received))
    if case.draft_served and not case.representations_received and case.closure is None:
        closes = REPRESENTATIONS_CLOSE.due(case.draft_served)
        if as_of <= closes:
            pending.append(closes)
    if case.closure is None:
        pending += [ADVICE.due(record.requested_on) for record in case.advice.values() if record.received_on is None]
    return min(pending, default=None)


def case_exceptions_apply(case: CaseFile, closures: ClosureCalendar, as_of: date) -> bool:
    """``build_timeline(...).exceptions_apply``: a qualifying Reg 10(4) exception, recorded or from closure data,
    excuses the decision, the notice not to issue or the final plan."""
    excused_by = _excused_case_steps(case, [*case.exceptions, *_closure_exceptions(case, closures)], as_of)
    return any(excused_by.values())


def _excused_case_steps(case: CaseFile, exceptions: list[ExceptionRecord],
                        as_of: date) -> dict[Step, list[ExceptionRecord]]:
    """For each of ``CASE_STEPS``, the exceptions that excuse it."""
    done = {Step.DECISION_TO_ASSESS: case.decision.on if case.decision else None,
            Step.NO_PLAN_NOTICE: case.no_plan_notice, Step.FINAL_PLAN: case.final_issued}
    return {limit.step: excusing(exceptions, limit, case.received, done[limit.step], as_of)
            for limit in (DECISION_TO_ASSESS, NO_PLAN_NOTICE, FINAL_PLAN)}


def excusing(exceptions: Iterable[ExceptionRecord], limit: TimeLimit, anchor: date, done_on: date | None,
             as_of: date) -> list[ExceptionRecord]:
    """The exceptions that excuse the step ``limit`` counted from ``anchor``: of a limb that can excuse it,
    qualifying as of ``as_of``, and overlapping the step's statutory period (from ``anchor`` to its statutory
    date, both included) and begun by the day the step was done (``as_of`` while it is not done).

    An exception that began after the statutory date could not have made meeting it impractical, one that
    ended before the period began had nothing to excuse, and one that began after the step was done did not
    delay it (docs/RULES.md, "Which steps an exception excuses").
    """
    due = limit.due(anchor)
    by = min(due, done_on or as_of)
    return [record for record in exceptions
            if record.limb in limit.exceptions and record.start <= by
            and (record.end is None or record.end >= anchor) and record.why_not_qualifying(as_of) is None]


def _limbs(exceptions: Iterable[ExceptionRecord]) -> tuple[Limb, ...]:
    return tuple(sorted({record.limb for record in exceptions}))


def _status(due: date, done_on: date | None, not_required: bool, as_of: date) -> Status:
    if done_on is not None:
        return Status.ON_TIME if done_on <= due else Status.LATE
    if not_required:
        return Status.NOT_REQUIRED
    return Status.OPEN if as_of <= due else Status.OVERDUE


def _days_remaining(due: date, status: Status, as_of: date) -> int | None:
    return (due - as_of).days if status in PENDING else None


def stage_of(case: CaseFile) -> Stage:
    if case.withdrawn:
        return Stage.WITHDRAWN
    if case.decision and case.decision.outcome is DecisionOutcome.NOT_ASSESS:
        return Stage.NOT_ASSESSED
    if case.final_issued:
        return Stage.ISSUED
    if case.no_plan_notice:
        return Stage.NO_PLAN
    if case.draft_served:
        return Stage.DRAFT
    if case.decision:
        return Stage.ASSESSMENT
    return Stage.AWAITING_DECISION


def _representations(case: CaseFile, calendar: WorkingCalendar, as_of: date) -> Deadline:
    assert case.draft_served is not None
    closes = REPRESENTATIONS_CLOSE.due(case.draft_served)
    responded = case.representations_received
    if responded:
        status = Status.ON_TIME if responded <= closes else Status.LATE
    else:
        status = Status.OPEN if as_of <= closes and case.closure is None else Status.CLOSED
    return Deadline(
        step=Step.REPRESENTATIONS_CLOSE, title=REPRESENTATIONS_CLOSE.title,
        regulation=REPRESENTATIONS_CLOSE.regulation, statutory=closes,
        last_working_day=calendar.last_working_day_on_or_before(closes), status=status,
        days_remaining=(closes - as_of).days if status is Status.OPEN else None, done_on=responded,
    )


def _advice_deadline(record: AdviceRecord, excused_by: list[ExceptionRecord], calendar: WorkingCalendar,
                     as_of: date, not_required: bool) -> AdviceDeadline:
    due = ADVICE.due(record.requested_on)
    status = _status(due, record.received_on, not_required, as_of)
    return AdviceDeadline(
        step=Step.ADVICE, title=f"{ADVICE.title}: {record.key}", regulation=ADVICE.regulation, statutory=due,
        last_working_day=calendar.last_working_day_on_or_before(due), status=status,
        days_remaining=_days_remaining(due, status, as_of), done_on=record.received_on,
        exceptions=_limbs(excused_by),
        key=record.key, agency=record.agency.value, contributor=record.contributor,
        requested=record.requested_on,
    )


def _consultation_target(setting: str, sent: date, answered: date | None, plan_settled: bool,
                         calendar: WorkingCalendar, as_of: date) -> ConsultationTarget:
    target = CONSULTATION_RESPONSE.due(sent)
    status = _status(target, answered, plan_settled, as_of)
    return ConsultationTarget(
        setting=setting, sent=sent, target=target,
        last_working_day=calendar.last_working_day_on_or_before(target), status=status,
        days_remaining=_days_remaining(target, status, as_of),
    )


def _closure_exceptions(case: CaseFile, closures: ClosureCalendar) -> list[ExceptionRecord]:
    """Reg 10(4)(a)/(b), found from closure data for advice asked of a school or setting."""
    found = []
    for record in case.advice.values():
        if record.setting_kind is None:
            continue
        closure = closures.closure_exception(record.setting_kind, record.setting, record.requested_on)
        if closure is not None:
            window_start, window_end = closure.exception_window
            found.append(ExceptionRecord(
                limb=record.setting_kind.closure_limb,
                start=window_start,
                end=window_end,
                evidence=f"advice requested from {record.setting or record.key} on {record.requested_on}, "
                         f"in the window of closure {closure.name or closure.first_day} "
                         f"({closure.first_day} to re-opening {closure.reopens})",
                detected=True,
            ))
    return found


def _adjusted_target(deadline: Deadline, exceptions: list[ExceptionRecord]) -> AdjustedTarget:
    """Statutory date plus the days the step's exceptions lasted: a management view.

    See docs/RULES.md, "Exceptions never move a statutory date".
    """
    still_open = [e for e in exceptions if e.end is None]
    if still_open:
        limbs = ", ".join(str(e.limb) for e in still_open)
        return AdjustedTarget(step=deadline.step, target=None,
                              basis=f"exception {limbs} has no end date yet; non-statutory")
    extra = _merged_length(exceptions)
    return AdjustedTarget(
        step=deadline.step,
        target=deadline.statutory + timedelta(days=extra),
        basis=f"statutory date plus {extra} days of exceptions; non-statutory",
    )


def _merged_length(records: list[ExceptionRecord]) -> int:
    """Days covered by the exceptions, both ends included, overlaps counted once."""
    total = 0
    current_start: date | None = None
    current_end: date | None = None
    for record in sorted(records, key=lambda e: e.start):
        assert record.end is not None
        if current_end is None or record.start > current_end + timedelta(days=1):
            if current_start is not None and current_end is not None:
                total += (current_end - current_start).days + 1
            current_start, current_end = record.start, record.end
        else:
            current_end = max(current_end, record.end)
    if current_start is not None and current_end is not None:
        total += (current_end - current_start).days + 1
    return total


def _exception_view(record: ExceptionRecord, as_of: date, excused_by: dict[Step, list[ExceptionRecord]],
                    advice_excused_by: dict[str, list[ExceptionRecord]]) -> ExceptionView:
    advice_requests = tuple(key for key, excused in sorted(advice_excused_by.items()) if _among(record, excused))
    return ExceptionView(
        limb=record.limb, start=record.start, end=record.end, advice=record.advice,
        evidence=record.evidence, detected_from_closures=record.detected,
        not_qualifying_because=record.why_not_qualifying(as_of),
        steps=(*(step for step, excused in excused_by.items() if _among(record, excused)),
               *((Step.ADVICE,) if advice_requests else ())),
        advice_requests=advice_requests,
    )


def _among(record: ExceptionRecord, exceptions: list[ExceptionRecord]) -> bool:
    return any(exception is record for exception in exceptions)

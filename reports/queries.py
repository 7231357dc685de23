"""The SQL side of the timeliness report: aggregates per day, read from the case store's tables.

Each query reduces the store to at most one row per day (and agency,
contributor or limb) in the window asked for, so a store of a million
requests never comes into Python; ``domain.timeliness`` adds the days up
per period. The 20-week, 6-week and one-year tests are written here in SQL
from the same rule data the domain uses (``domain.rules``), and the
integration tests check SQL and domain agree on tables of dates.

Reads ``cases``, ``case_events``, ``advice_requests`` and ``contributors``;
writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from typing import Iterator

from sqlalchemy import Connection, Date, Integer, and_, case, exists, func, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from domain.casefile import fold
from domain.events import AUDIT_EVENT_TYPES, DecisionOutcome, Received, parse_event
from domain.rules import DECISION_TO_ASSESS, FINAL_PLAN, NO_PLAN_NOTICE, Limb
from domain.initials import caseworker_label
from domain.timeliness import (
    CLOSURE_DETECTED, AdviceDay, DecisionDay, ExceptionDay, NoticeDay, NoticeTally, OnTimeTally, OpenRequest, OpenTally,
    PlanDay, PlanTally,
)
from domain.timeline import OPEN_STAGES, excusing
from store.models import AdviceRequest, Case, CaseEvent, Contributor

# -- calendar arithmetic in SQL, one spelling per database -----------------------------------------------


class _plus_days(FunctionElement):
    type = Date()
    inherit_cache = True
    name = "plus_days"


def plus_days(day, days: int) -> _plus_days:
    """``day + days`` calendar days. ``days`` is a constant from the rules, written into the SQL as a
    literal column so that it is part of SQLAlchemy's statement cache key."""
    return _plus_days(day, literal_column(str(int(days))))


@compiles(_plus_days, "sqlite")
def _plus_days_sqlite(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, '+{int(days.name)} days')"


@compiles(_plus_days, "postgresql")
def _plus_days_postgresql(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"({compiler.process(day, **kw)} + {int(days.name)})"


class days_between(FunctionElement):
    """``later - earlier`` in whole days."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({later} - {earlier})"


class one_year_after(FunctionElement):
    """The anniversary of a date; 29 February's is 28 February (as ``domain.timeliness.one_year_after``)."""

    type = Date()
    inherit_cache = True
    name = "one_year_after"


@compiles(one_year_after, "sqlite")
def _one_year_after_sqlite(element, compiler, **kw):
    # SQLite rolls 29 Feb + 1 year over to 1 March; step back a day to land on 28 February.
    day = compiler.process(list(element.clauses)[0], **kw)
    return (f"(CASE WHEN strftime('%m-%d', {day}) = '02-29' THEN date({day}, '+1 year', '-1 day') "
            f"ELSE date({day}, '+1 year') END)")


@compiles(one_year_after, "postgresql")
def _one_year_after_postgresql(element, compiler, **kw):
    # PostgreSQL clamps 29 Feb + 1 year to 28 February itself.
    day = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST({day} + INTERVAL '1 year' AS DATE)"


def _outcome():
    return CaseEvent.payload["outcome"].as_string()


def _not_voided(case_id, sequence):
    """The event at (``case_id``, ``sequence``) still stands: no correction on its case names it (a voided
    event keeps its row in the append-only record, so every read of the events leaves it out here)."""
    void = CaseEvent.__table__.alias("void")
    return ~exists().where(void.c.case_id == case_id, void.c.type == "event_voided",
                           void.c.payload["sequence"].as_integer() == sequence)


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _between(column, start: date, end: date):
    """Both ends included."""
    return and_(column >= start, column <= end)


# -- plans, decisions and exceptions per day: one pass over the events ------------------------------------

@dataclass(frozen=True)
class EventDays:
    plans: list[PlanDay]
    decisions: list[DecisionDay]
    exceptions: list[ExceptionDay]
    notices: list[NoticeDay] = ()  # type: ignore[assignment]


APPEAL_TYPES = ("mediation", "tribunal")


def _appealed_cases():
    """The ids of cases with a mediation or a tribunal appeal recorded (at any date): SEN2 leaves them out of
    timeliness. Few cases have one, so the set is small."""
    appeal = CaseEvent.__table__.alias("appeal")
    return (select(appeal.c.case_id)
            .where(appeal.c.type.in_(APPEAL_TYPES), _not_voided(appeal.c.case_id, appeal.c.sequence)).distinct())


CASE_LIMBS = tuple(limb.value for limb in Limb if limb.is_case_exception)


def event_days(connection: Connection, start: date, end: date, limbs: bool = True) -> EventDays:
    """Final plans, decisions and notices not to issue on each day from ``start`` to ``end`` (both included),
    in one read of the events.

    Plans are tallied SEN2's way (within 20 weeks, with and without
    exceptions, days to issue, over 20 weeks within a year, over a year);
    decisions (either outcome) with how many were within 6 weeks; notices
    that no plan will be issued with how many were within 16 weeks. Cases
    with a mediation or tribunal appeal are left out of all of them; the
    plans so left out are counted apart (``excluded_mediation_tribunal``).
    The Reg 10(4) limbs of the excepted plans come from ``_exception_days``
    (left out with ``limbs=False``).
    """
    day = CaseEvent.event_date
    within = case((CaseEvent.type == "final_issued", day <= plus_days(Case.received, FINAL_PLAN.days)),
                  (CaseEvent.type == "no_plan_notice", day <= plus_days(Case.received, NO_PLAN_NOTICE.days)),
                  else_=day <= plus_days(Case.received, DECISION_TO_ASSESS.days))
    within_year = day <= one_year_after(Case.received)
    appeals = _appealed_cases().subquery("appealed")
    appealed = appeals.c.case_id.is_not(None)
    kept = appeals.c.case_id.is_(None)
    counted = and_(kept, Case.exceptions_apply.is_(False))
    query = (
        select(
            CaseEvent.type, day, _count_if(kept), _count_if(and_(kept, within)),
            _count_if(counted), _count_if(and_(counted, within)),
            func.coalesce(func.sum(case((kept, days_between(day, Case.received)), else_=0)), 0),
            _count_if(and_(kept, ~within, within_year)), _count_if(and_(kept, ~within_year)),
            _count_if(appealed),
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(appeals, appeals.c.case_id == Case.id)
        .where(CaseEvent.type.in_(("final_issued", "decision", "no_plan_notice")), _between(day, start, end),
               _not_voided(CaseEvent.case_id, CaseEvent.sequence))
        .group_by(CaseEvent.type, day)
        .order_by(CaseEvent.type, day)
    )
    plans, decisions, notices = [], [], []
    for kind, on, done, on_time, *rest in connection.execute(query):
        if kind == "decision":
            decisions.append(DecisionDay(on, OnTimeTally(int(done), int(on_time))))
        elif kind == "no_plan_notice":
            notices.append(NoticeDay(on, NoticeTally(int(done), int(on_time))))
        else:
            plans.append(PlanDay(on, PlanTally(int(done), int(on_time), *(int(value) for value in rest))))
    return EventDays(plans, decisions, _exception_days(connection, start, end) if limbs else [], notices)


def _exception_days(connection: Connection, start: date, end: date) -> list[ExceptionDay]:
    """Plans issued on each day with each Reg 10(4) limb that excuses the final plan (a plan with two limbs
    counts under both).

    Starts from the few cases marked ``exceptions_apply`` with an issued plan and reads only their recorded
    Reg 10(4) events (by the case index). Which of those excuse the final plan is the domain's rule
    (``domain.timeline.excusing``: qualifying, and overlapping the 20 weeks), judged as of the case's latest
    event other than a notification note, as the stored flag is (``store.cases.projection_of``). A case so
    marked with no recorded exception that does had its exception found from closure data (10(4)(a)/(b)):
    counted under CLOSURE_DETECTED.
    """
    final = CaseEvent.__table__.alias("final")
    excepted = CaseEvent.__table__.alias("excepted")
    latest = CaseEvent.__table__.alias("latest")
    latest_day = (select(func.max(latest.c.event_date))
                  .where(latest.c.case_id == Case.id, latest.c.type.not_in(AUDIT_EVENT_TYPES)).scalar_subquery())
    query = (
        select(Case.id, Case.received, final.c.event_date, latest_day,
               excepted.c.type, excepted.c.event_date, excepted.c.payload)
        .select_from(Case)
        .join(final, and_(final.c.case_id == Case.id, final.c.type == "final_issued",
                          _not_voided(final.c.case_id, final.c.sequence)))
        .outerjoin(excepted, and_(excepted.c.case_id == Case.id,
                                  excepted.c.type.in_(("exception_started", "exception_ended")),
                                  excepted.c.payload["limb"].as_string().in_(CASE_LIMBS),
                                  _not_voided(excepted.c.case_id, excepted.c.sequence)))
        .where(Case.exceptions_apply.is_(True), Case.stage == "issued", _between(final.c.event_date, start, end),
               Case.id.not_in(_appealed_cases()))
        .order_by(Case.id, excepted.c.sequence)
    )
    plans: dict[tuple[date, str], int] = {}
    for (_, received, issued, as_of), rows in groupby(connection.execute(query), key=lambda row: tuple(row[:4])):
        recorded = [parse_event(kind, on, payload) for *_, kind, on, payload in rows if kind is not None]
        excused = excusing(fold([Received(on=received), *recorded]).exceptions, FINAL_PLAN, received, issued, as_of)
        for limb in {record.limb.value for record in excused} or {CLOSURE_DETECTED}:
            plans[issued, limb] = plans.get((issued, limb), 0) + 1
    return [ExceptionDay(on, limb, count) for (on, limb), count in sorted(plans.items())]


def plan_days(connection: Connection, start: date, end: date) -> list[PlanDay]:
    """Final plans issued on each day, tallied SEN2's way (``event_days``' plans)."""
    return event_days(connection, start, end, limbs=False).plans


def decision_days(connection: Connection, start: date, end: date) -> list[DecisionDay]:
    """Decisions whether to assess (either outcome) on each day and how many within 6 weeks."""
    return event_days(connection, start, end, limbs=False).decisions


def notice_days(connection: Connection, start: date, end: date) -> list[NoticeDay]:
    """Notices that no plan will be issued on each day and how many within 16 weeks (Reg 10(1))."""
    return event_days(connection, start, end, limbs=False).notices


def exception_days(connection: Connection, start: date, end: date) -> list[ExceptionDay]:
    """Plans issued on each day whose case had each Reg 10(4) limb (a plan with two limbs counts under both)."""
    return _exception_days(connection, start, end)


# -- advice per day ----------------------------------------------------------------------------------------

def advice_days(connection: Connection, start: date, end: date) -> list[AdviceDay]:
    """Advice returned on each day, by agency and contributor code, and how many within 6 weeks (Reg 8(1))."""
    returned = AdviceRequest.received_on
    query = (
        select(returned, AdviceRequest.agency, Contributor.code, func.count(),
               _count_if(returned <= AdviceRequest.due_on))
        .outerjoin(Contributor, Contributor.id == AdviceRequest.contributor_id)
        .where(_between(returned, start, end))
        .group_by(returned, AdviceRequest.agency, Contributor.code)
        .order_by(returned, AdviceRequest.agency, Contributor.code)
    )
    return [AdviceDay(day, agency, code, OnTimeTally(int(done), int(on_time)))
            for day, agency, code, done, on_time in connection.execute(query)]


# -- requests open at the end of a day --------------------------------------------------------------------

_CLOSING_TYPES = ("final_issued", "no_plan_notice", "withdrawn")


def _closing_event():
    return or_(CaseEvent.type.in_(_CLOSING_TYPES),
               and_(CaseEvent.type == "decision", _outcome() == DecisionOutcome.NOT_ASSESS.value))


def _open_at(as_of: date):
    """Received by ``as_of`` and not closed by then (final plan, notice not to issue, not assessing, withdrawn).

    A case whose stage projection is open has no closing event at all; a
    closed case was still open at ``as_of`` when its closing event is dated
    after it. Written this way the database reads the closing events once
    instead of probing every case's history.
    """
    closed_later = select(CaseEvent.case_id).where(_closing_event(), CaseEvent.event_date > as_of,
                                                   _not_voided(CaseEvent.case_id, CaseEvent.sequence))
    return and_(Case.received <= as_of,
                or_(Case.stage.in_([stage.value for stage in OPEN_STAGES]), Case.id.in_(closed_later)))


def open_tally(connection: Connection, as_of: date) -> OpenTally:
    """Requests open at the end of ``as_of`` and how many of them are overdue (the contract's definitions).

    Overdue: undecided after received + 42 days, or decided to assess and
    past received + 140 days; ``as_of > received + N`` is ``received < as_of - N``.
    """
    decided = exists().where(CaseEvent.case_id == Case.id, CaseEvent.type == "decision",
                             _outcome() == DecisionOutcome.ASSESS.value, CaseEvent.event_date <= as_of,
                             _not_voided(CaseEvent.case_id, CaseEvent.sequence))
    overdue = or_(
        and_(~decided, Case.received < as_of - timedelta(days=DECISION_TO_ASSESS.days)),
        and_(decided, Case.received < as_of - timedelta(days=FINAL_PLAN.days)),
    )
    requests, late = connection.execute(select(func.count(), _count_if(overdue)).where(_open_at(as_of))).one()
    return OpenTally(int(requests), int(late))


def open_requests(connection: Connection, as_of: date, batch: int = 5000) -> Iterator[OpenRequest]:
    """Each request open at the end of ``as_of``, with what had happened by then, streamed in batches.

    One grouped join reads each open case's own events through the
    ``(case_id, sequence)`` index. Carries the case reference, the
    caseworker's initials (``caseworker_label``) and whether a Reg 10(4)
    exception applies (``cases.exceptions_apply``, as the plan counts read
    it) only: no child's name, date of birth or setting leaves the store.
    """
    pending_advice = (
        select(func.min(AdviceRequest.due_on))
        .where(AdviceRequest.case_id == Case.id, AdviceRequest.requested_on <= as_of,
               or_(AdviceRequest.received_on.is_(None), AdviceRequest.received_on > as_of))
        .scalar_subquery()
    )

    def first(condition):
        return func.min(case((condition, CaseEvent.event_date)))

    query = (
        select(Case.reference, Case.caseworker, Case.received, Case.exceptions_apply,
               first(and_(CaseEvent.type == "decision", _outcome() == DecisionOutcome.ASSESS.value)),
               first(CaseEvent.type == "draft_served"), first(CaseEvent.type == "representations_received"),
               pending_advice)
        .outerjoin(CaseEvent, and_(CaseEvent.case_id == Case.id, CaseEvent.event_date <= as_of,
                                   CaseEvent.type.in_(("decision", "draft_served", "representations_received")),
                                   _not_voided(CaseEvent.case_id, CaseEvent.sequence)))
        .where(_open_at(as_of))
        .group_by(Case.id, Case.reference, Case.caseworker, Case.received, Case.exceptions_apply)
        .order_by(Case.reference)
        .execution_options(yield_per=batch)
    )
    for (reference, caseworker, received, exceptions_apply, decided, draft, representations,
         advice_due) in connection.execute(query):
        yield OpenRequest(reference=reference, received=received, decided_to_assess=decided, draft_served=draft,
                          representations_received=representations, next_advice_due=advice_due,
                          owner=caseworker_label(caseworker) if caseworker else None,
                          exceptions_apply=bool(exceptions_apply))

"""The web caseload: one page of the cases a person may see, filtered, sorted and counted in SQL.

Only the page's rows are read: the ``cases`` projection (stage, next_due, caseworker, team) and the
``advice_requests`` projection answer every filter and sort, so a caseload of 10,000 open cases costs one
count and one page query. The caller gives the RAG boundaries (``RagBoundaries``), worked out from the
one RAG rule (domain/rag.py) for the day: SQL only compares dates with them.

Both dates here are as of today (the web caseload has no as-of): no event is dated after today, so the
projections hold, but for one thing that lapses by itself: a draft's representation window
(Reg 13(1)(a)) stops being a pending date once it has closed, which ``next_due`` (as of the last
event) cannot know. ``next_statutory_expression`` takes it out; the agreement test
(tests/web/test_caseload_agreement.py) holds it to the domain's timeline, case by case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from sqlalchemy import Date, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from domain.rag import RAG_STEPS
from domain.rules import DECISION_TO_ASSESS, FINAL_PLAN, NO_PLAN_NOTICE, Step
from domain.timeline import OPEN_STAGES, Stage
from store.models import AdviceRequest, Case, Contributor


class days_after(FunctionElement):
    """``day + days`` for a date column and a whole number of days, on SQLite and PostgreSQL alike."""

    type = Date()
    inherit_cache = True


@compiles(days_after, "sqlite")
def _days_after_sqlite(element, compiler, **kw) -> str:
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, '+' || {compiler.process(days, **kw)} || ' days')"


@compiles(days_after, "postgresql")
def _days_after_postgresql(element, compiler, **kw) -> str:
    day, days = list(element.clauses)
    return f"({compiler.process(day, **kw)} + CAST({compiler.process(days, **kw)} AS INTEGER))"


class earliest(FunctionElement):
    """The earlier of two dates, either possibly NULL: PostgreSQL's LEAST; on SQLite, whose two-argument
    ``min`` is NULL when either is, ``coalesce(min(a, b), a, b)``. Coalesce stops at its first value that is
    not NULL, so while ``a`` is a date (a date from receipt always is) ``b``, the awaited-advice probe, runs
    once."""

    type = Date()
    inherit_cache = True


@compiles(earliest, "sqlite")
def _earliest_sqlite(element, compiler, **kw) -> str:
    first, second = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"coalesce(min({first}, {second}), {first}, {second})"


@compiles(earliest, "postgresql")
def _earliest_postgresql(element, compiler, **kw) -> str:
    first, second = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"LEAST({first}, {second})"


# The statutory date of each step that runs from receipt (domain/rules.py): received + its days.
FROM_RECEIPT = {Step.DECISION_TO_ASSESS: DECISION_TO_ASSESS, Step.NO_PLAN_NOTICE: NO_PLAN_NOTICE,
                Step.FINAL_PLAN: FINAL_PLAN}


# A case's earliest statutory date (Reg 8(1)) of advice still awaited: one probe of the pending-advice index
# (ix_advice_requests_case_pending, on case and due date where nothing is received yet), made only for the
# rows an expression needs it for: a filter or sort that does not ask for it reads no advice at all.
PENDING_ADVICE_DUE = (select(func.min(AdviceRequest.due_on))
                      .where(AdviceRequest.case_id == Case.id, AdviceRequest.received_on.is_(None))
                      .correlate(Case).scalar_subquery())


def next_statutory_expression(as_of: date) -> ColumnElement:
    """The case's next statutory date as of ``as_of``: ``next_due``, unless that was a draft's representation
    window that has closed since, when it is the earlier of the final plan (Reg 13(2)) and any advice awaited."""
    lapsed_window = and_(Case.stage == Stage.DRAFT.value, Case.next_due < as_of)
    after_window = earliest(days_after(Case.received, FINAL_PLAN.days), PENDING_ADVICE_DUE)
    return case((lapsed_window, after_window), else_=Case.next_due)


def rag_watched_expression(stage: Stage) -> ColumnElement:
    """The earliest statutory date a case at ``stage`` watches for its RAG (domain/rag.py ``RAG_STEPS``).

    Pending at each open stage, from receipt: the decision awaiting it; the notice not to issue and the
    final plan in assessment, with any advice awaited; the final plan once a draft is served."""
    steps = RAG_STEPS[stage]
    watched = days_after(Case.received, min(FROM_RECEIPT[step].days for step in steps if step in FROM_RECEIPT))
    return earliest(watched, PENDING_ADVICE_DUE) if Step.ADVICE in steps else watched


@dataclass(frozen=True)
class RagBoundaries:
    """For one stage and day: a watched date before ``red_before`` is red, before ``amber_before`` amber."""

    red_before: date
    amber_before: date


@dataclass(frozen=True)
class CaseloadFilter:
    teams: frozenset[str] | None  # None: every team
    stages: tuple[Stage, ...] = OPEN_STAGES
    caseworker: str | None = None
    rag: str | None = None  # red | amber | green
    due_within_days: int | None = None
    overdue: bool = False


SORTS = ("next-date", "days-left", "reference", "received")


@dataclass(frozen=True)
class CaseloadRow:
    reference: str
    received: date
    stage: Stage
    caseworker: str | None
    team: str | None


class Caseload:
    def __init__(self, session: Session) -> None:
        self._session = session

    def count(self, as_of: date, wanted: CaseloadFilter, boundaries: dict[Stage, RagBoundaries]) -> int:
        """How many cases answer the filter."""
        conditions = _conditions(as_of, wanted, boundaries, next_statutory_expression(as_of))
        return self._session.scalar(select(func.count()).select_from(Case).where(*conditions))

    def page(self, as_of: date, wanted: CaseloadFilter, boundaries: dict[Stage, RagBoundaries], *, sort: str,
             offset: int, limit: int) -> list[CaseloadRow]:
        """The ``limit`` cases from ``offset`` that answer the filter, in the order asked (SORTS)."""
        next_date = next_statutory_expression(as_of)
        order = {
            "next-date": (next_date.asc().nulls_last(), Case.reference),
            "days-left": (next_date.desc().nulls_last(), Case.reference),
            "reference": (Case.reference,),
            "received": (Case.received, Case.reference),
        }[sort]
        rows = self._session.execute(
            select(Case.reference, Case.received, Case.stage, Case.caseworker, Case.team)
            .where(*_conditions(as_of, wanted, boundaries, next_date))
            .order_by(*order).offset(offset).limit(limit))
        return [CaseloadRow(r.reference, r.received, Stage(r.stage), r.caseworker, r.team) for r in rows]

    def caseworkers(self, teams: frozenset[str] | None) -> list[str]:
        """Every caseworker named on an open case the viewer may see, for the filter's choices."""
        query = (select(Case.caseworker).distinct()
                 .where(Case.caseworker.is_not(None), Case.stage.in_([s.value for s in OPEN_STAGES]))
                 .order_by(Case.caseworker))
        if teams is not None:
            query = query.where(Case.team.in_(sorted(teams)))
        return list(self._session.scalars(query))


    def workload(self, as_of: date, teams: frozenset[str] | None) -> list[tuple[str | None, int, int]]:
        """Per caseworker (None: no caseworker named): open cases, and how many of them are overdue."""
        overdue = func.sum(case((next_statutory_expression(as_of) < as_of, 1), else_=0))
        query = (select(Case.caseworker, func.count(), overdue)
                 .where(*_open_in(as_of, teams))
                 .group_by(Case.caseworker).order_by(Case.caseworker.asc().nulls_last()))
        return [(caseworker, int(cases), int(late or 0)) for caseworker, cases, late in self._session.execute(query)]

    def overdue_advice(self, as_of: date, teams: frozenset[str] | None) -> list[tuple[str, str | None, int]]:
        """Advice past its statutory date (Reg 8(1)) and not received, on open cases: (agency, contributor's name
        or None when the request named none, how many), most first."""
        count = func.count()
        query = (select(AdviceRequest.agency, Contributor.name, count)
                 .join(Case, Case.id == AdviceRequest.case_id)
                 .outerjoin(Contributor, Contributor.id == AdviceRequest.contributor_id)
                 .where(*_open_in(as_of, teams), AdviceRequest.received_on.is_(None), AdviceRequest.due_on < as_of)
                 .group_by(AdviceRequest.agency, Contributor.name)
                 .order_by(count.desc(), AdviceRequest.agency, Contributor.name))
        return [(agency, name, int(n)) for agency, name, n in self._session.execute(query)]


def _open_in(as_of: date, teams: frozenset[str] | None) -> list[ColumnElement]:
    conditions = [Case.received <= as_of, Case.stage.in_([stage.value for stage in OPEN_STAGES])]
    if teams is not None:
        conditions.append(Case.team.in_(sorted(teams)))
    return conditions


def _conditions(as_of: date, wanted: CaseloadFilter, boundaries: dict[Stage, RagBoundaries],
                next_date: ColumnElement) -> list[ColumnElement]:
    conditions = [Case.received <= as_of, Case.stage.in_([stage.value for stage in wanted.stages])]
    if wanted.teams is not None:
        conditions.append(Case.team.in_(sorted(wanted.teams)))
    if wanted.caseworker:
        conditions.append(Case.caseworker == wanted.caseworker)
    if wanted.overdue:
        conditions.append(next_date < as_of)
    if wanted.due_within_days is not None:
        conditions.append(and_(next_date >= as_of, next_date <= as_of + timedelta(days=wanted.due_within_days)))
    if wanted.rag:
        conditions.append(_rag_is(wanted.rag, boundaries))
    return conditions


def _rag_is(rag: str, boundaries: dict[Stage, RagBoundaries]) -> ColumnElement:
    per_stage = []
    for stage, bounds in boundaries.items():
        watched = rag_watched_expression(stage)
        if rag == "red":
            colour = watched < bounds.red_before
        elif rag == "amber":
            colour = and_(watched >= bounds.red_before, watched < bounds.amber_before)
        else:
            colour = watched >= bounds.amber_before
        per_stage.append(and_(Case.stage == stage.value, colour))
    return or_(*per_stage)

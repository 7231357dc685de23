"""The plan repository: plans in force, their review events, and reading them back in batches.

Like the case repository (store/cases.py): every write validates the whole
review history with the domain first, then writes the event and the plan's
projections in the caller's transaction; a refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterator, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.casefile import EventRejected
from domain.initials import initials
from domain.plan_events import PlanEvent, parse_plan_event, plan_event_payload
from domain.plan_review import (
    PlanFile, PlanInForce, PlanTimeline, ReviewSettings, build_plan_timeline, fold_plan, plan_timeline, standing_plan_events,
)
from domain.calendar import WorkingCalendar
from store.bulk import RowShape, insert_rows
from store.models import Case, Plan, PlanEventRow, as_utc

PLAN_COLUMNS = ("plan_ref", "case_id", "issued", "last_review", "year_group", "year_group_year", "setting",
                "caseworker", "team", "planned_post16_transfer", "added_by", "created_at", "stage", "next_due", "next_review_by",
                "events_acted_on")
IMPORT_CHUNK = 5_000


class PlanNotFound(LookupError):
    def __init__(self, plan_ref: str) -> None:
        super().__init__(f"no plan with reference {plan_ref!r}")


class DuplicatePlan(ValueError):
    field = "plan_ref"

    def __init__(self, plan_ref: str) -> None:
        self.reason = f"a plan {plan_ref!r} already exists"
        super().__init__(f"{self.field}: {self.reason}")


@dataclass(frozen=True)
class PlanRecord:
    """A plan with its review history; ``child_initials`` from its request, when the product carried one."""

    plan: PlanInForce
    plan_id: int
    events: tuple[PlanEvent, ...]
    audit: tuple[dict, ...]
    child_initials: str | None
    events_acted_on: int
    added_by: str = ""
    added_at: datetime | None = None

    @property
    def plan_ref(self) -> str:
        return self.plan.plan_ref

    @property
    def events_stored(self) -> int:
        """What orchestration acts on: the plan's arrival, then each review event."""
        return 1 + len(self.events)


class PlanStore:
    def __init__(self, session: Session, calendar: WorkingCalendar, settings: ReviewSettings) -> None:
        self._session = session
        self.calendar = calendar
        self.settings = settings

    def timeline(self, record: PlanRecord, as_of: date) -> PlanTimeline:
        return plan_timeline(record.plan, record.events, self.calendar, as_of, self.settings)

    # -- reading -----------------------------------------------------------------------------------

    def get(self, plan_ref: str) -> PlanRecord:
        row = self._session.scalar(select(Plan).where(Plan.plan_ref == plan_ref))
        if row is None:
            raise PlanNotFound(plan_ref)
        return self._records([row])[0]

    def stored_refs(self, plan_refs: Sequence[str]) -> set[str]:
        taken: set[str] = set()
        for start in range(0, len(plan_refs), 500):
            taken.update(self._session.scalars(select(Plan.plan_ref).where(Plan.plan_ref.in_(plan_refs[start:start + 500]))))
        return taken

    def batches(self, *, after_id: int = 0, size: int = 1000, in_force_only: bool = True,
                plan_refs: Sequence[str] | None = None, setting: str | None = None,
                caseworker: str | None = None, teams: Sequence[str] | None = None) -> Iterator[list[PlanRecord]]:
        """Plans (in force only, unless asked) matching the filters, ``size`` at a time in id order, with their
        events: the watch, the lists and the reports read them so, a batch per query."""
        while True:
            query = select(Plan).where(Plan.id > after_id).order_by(Plan.id).limit(size)
            if in_force_only:
                query = query.where(Plan.stage != "ceased")
            if plan_refs is not None:
                query = query.where(Plan.plan_ref.in_(list(plan_refs)))
            if setting:
                query = query.where(func.lower(Plan.setting) == func.lower(setting))
            if caseworker:
                query = query.where(func.lower(Plan.caseworker) == func.lower(caseworker))
            if teams is not None:
                query = query.where(Plan.team.in_(list(teams)))
            rows = list(self._session.scalars(query))
            if not rows:
                return
            yield self._records(rows, audit=False)
            after_id = rows[-1].id

    def plan_for_case(self, reference: str) -> str | None:
        """The plan made by the request ``reference``, if one is stored."""
        return self._session.scalar(select(Plan.plan_ref).join(Case, Case.id == Plan.case_id)
                                    .where(Case.reference == reference))

    # -- writing -----------------------------------------------------------------------------------

    def add(self, plan: PlanInForce, actor: str, recorded_at: datetime, as_of: date) -> PlanRecord:
        """Store a new plan (DuplicatePlan for a reference taken; EventRejected for a request that is not
        stored or whose final plan is not the plan's issue date)."""
        if self.stored_refs([plan.plan_ref]):
            raise DuplicatePlan(plan.plan_ref)
        case_ids = self.case_ids([plan])
        row = Plan(**self._row_values(plan, case_ids, actor, recorded_at, as_of))
        self._session.add(row)
        self._session.flush()
        return self._records([row])[0]

    def import_plans(self, plans: Sequence[PlanInForce], actor: str, recorded_at: datetime, as_of: date) -> int:
        """Many plans at once, all or nothing (the caller's transaction): DuplicatePlan for one stored,
        EventRejected for a reference given twice."""
        seen: set[str] = set()
        for plan in plans:
            if plan.plan_ref in seen:
                raise EventRejected(f"plan {plan.plan_ref!r} is given twice; nothing was imported", field="plan_ref")
            seen.add(plan.plan_ref)
        dialect = self._session.get_bind().dialect
        shape = RowShape(dialect, Plan.__table__, PLAN_COLUMNS)
        connection = self._session.connection()
        for start in range(0, len(plans), IMPORT_CHUNK):
            chunk = plans[start:start + IMPORT_CHUNK]
            taken = self.stored_refs([plan.plan_ref for plan in chunk])
            if taken:
                raise DuplicatePlan(min(taken))
            case_ids = self.case_ids(chunk)
            rows = (shape.values(tuple(self._row_values(plan, case_ids, actor, recorded_at, as_of).values()))
                    for plan in chunk)
            try:
                insert_rows(connection, shape, rows)
            except IntegrityError as error:
                raise EventRejected("a plan with one of these references was stored by someone else during the "
                                    "import; nothing was imported: run it again", field="plan_ref") from error
        return len(plans)

    def case_ids(self, plans: Sequence[PlanInForce]) -> dict[str, int]:
        """The stored request of each plan that names one, by reference. EventRejected for a plan last reviewed
        before it was issued, or when a request named is not stored, has no final plan, or its final plan was
        issued on another day than the plan."""
        for plan in plans:
            if plan.last_review is not None and plan.last_review < plan.issued:
                raise EventRejected(f"plan {plan.plan_ref}: last reviewed on {plan.last_review}, before it was issued "
                                    f"on {plan.issued}", field="last_review")
        found = self._requests(plans)
        for plan in plans:
            problem = _request_problem(plan, found)
            if problem:
                field, reason = problem
                raise EventRejected(f"plan {plan.plan_ref}: {reason}", field=field)
        return {reference: case_id for reference, (case_id, _, _) in found.items()}

    def request_problems(self, plans: Sequence[PlanInForce]) -> dict[str, tuple[str, str]]:
        """(the field, why) for each plan whose request could not have made it, by plan reference: what
        ``case_ids`` refuses, for every plan at once (an import names each bad line)."""
        found = self._requests(plans)
        return {plan.plan_ref: problem for plan in plans if (problem := _request_problem(plan, found))}

    def _requests(self, plans: Sequence[PlanInForce]) -> dict[str, tuple[int, date | None, str | None]]:
        """The requests the plans name that are stored: (its id, the day its final plan was issued, the plan in
        force already stored for it) by reference."""
        wanted = sorted({plan.case_ref for plan in plans if plan.case_ref})
        found: dict[str, tuple[int, date | None, str | None]] = {}
        for start in range(0, len(wanted), 500):
            cases = {reference: (case_id, stored_plan) for reference, case_id, stored_plan in self._session.execute(
                select(Case.reference, Case.id, Plan.plan_ref).outerjoin(Plan, Plan.case_id == Case.id)
                .where(Case.reference.in_(wanted[start:start + 500])))}
            finals = self._final_plans([case_id for case_id, _ in cases.values()])
            found.update({reference: (case_id, finals.get(case_id), stored_plan)
                          for reference, (case_id, stored_plan) in cases.items()})
        return found

    def _final_plans(self, case_ids: Sequence[int]) -> dict[int, date]:
        """The day each request's final plan was issued, by its final_issued event that stands (not voided)."""
        from store.models import CaseEvent as CaseEventRow

        rows = self._session.execute(
            select(CaseEventRow.case_id, CaseEventRow.sequence, CaseEventRow.type, CaseEventRow.event_date,
                   CaseEventRow.payload)
            .where(CaseEventRow.case_id.in_(case_ids), CaseEventRow.type.in_(("final_issued", "event_voided")))
            .order_by(CaseEventRow.case_id, CaseEventRow.sequence)).all()
        voided = {(row.case_id, row.payload["sequence"]) for row in rows if row.type == "event_voided"}
        return {row.case_id: row.event_date for row in rows
                if row.type == "final_issued" and (row.case_id, row.sequence) not in voided}

    def record(self, plan_ref: str, event: PlanEvent, actor: str, recorded_at: datetime, as_of: date) -> PlanRecord:
        """Append ``event`` if the review history allows it; EventRejected otherwise."""
        row = self._session.scalar(select(Plan).where(Plan.plan_ref == plan_ref).with_for_update())
        if row is None:
            raise PlanNotFound(plan_ref)
        record = self._records([row])[0]
        folded = fold_plan(record.plan, standing_plan_events([*record.events, event]))  # EventRejected if impossible
        self._session.add(PlanEventRow(plan_id=row.id, sequence=len(record.events) + 1, type=event.type,
                                       event_date=event.on, actor=actor, recorded_at=recorded_at,
                                       payload=plan_event_payload(event)))
        projection = self._projection(folded, max(as_of, event.on))
        for name, value in projection.items():
            setattr(row, name, value)
        self._session.flush()
        return self._records([row])[0]

    # -- orchestration's progress ------------------------------------------------------------------

    def acted_on(self, plan_ref: str, events: int, at: datetime) -> None:
        """A review pass has acted on the plan's first ``events`` events, its arrival (import or addition)
        counted as the first, as a request's receipt is (never moves backwards)."""
        self._session.execute(update(Plan).where(Plan.plan_ref == plan_ref, Plan.events_acted_on <= events)
                              .values(events_acted_on=events, acted_at=at))

    def plans_behind(self) -> list[str]:
        """Plans whose arrival or review events orchestration has not acted on, by reference."""
        counted = (select(PlanEventRow.plan_id, func.count(PlanEventRow.id).label("events"))
                   .group_by(PlanEventRow.plan_id).subquery())
        query = (select(Plan.plan_ref).outerjoin(counted, counted.c.plan_id == Plan.id)
                 .where(1 + func.coalesce(counted.c.events, 0) > Plan.events_acted_on).order_by(Plan.plan_ref))
        return list(self._session.scalars(query))

    # -- internals ---------------------------------------------------------------------------------

    def _row_values(self, plan: PlanInForce, case_ids: dict[str, int], actor: str, recorded_at: datetime,
                    as_of: date) -> dict:
        """A new plan's row; orchestration has acted on none of it (not even its arrival)."""
        projection = self._projection(fold_plan(plan, []), as_of)
        values = (plan.plan_ref, case_ids.get(plan.case_ref) if plan.case_ref else None, plan.issued,
                  plan.last_review, plan.year_group, plan.year_group_year, plan.setting, plan.caseworker, plan.team,
                  plan.planned_post16_transfer, actor, recorded_at, projection["stage"], projection["next_due"],
                  projection["next_review_by"], 0)
        return dict(zip(PLAN_COLUMNS, values))

    def _projection(self, folded: PlanFile, as_of: date) -> dict:
        timeline = build_plan_timeline(folded, self.calendar, as_of, self.settings)
        review_by = timeline.next_review_by
        return {"stage": timeline.stage.value, "next_due": timeline.next_due,
                "next_review_by": review_by.statutory if review_by else None}

    def _records(self, rows: Sequence[Plan], *, audit: bool = True) -> list[PlanRecord]:
        ids = [row.id for row in rows]
        events: dict[int, list] = {plan_id: [] for plan_id in ids}
        for start in range(0, len(ids), 500):
            for event_row in self._session.execute(
                    select(PlanEventRow).where(PlanEventRow.plan_id.in_(ids[start:start + 500]))
                    .order_by(PlanEventRow.plan_id, PlanEventRow.sequence)).scalars():
                events[event_row.plan_id].append(event_row)
        case_ids = [row.case_id for row in rows if row.case_id is not None]
        names = {}
        for start in range(0, len(case_ids), 500):
            for case_id, reference, given, family in self._session.execute(
                    select(Case.id, Case.reference, Case.child_given_name, Case.child_family_name)
                    .where(Case.id.in_(case_ids[start:start + 500]))):
                names[case_id] = (reference, initials(given, family))
        return [PlanRecord(
            plan=PlanInForce(plan_ref=row.plan_ref, issued=row.issued, last_review=row.last_review,
                             year_group=row.year_group, year_group_year=row.year_group_year, setting=row.setting,
                             case_ref=names[row.case_id][0] if row.case_id in names else None,
                             caseworker=row.caseworker, team=row.team,
                             planned_post16_transfer=row.planned_post16_transfer),
            plan_id=row.id,
            events=tuple(parse_plan_event(e.type, e.event_date, e.payload) for e in events[row.id]),
            audit=tuple(_audit_entry(e) for e in events[row.id]) if audit else (),
            child_initials=names[row.case_id][1] if row.case_id in names else None,
            events_acted_on=row.events_acted_on,
            added_by=row.added_by, added_at=as_utc(row.created_at),
        ) for row in rows]


def _request_problem(plan: PlanInForce,
                     found: dict[str, tuple[int, date | None, str | None]]) -> tuple[str, str] | None:
    if not plan.case_ref:
        return None
    if plan.case_ref not in found:
        return "case_ref", (f"no request {plan.case_ref!r} is stored (leave case_ref empty for a plan made before "
                            f"the product)")
    _, final_on, stored_plan = found[plan.case_ref]
    if stored_plan is not None:
        return "case_ref", f"request {plan.case_ref}'s plan is already stored, as {stored_plan}"
    if final_on is None:
        return "case_ref", f"request {plan.case_ref} has no final plan issued"
    if final_on != plan.issued:
        return "issued", f"issued {plan.issued}, but request {plan.case_ref}'s final plan was issued on {final_on}"
    return None


def _audit_entry(row: PlanEventRow) -> dict:
    return {"sequence": row.sequence, "type": row.type, "date": row.event_date.isoformat(), "actor": row.actor,
            "recorded_at": as_utc(row.recorded_at).isoformat(), "details": row.payload}

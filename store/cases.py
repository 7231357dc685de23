"""The case repository: intake, recording events, reading cases back.

Every write validates the whole history with the domain first, then writes
the event and its projections in the caller's transaction; a refusal
writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence

from sqlalchemy import and_, delete, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.calendar import WorkingCalendar
from domain.casefile import AdviceRecord, CaseFile, EventRejected, fold, fold_with
from domain.closures import ClosureCalendar
from domain.events import (
    AUDIT_EVENT_TYPES, AUDIT_MODELS, CORRECTION_MODELS, AdviceRequested, CaseEvent, CaseReassigned, Received,
    event_payload, parse_event,
)
from domain.initials import initials
from domain.intake import NewRequest
from domain.rules import ADVICE
from domain.timeline import (
    OPEN_STAGES, Stage, Timeline, case_exceptions_apply, next_statutory_date, stage_of, timeline_for,
)
from store.bulk import RowShape, insert_rows
from store.models import AdviceRequest, Case, CaseEvent as EventRow, Contributor, as_utc


IMPORT_CHUNK = 5_000  # cases projected and written per round, to bound what is held at once
CASE_COLUMNS = ("reference", "received", "child_given_name", "child_family_name", "child_date_of_birth", "caseworker",
                "team", "setting", "stage", "next_due", "exceptions_apply", "created_at", "events_acted_on")
# Events that say nothing of where a case stood on a day: notes of notifications, voids (which apply
# whatever the day) and reassignments.
STATELESS_EVENT_TYPES = (*AUDIT_EVENT_TYPES, *(model.model_fields["type"].default for model in CORRECTION_MODELS))
EVENT_COLUMNS = ("case_id", "sequence", "type", "event_date", "actor", "recorded_at", "payload")
ADVICE_COLUMNS = ("case_id", "key", "agency", "contributor_id", "requested_on", "due_on", "received_on")


class CaseNotFound(LookupError):
    def __init__(self, reference: str) -> None:
        super().__init__(f"no case with reference {reference!r}")


class DuplicateReference(ValueError):
    """A reference already stored; ``field`` and ``reason`` as EventRejected's, for a form to show at its field."""

    field = "reference"

    def __init__(self, reference: str) -> None:
        self.reason = f"a case {reference!r} already exists"
        super().__init__(f"{self.field}: {self.reason}")


class ReferenceTakenMeanwhile(DuplicateReference):
    def __init__(self) -> None:
        self.reason = ("a case with one of these references was stored by someone else during the import; "
                       "nothing was imported: run it again")
        ValueError.__init__(self, f"{self.field}: {self.reason}")


@dataclass(frozen=True)
class CaseRecord:
    reference: str
    received: date
    child_given_name: str | None
    child_family_name: str | None
    child_date_of_birth: date | None
    caseworker: str | None
    team: str | None
    setting: str | None
    stage: Stage
    events: tuple[CaseEvent, ...]
    audit: tuple[dict, ...]

    @property
    def child_initials(self) -> str:
        return initials(self.child_given_name, self.child_family_name)


@dataclass(frozen=True)
class Projection:
    """What the tables keep beside the events, all from one fold of the history."""

    stage: Stage
    next_due: date | None
    exceptions_apply: bool
    advice: tuple[AdviceRecord, ...]


def projection_of(case_file: CaseFile, events: Sequence[CaseEvent], closures: ClosureCalendar) -> Projection:
    """The projection of a folded history; ``as_of`` is its last event, so nothing is hidden.

    Whether exceptions apply is judged as of the last event that is not a notification note (those are
    appended without a new projection), so the report's SQL can find the same day (``reports.queries``): an
    absence still open then counts for as long as it had lasted by that day (docs/RULES.md, "An absence must
    last 4 weeks").
    """
    casework_day = max(event.on for event in events if not isinstance(event, AUDIT_MODELS))
    return Projection(stage_of(case_file), next_statutory_date(case_file, max(event.on for event in events)),
                      case_exceptions_apply(case_file, closures, casework_day), tuple(case_file.advice.values()))


@dataclass(frozen=True)
class ImportShapes:
    """How one import's rows are written: the driver's values, and what every row of it shares."""

    cases: RowShape
    events: RowShape
    advice: RowShape
    actor: str
    recorded_at: datetime
    contributor_ids: dict[str, int]


@dataclass(frozen=True)
class PreparedCase:
    """A validated request as the driver will write it; rows lack only the case id, which the insert gives.

    Plain tuples, so preparing can happen in another process and cross back cheaply.
    """

    reference: str
    is_open: bool
    row: tuple
    events: tuple[tuple, ...]  # EVENT_COLUMNS without case_id
    advice: tuple[tuple, ...]  # ADVICE_COLUMNS without case_id


def prepare_case(request: NewRequest, events: Sequence[CaseEvent], case_file: CaseFile, closures: ClosureCalendar,
                 shapes: ImportShapes) -> PreparedCase:
    """``case_file`` is ``fold(events)``, already made when the history was validated."""
    projection = projection_of(case_file, events, closures)
    is_open = projection.stage in OPEN_STAGES
    # A case that ended before it was imported has nothing left for orchestration to do (no advice to ask,
    # no plan to review as it arrives): it starts level. An open one is handed over after the import.
    acted_on = 0 if is_open else sum(1 for event in events if not isinstance(event, AUDIT_MODELS))
    row = shapes.cases.values((
        request.reference, request.received, request.child_given_name, request.child_family_name,
        request.child_date_of_birth, request.caseworker, request.team, request.setting, projection.stage.value,
        projection.next_due, projection.exceptions_apply, shapes.recorded_at, acted_on))
    ordered = sorted(events, key=lambda event: event.on)
    event_rows = tuple(
        shapes.events.values((None, sequence, event.type, event.on, shapes.actor, shapes.recorded_at,
                              event_payload(event)))[1:]
        for sequence, event in enumerate(ordered, start=1))
    advice = tuple(shapes.advice.values((None, *row))[1:]
                   for row in advice_values(projection.advice, shapes.contributor_ids))
    return PreparedCase(request.reference, is_open, row, event_rows, advice)


class CaseStore:
    def __init__(self, session: Session, calendar: WorkingCalendar, closures: ClosureCalendar) -> None:
        self._session = session
        self.calendar = calendar
        self.closures = closures

    # -- reading -------------------------------------------------------------------------------

    def timeline(self, events: Sequence[CaseEvent], as_of: date) -> Timeline:
        return timeline_for(events, self.calendar, as_of, self.closures)

    def get(self, reference: str) -> CaseRecord:
        return self._records([self._case_row(reference)])[0]

    def get_many(self, references: Sequence[str], *, audit: bool = True) -> list[CaseRecord]:
        """The cases named that exist, in the order named, with their events read in one query per batch.

        ``audit=False`` for a view that shows no audit trail (the web caseload): the records' ``audit`` is
        empty, and only the columns the events are folded from are read (a third of the time for a page)."""
        rows = {case.reference: case for case in self._session.scalars(
            select(Case).where(Case.reference.in_(list(references))))}
        return self._records([rows[reference] for reference in references if reference in rows], audit=audit)

    def _records(self, cases: Sequence[Case], batch: int = 500, *, audit: bool = True) -> list[CaseRecord]:
        """Cases with their events, reading events for a batch of cases per query."""
        columns = EventRow.__table__.c if audit else (EventRow.case_id, EventRow.type, EventRow.event_date,
                                                      EventRow.payload)
        records = []
        for start in range(0, len(cases), batch):
            chunk = cases[start:start + batch]
            rows_by_case: dict[int, list] = {case.id: [] for case in chunk}
            # Plain rows, not ORM objects: these are only read, and a caseload view reads thousands.
            event_rows = self._session.execute(
                select(*columns).where(EventRow.case_id.in_(rows_by_case))
                .order_by(EventRow.case_id, EventRow.sequence))
            for row in event_rows:
                rows_by_case[row.case_id].append(row)
            records.extend(_case_record(case, rows_by_case[case.id], audit) for case in chunk)
        return records

    def stored_references(self, references: Sequence[str]) -> set[str]:
        """Those of ``references`` that already name a stored case."""
        taken: set[str] = set()
        for start in range(0, len(references), 500):
            taken.update(self._session.scalars(
                select(Case.reference).where(Case.reference.in_(references[start:start + 500]))))
        return taken

    def find(
        self,
        as_of: date,
        *,
        due_within: int | None = None,
        overdue: bool = False,
        stages: Iterable[Stage] = (),
        caseworker: str | None = None,
    ) -> list[tuple[CaseRecord, Timeline]]:
        """Cases matching every filter given, with their timelines as of ``as_of``.

        SQL narrows by the ``next_due`` and ``stage`` projections (of the whole history); a case with an
        event dated after ``as_of`` stood otherwise that day, so it is always a candidate, and a case
        received after ``as_of`` never is. The domain then decides on each candidate as of ``as_of``.
        """
        # NULLS LAST spelt out: SQLite sorts NULL first, PostgreSQL last; closed cases (no next_due) go last on both.
        query = select(Case.reference).order_by(Case.next_due.asc().nulls_last(), Case.reference)
        query = query.where(Case.received <= as_of)
        stages = tuple(stages)
        if caseworker:  # "a okafor" finds A Okafor's cases (SQLite's lower() folds ASCII letters only)
            query = query.where(func.lower(Case.caseworker) == func.lower(caseworker))
        narrowing = []
        if stages:
            narrowing.append(Case.stage.in_([stage.value for stage in stages]))
        if overdue:
            narrowing.append(Case.next_due < as_of)
        if due_within is not None:
            narrowing.append(Case.next_due <= as_of + timedelta(days=due_within))
        if narrowing:
            changed_since = exists().where(EventRow.case_id == Case.id, EventRow.event_date > as_of,
                                           EventRow.type.not_in(STATELESS_EVENT_TYPES))
            query = query.where(or_(and_(*narrowing), changed_since))
        found = []
        for record in self._records(self._session.scalars(query.with_only_columns(Case)).all()):
            timeline = self.timeline(record.events, as_of)
            if matches(timeline, as_of, due_within=due_within, overdue=overdue, stages=stages):
                found.append((record, timeline))
        return in_statutory_order(found)

    # -- writing -------------------------------------------------------------------------------

    def add_request(self, request: NewRequest, actor: str, recorded_at: datetime) -> CaseRecord:
        if self.stored_references([request.reference]):
            raise DuplicateReference(request.reference)
        received = Received(on=request.received)
        projection = self._project([received])
        case = Case(
            reference=request.reference, received=request.received,
            child_given_name=request.child_given_name, child_family_name=request.child_family_name,
            child_date_of_birth=request.child_date_of_birth, caseworker=request.caseworker, team=request.team,
            setting=request.setting, created_at=recorded_at, stage=projection.stage.value,
            next_due=projection.next_due, exceptions_apply=projection.exceptions_apply,
        )
        self._session.add(case)
        self._session.flush()
        row = self._append(case.id, 1, received, actor, recorded_at)
        return _case_record(case, [row])

    def record(self, reference: str, event: CaseEvent, actor: str, recorded_at: datetime) -> CaseRecord:
        """Append ``event`` if the history allows it; raises EventRejected otherwise."""
        case = self._case_row(reference, for_update=True)
        if isinstance(event, Received):
            raise EventRejected(f"the request was already received on {case.received}")
        if isinstance(event, AdviceRequested) and event.contributor:
            self.contributor(event.contributor)
        rows = self._session.scalars(
            select(EventRow).where(EventRow.case_id == case.id).order_by(EventRow.sequence)).all()
        history = [_to_event(row) for row in rows]
        projection = projection_of(fold_with(history, event), [*history, event], self.closures)
        row = self._append(case.id, len(rows) + 1, event, actor, recorded_at)
        if isinstance(event, CaseReassigned):  # the columns are a projection of the reassignments
            case.caseworker = event.caseworker or case.caseworker
            case.team = event.team or case.team
            case.setting = event.setting or case.setting
        case.stage = projection.stage.value
        case.next_due = projection.next_due
        case.exceptions_apply = projection.exceptions_apply
        self._rewrite_advice_requests(case.id, projection.advice)
        self._session.flush()
        return _case_record(case, [*rows, row])

    def import_shapes(self, actor: str, recorded_at: datetime) -> ImportShapes:
        dialect = self._session.get_bind().dialect
        return ImportShapes(RowShape(dialect, Case.__table__, CASE_COLUMNS),
                            RowShape(dialect, EventRow.__table__, EVENT_COLUMNS),
                            RowShape(dialect, AdviceRequest.__table__, ADVICE_COLUMNS),
                            actor, recorded_at, self._contributor_ids())

    def import_caseload(self, cases: Sequence[tuple[NewRequest, Sequence[CaseEvent]]], actor: str,
                        recorded_at: datetime) -> int:
        """Write many cases at once (EventRejected for an impossible history; DuplicateReference for a stored one)."""
        shapes = self.import_shapes(actor, recorded_at)
        for start in range(0, len(cases), IMPORT_CHUNK):
            chunk = cases[start:start + IMPORT_CHUNK]
            taken = self.stored_references([request.reference for request, _ in chunk])
            if taken:
                raise DuplicateReference(min(taken))
            self.import_prepared(shapes, [prepare_case(request, events, fold(events), self.closures, shapes)
                                          for request, events in chunk])
        return len(cases)

    def import_prepared(self, shapes: ImportShapes, cases: Sequence[PreparedCase]) -> int:
        """Write prepared cases whose references are known to be new; call with a chunk at a time.

        A reference stored by someone else since it was checked breaks the unique index:
        ReferenceTakenMeanwhile, and the caller's transaction is to be rolled back.
        """
        connection = self._session.connection()
        before = self._session.scalar(select(func.coalesce(func.max(Case.id), 0)))
        try:
            insert_rows(connection, shapes.cases, (case.row for case in cases))
        except IntegrityError as error:
            raise ReferenceTakenMeanwhile() from error
        # Ids come from one range read: the rows are ours, and any other writer's have other references.
        ids = dict(self._session.execute(select(Case.reference, Case.id).where(Case.id > before)).all())
        insert_rows(connection, shapes.events, ((ids[case.reference], *row) for case in cases for row in case.events))
        insert_rows(connection, shapes.advice, ((ids[case.reference], *row) for case in cases for row in case.advice))
        return len(cases)

    # -- contributors --------------------------------------------------------------------------

    def add_contributor(self, code: str, name: str, agency: str, team: str | None = None,
                        email: str | None = None, escalation_email: str | None = None) -> Contributor:
        if self._session.scalar(select(Contributor).where(Contributor.code == code)):
            raise ValueError(f"code: a contributor {code!r} already exists")
        row = Contributor(code=code, name=name, agency=agency, team=team, email=email,
                          escalation_email=escalation_email)
        self._session.add(row)
        self._session.flush()
        return row

    def contributor(self, code: str) -> Contributor:
        row = self._session.scalar(select(Contributor).where(Contributor.code == code))
        if row is None:
            raise EventRejected(f"no contributor with code {code!r} (add it with `ehc contributors add`)",
                                field="contributor")
        return row

    def stored_contributor_codes(self, codes: Iterable[str]) -> set[str]:
        """Those of ``codes`` that already name a contributor."""
        codes = list(codes)
        return set(self._session.scalars(select(Contributor.code).where(Contributor.code.in_(codes))))

    def contributors(self) -> list[Contributor]:
        return list(self._session.scalars(select(Contributor).order_by(Contributor.agency, Contributor.code)))

    # -- internals -----------------------------------------------------------------------------

    def _case_row(self, reference: str, for_update: bool = False) -> Case:
        query = select(Case).where(Case.reference == reference)
        if for_update:
            query = query.with_for_update()
        case = self._session.scalar(query)
        if case is None:
            raise CaseNotFound(reference)
        return case

    def _project(self, events: Sequence[CaseEvent]) -> Projection:
        """Validates the history (EventRejected) and projects it."""
        return projection_of(fold(events), events, self.closures)

    def _append(self, case_id: int, sequence: int, event: CaseEvent, actor: str, recorded_at: datetime) -> EventRow:
        row = EventRow(
            case_id=case_id, sequence=sequence, type=event.type, event_date=event.on, actor=actor,
            recorded_at=recorded_at, payload=event_payload(event),
        )
        self._session.add(row)
        return row

    def _rewrite_advice_requests(self, case_id: int, advice: Sequence[AdviceRecord]) -> None:
        self._session.execute(delete(AdviceRequest).where(AdviceRequest.case_id == case_id))
        rows = advice_rows(case_id, advice, self._contributor_ids())
        if rows:
            self._session.execute(insert(AdviceRequest), rows)

    def _contributor_ids(self) -> dict[str, int]:
        return dict(self._session.execute(select(Contributor.code, Contributor.id)).all())


def matches(timeline: Timeline, as_of: date, *, due_within: int | None, overdue: bool,
            stages: tuple[Stage, ...]) -> bool:
    """Whether a case's timeline as of ``as_of`` answers the filters of ``find``."""
    if stages and timeline.stage not in stages:
        return False
    if overdue and not timeline.is_overdue:
        return False
    return due_within is None or any(as_of <= deadline.statutory <= as_of + timedelta(days=due_within)
                                     for deadline in timeline.pending)


def in_statutory_order(found: list[tuple[CaseRecord, Timeline]]) -> list[tuple[CaseRecord, Timeline]]:
    """Earliest next statutory date (as of the timelines' day) first, closed cases last; then by reference."""
    def key(item: tuple[CaseRecord, Timeline]):
        next_due = item[1].next_due
        return (next_due is None, next_due.statutory if next_due else date.min, item[0].reference)
    return sorted(found, key=key)


def advice_rows(case_id: int, advice: Sequence[AdviceRecord], contributor_ids: dict[str, int]) -> list[dict]:
    """The advice_requests rows of one case."""
    return [dict(zip(ADVICE_COLUMNS, (case_id, *values))) for values in advice_values(advice, contributor_ids)]


def advice_values(advice: Sequence[AdviceRecord], contributor_ids: dict[str, int]) -> list[tuple]:
    """ADVICE_COLUMNS but the case id, for each advice request of a case."""
    return [(record.key, record.agency.value,
             contributor_ids.get(record.contributor) if record.contributor else None,
             record.requested_on, ADVICE.due(record.requested_on), record.received_on)
            for record in advice]


def _case_record(case: Case, rows: Sequence[EventRow], audit: bool = True) -> CaseRecord:
    return CaseRecord(
        reference=case.reference, received=case.received,
        child_given_name=case.child_given_name, child_family_name=case.child_family_name,
        child_date_of_birth=case.child_date_of_birth, caseworker=case.caseworker, team=case.team,
        setting=case.setting, stage=Stage(case.stage),
        events=tuple(_to_event(row) for row in rows),
        audit=tuple(_audit_entry(row) for row in rows) if audit else (),
    )


def _to_event(row: EventRow) -> CaseEvent:
    return parse_event(row.type, row.event_date, row.payload)


def _audit_entry(row: EventRow) -> dict:
    return {
        "sequence": row.sequence, "type": row.type, "date": row.event_date.isoformat(), "actor": row.actor,
        "recorded_at": as_utc(row.recorded_at).isoformat(), "details": row.payload,
    }

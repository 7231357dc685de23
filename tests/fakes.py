"""Fakes for the App's ports, in one place: small real classes that keep each port's promises, not mocks.

- ``FixedClock``: ehc.clock.Clock stopped at one moment, moved on by hand.
- ``RecordingOrchestrator``: ehc.orchestration.orchestrator.Orchestrator; keeps every call in ``calls``.
- ``RecordingSender``: notifications.senders.Sender; keeps what it was asked to send, fails on request.
- ``InMemoryCaseDatabase``: what ``App.unit_of_work()`` goes through (store.unit_of_work.CaseDatabase),
  with a ``cases`` repository that validates histories with the domain as store/cases.py does.

Hand them to ``ehc.bootstrap.bootstrap(..., clock=, orchestrator=, senders=, database=)``. What the real
store does with SQL (concurrent writers, row locks, bulk imports, the outbox's leases, report queries) is
not faked here: test it on SQLite and PostgreSQL (tests/integration/). tests/integration/
test_fake_store_contract.py runs one scenario on both, so the in-memory cases cannot drift from CaseStore.
"""

from __future__ import annotations

import copy
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Iterator, Sequence

from domain.calendar import WorkingCalendar
from domain.casefile import EventRejected, fold, fold_with
from domain.closures import NO_CLOSURES, ClosureCalendar
from domain.events import (
    AUDIT_MODELS, AdviceRequested, CaseEvent, CaseReassigned, Received, event_payload, parse_event,
)
from domain.intake import NewRequest
from domain.plan_review import PlanInForce
from domain.timeline import Stage, Timeline, timeline_for
from ehc.clock import LONDON, midday_in_london
from ehc.orchestration.orchestrator import NoOrchestration, OrchestrationUnavailable
from notifications.senders import Outgoing, SendFailed
from store.cases import (
    STATELESS_EVENT_TYPES, CaseNotFound, CaseRecord, DuplicateReference, in_statutory_order, matches, projection_of,
)
from store.models import as_utc
from store.plans import DuplicatePlan

# -- the clock ------------------------------------------------------------------------------------


class FixedClock:
    """A clock that stands still at ``now`` (aware; kept in UTC) until a test moves it.

    ``today()`` is the London date of that moment, as SystemClock's is: 23:30 UTC on 31 May is 1 June.
    """

    def __init__(self, now: datetime) -> None:
        self.set(now)

    @classmethod
    def on(cls, day: date) -> FixedClock:
        """Noon in London on ``day``: a moment whose date is ``day`` in London and in UTC alike."""
        return cls(midday_in_london(day))

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.astimezone(LONDON).date()

    def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime: the Clock port's now() is UTC-aware")
        self._now = now.astimezone(timezone.utc)

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0) -> None:
        self._now += timedelta(days=days, hours=hours, minutes=minutes)


# -- the orchestrator -----------------------------------------------------------------------------


class RecordingOrchestrator:
    """Keeps each call in ``calls`` as a tuple, in the order made:

        ("hand_over", [reference, ...])
        ("hand_over_plans", [plan_ref, ...])
        ("start_quality_review", reference, document, on)

    and replies as TaskWorkerOrchestrator does. It runs no pass: a test that wants one calls
    ``ehc.services.orchestration.advance_case`` itself (or ``run_passes()`` for every case handed over
    and not yet passed), as a task worker would.

    ``unavailable=True`` raises OrchestrationUnavailable on every call, as NoOrchestration does (no
    Prefect server configured; ``configured`` is then False); ``error`` raises that exception instead
    (Prefect down or refusing). The call is recorded either way: it was attempted.
    """

    def __init__(self, *, unavailable: bool = False, error: Exception | None = None) -> None:
        self.calls: list[tuple] = []
        self.unavailable = unavailable
        self.error = error
        self.pending: list[str] = []
        self.pending_plans: list[str] = []

    @property
    def configured(self) -> bool:
        return not self.unavailable

    def hand_over(self, references: Sequence[str]) -> str:
        self._called("hand_over", list(references))
        self.pending.extend(references)
        return f"{len(references)} case(s) handed to orchestration (fake)"

    def hand_over_plans(self, plan_refs: Sequence[str]) -> str:
        self._called("hand_over_plans", list(plan_refs))
        self.pending_plans.extend(plan_refs)
        return f"{len(plan_refs)} plan(s) handed to orchestration (fake)"

    def run_review_passes(self, app) -> list:
        """One review pass for each plan handed over since the last call, in the order handed over."""
        from ehc.services.review_orchestration import advance_plan

        pending, self.pending_plans = self.pending_plans, []
        return [advance_plan(app, plan_ref) for plan_ref in pending]

    def start_quality_review(self, reference: str, document: str, on: date) -> str:
        self._called("start_quality_review", reference, document, on)
        return f"quality-review-{reference}-{document}"

    def run_passes(self, app) -> list:
        """One pass for each case handed over since the last call, in the order handed over."""
        from ehc.services.orchestration import advance_case

        pending, self.pending = self.pending, []
        return [advance_case(app, reference) for reference in pending]

    def _called(self, *call) -> None:
        self.calls.append(call)
        if self.unavailable:
            raise OrchestrationUnavailable(NoOrchestration.reason)
        if self.error is not None:
            raise self.error


# -- the sender -----------------------------------------------------------------------------------


class RecordingSender:
    """Keeps every Outgoing it was asked to send in ``attempts`` and those it accepted in ``sent``.

    ``fail_next(times, ...)`` makes the next ``times`` sends raise SendFailed (temporary unless
    ``permanent``), as a mail server that is down or refuses would; ``unavailable`` is what
    ``unavailable()`` says (a channel with nothing configured). ``closed`` counts ``close()`` calls.
    """

    def __init__(self, *, unavailable: str | None = None) -> None:
        self.attempts: list[Outgoing] = []
        self.sent: list[Outgoing] = []
        self.closed = 0
        self._unavailable = unavailable
        self._failures: deque[SendFailed] = deque()

    def fail_next(self, times: int = 1, reason: str = "SMTP server unavailable", *, permanent: bool = False) -> None:
        self._failures.extend(SendFailed(reason, permanent=permanent) for _ in range(times))

    def unavailable(self) -> str | None:
        return self._unavailable

    def send(self, message: Outgoing) -> None:
        self.attempts.append(message)
        if self._failures:
            raise self._failures.popleft()
        self.sent.append(message)

    def close(self) -> None:
        self.closed += 1


# -- the case database ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredContributor:
    """What the contributor directory holds of one contributor (store.models.Contributor's columns)."""

    id: int
    code: str
    name: str
    agency: str
    team: str | None = None
    email: str | None = None
    escalation_email: str | None = None


@dataclass(frozen=True)
class _EventRow:
    sequence: int
    type: str
    on: date
    actor: str
    recorded_at: datetime
    payload: dict


@dataclass
class _StoredCase:
    request: NewRequest
    stage: Stage
    next_due: date | None
    rows: list[_EventRow]
    events_acted_on: int = 0
    plan_stages: set[str] = field(default_factory=set)  # the plan documents attached ("draft", "final")


@dataclass
class _Tables:
    cases: dict[str, _StoredCase] = field(default_factory=dict)
    contributors: dict[str, StoredContributor] = field(default_factory=dict)
    plans: dict[str, PlanInForce] = field(default_factory=dict)


class InMemoryCases:
    """The CaseStore methods the casework and contributor services call, on dictionaries.

    Writes fold the whole history with the domain first (as CaseStore does through its projection), so an
    impossible event raises EventRejected with the domain's reason and writes nothing. Not here: bulk
    imports (``import_caseload``), the ``advice_requests`` projection, row locks.
    """

    def __init__(self, tables: _Tables, calendar: WorkingCalendar, closures: ClosureCalendar) -> None:
        self._tables = tables
        self.calendar = calendar
        self.closures = closures

    # -- reading --------------------------------------------------------------------------------

    def timeline(self, events: Sequence[CaseEvent], as_of: date) -> Timeline:
        return timeline_for(events, self.calendar, as_of, self.closures)

    def get(self, reference: str) -> CaseRecord:
        return _record(self._case(reference))

    def stored_references(self, references: Sequence[str]) -> set[str]:
        return {reference for reference in references if reference in self._tables.cases}

    def find(self, as_of: date, *, due_within: int | None = None, overdue: bool = False,
             stages: Iterable[Stage] = (), caseworker: str | None = None) -> list[tuple[CaseRecord, Timeline]]:
        """As CaseStore.find: narrowed by the projections (unless an event is dated after ``as_of``), then
        decided by the domain as of ``as_of``; cases received after ``as_of`` are left out."""
        stages = tuple(stages)

        def narrowed(case: _StoredCase) -> bool:
            return ((not stages or case.stage in stages)
                    and (not overdue or (case.next_due is not None and case.next_due < as_of))
                    and (due_within is None or (case.next_due is not None
                                                and case.next_due <= as_of + timedelta(days=due_within))))

        def changed_since(case: _StoredCase) -> bool:
            return any(row.on > as_of and row.type not in STATELESS_EVENT_TYPES for row in case.rows)

        candidates = [case for case in self._tables.cases.values()
                      if case.request.received <= as_of
                      and (not caseworker or (case.request.caseworker or "").lower() == caseworker.lower())
                      and (narrowed(case) or changed_since(case))]
        found = []
        for record in map(_record, candidates):
            timeline = self.timeline(record.events, as_of)
            if matches(timeline, as_of, due_within=due_within, overdue=overdue, stages=stages):
                found.append((record, timeline))
        return in_statutory_order(found)

    # -- writing --------------------------------------------------------------------------------

    def add_request(self, request: NewRequest, actor: str, recorded_at: datetime) -> CaseRecord:
        if request.reference in self._tables.cases:
            raise DuplicateReference(request.reference)
        received = Received(on=request.received)
        case = _StoredCase(request, *self._project([received]), rows=[])
        case.rows.append(_row(1, received, actor, recorded_at))
        self._tables.cases[request.reference] = case
        return _record(case)

    def record(self, reference: str, event: CaseEvent, actor: str, recorded_at: datetime) -> CaseRecord:
        """Append ``event`` if the history allows it; raises EventRejected otherwise."""
        case = self._case(reference)
        if isinstance(event, Received):
            raise EventRejected(f"the request was already received on {case.request.received}")
        if isinstance(event, AdviceRequested) and event.contributor:
            self.contributor(event.contributor)
        history = [_event(row) for row in case.rows]
        projection = projection_of(fold_with(history, event), [*history, event], self.closures)
        case.rows.append(_row(len(case.rows) + 1, event, actor, recorded_at))
        case.stage, case.next_due = projection.stage, projection.next_due
        if isinstance(event, CaseReassigned):  # as CaseStore: the request's columns follow the reassignments
            case.request = case.request.model_copy(update={
                "caseworker": event.caseworker or case.request.caseworker,
                "team": event.team or case.request.team, "setting": event.setting or case.request.setting})
        return _record(case)

    # -- contributors ---------------------------------------------------------------------------

    def add_contributor(self, code: str, name: str, agency: str, team: str | None = None,
                        email: str | None = None, escalation_email: str | None = None) -> StoredContributor:
        if code in self._tables.contributors:
            raise ValueError(f"code: a contributor {code!r} already exists")
        row = StoredContributor(len(self._tables.contributors) + 1, code, name, agency, team, email,
                                escalation_email)
        self._tables.contributors[code] = row
        return row

    def contributor(self, code: str) -> StoredContributor:
        row = self._tables.contributors.get(code)
        if row is None:
            raise EventRejected(f"no contributor with code {code!r} (add it with `ehc contributors add`)",
                                field="contributor")
        return row

    def stored_contributor_codes(self, codes: Iterable[str]) -> set[str]:
        return {code for code in codes if code in self._tables.contributors}

    def contributors(self) -> list[StoredContributor]:
        return sorted(self._tables.contributors.values(), key=lambda row: (row.agency, row.code))

    # -- internals ------------------------------------------------------------------------------

    def _case(self, reference: str) -> _StoredCase:
        case = self._tables.cases.get(reference)
        if case is None:
            raise CaseNotFound(reference)
        return case

    def _project(self, events: Sequence[CaseEvent]) -> tuple[Stage, date | None]:
        """Validates the history with the domain (EventRejected) and projects it, as CaseStore._project does."""
        projection = projection_of(fold(events), events, self.closures)
        return projection.stage, projection.next_due


def _row(sequence: int, event: CaseEvent, actor: str, recorded_at: datetime) -> _EventRow:
    return _EventRow(sequence, event.type, event.on, actor, recorded_at, event_payload(event))


def _event(row: _EventRow) -> CaseEvent:
    """Read back from its stored parts, as the store does (so an event that cannot round-trip shows up here)."""
    return parse_event(row.type, row.on, row.payload)


_AUDIT_TYPES = {model.model_fields["type"].default for model in AUDIT_MODELS}


def _is_audit(row: _EventRow) -> bool:
    return row.type in _AUDIT_TYPES


def _record(case: _StoredCase) -> CaseRecord:
    request = case.request
    return CaseRecord(
        reference=request.reference, received=request.received,
        child_given_name=request.child_given_name, child_family_name=request.child_family_name,
        child_date_of_birth=request.child_date_of_birth, caseworker=request.caseworker, team=request.team,
        setting=request.setting, stage=case.stage,
        events=tuple(_event(row) for row in case.rows),
        audit=tuple({"sequence": row.sequence, "type": row.type, "date": row.on.isoformat(), "actor": row.actor,
                     "recorded_at": as_utc(row.recorded_at).isoformat(), "details": copy.deepcopy(row.payload)}
                    for row in case.rows),
    )


class InMemoryOrchestrationProgress:
    """The OrchestrationProgress methods the orchestration service calls, on the same tables."""

    def __init__(self, tables: _Tables) -> None:
        self._tables = tables

    def events_acted_on(self, reference: str) -> int:
        case = self._tables.cases.get(reference)
        if case is None:
            raise CaseNotFound(reference)
        return case.events_acted_on

    def acted_on(self, reference: str, casework_events: int, at: datetime) -> None:
        case = self._tables.cases[reference]
        case.events_acted_on = max(case.events_acted_on, casework_events)

    def attached_plan_stages(self, reference: str) -> frozenset[str]:
        return frozenset(self._tables.cases[reference].plan_stages)

    def cases_behind(self, references: Sequence[str] | None = None) -> list[str]:
        return sorted(reference for reference, case in self._tables.cases.items()
                      if (references is None or reference in references)
                      and sum(1 for row in case.rows if not _is_audit(row)) > case.events_acted_on)


class InMemoryPlans:
    """The PlanStore methods a request's pass calls when its final plan becomes a plan in force: the plans
    stored, by reference. Reviews themselves are tested on the real store (tests/integration/)."""

    def __init__(self, tables: _Tables) -> None:
        self._tables = tables

    def plan_for_case(self, reference: str) -> str | None:
        return next((plan.plan_ref for plan in self._tables.plans.values() if plan.case_ref == reference), None)

    def stored_refs(self, plan_refs: Sequence[str]) -> set[str]:
        return {ref for ref in plan_refs if ref in self._tables.plans}

    def add(self, plan: PlanInForce, actor: str, recorded_at: datetime, as_of: date) -> PlanInForce:
        if plan.plan_ref in self._tables.plans:
            raise DuplicatePlan(plan.plan_ref)
        self._tables.plans[plan.plan_ref] = plan
        return plan


class InMemoryUnitOfWork:
    """One unit of work's repositories: ``cases``, ``orchestration`` and the ``plans`` a pass adds (the outbox,
    quality and reminder reads are SQL)."""

    def __init__(self, tables: _Tables, calendar: WorkingCalendar, closures: ClosureCalendar) -> None:
        self.cases = InMemoryCases(tables, calendar, closures)
        self.orchestration = InMemoryOrchestrationProgress(tables)
        self.plans = InMemoryPlans(tables)


class InMemoryCaseDatabase:
    """Stands in for store.unit_of_work.CaseDatabase: ``bootstrap(settings, database=InMemoryCaseDatabase(...))``.

    A unit of work works on a copy of the tables taken when it begins, which replaces them when its block
    ends and is dropped if the block raises: all or nothing. One unit of work at a time: a second one
    opened inside the first is refused (concurrent writers are the real store's business).
    """

    def __init__(self, calendar: WorkingCalendar, closures: ClosureCalendar = NO_CLOSURES) -> None:
        self.calendar = calendar
        self.closures = closures
        self._tables = _Tables()
        self._open = False

    def require_current_schema(self) -> None:
        """Always current: there is no schema to migrate."""

    @contextmanager
    def unit_of_work(self) -> Iterator[InMemoryUnitOfWork]:
        if self._open:
            raise RuntimeError("the in-memory case database holds one unit of work at a time; "
                               "test overlapping transactions on a real database")
        working = copy.deepcopy(self._tables)
        self._open = True
        try:
            yield InMemoryUnitOfWork(working, self.calendar, self.closures)
            self._tables = working
        finally:
            self._open = False

    @property
    def plans_in_force(self) -> dict[str, PlanInForce]:
        """The plans in force stored, by reference (a request's pass adds its final plan's)."""
        return dict(self._tables.plans)

    def attach_plan(self, reference: str, stage: str) -> None:
        """What `ehc qa attach` leaves for a pass to see: a plan document of ``stage`` on the case."""
        self._tables.cases[reference].plan_stages.add(stage)

    @contextmanager
    def case_pass_lock(self, reference: str) -> Iterator[None]:
        """One process, one unit of work at a time: there is nothing to wait for."""
        yield

    def read_connection(self):
        raise NotImplementedError("the report queries (reports/) are SQL: test them on a real database "
                                  "(tests/integration/)")

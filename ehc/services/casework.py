"""Casework as the CLI, the web app and the demo all do it: store first, then hand the case to orchestration.

The store is the record, so a change is committed before Prefect hears of
it; if Prefect cannot be told, the change stands and the reply says so
(``ehc case resync`` or the catch-up every 10 minutes brings the case level).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Callable, Sequence

from pydantic import TypeAdapter, ValidationError

from domain.closures import SettingKind
from domain.events import (
    AUDIT_EVENT_TYPES, Agency, CaseEvent, CaseReassigned, EventVoided, ExceptionEnded, ExceptionStarted, ShortText, parse_event,
)
from domain.intake import NewRequest
from domain.progress import Progress, progress_of
from domain.timeline import Stage, Timeline
from ehc.bootstrap import App
from ehc.parse import FieldProblems, field_problems, parse_contributor_code
from ehc.services.hand_over import hand_over
from store.cases import CaseRecord

if TYPE_CHECKING:
    from store.unit_of_work import UnitOfWork

_SHORT_TEXT: TypeAdapter[str] = TypeAdapter(ShortText)


@dataclass
class Recorded:
    record: CaseRecord
    timeline: Timeline
    orchestration: str
    warnings: tuple[str, ...] = ()  # what the person recording should know: stored, but it changes nothing


def not_after_today(app: App, field: str, on: date) -> None:
    """Refuses a date after today (London): an event is recorded once it has happened."""
    today = app.clock.today()
    if on > today:
        raise FieldProblems.one(field, f"{on} is after today, {today}")


def add_request(app: App, request: NewRequest, actor: str, hand_over_now: bool = True) -> Recorded:
    with app.unit_of_work() as work:
        record = work.cases.add_request(request, actor, app.clock.now())
        not_after_today(app, "received", request.received)  # after a duplicate's refusal; rolled back
        timeline = work.cases.timeline(record.events, max(request.received, app.clock.today()))
    note = hand_over(app, [record.reference]).note if hand_over_now else "not handed to orchestration: not asked to"
    return Recorded(record, timeline, note)


def event_from_options(app: App, reference: str, event_type: str, on: date, options: dict) -> CaseEvent:
    """The event the fields describe (``on`` and the event's own: ``contributor``, ``agency``...); advice from
    a setting or a known contributor is filled in. Bad values: FieldProblems naming those fields."""
    payload = {name: value for name, value in options.items() if value is not None}
    if "contributor" in payload:  # checked before it is looked up in the store
        payload["contributor"] = parse_contributor_code("contributor", payload["contributor"])
    for name in ("setting", "advice"):
        if name in payload:
            try:
                _SHORT_TEXT.validate_python(payload[name])
            except ValidationError as error:
                problems = "; ".join(problem for _, problem in field_problems(error))
                raise FieldProblems.one(name, problems) from error
    if event_type == "advice_requested":
        with app.unit_of_work() as work:
            if payload.get("contributor"):
                payload["agency"] = _contributors_agency(payload["contributor"], payload.get("agency"),
                                                         work.cases.contributor(payload["contributor"]).agency)
            if payload.get("agency") == Agency.EDUCATION:
                payload["setting"] = payload.get("setting") or work.cases.get(reference).setting
                payload["setting_kind"] = (payload.get("setting_kind") or app.la.setting_kind(payload["setting"])
                                           or SettingKind.SCHOOL)
    try:
        return parse_event(event_type, on, payload)
    except ValidationError as error:
        raise FieldProblems(field_problems(error, skip=(event_type,))) from error


def _contributors_agency(contributor: str, given: str | None, directory: str) -> str:
    """The agency of advice asked of ``contributor``: the directory's, unless ``given`` names another."""
    if given is not None and given in tuple(Agency) and given != directory:
        raise FieldProblems.one("agency", f"{given} contradicts the agency of contributor {contributor}, "
                                          f"{directory} (in the contributor directory)")
    return given or directory


def record_event(app: App, reference: str, event: CaseEvent, actor: str,
                 alongside: Callable[[UnitOfWork], None] | None = None) -> Recorded:
    """Store the event, then hand the case to orchestration. ``alongside(work)`` stores what goes with the event in
    the same transaction (the portal's advice document, and its link marked used): both or neither."""
    not_after_today(app, "on", event.on)
    done = _record(app, reference, lambda work: event, actor, alongside)
    done.warnings = _exception_warnings(event, done.timeline)
    return done


def _exception_warnings(event: CaseEvent, timeline: Timeline) -> tuple[str, ...]:
    """For an exception's start or end: that it does not qualify, or that it excuses no step."""
    if not isinstance(event, (ExceptionStarted, ExceptionEnded)):
        return ()
    warnings: list[str] = []
    for exception in timeline.exceptions:
        day = exception.start if isinstance(event, ExceptionStarted) else exception.end
        if exception.detected_from_closures or (exception.limb, exception.advice, day) != (
                event.limb, event.advice, event.on):
            continue
        if exception.not_qualifying_because is not None:
            warnings.append(exception.not_qualifying_because)
        elif not exception.steps:
            warnings.append(f"exception {exception.limb} from {exception.start} overlaps the statutory period of "
                            f"no step it could excuse, so it excuses nothing")
    return tuple(warnings)


def void_event(app: App, reference: str, sequence: int, reason: str, actor: str) -> Recorded:
    """Take a mistaken event out of the case's history: a correction event is appended, naming it and why
    (the event's own row stays). Refused (EventRejected) for a void the history does not allow."""
    def correction(work) -> CaseEvent:
        audit = work.cases.get(reference).audit
        if not 1 <= sequence <= len(audit):
            raise FieldProblems.one("event", f"{reference} has no event #{sequence} (its events are #1 to "
                                             f"#{len(audit)}, as `ehc case show` lists them)")
        voided = audit[sequence - 1]
        try:
            return EventVoided(on=app.clock.today(), sequence=sequence, voided_type=voided["type"],
                               voided_on=voided["date"], reason=reason)
        except ValidationError as error:
            raise FieldProblems(field_problems(error, skip=("event_voided",))) from error

    return _record(app, reference, correction, actor)


def reassign_case(app: App, reference: str, actor: str, *, caseworker: str | None = None,
                  team: str | None = None, setting: str | None = None) -> Recorded:
    """Pass the case to another caseworker, team or setting (at least one), as an event in its audit trail."""
    try:
        event = CaseReassigned(on=app.clock.today(), caseworker=caseworker, team=team, setting=setting)
    except ValidationError as error:
        raise FieldProblems(field_problems(error, skip=("case_reassigned",))) from error
    return _record(app, reference, lambda work: event, actor)


def _record(app: App, reference: str, make_event: Callable[..., CaseEvent], actor: str,
            alongside: Callable[[UnitOfWork], None] | None = None) -> Recorded:
    """Append the event ``make_event(work)`` gives, then hand the case to orchestration."""
    with app.unit_of_work() as work:
        event = make_event(work)
        record = work.cases.record(reference, event, actor, app.clock.now())
        if alongside is not None:
            alongside(work)
        timeline = work.cases.timeline(record.events, max(event.on, app.clock.today()))
    return Recorded(record, timeline, hand_over(app, [reference]).note)


def read_progress(app: App, reference: str) -> Progress:
    """Where the case stands, read afresh from the store."""
    with app.unit_of_work() as work:
        return progress_of(reference, work.cases.get(reference).events)


def show_case(app: App, reference: str, as_of: date) -> tuple[CaseRecord, Timeline]:
    """The case with its audit trail, and its timeline as of ``as_of``."""
    with app.unit_of_work() as work:
        record = work.cases.get(reference)
        return record, work.cases.timeline(record.events, as_of)


@dataclass(frozen=True)
class OrchestrationLevel:
    """How far orchestration has got with a case: level when it has acted on every casework event stored."""

    events_stored: int
    events_acted_on: int

    @property
    def level(self) -> bool:
        return self.events_acted_on == self.events_stored

    def as_dict(self) -> dict:
        return {"events_stored": self.events_stored, "events_acted_on": self.events_acted_on}

    def describe(self) -> str:
        stored = f"{self.events_stored} event{'' if self.events_stored == 1 else 's'}"
        if self.level:
            return f"level, acted on all {stored}"
        return f"acted on {self.events_acted_on} of {stored}"


def orchestration_level(app: App, record: CaseRecord) -> OrchestrationLevel | None:
    """How many of the case's casework events (audit notes left out, as a pass counts them) orchestration
    has acted on; None when no orchestration is configured."""
    if not app.orchestrator.configured:
        return None
    with app.unit_of_work() as work:
        acted_on = work.orchestration.events_acted_on(record.reference)
    return OrchestrationLevel(len(casework_recorded_at(record)), acted_on)


def casework_recorded_at(record: CaseRecord) -> list[datetime]:
    """When each of the case's casework events was recorded, oldest first (audit notes left out)."""
    return [datetime.fromisoformat(entry["recorded_at"]) for entry in record.audit
            if entry["type"] not in AUDIT_EVENT_TYPES]


def find_cases(app: App, as_of: date, *, due_within: int | None = None, overdue: bool = False,
               stages: Sequence[Stage] = (), caseworker: str | None = None) -> list[tuple[CaseRecord, Timeline]]:
    """Cases matching every filter given (no stages: any stage), earliest statutory date first."""
    with app.unit_of_work() as work:
        return work.cases.find(as_of, due_within=due_within, overdue=overdue, stages=stages, caseworker=caseworker)


def resync(app: App, reference: str) -> str:
    """Hand the case to orchestration again, whatever it has acted on (a pass with nothing new does nothing)."""
    with app.unit_of_work() as work:
        work.cases.get(reference)  # CaseNotFound before anything is handed over
    return hand_over(app, [reference]).note

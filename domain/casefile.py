"""A case's state as a pure fold over its events, refusing events that cannot happen.

Events are applied in date order. Within one day the request's receipt comes
first, then a decision to assess, then the rest in the order recorded, and an
event that closes the case (final plan, notice not to issue, decision not to
assess, withdrawal) last: whatever else is dated that day happened before the
case closed. Recording a back-dated event is normal casework, so validity is
always judged against the whole history in this order.

A correction (``EventVoided``) takes an earlier event out of the history: the
fold skips it. Events are given in the order recorded, so an event's position
(from 1) is its ``sequence``, which is how a void names the event it voids.
Reassignments change no statutory step and are left out of the fold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Sequence

from domain.closures import SettingKind
from domain.events import (
    AUDIT_MODELS, CORRECTION_MODELS, AdviceReceived, AdviceRequested, Agency, CaseEvent, CaseReassigned,
    ConsultationAnswered, ConsultationSent, Decision, DecisionOutcome, DraftServed, EventVoided, ExceptionEnded,
    ExceptionStarted, FinalIssued, Mediation, NoPlanNotice, Received, RepresentationsReceived, Tribunal, Withdrawn,
)
from domain.rules import MINIMUM_DAYS, Limb


class EventRejected(ValueError):
    """The event contradicts the case's history; the message says how.

    ``field`` names the event's field the refusal is about, when it is about one (``contributor`` for a code
    the directory does not hold), so an entry point can show it against that field; the message then leads
    with it ("contributor: no contributor with code ..."). ``reason`` is the message without it.
    """

    def __init__(self, reason: str, field: str = "") -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.reason = reason
        self.field = field


@dataclass
class AdviceRecord:
    key: str
    agency: Agency
    contributor: str | None
    setting: str | None
    setting_kind: SettingKind | None
    requested_on: date
    received_on: date | None = None


@dataclass
class ConsultationRecord:
    setting: str
    sent_on: date
    answered_on: date | None = None


@dataclass
class ExceptionRecord:
    """A dated exception. ``end`` is the last day it applied (included); None while it goes on."""

    limb: Limb
    start: date
    end: date | None = None
    advice: str | None = None
    evidence: str | None = None
    detected: bool = False

    def why_not_qualifying(self, as_of: date) -> str | None:
        """Why, as of ``as_of``, the exception excuses nothing; None when it qualifies.

        Only an absence from the area has a minimum length (``MINIMUM_DAYS``): both ends count, and an
        absence still open has lasted until ``as_of``.
        """
        minimum = MINIMUM_DAYS.get(self.limb)
        lasted = ((self.end or as_of) - self.start).days + 1
        if minimum is None or lasted >= minimum:
            return None
        needed = f"an absence must last at least {minimum // 7} weeks ({minimum} days) to qualify"
        if self.end is not None:
            return (f"exception {self.limb} lasted {_days(lasted)} ({self.start} to {self.end}): {needed}, "
                    f"so it excuses nothing")
        qualifies_on = self.start + timedelta(days=minimum - 1)
        return (f"exception {self.limb} has lasted {_days(lasted)} so far (from {self.start}, still open on "
                f"{as_of}): {needed}; it excuses nothing unless it goes on to {qualifies_on}")


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


@dataclass
class CaseFile:
    received: date
    decision: Decision | None = None
    advice: dict[str, AdviceRecord] = field(default_factory=dict)
    draft_served: date | None = None
    representations_received: date | None = None
    consultations: dict[str, ConsultationRecord] = field(default_factory=dict)
    final_issued: date | None = None
    no_plan_notice: date | None = None
    withdrawn: date | None = None
    exceptions: list[ExceptionRecord] = field(default_factory=list)
    mediation: list[date] = field(default_factory=list)  # each mediation recorded, in date order
    tribunal: list[date] = field(default_factory=list)  # each tribunal appeal recorded, in date order

    @property
    def mediation_or_tribunal(self) -> bool:
        """SEN2 leaves the case out of every timeliness measure (docs/RULES.md)."""
        return bool(self.mediation or self.tribunal)

    @property
    def decided_to_assess(self) -> bool:
        return self.decision is not None and self.decision.outcome is DecisionOutcome.ASSESS

    @property
    def closure(self) -> tuple[str, date] | None:
        """Why and when the request stopped being open, if it has."""
        if self.final_issued:
            return "final plan issued", self.final_issued
        if self.no_plan_notice:
            return "notice that no plan will be issued", self.no_plan_notice
        if self.decision and self.decision.outcome is DecisionOutcome.NOT_ASSESS:
            return "decision not to assess", self.decision.on
        if self.withdrawn:
            return "request withdrawn", self.withdrawn
        return None


def _same_day_rank(event: CaseEvent) -> int:
    if isinstance(event, Received):
        return 0
    if isinstance(event, (FinalIssued, NoPlanNotice, Withdrawn)):
        return 3
    if isinstance(event, Decision):
        return 3 if event.outcome is DecisionOutcome.NOT_ASSESS else 1
    return 2


def fold(events: Iterable[CaseEvent], recorded: CaseEvent | None = None) -> CaseFile:
    """The case file the events (the whole history, in the order recorded) describe; raises EventRejected for
    an impossible history.

    Audit events (notifications sent, failed, skipped) say nothing about the
    case's state, so they are left out of the fold, and so are accepted at any
    time, even after the case has closed; so are reassignments. Voided events
    are skipped.

    ``recorded`` is the one of ``events`` being recorded now, the rest being a history already accepted. When
    it is dated before an event on file that it makes impossible (a second decision dated before the first, a
    final plan before the draft), the fold meets the conflict at the later event; the refusal is then worded
    from the side of the event refused, naming the one on file.
    """
    events = list(events)
    casework = [event for event in standing(events) if not isinstance(event, AUDIT_MODELS)]
    ordered = sorted(casework, key=lambda event: (event.on, _same_day_rank(event)))
    received = next((event for event in ordered if isinstance(event, Received)), None)
    if received is None:
        raise EventRejected("a case's history must start with the date the request was received")
    case = CaseFile(received=received.on)
    recorded_applied = False
    for position, event in enumerate(ordered):
        if event is received:
            continue
        try:
            _apply(case, event, ordered[position + 1:] if isinstance(event, ExceptionEnded) else ())
        except EventRejected as rejection:
            if not recorded_applied:
                raise
            on_file = fold([other for other in events if other is not recorded])
            raise _refusal_of_recorded(recorded, event, on_file, rejection) from None
        recorded_applied = recorded_applied or event is recorded
    return case


def _refusal_of_recorded(recorded: CaseEvent, later: CaseEvent, on_file: CaseFile,
                         rejection: EventRejected) -> EventRejected:
    """Why ``recorded`` is refused, when the fold refused ``later``, an event on file that it preceded.

    ``recorded`` is checked against ``on_file`` (the case without it) as if it came last, so a duplicate is
    named by the event on file ("a decision was already recorded on 2026-03-25 (not_assess)"); an event that
    closes the case is refused for what it would close it before.
    """
    try:
        _HANDLERS[type(recorded)](on_file, recorded)
    except EventRejected as conflict:
        return conflict
    closure = on_file.closure
    if closure and closure[1] == recorded.on:
        return EventRejected(f"{_named(recorded)} would close the case ({closure[0]}) before the "
                             f"{_named(later)} already recorded")
    return EventRejected(f"{_named(recorded)} cannot come before the {_named(later)} already recorded: {rejection}")


def _named(event: CaseEvent) -> str:
    """The event as a refusal names it: "draft served on 2026-06-01"."""
    return f"{event.type.replace('_', ' ')} on {event.on}"


def _describe(sequence: int, event: CaseEvent) -> str:
    return f"#{sequence} {_named(event)}"


def standing(events: Sequence[CaseEvent]) -> list[CaseEvent]:
    """The events that stand, in the order recorded: without those voided, the voids and the reassignments.

    ``events`` is the whole history in the order recorded (position = sequence, from 1); a list that has
    no corrections comes back as it is. Raises EventRejected for a void that cannot be: of an event that
    is not earlier in the history or is not the one the void names, of one already voided, of a
    correction, of a notification note, or of the receipt.
    """
    if not any(isinstance(event, EventVoided) for event in events):
        return [event for event in events if not isinstance(event, CaseReassigned)]
    voided_by: dict[int, int] = {}
    for position, event in enumerate(events, start=1):
        if isinstance(event, EventVoided):
            _check_void(events, voided_by, event, position)
            voided_by[event.sequence] = position
    return [event for position, event in enumerate(events, start=1)
            if position not in voided_by and not isinstance(event, CORRECTION_MODELS)]


def _check_void(events: Sequence[CaseEvent], voided_by: dict[int, int], void: EventVoided, position: int) -> None:
    sequence = void.sequence
    named = f"#{sequence} {void.voided_type.replace('_', ' ')} on {void.voided_on}"
    if sequence >= position:
        raise EventRejected(f"there is no event #{sequence} to void")
    target = events[sequence - 1]
    if (target.type, target.on) != (void.voided_type, void.voided_on):
        raise EventRejected(f"event #{sequence} is {_describe(sequence, target)}, not the {named} the void names")
    if sequence in voided_by:
        raise EventRejected(f"{named} was already voided by #{voided_by[sequence]}")
    if isinstance(target, EventVoided):
        raise EventRejected(f"{named} is itself a correction and cannot be voided; "
                            f"record the voided event #{target.sequence} again instead")
    if isinstance(target, CaseReassigned):
        raise EventRejected(f"{named} is a reassignment and cannot be voided; reassign the case again instead")
    if isinstance(target, AUDIT_MODELS):
        raise EventRejected(f"{named} is a note the system keeps of a notification and cannot be voided")
    if isinstance(target, Received):
        later = [_describe(position, event) for position, event in enumerate(events, start=1)
                 if position != sequence and position not in voided_by
                 and not isinstance(event, (*AUDIT_MODELS, *CORRECTION_MODELS))]
        if later:
            raise EventRejected(f"the receipt ({named}) cannot be voided while later events stand "
                                f"({', '.join(later)})")
        raise EventRejected(f"the receipt ({named}) cannot be voided: a case's history starts with it")


def fold_with(history: Sequence[CaseEvent], event: CaseEvent) -> CaseFile:
    """The case file once ``event`` is recorded after ``history`` (the whole history, in the order recorded).

    Beyond what any stored history must satisfy, an event recorded now must keep the statutory order: a
    final plan needs a draft served first (Reg 13; a legacy caseload imported without draft dates is
    stored as it came). A void that would leave an impossible history is refused with the reason.
    """
    if isinstance(event, EventVoided):
        return _fold_with_void(history, event)
    case = fold([*history, event], recorded=event)
    if isinstance(event, FinalIssued) and case.draft_served is None:
        raise EventRejected(f"final plan on {event.on} needs a draft plan served first (Reg 13): "
                            f"record draft-served before final-issued")
    return case


def _fold_with_void(history: Sequence[CaseEvent], void: EventVoided) -> CaseFile:
    before = fold(history)
    events = [*history, void]
    standing(events)  # a void that cannot be at all is refused in its own words
    named = f"#{void.sequence} {void.voided_type.replace('_', ' ')} on {void.voided_on}"
    try:
        after = fold(events)
    except EventRejected as error:
        raise EventRejected(f"voiding {named} would leave an impossible history: {error}") from None
    if after.final_issued and after.draft_served is None and before.draft_served is not None:
        raise EventRejected(f"voiding {named} would leave the final plan issued on {after.final_issued} "
                            f"with no draft served (Reg 13): void the final plan first")
    return after


def _apply(case: CaseFile, event: CaseEvent, later: Sequence[CaseEvent] = ()) -> None:
    """Apply one event; ``later`` are the events that follow it in date order (only an exception's end
    looks at them, to name its start when it comes first)."""
    if isinstance(event, Received):
        raise EventRejected(f"the request was already received on {case.received}")
    if event.on < case.received:
        raise EventRejected(f"{_named(event)} is before the request was received on {case.received}")
    closure = case.closure
    if closure and not isinstance(event, (ExceptionEnded, Mediation, Tribunal)):  # appeals follow decisions
        reason, closed_on = closure
        raise EventRejected(f"{_named(event)} comes after the case closed ({reason} on {closed_on})")
    if isinstance(event, ExceptionEnded):
        _exception_ended(case, event, later)
        return
    handler = _HANDLERS[type(event)]
    handler(case, event)


def _decision(case: CaseFile, event: Decision) -> None:
    if case.decision:
        raise EventRejected(f"{_named(event)} ({event.outcome}): a decision was already recorded on "
                            f"{case.decision.on} ({case.decision.outcome})")
    case.decision = event


def _require_assessment(case: CaseFile, event: CaseEvent) -> None:
    if not case.decided_to_assess:
        raise EventRejected(f"{_named(event)} needs a decision to assess first")


def _advice_requested(case: CaseFile, event: AdviceRequested) -> None:
    if event.key in case.advice:
        raise EventRejected(f"{_named(event)}: advice from {event.key} was already requested on "
                            f"{case.advice[event.key].requested_on}")
    case.advice[event.key] = AdviceRecord(
        event.key, event.agency, event.contributor, event.setting, event.setting_kind, event.on,
    )


def _find_advice(case: CaseFile, event: AdviceReceived) -> AdviceRecord:
    if event.advice is not None:
        if event.advice in case.advice:
            return case.advice[event.advice]
        raise EventRejected(f"{_named(event)}: no advice request {event.advice} was made on or before {event.on} "
                            f"({_outstanding(case)})")
    if event.contributor is not None:
        if event.contributor in case.advice:
            return case.advice[event.contributor]
        raise EventRejected(f"no advice was requested from contributor {event.contributor} on or before {event.on}")
    matches = [record for record in case.advice.values() if record.agency is event.agency]
    if not matches:
        raise EventRejected(f"no advice was requested from {event.agency} on or before {event.on}")
    pending = [record for record in matches if record.received_on is None]
    if len(pending) > 1:
        keys = ", ".join(record.key for record in pending)
        raise EventRejected(f"several {event.agency} advice requests are outstanding ({keys}): name the one "
                            f"received by its key")
    return (pending or matches)[0]


def _outstanding(case: CaseFile) -> str:
    keys = [record.key for record in case.advice.values() if record.received_on is None]
    return f"outstanding: {', '.join(keys)}" if keys else "none is outstanding"


def _advice_received(case: CaseFile, event: AdviceReceived) -> None:
    record = _find_advice(case, event)
    if record.received_on is not None:
        raise EventRejected(f"{_named(event)}: advice from {record.key} was already received on {record.received_on}")
    record.received_on = event.on


def _draft_served(case: CaseFile, event: DraftServed) -> None:
    _require_assessment(case, event)
    if case.draft_served:
        raise EventRejected(f"{_named(event)}: the draft plan was already served on {case.draft_served}")
    case.draft_served = event.on


def _representations_received(case: CaseFile, event: RepresentationsReceived) -> None:
    if not case.draft_served:
        raise EventRejected(f"representations on {event.on} need a draft plan served first")
    if case.representations_received:
        raise EventRejected(f"{_named(event)}: representations were already recorded on "
                            f"{case.representations_received}")
    case.representations_received = event.on


def _consultation_sent(case: CaseFile, event: ConsultationSent) -> None:
    _require_assessment(case, event)
    if event.setting in case.consultations:
        raise EventRejected(f"{_named(event)}: {event.setting} was already consulted on "
                            f"{case.consultations[event.setting].sent_on}")
    case.consultations[event.setting] = ConsultationRecord(event.setting, event.on)


def _consultation_answered(case: CaseFile, event: ConsultationAnswered) -> None:
    record = case.consultations.get(event.setting)
    if record is None:
        raise EventRejected(f"{_named(event)}: {event.setting} was never consulted")
    if record.answered_on is not None:
        raise EventRejected(f"{_named(event)}: {event.setting} already answered on {record.answered_on}")
    record.answered_on = event.on


def _final_issued(case: CaseFile, event: FinalIssued) -> None:
    _require_assessment(case, event)
    if case.draft_served and event.on < case.draft_served:  # met when the final plan is recorded after the draft
        raise EventRejected(f"final plan issued on {event.on} is before the draft plan served on {case.draft_served}")
    case.final_issued = event.on


def _no_plan_notice(case: CaseFile, event: NoPlanNotice) -> None:
    _require_assessment(case, event)
    case.no_plan_notice = event.on


def _withdrawn(case: CaseFile, event: Withdrawn) -> None:
    case.withdrawn = event.on


def _open_exception(case: CaseFile, limb: Limb, advice: str | None) -> ExceptionRecord | None:
    for record in case.exceptions:
        if record.limb is limb and record.advice == advice and record.end is None:
            return record
    return None


def _exception_started(case: CaseFile, event: ExceptionStarted) -> None:
    if event.advice is not None and event.advice not in case.advice:
        raise EventRejected(f"exception {event.limb} names advice from {event.advice}, which was never requested")
    if _open_exception(case, event.limb, event.advice):
        raise EventRejected(f"exception {event.limb} is already open")
    case.exceptions.append(ExceptionRecord(event.limb, event.on, advice=event.advice, evidence=event.evidence))


def _exception_ended(case: CaseFile, event: ExceptionEnded, later: Sequence[CaseEvent]) -> None:
    record = _open_exception(case, event.limb, event.advice)
    if record is None:
        raise EventRejected(_no_open_exception(case, event, later))
    record.end = event.on


def _no_open_exception(case: CaseFile, event: ExceptionEnded, later: Sequence[CaseEvent]) -> str:
    """Why ``event`` ends nothing, naming the real conflict."""
    limb, advice = event.limb, event.advice
    starts = (start for start in later
              if isinstance(start, ExceptionStarted) and (start.limb, start.advice) == (limb, advice))
    start = next(starts, None)
    if start is not None:
        return f"exception {limb} cannot end on {event.on}: that is before it started on {start.on}"
    open_for = [record.advice for record in case.exceptions
                if record.limb is limb and record.end is None and record.advice != advice]
    if open_for and advice is None:
        keys = ", ".join(str(key) for key in open_for)
        return (f"exception {limb} is open for advice request{'s' if len(open_for) > 1 else ''} {keys}: "
                f"name the one it ends for with --advice KEY")
    if open_for:
        named = ", ".join("every advice request (none named)" if key is None else f"advice request {key}"
                          for key in open_for)
        return f"exception {limb} is open for {named}, not for advice request {advice}"
    ended = [record.end for record in case.exceptions if (record.limb, record.advice) == (limb, advice)]
    if ended:
        return f"there is no open exception {limb} to end on {event.on}: it already ended on {ended[-1]}"
    return f"there is no open exception {limb} to end"


def _mediation(case: CaseFile, event: Mediation) -> None:
    case.mediation.append(event.on)


def _tribunal(case: CaseFile, event: Tribunal) -> None:
    case.tribunal.append(event.on)


_HANDLERS = {
    Decision: _decision,
    AdviceRequested: _advice_requested,
    AdviceReceived: _advice_received,
    DraftServed: _draft_served,
    RepresentationsReceived: _representations_received,
    ConsultationSent: _consultation_sent,
    ConsultationAnswered: _consultation_answered,
    FinalIssued: _final_issued,
    NoPlanNotice: _no_plan_notice,
    Withdrawn: _withdrawn,
    ExceptionStarted: _exception_started,
    Mediation: _mediation,
    Tribunal: _tribunal,
}

"""Casework as a caseworker sees it (ehc/services/casework.py), on the fakes: no database, no Prefect.

The usual request is received Mon 2 Mar 2026: the decision is due Mon 13 Apr,
advice six weeks after it is asked for, the no-plan notice Mon 22 Jun and the
final plan Mon 20 Jul 2026. The clock stands at noon in London on Mon 30 Nov
2026 unless a test moves it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from domain.casefile import EventRejected
from domain.closures import SettingKind
from domain.events import (
    AdviceReceived, AdviceRequested, Agency, Decision, DraftServed, ExceptionEnded, ExceptionStarted, FinalIssued,
    NotificationSent, Received,
)
from domain.intake import NewRequest
from domain.rules import Limb, Step
from domain.timeline import Stage
from ehc.orchestration.orchestrator import NoOrchestration
from ehc.parse import FieldProblems
from ehc.services import casework
from ehc.services.contributors import add_contributor
from store.cases import CaseNotFound, DuplicateReference
from tests.services.conftest import RECEIVED

REF = "EHC/2026/042"
ACTOR = "alice"


def d(text: str) -> date:
    return date.fromisoformat(text)


def intake(app, reference: str = REF, received: date = RECEIVED, **details) -> casework.Recorded:
    return casework.add_request(app, NewRequest(reference=reference, received=received, **details), ACTOR)


def record(app, *events, reference: str = REF) -> casework.Recorded:
    for event in events:
        done = casework.record_event(app, reference, event, ACTOR)
    return done


def stored_events(app, reference: str = REF) -> tuple:
    record_, _ = casework.show_case(app, reference, RECEIVED)
    return record_.events


def given_cases(app, cases: dict[str, tuple[date, tuple]]) -> None:
    """Cases written straight into the store (nothing handed over): reference -> (received, later events)."""
    with app.unit_of_work() as work:
        for reference, (received, events) in cases.items():
            work.cases.add_request(NewRequest(reference=reference, received=received), ACTOR, app.clock.now())
            for event in events:
                work.cases.record(reference, event, ACTOR, app.clock.now())


ASSESS = Decision(on=d("2026-04-10"), outcome="assess")
NOT_ASSESSED = Decision(on=d("2026-04-10"), outcome="not_assess")


# -- intake ---------------------------------------------------------------------------------------


def test_intake_stores_the_case_and_hands_it_to_orchestration(app, orchestrator):
    done = intake(app, caseworker="A Okafor")

    assert orchestrator.calls == [("hand_over", [REF])]
    assert done.orchestration == "1 case(s) handed to orchestration (fake)"
    stored, timeline = casework.show_case(app, REF, RECEIVED)
    assert (stored.stage, stored.caseworker, stored.events) == (Stage.AWAITING_DECISION, "A Okafor",
                                                               (Received(on=RECEIVED),))
    assert timeline.deadlines[Step.DECISION_TO_ASSESS].statutory == d("2026-04-13")
    assert timeline.deadlines[Step.FINAL_PLAN].statutory == d("2026-07-20")


def test_a_request_added_without_a_hand_over_tells_the_orchestrator_nothing(app, orchestrator):
    done = casework.add_request(app, NewRequest(reference=REF, received=RECEIVED), ACTOR, hand_over_now=False)

    assert orchestrator.calls == []
    assert done.orchestration == "not handed to orchestration: not asked to"
    assert stored_events(app) == (Received(on=RECEIVED),)


def test_a_second_request_under_a_stored_reference_is_refused_and_the_first_case_is_kept(app, orchestrator):
    intake(app, caseworker="A Okafor")

    with pytest.raises(DuplicateReference, match=re.escape(f"reference: a case {REF!r} already exists")):
        intake(app, received=d("2026-03-09"), caseworker="B Singh")

    stored, _ = casework.show_case(app, REF, RECEIVED)
    assert (stored.received, stored.caseworker) == (RECEIVED, "A Okafor")
    assert orchestrator.calls == [("hand_over", [REF])]


# -- recording events -----------------------------------------------------------------------------


def test_each_recorded_event_is_stored_then_the_case_is_handed_to_orchestration(app, orchestrator):
    intake(app)
    journey = [
        # event                                                            stage after
        (ASSESS,                                                           Stage.ASSESSMENT),
        (AdviceRequested(on=d("2026-04-13"), agency=Agency.HEALTH),        Stage.ASSESSMENT),
        (AdviceReceived(on=d("2026-05-20"), agency=Agency.HEALTH),         Stage.ASSESSMENT),
        (DraftServed(on=d("2026-06-15")),                                  Stage.DRAFT),
        (FinalIssued(on=d("2026-07-17")),                                  Stage.ISSUED),
    ]
    for event, stage in journey:
        done = record(app, event)
        assert done.record.stage is stage
        assert done.orchestration == "1 case(s) handed to orchestration (fake)"
    assert orchestrator.calls == [("hand_over", [REF])] * (1 + len(journey))  # the intake, then each event


def test_with_orchestration_unavailable_the_event_is_still_stored_and_the_reply_says_so(app, orchestrator):
    intake(app)
    orchestrator.unavailable = True

    done = record(app, ASSESS)

    assert done.orchestration == f"not handed to orchestration: {NoOrchestration.reason}"
    assert stored_events(app) == (Received(on=RECEIVED), ASSESS)
    assert orchestrator.calls[-1] == ("hand_over", [REF])  # it was tried


def test_with_prefect_unreachable_the_event_is_stored_and_the_reply_says_the_catch_up_will_bring_it_level(
        app, orchestrator):
    intake(app)
    orchestrator.error = OSError("connection refused")

    done = record(app, ASSESS)

    assert done.orchestration == ("not handed to orchestration (OSError: connection refused); the change is stored, "
                                  "and `ehc case resync` or the catch-up every 10 minutes will bring the case level")
    assert stored_events(app) == (Received(on=RECEIVED), ASSESS)


IMPOSSIBLE = {
    # what the caseworker tried: (history after receipt, the event, the reason given)
    "advice received that was never asked for": (
        [ASSESS], AdviceReceived(on=d("2026-05-20"), agency=Agency.HEALTH),
        "no advice was requested from health on or before 2026-05-20"),
    "a decision before the request came in": (
        [], Decision(on=d("2026-02-27"), outcome="assess"),
        "decision on 2026-02-27 is before the request was received on 2026-03-02"),
    "a draft plan before a decision to assess": (
        [], DraftServed(on=d("2026-04-20")),
        "draft served on 2026-04-20 needs a decision to assess first"),
    "advice asked for after the case closed": (
        [NOT_ASSESSED], AdviceRequested(on=d("2026-04-13"), agency=Agency.HEALTH),
        "advice requested on 2026-04-13 comes after the case closed (decision not to assess on 2026-04-10)"),
    "the same request received again": (
        [], Received(on=d("2026-03-09")),
        "the request was already received on 2026-03-02"),
    "a second decision dated before the one on file": (
        [NOT_ASSESSED], Decision(on=d("2026-03-27"), outcome="assess"),
        "decision on 2026-03-27 (assess): a decision was already recorded on 2026-04-10 (not_assess)"),
    "a final plan dated before the draft on file": (
        [ASSESS, DraftServed(on=d("2026-06-15"))], FinalIssued(on=d("2026-06-12")),
        "final plan issued on 2026-06-12 is before the draft plan served on 2026-06-15"),
    "advice asked of a contributor not in the directory": (
        [ASSESS], AdviceRequested(on=d("2026-04-13"), agency=Agency.HEALTH, contributor="DCO-X"),
        "contributor: no contributor with code 'DCO-X'"),
}


@pytest.mark.parametrize("history, event, reason", IMPOSSIBLE.values(), ids=IMPOSSIBLE.keys())
def test_an_impossible_event_is_refused_with_the_reason_and_nothing_is_stored_or_told(app, orchestrator, history,
                                                                                      event, reason):
    intake(app)
    if history:
        record(app, *history)
    before, told = stored_events(app), list(orchestrator.calls)

    with pytest.raises(EventRejected, match=re.escape(reason)):
        record(app, event)

    assert stored_events(app) == before
    assert orchestrator.calls == told


def test_an_event_for_a_case_never_received_is_refused_and_nothing_is_told(app, orchestrator):
    with pytest.raises(CaseNotFound, match="no case with reference 'EHC/2026/999'"):
        record(app, ASSESS, reference="EHC/2026/999")
    assert orchestrator.calls == []


def test_each_event_in_the_audit_trail_carries_the_clocks_time_and_who_recorded_it(app, clock):
    clock.set(datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc))
    intake(app)
    clock.set(datetime(2026, 4, 10, 15, 5, tzinfo=timezone.utc))
    record(app, ASSESS)
    clock.advance(days=3)
    casework.record_event(app, REF, AdviceRequested(on=d("2026-04-13"), agency=Agency.HEALTH), "bob")

    stored, _ = casework.show_case(app, REF, d("2026-04-13"))
    assert [(entry["type"], entry["date"], entry["actor"], entry["recorded_at"]) for entry in stored.audit] == [
        ("received",         "2026-03-02", "alice", "2026-03-02T12:00:00+00:00"),
        ("decision",         "2026-04-10", "alice", "2026-04-10T15:05:00+00:00"),
        ("advice_requested", "2026-04-13", "bob",   "2026-04-13T15:05:00+00:00"),
    ]


# -- the clock's today ----------------------------------------------------------------------------


AS_OF = [
    # clock (UTC)                                        decision on    timeline as of   why
    (datetime(2026, 4, 10, 12, 0, tzinfo=timezone.utc),  "2026-04-10",  "2026-04-10",    "recorded the same day"),
    (datetime(2026, 4, 20, 9, 0, tzinfo=timezone.utc),   "2026-04-10",  "2026-04-20",    "back-dated: as of today"),
    (datetime(2026, 4, 9, 23, 30, tzinfo=timezone.utc),  "2026-04-10",  "2026-04-10",    "already the 10th in London (BST)"),
]


@pytest.mark.parametrize("now, decided, as_of, why", AS_OF, ids=[row[3] for row in AS_OF])
def test_the_timeline_a_recorded_event_returns_is_as_of_the_clocks_london_today(app, clock, now, decided, as_of,
                                                                                why):
    intake(app)
    clock.set(now)
    done = record(app, Decision(on=d(decided), outcome="assess"))
    assert done.timeline.as_of == d(as_of)


def test_the_timeline_intake_returns_is_as_of_the_clocks_today(app, clock):
    clock.set(datetime(2026, 3, 5, 23, 30, tzinfo=timezone.utc))  # still Thu 5 Mar in London (GMT)
    assert intake(app, "EHC-1", received=d("2026-03-02")).timeline.as_of == d("2026-03-05")


DATED_AFTER_TODAY = [
    # clock (UTC)                                      date       refused as
    (datetime(2026, 4, 8, 12, 0, tzinfo=timezone.utc), "2026-04-10", "on: 2026-04-10 is after today, 2026-04-08"),
    (datetime(2026, 4, 9, 22, 59, tzinfo=timezone.utc), "2026-04-10", "on: 2026-04-10 is after today, 2026-04-09"),
]


@pytest.mark.parametrize("now, decided, refusal", DATED_AFTER_TODAY, ids=["two days ahead", "one minute before BST midnight"])
def test_an_event_dated_after_todays_date_in_london_is_refused_naming_both_dates(app, clock, orchestrator, now,
                                                                                decided, refusal):
    intake(app)
    clock.set(now)
    before = list(orchestrator.calls)

    with pytest.raises(FieldProblems, match=re.escape(refusal)):
        record(app, Decision(on=d(decided), outcome="assess"))
    assert [event.type for event in stored_events(app)] == ["received"]
    assert orchestrator.calls == before


def test_a_request_received_after_today_is_refused_and_not_stored(app, clock):
    clock.set(datetime(2026, 3, 5, 12, 0, tzinfo=timezone.utc))
    with pytest.raises(FieldProblems, match=re.escape("received: 2026-03-09 is after today, 2026-03-05")):
        intake(app, "EHC-2", received=d("2026-03-09"))
    with app.unit_of_work() as work:
        assert work.cases.stored_references(["EHC-2"]) == set()


# -- typed-in events ------------------------------------------------------------------------------


def test_an_advice_request_naming_a_known_contributor_takes_the_contributors_agency(app):
    intake(app)
    add_contributor(app, "DCO-N", "Dr P Shah", "health")

    event = casework.event_from_options(app, REF, "advice_requested", d("2026-04-13"),
                                        {"contributor": "DCO-N", "agency": None, "setting": None})

    assert event == AdviceRequested(on=d("2026-04-13"), agency=Agency.HEALTH, contributor="DCO-N")


def test_an_advice_request_of_the_childs_school_takes_the_setting_from_the_case(app):
    intake(app, setting="URN-100001")

    event = casework.event_from_options(app, REF, "advice_requested", d("2026-04-13"), {"agency": "education"})

    assert event == AdviceRequested(on=d("2026-04-13"), agency=Agency.EDUCATION, setting="URN-100001",
                                    setting_kind=SettingKind.SCHOOL)


@pytest.mark.parametrize("agency", [None, "education"], ids=["no agency given", "agency education given"])
def test_advice_asked_of_a_school_contributor_in_the_summer_window_is_a_10_4_a_exception(app, agency):
    # The summer closure (Wed 22 Jul to Wed 2 Sep 2026) puts Mon 20 Jul in its window (Wed 15 Jul to Wed 26 Aug).
    intake(app, setting="URN-100001")
    add_contributor(app, "SCH1", "Oakfield Primary SENCo", "education")
    record(app, ASSESS)

    event = casework.event_from_options(app, REF, "advice_requested", d("2026-07-20"),
                                        {"contributor": "SCH1", "agency": agency})
    done = casework.record_event(app, REF, event, ACTOR)

    assert event == AdviceRequested(on=d("2026-07-20"), agency=Agency.EDUCATION, contributor="SCH1",
                                    setting="URN-100001", setting_kind=SettingKind.SCHOOL)
    assert [(e.limb, e.start, e.end, e.detected_from_closures) for e in done.timeline.exceptions] == [
        (Limb.SCHOOL_CLOSURE, d("2026-07-15"), d("2026-08-26"), True)]
    assert done.timeline.exceptions_apply


def test_an_agency_that_contradicts_the_contributors_is_refused_naming_both(app, orchestrator):
    intake(app, setting="URN-100001")
    add_contributor(app, "SCH1", "Oakfield Primary SENCo", "education")

    with pytest.raises(FieldProblems) as refused:
        casework.event_from_options(app, REF, "advice_requested", d("2026-04-13"),
                                    {"contributor": "SCH1", "agency": "health"})

    assert refused.value.problems == (
        ("agency", "health contradicts the agency of contributor SCH1, education (in the contributor directory)"),)
    assert stored_events(app) == (Received(on=RECEIVED),)


ABSENCE_ENDS = [
    ("2026-03-10", ("exception 10(4)(d) lasted 1 day (2026-03-10 to 2026-03-10): an absence must last at least "
                    "4 weeks (28 days) to qualify, so it excuses nothing",), False, "Tue 10 Mar to Tue 10 Mar: 1 day"),
    ("2026-04-05", ("exception 10(4)(d) lasted 27 days (2026-03-10 to 2026-04-05): an absence must last at least "
                    "4 weeks (28 days) to qualify, so it excuses nothing",), False, "Tue 10 Mar to Sun 5 Apr: 27 days"),
    ("2026-04-06", (), True, "Tue 10 Mar to Mon 6 Apr: 28 days"),
]


@pytest.mark.parametrize(("ended_on", "warnings", "applies", "reason"), ABSENCE_ENDS,
                         ids=[row[-1] for row in ABSENCE_ENDS])
def test_ending_an_absence_before_4_weeks_is_recorded_with_a_warning_that_it_excuses_nothing(
        app, ended_on, warnings, applies, reason):
    intake(app)
    record(app, ExceptionStarted(on=d("2026-03-10"), limb=Limb.ABSENT_FROM_AREA, evidence="family abroad"))

    done = casework.record_event(app, REF, ExceptionEnded(on=d(ended_on), limb=Limb.ABSENT_FROM_AREA), ACTOR)

    assert done.warnings == warnings
    assert done.timeline.exceptions_apply is applies
    assert stored_events(app)[-1] == ExceptionEnded(on=d(ended_on), limb=Limb.ABSENT_FROM_AREA)


def test_an_advice_request_naming_an_unknown_contributor_is_refused_before_anything_is_recorded(app, orchestrator):
    intake(app)
    with pytest.raises(EventRejected, match="contributor: no contributor with code 'DCO-X'"):
        casework.event_from_options(app, REF, "advice_requested", d("2026-04-13"), {"contributor": "DCO-X"})
    assert stored_events(app) == (Received(on=RECEIVED),)
    assert orchestrator.calls == [("hand_over", [REF])]


BAD_OPTIONS = [
    # event type         options                                  problems: (field in the domain's words, what is wrong)
    ("decision",         {"outcome": "maybe"},                    [("outcome", "Input should be 'assess' or 'not_assess'")]),
    ("decision",         {"outcome": "assess", "colour": "red"},  [("colour", "does not apply to this event")]),
    ("draft_served",     {"setting": "URN-100001"},               [("setting", "does not apply to this event")]),
    ("advice_requested", {"contributor": "DCO\x00N"},
     [("contributor", "'DCO\\x00N' is not a contributor code (letters, digits and / _ . -, up to 40, starting "
                      "with a letter or digit)")]),
    ("advice_received",  {"agency": None},
     [("", "advice received must name the request (its key), the contributor or the agency")]),
    ("advice_received",  {"agency": "health", "advice": "DCO-N"},
     [("", "advice received names the request by its key alone, without the agency or contributor")]),
]


@pytest.mark.parametrize("event_type, options, problems", BAD_OPTIONS, ids=[
    "an outcome that is not one", "a field a decision does not have", "a setting on a draft",
    "a control character in a contributor code", "advice received from nobody named",
    "advice received named twice over"])
def test_fields_an_event_cannot_have_are_refused_naming_each_field(app, event_type, options, problems):
    intake(app)
    with pytest.raises(FieldProblems) as refused:
        casework.event_from_options(app, REF, event_type, d("2026-04-13"), options)
    assert list(refused.value.problems) == problems


# -- bringing a case level -----------------------------------------------------------------------


def test_a_resync_hands_the_case_over_again_whatever_orchestration_has_acted_on(app, orchestrator):
    intake(app)
    record(app, NOT_ASSESSED)
    orchestrator.run_passes(app)

    reply = casework.resync(app, REF)

    assert reply == "1 case(s) handed to orchestration (fake)"
    assert orchestrator.calls[-1] == ("hand_over", [REF])
    [nothing_new] = orchestrator.run_passes(app)
    assert (nothing_new.acted_before, nothing_new.events_acted_on, nothing_new.reviews_started) == (2, 2, ())


def test_a_resync_of_a_case_not_stored_is_refused_and_hands_nothing_over(app, orchestrator):
    with pytest.raises(CaseNotFound):
        casework.resync(app, "EHC/2026/999")
    assert orchestrator.calls == []


def test_a_resync_with_no_prefect_server_says_so(app, orchestrator):
    intake(app)
    orchestrator.unavailable = True

    assert casework.resync(app, REF) == f"not handed to orchestration: {NoOrchestration.reason}"


# -- how far orchestration has got ----------------------------------------------------------------


def level_of(app) -> casework.OrchestrationLevel | None:
    stored, _ = casework.show_case(app, REF, RECEIVED)
    return casework.orchestration_level(app, stored)


def test_the_case_shows_how_many_of_its_casework_events_orchestration_has_acted_on(app, orchestrator, clock):
    def prefect_refuses_the_advice_request():
        orchestrator.error = ConnectionError("connection refused")
        record(app, AdviceRequested(on=d("2026-04-13"), agency=Agency.HEALTH))
        orchestrator.error = None

    def a_reminder_is_noted_in_the_audit_trail():  # as the dispatcher notes a sent message: not casework
        with app.unit_of_work() as work:
            work.cases.record(REF, NotificationSent(on=d("2026-04-14"), outbox_key="k1", purpose="advice_due",
                                                    recipient_role="contributor:DCO-N", attempt=1),
                              "system", clock.now())

    def a_task_worker_runs_the_passes():
        orchestrator.run_passes(app)

    steps = [
        # what happens                                      stored  acted on  level
        (lambda: intake(app),                               1,      0,        False),  # handed over, no pass yet
        (a_task_worker_runs_the_passes,                     1,      1,        True),
        (lambda: record(app, NOT_ASSESSED),                 2,      1,        False),
        (a_task_worker_runs_the_passes,                     2,      2,        True),
        (lambda: casework.void_event(app, REF, 2, "wrong case", ACTOR), 3, 2, False),
        (a_task_worker_runs_the_passes,                     3,      3,        True),
        (prefect_refuses_the_advice_request,                4,      3,        False),
        (a_task_worker_runs_the_passes,                     4,      3,        False),  # nothing was handed over
        (a_reminder_is_noted_in_the_audit_trail,            4,      3,        False),
        (lambda: casework.resync(app, REF),                 4,      3,        False),
        (a_task_worker_runs_the_passes,                     4,      4,        True),
    ]
    for happens, stored, acted_on, level in steps:
        happens()
        shown = level_of(app)
        assert (shown.events_stored, shown.events_acted_on, shown.level) == (stored, acted_on, level)
        assert shown.as_dict() == {"events_stored": stored, "events_acted_on": acted_on}
    assert shown.describe() == "level, acted on all 4 events"


def test_a_case_behind_says_how_many_of_its_events_orchestration_has_acted_on(app, orchestrator):
    intake(app)
    orchestrator.run_passes(app)
    record(app, ASSESS)

    assert level_of(app).describe() == "acted on 1 of 2 events"


def test_with_no_orchestration_configured_the_case_shows_none(app, orchestrator):
    intake(app)
    orchestrator.unavailable = True

    assert level_of(app) is None


def test_with_prefect_unreachable_the_case_still_shows_how_far_orchestration_got_from_the_store(app, orchestrator):
    intake(app)
    orchestrator.run_passes(app)
    orchestrator.error = ConnectionError("connection refused")
    told = list(orchestrator.calls)

    shown = level_of(app)

    assert shown.as_dict() == {"events_stored": 1, "events_acted_on": 1}
    assert orchestrator.calls == told  # read from the store: Prefect is not asked


# -- finding cases --------------------------------------------------------------------------------


def test_cases_are_found_by_what_falls_due_earliest_first(app):
    given_cases(app, {
        # reference  received          decision due
        "EHC-A":     (d("2026-03-02"), ()),   # Mon 13 Apr
        "EHC-B":     (d("2026-03-09"), ()),   # Mon 20 Apr
        "EHC-C":     (d("2026-02-23"), ()),   # Mon  6 Apr
        "EHC-D":     (d("2026-02-16"), ()),   # Mon 30 Mar: missed
        "EHC-E":     (d("2026-02-16"), (Decision(on=d("2026-03-27"), outcome="not_assess"),)),  # closed
    })
    as_of = d("2026-04-06")

    def found(**filters) -> list[str]:
        return [record_.reference for record_, _ in casework.find_cases(app, as_of, **filters)]

    assert found() == ["EHC-D", "EHC-C", "EHC-A", "EHC-B", "EHC-E"]
    assert found(due_within=10) == ["EHC-C", "EHC-A"]
    assert found(overdue=True) == ["EHC-D"]
    assert found(stages=[Stage.NOT_ASSESSED]) == ["EHC-E"]

"""The in-memory case database (tests/fakes.py) against the real store: one scenario, the same answers.

The service tests (tests/services/) trust InMemoryCaseDatabase to behave as
CaseStore (and its orchestration progress as OrchestrationProgress) does; this
runs one short piece of casework through the services on both (the real store
on SQLite and on PostgreSQL, `database_url`) and asserts the same records,
stages, audit trails, timelines, refusals and cases behind, so the fake cannot
drift from the store unnoticed.

The case: received Mon 2 Mar 2026, decision to assess Fri 10 Apr, advice asked
of DCO-N and of the child's school on Mon 13 Apr, DCO-N's advice back Wed 20 May.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from config.settings import Settings
from domain.events import AdviceRequested, Agency, Decision, DraftServed, Received
from domain.intake import NewRequest
from domain.timeline import Stage
from ehc.bootstrap import App, bootstrap
from ehc.services import casework
from ehc.services.contributors import add_contributor, contributor_directory
from ehc.services.orchestration import catch_up
from tests.fakes import FixedClock, InMemoryCaseDatabase, RecordingOrchestrator

REF = "EHC/2026/042"
CLOSED = "EHC/2026/043"
ACTOR = "alice"
NOW = datetime(2026, 5, 20, 16, 45, tzinfo=timezone.utc)


def d(text: str) -> date:
    return date.fromisoformat(text)


def refusal(attempt) -> tuple[str, str]:
    try:
        attempt()
    except Exception as error:  # the type and the reason are what is compared
        return type(error).__name__, str(error)
    raise AssertionError("not refused")


def seen(done: casework.Recorded) -> dict:
    record = done.record
    return {"stage": record.stage, "events": record.events, "audit": record.audit,
            "timeline": done.timeline.model_dump(mode="json"), "orchestration": done.orchestration}


def scenario(app: App) -> dict:
    """The casework, and everything a caseworker would see of it, step by step."""
    steps: dict = {}

    def record(event):
        return casework.record_event(app, REF, event, ACTOR)

    def typed(event_type: str, on: str, **options):
        return record(casework.event_from_options(app, REF, event_type, d(on), options))

    add_contributor(app, "DCO-N", "Dr P Shah", "health", "North", "p.shah@nhs.example.uk")
    steps["intake"] = seen(casework.add_request(app, NewRequest(
        reference=REF, received=d("2026-03-02"), child_given_name="Ada", child_family_name="Lovelace",
        caseworker="A Okafor", setting="URN-100001"), ACTOR))
    steps["intake again"] = refusal(lambda: casework.add_request(
        app, NewRequest(reference=REF, received=d("2026-03-09")), ACTOR))
    steps["decision"] = seen(record(Decision(on=d("2026-04-10"), outcome="assess")))
    steps["advice asked of DCO-N"] = seen(typed("advice_requested", "2026-04-13", contributor="DCO-N"))
    steps["advice asked of the school"] = seen(typed("advice_requested", "2026-04-13", agency="education"))
    steps["refused"] = {
        "advice never asked for": refusal(lambda: typed("advice_received", "2026-05-20", agency="social_care")),
        "before receipt": refusal(lambda: record(DraftServed(on=d("2026-02-27")))),
        "received again": refusal(lambda: record(Received(on=d("2026-03-09")))),
        "unknown contributor": refusal(lambda: typed("advice_requested", "2026-04-13", contributor="DCO-X")),
        "unknown contributor, agency given": refusal(lambda: record(AdviceRequested(
            on=d("2026-04-13"), agency=Agency.HEALTH, contributor="DCO-X"))),
        "unknown case": refusal(lambda: casework.record_event(app, "EHC/2026/999", Decision(
            on=d("2026-04-10"), outcome="assess"), ACTOR)),
    }
    steps["advice back from DCO-N"] = seen(typed("advice_received", "2026-05-20", contributor="DCO-N"))
    steps["a unit of work that raises"] = refusal(lambda: _record_then_fail(app))
    casework.add_request(app, NewRequest(reference=CLOSED, received=d("2026-03-02")), ACTOR)
    casework.record_event(app, CLOSED, Decision(on=d("2026-04-10"), outcome="not_assess"), ACTOR)

    record_, timeline = casework.show_case(app, REF, d("2026-06-01"))
    steps["read back"] = {
        "record": record_, "timeline": timeline.model_dump(mode="json"),
        "progress": casework.read_progress(app, REF).model_dump(mode="json"),
        "due within 21 days of 1 Jun": [r.reference for r, _ in casework.find_cases(app, d("2026-06-01"),
                                                                                    due_within=21)],
        "due within 14 days of 1 Jun": [r.reference for r, _ in casework.find_cases(app, d("2026-06-01"),
                                                                                    due_within=14)],
        "overdue on 1 Jun": [r.reference for r, _ in casework.find_cases(app, d("2026-06-01"), overdue=True)],
        "every case": [r.reference for r, _ in casework.find_cases(app, d("2026-06-01"))],
        "a okafor's": [r.reference for r, _ in casework.find_cases(app, d("2026-06-01"), caseworker="a okafor")],
        "not assessed": [r.reference for r, _ in casework.find_cases(app, d("2026-06-01"),
                                                                     stages=[Stage.NOT_ASSESSED])],
        "catch-up": catch_up(app),
        "directory": contributor_directory(app),
    }
    with app.unit_of_work() as work:
        steps["read back"]["stored"] = work.cases.stored_references([REF, CLOSED, "EHC/2026/999"])
        steps["read back"]["known codes"] = work.cases.stored_contributor_codes(["DCO-N", "DCO-X"])
    steps["orchestration"] = orchestration_progress(app)
    steps["void"] = seen(casework.void_event(app, REF, 5, "advice logged on the wrong case", ACTOR))
    steps["void refused"] = {
        "voided twice": refusal(lambda: casework.void_event(app, REF, 5, "again", ACTOR)),
        "a void voided": refusal(lambda: casework.void_event(app, REF, 6, "undo", ACTOR)),
        "the receipt": refusal(lambda: casework.void_event(app, REF, 1, "wrong date", ACTOR)),
        "no such event": refusal(lambda: casework.void_event(app, REF, 99, "typo", ACTOR)),
    }
    steps["reassign"] = seen(casework.reassign_case(app, REF, ACTOR, caseworker="B Singh", team="South"))
    steps["after corrections"] = {
        "record": casework.show_case(app, REF, d("2026-06-01"))[0],
        "B Singh's": [r.reference for r, _ in casework.find_cases(app, d("2026-06-01"), caseworker="B Singh")],
        "A Okafor's": [r.reference for r, _ in casework.find_cases(app, d("2026-06-01"), caseworker="A Okafor")],
        "progress": casework.read_progress(app, REF).model_dump(mode="json"),
    }
    steps["told"] = app.orchestrator.calls
    return steps


def orchestration_progress(app: App) -> dict:
    """The closed case acted on by a pass, then by a late pass that had read less; what is behind then."""
    with app.unit_of_work() as work:
        work.orchestration.acted_on(CLOSED, 2, NOW)
        work.orchestration.acted_on(CLOSED, 1, NOW)
    with app.unit_of_work() as work:
        progress = {
            "acted on": {reference: work.orchestration.events_acted_on(reference) for reference in (REF, CLOSED)},
            "behind": work.orchestration.cases_behind(),
            "of the closed case, behind": work.orchestration.cases_behind([CLOSED]),
            "unknown case": refusal(lambda: work.orchestration.events_acted_on("EHC/2026/999"))}
    progress["levels"] = [casework.orchestration_level(app, casework.show_case(app, reference, NOW.date())[0])
                          for reference in (REF, CLOSED)]
    return progress


def _record_then_fail(app: App) -> None:
    with app.unit_of_work() as work:
        work.cases.record(REF, DraftServed(on=d("2026-05-21")), ACTOR, NOW)
        raise RuntimeError("the command failed after recording: nothing of it may stand")


@pytest.fixture
def real_app(database_url, tmp_path) -> App:
    app = bootstrap(Settings(database_url=database_url, state_dir=tmp_path / "state"),
                    orchestrator=RecordingOrchestrator(), clock=FixedClock(NOW))
    yield app
    app.engine.dispose()


def in_memory_app(settings: Settings) -> App:
    """An App like the real one but for the database: the same LA calendar and closures, clock and orchestrator."""
    la = bootstrap(settings)  # for the calendar and closures only, built from the LA config as the App builds them
    return bootstrap(settings, orchestrator=RecordingOrchestrator(), clock=FixedClock(NOW),
                     database=InMemoryCaseDatabase(la.calendar, la.closures))


def test_the_in_memory_database_answers_the_scenario_as_the_real_store_does(real_app):
    fake, real = scenario(in_memory_app(real_app.settings)), scenario(real_app)
    assert fake.keys() == real.keys()
    for step in real:
        assert fake[step] == real[step], step


def test_the_scenario_itself_records_what_the_casework_says(tmp_path):
    """What both answer, spelt out, so that the two agreeing on something wrong would not pass unnoticed."""
    steps = scenario(in_memory_app(Settings(state_dir=tmp_path / "state")))

    assert [steps[step]["stage"] for step in ("intake", "decision", "advice asked of DCO-N",
                                              "advice asked of the school", "advice back from DCO-N")] == [
        Stage.AWAITING_DECISION, Stage.ASSESSMENT, Stage.ASSESSMENT, Stage.ASSESSMENT, Stage.ASSESSMENT]
    assert steps["intake again"] == ("DuplicateReference", f"reference: a case {REF!r} already exists")
    assert steps["refused"] == {
        "advice never asked for": ("EventRejected", "no advice was requested from social_care on or before 2026-05-20"),
        "before receipt": ("EventRejected", "draft served on 2026-02-27 is before the request was received on 2026-03-02"),
        "received again": ("EventRejected", "the request was already received on 2026-03-02"),
        "unknown contributor": ("EventRejected",
                                "contributor: no contributor with code 'DCO-X' (add it with `ehc contributors add`)"),
        "unknown contributor, agency given": (
            "EventRejected", "contributor: no contributor with code 'DCO-X' (add it with `ehc contributors add`)"),
        "unknown case": ("CaseNotFound", "no case with reference 'EHC/2026/999'"),
    }
    assert steps["a unit of work that raises"][0] == "RuntimeError"
    back = steps["read back"]
    assert [(event.type, event.on.isoformat()) for event in back["record"].events] == [
        ("received", "2026-03-02"), ("decision", "2026-04-10"), ("advice_requested", "2026-04-13"),
        ("advice_requested", "2026-04-13"), ("advice_received", "2026-05-20")]
    assert {entry["recorded_at"] for entry in back["record"].audit} == {"2026-05-20T16:45:00+00:00"}
    # REF's school advice was due Mon 25 May and has not come; its no-plan notice is due Mon 22 Jun.
    assert (back["overdue on 1 Jun"], back["due within 14 days of 1 Jun"], back["due within 21 days of 1 Jun"]) == (
        [REF], [], [REF])
    assert back["every case"] == [REF, CLOSED]
    assert back["a okafor's"] == [REF]  # A Okafor's, whatever the case of the letters typed
    assert back["not assessed"] == [CLOSED]
    assert back["catch-up"] == {"behind": 2}  # no pass has acted on either case
    assert steps["orchestration"] == {
        "acted on": {REF: 0, CLOSED: 2}, "behind": [REF], "of the closed case, behind": [],
        "unknown case": ("CaseNotFound", "no case with reference 'EHC/2026/999'"),
        "levels": [casework.OrchestrationLevel(5, 0), casework.OrchestrationLevel(2, 2)]}
    assert back["stored"] == {REF, CLOSED}
    assert back["known codes"] == {"DCO-N"}
    corrected = steps["after corrections"]
    assert [(e["sequence"], e["type"]) for e in corrected["record"].audit][4:] == [
        (5, "advice_received"), (6, "event_voided"), (7, "case_reassigned")]
    assert corrected["record"].audit[5]["details"] == {
        "sequence": 5, "voided_type": "advice_received", "voided_on": "2026-05-20",
        "reason": "advice logged on the wrong case"}
    assert [a["received_on"] for a in corrected["progress"]["advice"]] == [None, None]  # DCO-N's awaited again
    assert (corrected["record"].caseworker, corrected["record"].team) == ("B Singh", "South")
    assert (corrected["B Singh's"], corrected["A Okafor's"]) == ([REF], [])
    assert steps["void refused"] == {
        "voided twice": ("EventRejected", "#5 advice received on 2026-05-20 was already voided by #6"),
        "a void voided": ("EventRejected", "#6 event voided on 2026-05-20 is itself a correction and cannot be "
                                           "voided; record the voided event #5 again instead"),
        "the receipt": ("EventRejected", "the receipt (#1 received on 2026-03-02) cannot be voided while later "
                                         "events stand (#2 decision on 2026-04-10, #3 advice requested on "
                                         "2026-04-13, #4 advice requested on 2026-04-13)"),
        "no such event": ("FieldProblems", f"event: {REF} has no event #99 (its events are #1 to #6, as "
                                           f"`ehc case show` lists them)"),
    }
    assert steps["told"] == [("hand_over", [REF])] * 5 + [("hand_over", [CLOSED])] * 2 + [
        ("hand_over", [REF, CLOSED]), ("hand_over", [REF]), ("hand_over", [REF])]  # the catch-up, void, reassign

"""One `ehc-request` run per request: it suspends while people act and resumes on each recorded event."""

from __future__ import annotations

import time
from datetime import date

import pytest

from domain.events import parse_event
from domain.intake import NewRequest
from ehc.services import casework
from prefect_runs import completed, flow_runs, suspended_after, wait_for_run, wait_until_completed

pytestmark = pytest.mark.flows

RECEIVED = date(2026, 6, 1)


def _new_request(app, reference: str, given: str = "Zebedee", family: str = "Quartermaine"):
    return casework.add_request(app, NewRequest(reference=reference, received=RECEIVED, child_given_name=given,
                                                child_family_name=family, caseworker="cw.one"), "flow-test")


def _record(app, reference: str, event_type: str, on: date, **payload):
    return casework.record_event(app, reference, parse_event(event_type, on, payload), "flow-test")


def test_a_request_is_carried_from_intake_to_its_final_plan(app, server):
    started = _new_request(app, "EHC-F-0001")
    assert "started" in started.orchestration
    wait_for_run("EHC-F-0001", suspended_after(1), "the run to wait for a decision", log=server.log)

    assert "resumed" in _record(app, "EHC-F-0001", "decision", date(2026, 7, 6), outcome="assess").orchestration
    wait_for_run("EHC-F-0001", suspended_after(2), "the run to wait for the draft", log=server.log)

    _record(app, "EHC-F-0001", "draft_served", date(2026, 9, 14))
    wait_for_run("EHC-F-0001", suspended_after(3), "the run to wait for the final plan", log=server.log)

    _record(app, "EHC-F-0001", "final_issued", date(2026, 10, 12))
    run = wait_for_run("EHC-F-0001", completed, "the run to complete", log=server.log)

    assert run.state.result() == "EHC-F-0001: issued on 2026-10-12"
    assert len(flow_runs(names=["EHC-F-0001"])) == 1, "one run carried the request all the way"
    reviews = sorted(review.name for review in flow_runs("quality-review"))
    assert "quality-review-EHC-F-0001-draft" in reviews and "quality-review-EHC-F-0001-final" in reviews
    assert reviews.count("quality-review-EHC-F-0001-draft") == 1
    review = wait_until_completed("quality-review", "quality-review-EHC-F-0001-final")
    assert review.state.result()["skipped"].startswith("no plan attached")  # nothing attached in this test


def test_a_decision_not_to_assess_ends_the_run(app, server):
    _new_request(app, "EHC-F-0002")
    wait_for_run("EHC-F-0002", suspended_after(1), "the run to wait for a decision", log=server.log)
    _record(app, "EHC-F-0002", "decision", date(2026, 7, 1), outcome="not_assess")
    run = wait_for_run("EHC-F-0002", completed, "the run to complete", log=server.log)
    assert run.state.result() == "EHC-F-0002: not_assessed on 2026-07-01"
    assert _level(app, "EHC-F-0002").as_dict() == {"events_stored": 2, "events_acted_on": 2}, \
        "a completed run has acted on every event recorded before it ended"


def _level(app, reference: str) -> casework.OrchestrationLevel:
    stored, _ = casework.show_case(app, reference, RECEIVED)
    return casework.orchestration_level(app, stored)


def _wait_until_level(app, reference: str, events: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while (shown := _level(app, reference)).as_dict() != {"events_stored": events, "events_acted_on": events}:
        assert time.monotonic() < deadline, f"{reference}: not level within {timeout:.0f} s: {shown}"
        time.sleep(0.3)


def test_a_case_shows_orchestration_level_once_its_run_has_acted_on_each_recorded_event(app, server):
    _new_request(app, "EHC-F-0008")
    _wait_until_level(app, "EHC-F-0008", 1)

    _record(app, "EHC-F-0008", "decision", date(2026, 7, 6), outcome="assess")
    resuming = _level(app, "EHC-F-0008")  # a resumed run starts a new process: it has not read the decision yet
    assert resuming.as_dict() == {"events_stored": 2, "events_acted_on": 1} and not resuming.level

    _wait_until_level(app, "EHC-F-0008", 2)
    assert flow_runs(names=["EHC-F-0008"])[0].state.is_paused()


def test_a_run_killed_with_its_server_resumes_on_the_next_event_and_repeats_nothing(app, server):
    _new_request(app, "EHC-F-0003")
    wait_for_run("EHC-F-0003", suspended_after(1), "the first suspend", log=server.log)
    _record(app, "EHC-F-0003", "decision", date(2026, 7, 6), outcome="assess")
    wait_for_run("EHC-F-0003", suspended_after(2), "the second suspend", log=server.log)
    _record(app, "EHC-F-0003", "draft_served", date(2026, 9, 14))
    wait_for_run("EHC-F-0003", suspended_after(3), "the third suspend", log=server.log)

    server.kill()
    server.start()

    assert "resumed" in _record(app, "EHC-F-0003", "final_issued", date(2026, 10, 12)).orchestration
    run = wait_for_run("EHC-F-0003", completed, "the run to complete after the restart", log=server.log)

    assert run.state.result() == "EHC-F-0003: issued on 2026-10-12"
    assert len(flow_runs(names=["EHC-F-0003"])) == 1
    reviews = [review.name for review in flow_runs("quality-review")]
    assert reviews.count("quality-review-EHC-F-0003-draft") == 1, "the draft's review was not started again"
    assert reviews.count("quality-review-EHC-F-0003-final") == 1
    wait_until_completed("quality-review", "quality-review-EHC-F-0003-final")


def test_resync_starts_a_new_run_for_a_cancelled_one_which_catches_up_from_the_store(app, server):
    from prefect.client.orchestration import get_client
    from prefect.states import Cancelled

    _new_request(app, "EHC-F-0004")
    first = wait_for_run("EHC-F-0004", suspended_after(1), "the first suspend", log=server.log)
    _record(app, "EHC-F-0004", "decision", date(2026, 7, 6), outcome="assess")
    wait_for_run("EHC-F-0004", suspended_after(2), "the second suspend", log=server.log)
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(first.id, Cancelled(), force=True)

    assert "started" in casework.resync(app, "EHC-F-0004")
    second = wait_for_run("EHC-F-0004", suspended_after(2), "the new run to catch up to the decision",
                          log=server.log)
    assert second.id != first.id


def test_the_catch_up_sweep_starts_missing_runs_and_resumes_runs_behind_the_store(app, server):
    _new_request(app, "EHC-F-0005")
    wait_for_run("EHC-F-0005", suspended_after(1), "the first suspend", log=server.log)
    casework.add_request(app, NewRequest(reference="EHC-F-0006", received=RECEIVED), "flow-test", start_run=False)
    behind = app.orchestrator
    app.orchestrator = type("Unreachable", (), {"case_changed": lambda *_: (_ for _ in ()).throw(OSError("down"))})()
    told = _record(app, "EHC-F-0005", "decision", date(2026, 7, 6), outcome="assess")
    assert "not told" in told.orchestration and "resync" in told.orchestration
    app.orchestrator = behind

    summary = casework.catch_up_all(app)

    assert summary["started"] >= 1 and summary["resumed"] >= 1
    wait_for_run("EHC-F-0005", suspended_after(2), "the resumed run to reach the decision", log=server.log)
    wait_for_run("EHC-F-0006", suspended_after(1), "the started run to wait for a decision", log=server.log)


def test_flow_runs_carry_case_references_and_never_a_childs_name(app, server, prefect_db_path, prefect_text,
                                                                  tmp_path):
    _new_request(app, "EHC-F-0007", given="Philomena", family="Zanzibarova")
    wait_for_run("EHC-F-0007", suspended_after(1), "the first suspend", log=server.log)
    _record(app, "EHC-F-0007", "decision", date(2026, 7, 6), outcome="assess")
    _record(app, "EHC-F-0007", "advice_requested", date(2026, 7, 7), agency="health")
    wait_for_run("EHC-F-0007", suspended_after(3), "the third suspend", log=server.log)

    results = [path for path in (tmp_path / "results").rglob("*") if path.is_file()]
    held = prefect_text(prefect_db_path, results)
    assert "EHC-F-0007" in held and results, "the run and its task results are there, by case reference"
    assert "Philomena" not in held and "Zanzibarova" not in held

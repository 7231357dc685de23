"""One short `case-pass` per recorded event, run by the task worker in `ehc serve`; the waiting is in the store.

Each test takes its own case through `ehc.services.casework` (as `ehc request add` and `ehc case record`
do: store first, then hand over) with `ehc serve` running against the session's Prefect test server, and
waits until the store shows the case level: a pass has acted on every casework event recorded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.events import parse_event
from domain.intake import NewRequest
from ehc.orchestration.runs import flow_runs, task_runs
from ehc.services import casework
from ehc.services.messages import list_outbox
from ehc.services.orchestration import catch_up
from ehc.services.plan_quality import attach_plan
from prefect_runs import finished_passes, level, pass_logs, review_names, wait_until_completed, wait_until_level
from tests.fakes import RecordingOrchestrator

pytestmark = pytest.mark.flows

RECEIVED = date(2026, 6, 1)
PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "typical.json"


def _new_request(app, reference: str, given: str = "Zebedee", family: str = "Quartermaine"):
    return casework.add_request(app, NewRequest(reference=reference, received=RECEIVED, child_given_name=given,
                                                child_family_name=family, caseworker="cw.one"), "flow-test")


def _with_plans(app, reference: str) -> None:
    """The draft and final plans' documents attached (`ehc qa attach`), so their reviews have something to
    score: with no document a pass starts no review."""
    attach_plan(app, reference, "draft", PLAN, date(2026, 9, 14))
    attach_plan(app, reference, "final", PLAN, date(2026, 10, 12))


def _record(app, reference: str, event_type: str, on: date, **payload):
    return casework.record_event(app, reference, parse_event(event_type, on, payload), "flow-test")


def _with_health_contributor(app):
    with app.unit_of_work() as work:
        work.cases.add_contributor("DCO-NORTH", "Health (DCO-NORTH)", "health", email="dco.north@example.nhs.uk",
                                   escalation_email="dco.north.manager@example.nhs.uk")
    return app


def _messages(app, reference: str) -> list[tuple[str, str, str]]:
    """The case's queued messages as a recipient tells them apart: what for, to whom, due when."""
    return sorted((message.purpose, message.recipient, message.due_on.isoformat())
                  for message in list_outbox(app, case_reference=reference).messages)


# The request's casework after intake, and what its pass starts that someone would notice.
JOURNEY = [
    ("decision", date(2026, 7, 6), {"outcome": "assess"}, "nothing but the level"),
    ("advice_requested", date(2026, 7, 7), {"agency": "health", "contributor": "DCO-NORTH"}, "messages"),
    ("draft_served", date(2026, 9, 14), {}, "the draft's review"),
    ("final_issued", date(2026, 10, 12), {}, "the final plan's review"),
]


def test_a_request_is_carried_from_intake_to_its_final_plan_one_pass_per_event(app, server):
    _with_health_contributor(app)
    added = _new_request(app, "EHC-F-0001")
    _with_plans(app, "EHC-F-0001")
    assert added.orchestration.startswith("handed to orchestration (task run ")
    wait_until_level(app, ["EHC-F-0001"], log=server.log)
    assert level(app, "EHC-F-0001").as_dict() == {"events_stored": 1, "events_acted_on": 1}

    for stored, (event_type, on, payload, noticed) in enumerate(JOURNEY, start=2):
        messages_before = _messages(app, "EHC-F-0001")
        assert "handed to orchestration" in _record(app, "EHC-F-0001", event_type, on, **payload).orchestration
        wait_until_level(app, ["EHC-F-0001"], log=server.log)
        assert level(app, "EHC-F-0001").as_dict() == {"events_stored": stored, "events_acted_on": stored}
        passes = finished_passes("EHC-F-0001", stored, log=server.log)
        assert [run.name for run in passes] == ["EHC-F-0001"] * stored, "one pass per event, named by the case"
        assert all(run.state.is_completed() for run in passes)
        if noticed == "messages":
            assert len(_messages(app, "EHC-F-0001")) > len(messages_before), "the contributor is asked for advice"
        else:
            assert _messages(app, "EHC-F-0001") == messages_before, f"{event_type}: no message twice"

    assert review_names("EHC-F-0001") == ["quality-review-EHC-F-0001-draft", "quality-review-EHC-F-0001-final"], \
        "each plan's quality review started once"
    review = wait_until_completed("quality-review", "quality-review-EHC-F-0001-final")
    assert review.state.result()["reference"] == "EHC-F-0001" and review.state.result()["grade"]
    assert pass_logs("EHC-F-0001", 5)[-1] == (
        "EHC-F-0001: acted on events 5 to 5 (0 message(s) queued, final plan's quality review started); "
        "issued on 2026-10-12")


def test_a_decision_not_to_assess_ends_the_request_with_nothing_started(app, server):
    _new_request(app, "EHC-F-0002")
    _record(app, "EHC-F-0002", "decision", date(2026, 7, 1), outcome="not_assess")
    wait_until_level(app, ["EHC-F-0002"], log=server.log)

    assert level(app, "EHC-F-0002").as_dict() == {"events_stored": 2, "events_acted_on": 2}
    assert pass_logs("EHC-F-0002", 2)[-1].endswith("; not_assessed on 2026-07-01")
    assert review_names("EHC-F-0002") == [] and _messages(app, "EHC-F-0002") == []


def test_several_events_recorded_at_once_on_one_case_end_level_each_message_queued_once(app, server):
    _with_health_contributor(app)
    _new_request(app, "EHC-F-0003")
    _with_plans(app, "EHC-F-0003")
    for event_type, on, payload, _ in JOURNEY[:3]:  # no waiting between them: passes overlap, the lock holds
        _record(app, "EHC-F-0003", event_type, on, **payload)

    wait_until_level(app, ["EHC-F-0003"], log=server.log)
    assert level(app, "EHC-F-0003").as_dict() == {"events_stored": 4, "events_acted_on": 4}
    finished_passes("EHC-F-0003", 4, log=server.log)
    messages = _messages(app, "EHC-F-0003")
    assert messages and len(set(messages)) == len(messages), "the contributor is asked for advice, once"
    assert review_names("EHC-F-0003") == ["quality-review-EHC-F-0003-draft"]


def test_resync_hands_the_case_over_again_and_a_pass_with_nothing_new_changes_nothing(app, server, dump_tables):
    _with_health_contributor(app)
    _new_request(app, "EHC-F-0004")
    _with_plans(app, "EHC-F-0004")
    for event_type, on, payload, _ in JOURNEY[:3]:
        _record(app, "EHC-F-0004", event_type, on, **payload)
    wait_until_level(app, ["EHC-F-0004"], log=server.log)
    finished_passes("EHC-F-0004", 4, log=server.log)
    before = dump_tables()

    assert casework.resync(app, "EHC-F-0004").startswith("handed to orchestration (task run ")
    finished_passes("EHC-F-0004", 5, log=server.log)

    assert pass_logs("EHC-F-0004", 5)[-1] == "EHC-F-0004: nothing new since event 4; waiting for final plan"
    assert dump_tables() == before, "the store is as it was: no message, no new level, no time acted"
    assert review_names("EHC-F-0004") == ["quality-review-EHC-F-0004-draft"]


def test_the_catch_up_levels_a_case_whose_hand_over_was_lost(app, server):
    _new_request(app, "EHC-F-0005")
    wait_until_level(app, ["EHC-F-0005"], log=server.log)
    serving = app.orchestrator
    app.orchestrator = RecordingOrchestrator(error=OSError("connection refused"))
    told = _record(app, "EHC-F-0005", "decision", date(2026, 7, 6), outcome="assess")
    app.orchestrator = serving
    assert told.orchestration.startswith("not handed to orchestration (OSError: connection refused)")
    assert level(app, "EHC-F-0005").as_dict() == {"events_stored": 2, "events_acted_on": 1}

    assert catch_up(app) == {"behind": 1}  # what the `catch-up` flow does every 10 minutes
    wait_until_level(app, ["EHC-F-0005"], log=server.log)
    assert catch_up(app) == {"behind": 0}


def test_passes_carry_case_references_and_never_a_childs_name(app, server, prefect_db_path, prefect_text,
                                                              results_dir):
    _with_health_contributor(app)
    _new_request(app, "EHC-F-0007", given="Philomena", family="Zanzibarova")
    _with_plans(app, "EHC-F-0007")
    for event_type, on, payload, _ in JOURNEY:
        _record(app, "EHC-F-0007", event_type, on, **payload)
    wait_until_level(app, ["EHC-F-0007"], log=server.log)
    finished_passes("EHC-F-0007", 5, log=server.log)
    wait_until_completed("quality-review", "quality-review-EHC-F-0007-final")
    pass_logs("EHC-F-0007", 5)

    results = [path for path in results_dir.rglob("*") if path.is_file()]
    held = prefect_text(prefect_db_path, results)
    assert "EHC-F-0007" in held and results, "the passes and their results are there, by case reference"
    assert "Philomena" not in held and "Zanzibarova" not in held
    assert task_runs(["Philomena", "Zanzibarova"]) == [] and flow_runs(None, names=["Philomena"]) == []

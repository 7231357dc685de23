"""`ehc serve` SIGKILLed while case passes are in flight: started again, it brings every case level and
repeats nothing.

`ehc serve` is down (stopped, as for an upgrade) while twenty assessed requests (SQLite store) each get
their health advice request recorded, and every fourth its draft plan too; each hand-over waits in the
Prefect server. `ehc serve` starts: its catch-up hands all twenty over, and its task worker takes the
waiting hand-overs as well, ten passes at a time (two passes of a case take turns on its lock). Between 0.3
and 1 s after the first case is level, `ehc serve` is SIGKILLed with its whole process group (its passes,
and the quality reviews its runner started): a power cut. Passes cut short leave their cases behind in the
store. Started again, `ehc serve` hands every case behind over at start-up. Then every case is level, the
outbox holds each message once and nothing due is missing, and each draft's quality review was started once.
"""

from __future__ import annotations

import random
import time
from datetime import date
from pathlib import Path

import pytest

from config.settings import Settings
from domain.events import parse_event
from domain.intake import NewRequest
from ehc.bootstrap import bootstrap
from ehc.clock import now_utc
from ehc.demo.synthetic import add_synthetic_contributors
from ehc.orchestration.orchestrator import TaskWorkerOrchestrator
from ehc.orchestration.runs import task_runs
from ehc.services import casework
from ehc.services.plan_quality import attach_plan
from ehc.services.messages import queue_case_messages
from store.db import upgrade
from tests.flows.prefect_runs import level, review_names, wait_until_level
from tests.reliability.processes import ehc_serve, serving_environment
from tests.reliability.stores import outbox_count, outbox_messages, same_message_twice

CASES = 20
REFERENCES = [f"EHC-K-{number:04d}" for number in range(1, CASES + 1)]
PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "typical.json"
WITH_DRAFT = REFERENCES[3::4]  # a quality review each: its flow run is a process of its own
RECEIVED, DECIDED, ADVICE_ASKED, DRAFT_SERVED = date(2026, 6, 1), date(2026, 7, 6), date(2026, 7, 7), date(2026, 9, 14)
CONTRIBUTOR = "DCO-NORTH"

pytestmark = pytest.mark.flows


def test_ehc_serve_killed_with_passes_in_flight_brings_every_case_level_on_restart_and_repeats_nothing(
        tmp_path, prefect_api_url, report):
    started = time.monotonic()
    rng = random.Random(16)
    state_dir, results, log = tmp_path / "state", tmp_path / "results", tmp_path / "serve.log"
    app = bootstrap(Settings(state_dir=state_dir, database_url=None),
                    orchestrator=TaskWorkerOrchestrator(prefect_api_url, results))
    upgrade(app.engine)
    env = serving_environment(prefect_api_url, state_dir, results)
    serving = ehc_serve(env, log)  # registers the deployments: a pass starts a quality review through one
    serving.stop()  # then down, as for an upgrade, while caseworkers go on recording
    try:
        _assessed_requests(app)
        for reference in REFERENCES:  # each hand-over waits in the Prefect server
            _record(app, reference, "advice_requested", ADVICE_ASKED, agency="health", contributor=CONTRIBUTOR)
            if reference in WITH_DRAFT:
                _record(app, reference, "draft_served", DRAFT_SERVED)
        serving = ehc_serve(env, log)  # hands all twenty over at start-up, and takes the waiting hand-overs
        _wait_until_any_level(app, log)
        time.sleep(rng.uniform(0.3, 1.0))
        serving.kill()
        cut_short = [run.name for run in task_runs(REFERENCES) if run.state and run.state.is_running()]
        behind = [reference for reference in REFERENCES if not level(app, reference).level]
        messages_before = outbox_count(app.engine)
        assert cut_short, "no pass was running at the kill"

        serving = ehc_serve(env, log)
        wait_until_level(app, REFERENCES, log=log)
    finally:
        serving.stop()

    # The last two start-ups' catch-ups (the first start-up may be stopped before it gets to its own: its
    # deployments can already be on the shared server from an earlier test).
    assert [line for line in log.read_text().splitlines() if line.startswith("Catch-up:")][-2:] == [
        f"Catch-up: {count} case(s) and 0 plan(s) behind the store handed over" for count in (CASES, len(behind))]
    assert [count for count in outbox_messages(app.engine).values() if count > 1] == []
    assert same_message_twice(app.engine) == []
    assert sum(queue_case_messages(app, reference, app.clock.today()) for reference in REFERENCES) == 0, \
        "nothing due was left unqueued"
    assert {reference: review_names(reference) for reference in REFERENCES} == {
        reference: [f"quality-review-{reference}-draft"] if reference in WITH_DRAFT else []
        for reference in REFERENCES}
    report("`ehc serve` SIGKILLed with case passes in flight", cases=CASES, passes_cut_short=len(cut_short),
           behind_at_restart=len(behind), messages_before_restart=messages_before,
           messages=outbox_count(app.engine), reviews=len(WITH_DRAFT), seconds=round(time.monotonic() - started, 1))


def _assessed_requests(app) -> None:
    """Stored straight into the store, nothing handed over: each is behind until its next event's hand-over."""
    with app.unit_of_work() as work:
        add_synthetic_contributors(work.cases)
        for reference in REFERENCES:
            work.cases.add_request(NewRequest(reference=reference, received=RECEIVED, child_given_name="Zebedee",
                                              caseworker="cw.one"), "crash-test", now_utc())
            work.cases.record(reference, parse_event("decision", DECIDED, {"outcome": "assess"}), "crash-test",
                              now_utc())
    for reference in WITH_DRAFT:  # the draft's document, so the review its pass starts has something to score
        attach_plan(app, reference, "draft", PLAN, DRAFT_SERVED)


def _wait_until_any_level(app, log, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(level(app, reference).level for reference in REFERENCES):
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
        time.sleep(0.05)


def _record(app, reference: str, event_type: str, on: date, **payload) -> None:
    recorded = casework.record_event(app, reference, parse_event(event_type, on, payload), "crash-test")
    assert recorded.orchestration.startswith("handed to orchestration"), recorded.orchestration

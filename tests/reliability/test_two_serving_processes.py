"""Two `ehc serve` processes on one PostgreSQL case store and one Prefect server: the passes are shared between
them, and no two passes of a case ever overlap.

One `ehc serve` runs everything; a second runs only the case passes (`--passes-only`, as a second machine
beside a work pool's workers would). Six caseworkers record at once on 24 assessed requests: two advice
requests each, and every sixth its draft plan, one event straight after another, so a case's passes are
often taken by both processes at the same moment. Every case ends level, and each pass's log (both
processes') shows when it held its case: for each case, no pass took it before the one before had let it
go (the PostgreSQL advisory lock of store/pass_lock.py). The outbox holds each message once and each draft's
quality review was started once.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from config.settings import Settings
from domain.events import parse_event
from domain.intake import NewRequest
from ehc.bootstrap import bootstrap
from ehc.clock import now_utc
from ehc.demo.synthetic import add_synthetic_contributors
from ehc.orchestration.orchestrator import TaskWorkerOrchestrator
from ehc.services import casework
from ehc.services.plan_quality import attach_plan
from tests.flows.prefect_runs import review_names, wait_until_level
from tests.reliability.processes import ehc_serve, serving_environment
from tests.reliability.stores import outbox_messages, same_message_twice

CASES = 24
CASEWORKERS = 6
REFERENCES = [f"EHC-T-{number:04d}" for number in range(1, CASES + 1)]
PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "typical.json"
WITH_DRAFT = REFERENCES[5::6]
# Each case's casework after the decision, recorded one straight after another.
CASEWORK = [("advice_requested", date(2026, 7, 7), {"agency": "health", "contributor": "DCO-NORTH"}),
            ("advice_requested", date(2026, 7, 8), {"agency": "social_care", "contributor": "CSC-DISABLED-CHILDREN"})]
DRAFT = ("draft_served", date(2026, 9, 14), {})
HELD = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) \| INFO +\| Task run '[^']*' - (\S+): pass (holds the case|lets the case go)$")

pytestmark = [pytest.mark.flows, pytest.mark.postgres]


def test_two_serving_processes_share_the_passes_and_never_work_one_case_at_once(
        tmp_path, prefect_api_url, postgres_databases, migrated_postgres_template, report):
    started, since = time.monotonic(), datetime.now()
    database_url = postgres_databases.create(template=migrated_postgres_template)
    state_dir, results = tmp_path / "state", tmp_path / "results"
    app = bootstrap(Settings(state_dir=state_dir, database_url=database_url),
                    orchestrator=TaskWorkerOrchestrator(prefect_api_url, results))
    env = serving_environment(prefect_api_url, state_dir, results, database_url)
    logs = [tmp_path / "serve.log", tmp_path / "passes-only.log"]
    serving = [ehc_serve(env, logs[0])]
    try:
        serving.append(ehc_serve(env, logs[1], passes_only=True))
        _assessed_requests(app)
        with ThreadPoolExecutor(max_workers=CASEWORKERS) as caseworkers:
            list(caseworkers.map(lambda reference: _casework(app, reference), REFERENCES))
        wait_until_level(app, REFERENCES, log=logs[1])
    finally:
        for process in serving:
            process.stop()

    held = [_held_spans(log, since) for log in logs]
    assert all(held), f"a process passed no case: {[len(spans) for spans in held]}; the test proves nothing"
    by_case = defaultdict(list)
    for spans in held:
        for reference, taken, let_go in spans:
            by_case[reference].append((taken, let_go))
    overlaps = [(reference, earlier, later) for reference, spans in by_case.items()
                for earlier, later in zip(sorted(spans), sorted(spans)[1:]) if later[0] < earlier[1]]
    assert overlaps == []
    assert set(by_case) == set(REFERENCES)
    assert [count for count in outbox_messages(app.engine).values() if count > 1] == []
    assert same_message_twice(app.engine) == []
    assert {reference: review_names(reference) for reference in WITH_DRAFT} == {
        reference: [f"quality-review-{reference}-draft"] for reference in WITH_DRAFT}
    both = {reference for reference, _, _ in held[0]} & {reference for reference, _, _ in held[1]}
    report("two `ehc serve` processes (one --passes-only) on one PostgreSQL store", cases=CASES,
           events=CASES * len(CASEWORK) + len(WITH_DRAFT), passes=[len(spans) for spans in held],
           cases_passed_by_both=len(both), overlaps=len(overlaps), seconds=round(time.monotonic() - started, 1))


def _assessed_requests(app) -> None:
    """Stored straight into the store, nothing handed over: each is behind until its next event's hand-over."""
    with app.unit_of_work() as work:
        add_synthetic_contributors(work.cases)
        for reference in REFERENCES:
            work.cases.add_request(NewRequest(reference=reference, received=date(2026, 6, 1),
                                              caseworker="cw.one"), "crash-test", now_utc())
            work.cases.record(reference, parse_event("decision", date(2026, 7, 6), {"outcome": "assess"}),
                              "crash-test", now_utc())
    for reference in WITH_DRAFT:  # the draft's document, so the review its pass starts has something to score
        attach_plan(app, reference, "draft", PLAN, date(2026, 9, 14))


def _casework(app, reference: str) -> None:
    for event_type, on, payload in CASEWORK + ([DRAFT] if reference in WITH_DRAFT else []):
        recorded = casework.record_event(app, reference, parse_event(event_type, on, payload), "crash-test")
        assert recorded.orchestration.startswith("handed to orchestration"), recorded.orchestration


def _held_spans(log: Path, since: datetime) -> list[tuple[str, datetime, datetime]]:
    """(reference, taken, let go) for each pass in one process's log. Within a process a case's lines
    alternate (its lock holds there too), so each "lets go" closes the case's open "holds"."""
    spans, open_since = [], {}
    for line in log.read_text(errors="replace").splitlines():
        if not (found := HELD.match(line)):
            continue
        at = datetime.combine(since.date(), datetime.strptime(found[1], "%H:%M:%S.%f").time())
        if at < since - timedelta(minutes=1):  # logged after midnight
            at += timedelta(days=1)
        reference = found[2]
        if found[3] == "holds the case":
            assert reference not in open_since, f"{log.name}: two passes held {reference} at once"
            open_since[reference] = at
        else:
            spans.append((reference, open_since.pop(reference), at))
    assert open_since == {}, f"{log.name}: passes that never let their case go: {open_since}"
    return spans

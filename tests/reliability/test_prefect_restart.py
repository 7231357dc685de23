"""The Prefect server is killed while cases wait for people, and started again: every case is carried on.

A real Prefect server process of the test's own (ehc.orchestration.local_server, SQLite under the state
directory, not the session's test harness) and `ehc serve` against it. Six requests are handed over and
become level (a pass has acted on each one's intake). Then the server is SIGKILLed, a power cut of the
server alone: `ehc serve` goes on running. Two decisions are recorded while it is down; their hand-overs
fail, and the store keeps them. The server starts again on the same database and port; the other four
cases' decisions are recorded, and each of those cases is level again on its event, passed by the same
`ehc serve`. Restarting `ehc serve` then runs its start-up catch-up, which levels the two whose hand-over
was lost.
"""

from __future__ import annotations

import os
import signal
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from config.settings import Settings
from domain.events import Decision
from domain.intake import NewRequest
from ehc.bootstrap import bootstrap
from ehc.orchestration.local_server import local_prefect_server
from ehc.orchestration.orchestrator import TaskWorkerOrchestrator
from ehc.services import casework
from notifications.sink import free_port
from store.db import upgrade
from tests.flows.prefect_runs import level, wait_until_level
from tests.reliability.processes import ehc_serve, serving_environment

RECEIVED = date(2026, 6, 1)
DECIDED = date(2026, 7, 6)
# Each case's decision, and whether it is recorded while the server is down.
DECISIONS = {"EHC-R-0001": ("assess", False), "EHC-R-0002": ("assess", False), "EHC-R-0003": ("not_assess", False),
             "EHC-R-0004": ("assess", False), "EHC-R-0005": ("assess", True), "EHC-R-0006": ("not_assess", True)}
WHILE_DOWN = [reference for reference, (_, down) in DECISIONS.items() if down]
AFTER = [reference for reference, (_, down) in DECISIONS.items() if not down]

pytestmark = pytest.mark.flows


def test_cases_waiting_across_a_prefect_server_kill_are_level_on_their_next_event(tmp_path, report):
    started = time.monotonic()
    state_dir, results = tmp_path / "state", tmp_path / "results"
    port, said = free_port(), []
    log = tmp_path / "serve.log"

    with local_prefect_server(state_dir, said.append, port=port) as api_url:
        app = bootstrap(Settings(state_dir=state_dir, database_url=None),
                        orchestrator=TaskWorkerOrchestrator(api_url, results))
        upgrade(app.engine)
        serving = ehc_serve(serving_environment(api_url, state_dir, results), log)
        try:
            for reference in DECISIONS:
                added = casework.add_request(app, NewRequest(reference=reference, received=RECEIVED,
                                                             child_given_name="Zebedee", caseworker="cw.one"),
                                             "crash-test")
                assert added.orchestration.startswith("handed to orchestration"), added.orchestration
            wait_until_level(app, DECISIONS, log=log)

            _kill_server(port)  # the server alone, mid-whatever it was doing; `ehc serve` runs on
            assert not _answers(api_url), "the Prefect server survived SIGKILL"
            down_at = time.monotonic()
            for reference in WHILE_DOWN:
                recorded = _decide(app, reference)
                assert recorded.orchestration.startswith("not handed to orchestration"), recorded.orchestration
            assert {reference: level(app, reference).as_dict() for reference in WHILE_DOWN} == {
                reference: {"events_stored": 2, "events_acted_on": 1} for reference in WHILE_DOWN}

            with local_prefect_server(state_dir, said.append, port=port) as again_url:
                assert again_url == api_url
                down_for = time.monotonic() - down_at
                for reference in AFTER:
                    recorded = _decide(app, reference)
                    assert recorded.orchestration.startswith("handed to orchestration"), recorded.orchestration
                wait_until_level(app, AFTER, log=log)
                assert [level(app, reference).level for reference in WHILE_DOWN] == [False, False], \
                    "nothing hands a lost hand-over over again but the catch-up (or `ehc case resync`)"

                serving.stop()
                serving = ehc_serve(serving_environment(api_url, state_dir, results), log)  # its start-up catch-up
                wait_until_level(app, WHILE_DOWN, log=log)
        finally:
            serving.stop()
    assert f"Catch-up: {len(WHILE_DOWN)} case(s) and 0 plan(s) behind the store handed over" in log.read_text()
    report("Prefect server killed while cases wait; `ehc serve` left running", cases=len(DECISIONS),
           level_on_next_event=len(AFTER), lost_hand_overs_caught_up=len(WHILE_DOWN),
           down_seconds=round(down_for, 1), seconds=round(time.monotonic() - started, 1))


def _decide(app, reference: str) -> casework.Recorded:
    return casework.record_event(app, reference, Decision(on=DECIDED, outcome=DECISIONS[reference][0]),
                                 "crash-test")


def _kill_server(port: int) -> None:
    """SIGKILL the Prefect server this test started (a child of this process, in a session of its own, so
    its process group holds the server and only the server) and wait until it no longer answers."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid() and b"server" in command and str(port).encode() in command:
            os.killpg(int(entry.name), signal.SIGKILL)
            break
    else:
        raise AssertionError(f"no Prefect server on port {port} among this test's child processes")
    deadline = time.monotonic() + 10
    while _answers(f"http://127.0.0.1:{port}/api") and time.monotonic() < deadline:
        time.sleep(0.1)


def _answers(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=1):
            return True
    except OSError:
        return False

"""The Prefect server and the runner are killed while requests are suspended; every request resumes.

A real Prefect server process of the test's own (ehc.orchestration.local_server, SQLite
under the state directory, not the session's test harness) and `ehc serve`.
Five requests each get an `ehc-request` run, which suspends waiting for a
decision. Then the server and `ehc serve` (with every flow run it started) are
SIGKILLed: a power cut. Both start again on the same Prefect database and
port; each request's decision is recorded, and each run resumes and reaches
its next suspension (assess) or completes (not to assess), still one run per
request.
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
from ehc.services import casework
from ehc.bootstrap import bootstrap
from ehc.orchestration.orchestrator import PrefectOrchestrator
from ehc.orchestration.local_server import local_prefect_server
from ehc.orchestration.serve import ServeProcess
from notifications.sink import free_port
from store.db import upgrade
from tests.flows.prefect_runs import completed, flow_runs, suspended_after, wait_for_run

ROOT = Path(__file__).resolve().parents[2]
RECEIVED = date(2026, 6, 1)
DECIDED = date(2026, 7, 6)
OUTCOMES = {"EHC-R-0001": "assess", "EHC-R-0002": "assess", "EHC-R-0003": "assess",
            "EHC-R-0004": "not_assess", "EHC-R-0005": "assess"}

pytestmark = pytest.mark.flows


def test_requests_suspended_across_a_prefect_server_kill_all_resume(tmp_path, report):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    started = time.monotonic()
    state_dir = tmp_path / "state"
    app = bootstrap(Settings(state_dir=state_dir, database_url=None))
    upgrade(app.engine)
    port, said = free_port(), []
    log = tmp_path / "serve.log"

    with local_prefect_server(state_dir, said.append, port=port) as api_url:
        serving = _serve(api_url, state_dir, tmp_path, log)
        app.orchestrator = PrefectOrchestrator(api_url)
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            for reference in OUTCOMES:
                added = casework.add_request(app, NewRequest(reference=reference, received=RECEIVED,
                                                             child_given_name="Zebedee", caseworker="cw.one"),
                                             "crash-test")
                assert "started" in added.orchestration, added.orchestration
            for reference in OUTCOMES:
                wait_for_run(reference, suspended_after(1), "the run to wait for a decision", log=log)
            before = {reference: flow_runs(names=[reference])[0].id for reference in OUTCOMES}
        suspended_at = time.monotonic()
        serving.kill()                    # the runner and every flow run it started
        _kill_server(port)                # the Prefect server, mid-whatever it was doing
    assert not _answers(api_url), "the Prefect server survived SIGKILL"
    killed_for = time.monotonic() - suspended_at

    with local_prefect_server(state_dir, said.append, port=port) as again_url:
        assert again_url == api_url
        serving = _serve(api_url, state_dir, tmp_path, log)
        try:
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                for reference, outcome in OUTCOMES.items():
                    recorded = casework.record_event(app, reference, Decision(on=DECIDED, outcome=outcome),
                                                     "crash-test")
                    assert "resumed" in recorded.orchestration, recorded.orchestration
                for reference, outcome in OUTCOMES.items():
                    if outcome == "assess":
                        wait_for_run(reference, suspended_after(2), "the run to wait for the draft", log=log)
                    else:
                        run = wait_for_run(reference, completed, "the run to complete", log=log)
                        assert run.state.result() == f"{reference}: not_assessed on {DECIDED.isoformat()}"
                after = {reference: [run.id for run in flow_runs(names=[reference])]
                         for reference in OUTCOMES}
        finally:
            serving.stop()
    assert after == {reference: [run_id] for reference, run_id in before.items()}, "the same run resumed"
    report("Prefect server and runner killed while requests suspended", requests=len(OUTCOMES),
           resumed=len(after), suspended_again=sum(o == "assess" for o in OUTCOMES.values()),
           completed=sum(o == "not_assess" for o in OUTCOMES.values()), down_seconds=round(killed_for, 1),
           seconds=round(time.monotonic() - started, 1))


def _serve(api_url: str, state_dir: Path, tmp_path: Path, log: Path) -> ServeProcess:
    env = {**os.environ, "PREFECT_API_URL": api_url, "EHC_STATE_DIR": str(state_dir),
           "PREFECT_LOCAL_STORAGE_PATH": str(tmp_path / "results"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "EHC_ACTOR": "crash-test"}
    env.pop("EHC_DATABASE_URL", None)
    serving = ServeProcess(env, log, cwd=ROOT)
    serving.start()
    return serving


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

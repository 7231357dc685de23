"""`ehc serve` on a machine with no Prefect server: it starts one under the state directory, and Ctrl-C (SIGINT to
the terminal's process group) or a service manager's SIGTERM (to the process) stops both cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from deployments import DEPLOYMENTS
from ehc.orchestration.orchestrator import api_url_file

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBED = "Subscribing to runs of task(s): case_pass | case_passes"


@pytest.mark.parametrize("stop, signum", [
    (os.killpg, signal.SIGINT),   # Ctrl-C: the terminal signals the whole foreground process group
    (os.kill, signal.SIGTERM),    # `kill PID`, systemd's stop: the serving process alone
], ids=["ctrl-c", "sigterm"])
def test_ehc_serve_starts_a_local_prefect_server_and_a_stop_signal_stops_it_cleanly(tmp_path, stop, signum):
    state = tmp_path / "state"
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PREFECT_", "EHC_"))}
    env.update(EHC_STATE_DIR=str(state), HOME=str(tmp_path), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    subprocess.run([sys.executable, "-m", "ehc.cli", "db", "upgrade"], env=env, cwd=ROOT, check=True)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serving = subprocess.Popen([sys.executable, "-m", "ehc.cli", "serve"], env=env, cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        # The task worker has subscribed: the runner and it are running in their thread, and the main thread waits
        # for a signal.
        while SUBSCRIBED not in log.read_text() and serving.poll() is None and time.monotonic() < deadline:
            time.sleep(0.3)
        assert SUBSCRIBED in log.read_text(), log.read_text()
        api_url = api_url_file(state).read_text().strip()
        with urllib.request.urlopen(f"{api_url}/health", timeout=5) as health:
            assert health.status == 200
        assert (state / "prefect" / "prefect.db").exists(), "the server's SQLite lives under the state directory"
        _wait_until_registered(api_url, DEPLOYMENTS[-1].name, deadline)  # the runner is serving, not starting

        stop(serving.pid, signum)
        assert serving.wait(timeout=60) == 0, log.read_text()
    finally:
        if serving.poll() is None:
            os.killpg(serving.pid, signal.SIGKILL)

    assert not api_url_file(state).exists(), "other commands no longer point at a stopped server"
    try:
        urllib.request.urlopen(f"{api_url}/health", timeout=2)
        raise AssertionError("the local Prefect server is still answering after the serving process stopped")
    except OSError:
        pass
    assert log.read_text().rstrip().endswith("Stopped serving"), log.read_text()[-3000:]


def _wait_until_registered(api_url: str, name: str, deadline: float) -> None:
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        while True:
            try:
                client.read_deployment_by_name(f"{name}/{name}")
                return
            except ObjectNotFound:
                assert time.monotonic() < deadline, f"{name} was not registered"
                time.sleep(0.3)

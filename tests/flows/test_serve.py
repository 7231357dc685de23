"""`ehc serve` on a machine with no Prefect server: it starts one under the state directory, and Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ehc.orchestration.orchestrator import api_url_file

ROOT = Path(__file__).resolve().parents[2]


def test_ehc_serve_starts_a_local_prefect_server_and_ctrl_c_stops_it_cleanly(tmp_path):
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
        while not api_url_file(state).exists() and serving.poll() is None and time.monotonic() < deadline:
            time.sleep(0.3)
        assert api_url_file(state).exists(), log.read_text()
        api_url = api_url_file(state).read_text().strip()
        with urllib.request.urlopen(f"{api_url}/health", timeout=5) as health:
            assert health.status == 200
        assert (state / "prefect" / "prefect.db").exists(), "the server's SQLite lives under the state directory"

        os.killpg(serving.pid, signal.SIGINT)
        assert serving.wait(timeout=60) == 0, log.read_text()
    finally:
        if serving.poll() is None:
            os.killpg(serving.pid, signal.SIGKILL)

    assert not api_url_file(state).exists(), "other commands no longer point at a stopped server"
    try:
        urllib.request.urlopen(f"{api_url}/health", timeout=2)
        raise AssertionError("the local Prefect server is still answering after Ctrl-C")
    except OSError:
        pass
    assert "Stopped serving" in log.read_text()

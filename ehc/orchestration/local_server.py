"""A local Prefect server (SQLite under the state directory) for `ehc serve` and the demo.

Production points ``PREFECT_API_URL`` at a Prefect server on PostgreSQL
instead; then nothing here runs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ehc.orchestration.orchestrator import (
    NoOrchestration, OrchestrationUnavailable, api_url_file, orchestrator_for, prefect_home,
)

DEFAULT_PORT = 4200


class PrefectServerFailed(RuntimeError):
    pass


def prefect_environment(state_dir: Path, api_url: str) -> dict[str, str]:
    """What our processes need to reach the server and keep results under the state directory."""
    home = prefect_home(state_dir)
    return {
        "PREFECT_API_URL": api_url,
        "PREFECT_HOME": str(home),
        "PREFECT_LOCAL_STORAGE_PATH": str(home / "storage"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }


@contextmanager
def prefect_client_settings(state_dir: Path) -> Iterator[None]:
    """Point this process's Prefect client at PREFECT_API_URL, else at the server `ehc serve` started.

    With neither, refuse (OrchestrationUnavailable) rather than let Prefect start a temporary server of its
    own, which would keep its runs in ~/.prefect, outside the state directory, and forget them on exit.
    """
    chosen = orchestrator_for(state_dir, os.environ)  # the same choice casework makes
    if isinstance(chosen, NoOrchestration):
        raise OrchestrationUnavailable(chosen.reason)
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_ANALYTICS_ENABLED, temporary_settings

    updates: dict = {PREFECT_SERVER_ANALYTICS_ENABLED: False}
    if chosen.api_url:  # None: PREFECT_API_URL from the environment, which Prefect reads itself
        updates[PREFECT_API_URL] = chosen.api_url
    with temporary_settings(updates=updates):
        yield


@contextmanager
def prefect_api(state_dir: Path, say: Callable[[str], None]) -> Iterator[str]:
    """PREFECT_API_URL if set; otherwise a local server started here and stopped on exit."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        say(f"Using the Prefect server at {configured}")
        yield configured
        return
    with local_prefect_server(state_dir, say) as url:
        yield url


@contextmanager
def local_prefect_server(state_dir: Path, say: Callable[[str], None], port: int | None = None,
                         timeout: float = 120.0) -> Iterator[str]:
    home = prefect_home(state_dir)
    home.mkdir(parents=True, exist_ok=True)
    port = port or _free_port(DEFAULT_PORT)
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, **prefect_environment(state_dir, url),
           "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}"}
    env.pop("PREFECT_API_URL")  # the server is not a client of itself
    log_path = home / "server.log"
    say(f"Starting a local Prefect server on 127.0.0.1:{port} (log: {log_path})")
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_until_healthy(url, process, log_path, timeout)
        api_url_file(state_dir).write_text(url + "\n")
        yield url
    finally:
        api_url_file(state_dir).unlink(missing_ok=True)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(url: str, process: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise PrefectServerFailed(f"the Prefect server exited with {process.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise PrefectServerFailed(f"the Prefect server did not answer at {url} within {timeout:.0f} s (log: {log_path})")


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise PrefectServerFailed("no free TCP port on 127.0.0.1")

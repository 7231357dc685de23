"""`ehc serve`: every deployment served from this process, against PREFECT_API_URL or a local server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from ehc.orchestration.local_server import prefect_api, prefect_environment

POLL_SECONDS = 2.0  # how soon a resumed request run is picked up again


def serve(state_dir: Path, say: Callable[[str], None], limit: int | None = None) -> None:
    """Blocks until Ctrl-C or SIGTERM, at any point from start-up on; stops a local server it started."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with prefect_api(state_dir, say) as api_url:
            # The runner starts each flow run as a subprocess of this one: it inherits these.
            for name, value in prefect_environment(state_dir, api_url).items():
                os.environ.setdefault(name, value)
            from prefect import serve as prefect_serve
            from prefect.settings import PREFECT_API_URL, temporary_settings

            from deployments import DEPLOYMENTS, runner_deployments

            say(f"Prefect UI: {api_url.removesuffix('/api')}")
            say("Serving: " + ", ".join(deployment.name for deployment in DEPLOYMENTS) + " (Ctrl-C stops)")
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                prefect_serve(*runner_deployments(), limit=limit, pause_on_shutdown=False,
                              query_seconds=POLL_SECONDS, print_starting_message=False)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    say("Stopped serving")


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


class ServeProcess:
    """`ehc serve` as a child process (the demo and the tests run it so); it can be stopped or killed."""

    def __init__(self, env: dict[str, str], log: Path, cwd: Path | None = None) -> None:
        self.env, self.log, self.cwd = env, log, cwd
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0) -> None:
        """Returns once the deployments are registered; the runner polls for work from then on."""
        from prefect.client.orchestration import get_client
        from prefect.exceptions import ObjectNotFound
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from deployments import DEPLOYMENTS

        last = DEPLOYMENTS[-1].name  # served registers them in order: once the last exists, all do
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "ehc.cli", "serve"], env=self.env, cwd=self.cwd,
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        with temporary_settings(updates={PREFECT_API_URL: self.env["PREFECT_API_URL"]}):
            with get_client(sync_client=True) as client:
                while time.monotonic() < deadline:
                    if self.process.poll() is not None:
                        raise RuntimeError(f"ehc serve exited ({self.process.returncode}); see {self.log}:\n"
                                           + self.log.read_text(errors="replace")[-3000:])
                    try:
                        client.read_deployment_by_name(f"{last}/{last}")
                        return
                    except ObjectNotFound:
                        time.sleep(0.3)
        self.kill()
        raise RuntimeError(f"ehc serve registered no deployments within {timeout:.0f} s; see {self.log}")

    def stop(self, timeout: float = 30.0) -> None:
        """Ctrl-C, as a person would; flow runs in flight finish or are left to be resumed."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL the serving process and every flow run it started: a power cut, not a shutdown."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

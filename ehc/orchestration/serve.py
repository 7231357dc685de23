"""`ehc serve`: the scheduled deployments and the case passes, served from this process, against
PREFECT_API_URL or a local server it starts.

One event loop runs Prefect's runner (the scheduled flows and the quality reviews, each flow run a
process of its own) beside a Prefect task worker, which runs each case's pass in this process as the
server pushes it (flows/case_pass.py). Before either starts, one catch-up hands over every case the store
shows behind, so passes lost while nothing was serving are redone.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from ehc.orchestration.local_server import prefect_api, prefect_environment

POLL_SECONDS = 2.0  # how soon a quality review started by a pass is picked up
STOP_SECONDS = 10.0  # how long a stop waits for passes in flight (a pass cut short is caught up later)
PASSES_AT_ONCE = 10  # case passes run side by side (threads); each case's lock keeps a case to one


def serve(state_dir: Path, say: Callable[[str], None], limit: int | None = None, passes_only: bool = False) -> None:
    """Blocks until Ctrl-C or SIGTERM, at any point from start-up on; stops a local server it started."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with prefect_api(state_dir, say) as api_url:
            # The runner starts each flow run as a subprocess of this one: it inherits these.
            for name, value in prefect_environment(state_dir, api_url).items():
                os.environ.setdefault(name, value)
            # A pass is a task run outside any flow run; Prefect still sends its logs, but warns on each.
            os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
            from prefect.settings import PREFECT_API_URL, temporary_settings

            from deployments import DEPLOYMENTS, runner_deployments

            say(f"Prefect UI: {api_url.removesuffix('/api')}")
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                _start_events_outside_any_run()
                behind = _catch_up()
                say(f"Catch-up: {behind['behind']} case(s) and {behind['plans_behind']} plan(s) behind the store "
                    f"handed over")
                served = [] if passes_only else [deployment.name for deployment in DEPLOYMENTS]
                say("Serving: " + ", ".join([*served, "the case and review passes"]) + " (Ctrl-C stops)")
                _run_until_interrupted(_serve_all([] if passes_only else runner_deployments(), limit))
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    say("Stopped serving")


def _start_events_outside_any_run() -> None:
    """Send Prefect a first event before the catch-up's flow run. Prefect 3.8.8 sends events from a worker
    that keeps the run context it was started in, and adds that run to every later event whose own context
    names none: started inside the catch-up, it filed every pass the task worker ran afterwards under that
    finished flow run."""
    from prefect.events import emit_event

    emit_event("ehc.serve.started", resource={"prefect.resource.id": "ehc.serve"})


def _catch_up() -> dict:
    from flows.catch_up import catch_up

    return catch_up()


def _run_until_interrupted(serving) -> None:
    """Run ``serving`` on an event loop in a thread of its own until Ctrl-C or SIGTERM reaches this (main)
    thread, then cancel it. Off the main thread, Prefect's runner and task worker leave the process's
    signal handlers alone (they take SIGTERM for themselves on the main thread, and then ignore SIGINT)."""
    loop = asyncio.new_event_loop()
    work = loop.create_task(serving)
    thread = threading.Thread(target=loop.run_until_complete, args=(work,), name="ehc-serve", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.5)
    finally:
        if thread.is_alive():
            loop.call_soon_threadsafe(work.cancel)
            thread.join(STOP_SECONDS)
    if work.done() and not work.cancelled() and work.exception() is not None:
        raise work.exception()


async def _serve_all(deployments: list, limit: int | None) -> None:
    """The task worker, and the runner for ``deployments`` (none with --passes-only: a work pool's workers
    run them, `ehc deploy`). Built outside the loop: ``to_deployment`` is a coroutine inside one.

    The deployments are registered before the task worker takes its first pass: a pass may start a quality
    review through its deployment, and the start-up catch-up's passes would otherwise fail for want of it."""
    from prefect.runner import Runner
    from prefect.task_worker import aserve as serve_tasks

    from flows.case_pass import case_pass, case_passes
    from flows.review_pass import review_pass, review_passes

    serving = []
    if deployments:
        runner = Runner(limit=limit, pause_on_shutdown=False, query_seconds=POLL_SECONDS)
        for deployment in deployments:
            await runner.aadd_deployment(deployment)
        serving.append(runner.start())
    serving.append(serve_tasks(case_pass, case_passes, review_pass, review_passes, limit=PASSES_AT_ONCE))
    await asyncio.gather(*serving)


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

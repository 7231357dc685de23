"""The deadline watch, the dispatcher and `ehc serve` as real child processes, to be killed with SIGKILL or run
side by side.

A child imports everything, prints "ready", then waits for its moment (the
watch's day, or the dispatcher's "now") as a line on stdin before it starts
the job: the test can start the next child while the current one works (so
a kill is not followed by a second and a half of imports) and can start
several at the same instant. Each child is the App the CLI builds
(ehc.bootstrap.bootstrap) from the EHC_* environment the test passes in.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from config.settings import PACKAGED_REMINDER_POLICY
from ehc.orchestration.serve import ServeProcess
from notifications.sink import SmtpSink

ROOT = Path(__file__).resolve().parents[2]

JOB_CHILD = """
import sys
from datetime import date, datetime
from ehc.bootstrap import bootstrap
from ehc.services.messages import deadline_watch, dispatch_outbox
job = sys.argv[1]
app = bootstrap()
app.policy, app.senders, app.calendar, app.closures, app.engine
print("ready", flush=True)
moment = sys.stdin.readline().strip()
if job == "watch":
    summary = deadline_watch(app, date.fromisoformat(moment))
else:
    summary = dispatch_outbox(app, datetime.fromisoformat(moment))
print(summary.model_dump_json(), flush=True)
"""


def short_lease_policy(directory: Path) -> Path:
    """The packaged reminder policy with a 1-minute claim lease: what a killed dispatcher claimed is due again
    at a moment a minute later, so a test need not wait ten."""
    policy = directory / "policy-short-lease.toml"
    policy.write_text(PACKAGED_REMINDER_POLICY.read_text().replace("claim_lease_minutes = 10",
                                                                   "claim_lease_minutes = 1"))
    return policy


def job_environment(database_url: str, state_dir: Path, smtp_port: int, policy: Path | None = None) -> dict:
    env = {**os.environ, "EHC_DATABASE_URL": database_url, "EHC_SMTP_PORT": str(smtp_port),
           "EHC_STATE_DIR": str(state_dir)}
    if policy is not None:
        env["EHC_REMINDER_POLICY"] = str(policy)
    return env


@dataclass
class Finished:
    returncode: int
    summary: dict | None   # the job's counts, when it ran to the end
    stderr: str


class Job:
    """``Job("watch", env)``, later ``.go("2026-04-16")``: a child process that runs one job when told to go."""

    def __init__(self, job: str, env: dict) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", JOB_CHILD, job], env=env, cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.started_at: float | None = None
        self._ready = False

    def ready(self) -> Job:
        """Wait until the child has imported everything and built its App."""
        if not self._ready:
            line = self.process.stdout.readline().strip()
            if line != "ready":
                raise AssertionError(f"the child did not start: {line!r}\n{self.process.stderr.read()[-3000:]}")
            self._ready = True
        return self

    def go(self, moment: date | datetime) -> Job:
        self.ready()
        self.process.stdin.write(moment.isoformat() + "\n")
        self.process.stdin.flush()
        self.started_at = time.monotonic()
        return self

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> bool:
        """SIGKILL; True when the child was still at work (so the kill cut it short)."""
        was_running = self.running()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._close()
        return was_running and self.process.returncode == -signal.SIGKILL

    def finish(self, timeout: float = 300.0) -> Finished:
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        lines = [line for line in out.splitlines() if line.startswith("{")]
        return Finished(self.process.returncode, json.loads(lines[-1]) if lines else None, err)

    def _close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                stream.close()
            except OSError:
                pass


def until_delivered(sink: SmtpSink, count: int, child: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until the sink holds ``count`` messages (or the child has finished): a kill mid-way, however fast
    or slow the machine."""
    deadline = time.monotonic() + timeout
    while len(sink.files()) < count and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def json_value(value):
    """PostgreSQL's driver decodes JSON columns read with text(); SQLite's returns the text."""
    return value if isinstance(value, dict) else json.loads(value)


def serving_environment(api_url: str, state_dir: Path, results: Path, database_url: str | None = None) -> dict:
    """What `ehc serve` needs to pass this test's cases: its Prefect server, the result storage the test's
    hand-overs write each pass's parameters to, and the case store (None: SQLite under ``state_dir``)."""
    env = {**os.environ, "PREFECT_API_URL": api_url, "EHC_STATE_DIR": str(state_dir),
           "PREFECT_LOCAL_STORAGE_PATH": str(results), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "EHC_ACTOR": "crash-test"}
    env.pop("EHC_DATABASE_URL", None)
    if database_url is not None:
        env["EHC_DATABASE_URL"] = database_url
    return env


def ehc_serve(env: dict, log: Path, passes_only: bool = False) -> ServeProcess:
    """`ehc serve` (``passes_only``: `ehc serve --passes-only`), started and ready."""
    serving = (PassesOnly if passes_only else ServeProcess)(env, log, cwd=ROOT)
    serving.start()
    return serving


class PassesOnly(ServeProcess):
    """`ehc serve --passes-only`: a task worker and nothing else (a second machine's, beside a work pool's
    workers). It registers no deployments, so it is ready once its task worker has subscribed."""

    SUBSCRIBED = "Subscribing to runs of task(s)"

    def start(self, timeout: float = 120.0) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        already = self.log.read_text(errors="replace").count(self.SUBSCRIBED) if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "ehc.cli", "serve", "--passes-only"],
                                            env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while self.log.read_text(errors="replace").count(self.SUBSCRIBED) == already:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"ehc serve --passes-only did not subscribe ({self.process.returncode}); see "
                                   f"{self.log}:\n" + self.log.read_text(errors="replace")[-3000:])
            time.sleep(0.2)

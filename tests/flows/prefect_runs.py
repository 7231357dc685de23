"""Waiting for orchestration to catch up with the store, and reading its runs back from Prefect."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterable

from ehc.bootstrap import App
from ehc.orchestration.runs import flow_runs, task_runs
from ehc.services import casework


def level(app: App, reference: str) -> casework.OrchestrationLevel:
    """What `ehc case show --json` says of the case's orchestration."""
    record, _ = casework.show_case(app, reference, app.clock.today())
    return casework.orchestration_level(app, record)


def wait_until_level(app: App, references: Iterable[str], timeout: float = 120.0, log: Path | None = None) -> None:
    """Poll the store until a pass has acted on every casework event of each case."""
    references = list(references)
    deadline = time.monotonic() + timeout
    while behind := {reference: shown for reference in references if not (shown := level(app, reference)).level}:
        if time.monotonic() > deadline:
            shown = "; ".join(f"{reference} {standing.describe()}" for reference, standing in list(behind.items())[:10])
            raise AssertionError(f"{len(behind)} case(s) not level within {timeout:.0f} s: {shown}" + _tail(log))
        time.sleep(0.3)


def finished_passes(reference: str, count: int, timeout: float = 60.0, log: Path | None = None) -> list:
    """The case's `case-pass` task runs once ``count`` have finished (a pass has acted before its task run's
    final state reaches the server)."""
    deadline = time.monotonic() + timeout
    while True:
        passes = [run for run in task_runs([reference]) if run.state and run.state.is_final()]
        if len(passes) >= count:
            return passes
        if time.monotonic() > deadline:
            raise AssertionError(f"{reference}: {len(passes)} finished pass(es), not {count}, within {timeout:.0f} s"
                                 + _tail(log))
        time.sleep(0.3)


def pass_logs(reference: str, count: int, timeout: float = 30.0) -> list[str]:
    """What the case's passes did, as each logged it at its end, oldest first, once there are ``count`` (logs
    reach the server in batches, a second or two after the pass)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterTaskRunId
    from prefect.client.schemas.sorting import LogSort

    deadline = time.monotonic() + timeout
    while True:
        ids = [run.id for run in task_runs([reference])]
        with get_client(sync_client=True) as client:
            logs = client.read_logs(log_filter=LogFilter(task_run_id=LogFilterTaskRunId(any_=ids)),
                                    sort=LogSort.TIMESTAMP_ASC, limit=200, offset=0)
        lines = [entry.message for entry in logs
                 if entry.message.startswith((f"{reference}: acted on", f"{reference}: nothing new"))]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.5)


def review_names(reference: str) -> list[str]:
    """The quality-review flow runs started for the case, by name (one per document: draft, final)."""
    return sorted(run.name for run in flow_runs("quality-review", names=[f"quality-review-{reference}-draft",
                                                                      f"quality-review-{reference}-final"]))


def wait_until_completed(flow_name: str, run_name: str, timeout: float = 120.0):
    """The run of ``flow_name`` called ``run_name``, once it has completed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = flow_runs(flow_name, names=[run_name])
        if runs and runs[0].state and runs[0].state.is_completed():
            return runs[0]
        if runs and runs[0].state and runs[0].state.is_final():
            raise AssertionError(f"{run_name} ended {runs[0].state.name}: {runs[0].state.message}")
        time.sleep(0.3)
    raise AssertionError(f"{run_name} did not complete within {timeout:.0f} s")


def _tail(log: Path | None) -> str:
    return "\n" + log.read_text(errors="replace")[-3000:] if log and log.exists() else ""


def wait_until_plans_level(app: App, plan_refs: Iterable[str], timeout: float = 120.0,
                           log: Path | None = None) -> None:
    """Poll the store until a review pass has acted on each plan's arrival and every review event."""
    from ehc.services.review_orchestration import plan_level
    from ehc.services.reviews import show_plan

    plan_refs = list(plan_refs)
    deadline = time.monotonic() + timeout
    while behind := [ref for ref in plan_refs
                     if not plan_level(app, show_plan(app, ref, app.clock.today())[0]).level]:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(behind)} plan(s) not level within {timeout:.0f} s: {behind[:10]}"
                                 + _tail(log))
        time.sleep(0.3)

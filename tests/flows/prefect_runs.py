"""Reading flow runs back from the test Prefect server."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from ehc.orchestration.runs import flow_runs, waiting_after


def wait_for_run(reference: str, until: Callable[[object], bool], what: str, timeout: float = 120.0,
                 log: Path | None = None):
    """The newest ehc-request run for ``reference`` once ``until(run)`` holds."""
    deadline = time.monotonic() + timeout
    run = None
    while time.monotonic() < deadline:
        runs = flow_runs(names=[reference])
        run = runs[0] if runs else None
        if run is not None and until(run):
            return run
        time.sleep(0.3)
    state = run.state if run else "no run"
    detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"{reference}: waited {timeout:.0f} s for {what}; last state {state}\n{detail}")


def suspended_after(events: int) -> Callable[[object], bool]:
    return lambda run: waiting_after(run, events)


def completed(run) -> bool:
    return bool(run.state and run.state.is_completed())


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

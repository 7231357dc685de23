"""Flow runs read back from Prefect, and the pause keys a request's run suspends under.

One query (``flow_runs``) and one pause-key scheme, used by the orchestrator,
the ``ehc-request`` flow, the demo, the benchmarks and the tests alike.
Prefect is imported only when a query runs.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Iterable, Iterator, Sequence

REQUEST_FLOW = "ehc-request"
_PAUSE_KEY = re.compile(r"^after-event-(\d+)")


def pause_key(casework_events: int, repeat: int = 0) -> str:
    """The key a request run suspends under after reading ``casework_events`` events (a repeat when the store
    had not changed since the last suspension, so the key is fresh)."""
    return f"after-event-{casework_events}" + (f"-repeat-{repeat}" if repeat else "")


def seen_events(key: str | None) -> int | None:
    """How many casework events a suspended run had read when it suspended (from its pause key)."""
    match = _PAUSE_KEY.match(key or "")
    return int(match.group(1)) if match else None


def waiting_after(run, casework_events: int) -> bool:
    """The run is suspended, having read exactly ``casework_events`` events."""
    state = run.state
    return bool(state and state.is_paused() and seen_events(state.state_details.pause_key) == casework_events)


def events_read(run, recorded_at: Sequence[datetime]) -> int:
    """How many of a case's casework events (recorded at ``recorded_at``) its request run has acted on.

    A suspended run: those its pause key names. A completed run: those recorded before it ended (it read the
    store on its last pass, and a run completes only once the case has closed). Any other (resuming, running,
    failed, crashed, cancelled): those named by its last suspension, none before its first.
    """
    state = run.state
    if state and state.is_paused():
        return seen_events(state.state_details.pause_key) or 0
    if state and state.is_completed() and run.end_time:
        return sum(1 for moment in recorded_at if moment <= run.end_time)
    return _read_at_last_suspension(run.id)


def _read_at_last_suspension(run_id) -> int:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        states = client.read_flow_run_states(run_id)
    keys = [seen_events(state.state_details.pause_key) for state in states if state.is_paused()]
    return next((seen for seen in reversed(keys) if seen is not None), 0)


def flow_runs(flow_name: str | None = REQUEST_FLOW, names: Iterable[str] | None = None, active: bool = False,
              limit: int = 200, offset: int = 0) -> list:
    """Runs of ``flow_name`` (None: every flow), of those ``names`` if given, only unfinished ones if ``active``;
    newest first by when each was due to start (run ids are random UUIDs, not in creation order)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterName, FlowRunFilterState, FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    run_filter = FlowRunFilter(
        name=FlowRunFilterName(any_=list(names)) if names is not None else None,
        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[
            StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING, StateType.PAUSED,
        ])) if active else None,
    )
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])) if flow_name else None,
            flow_run_filter=run_filter, sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=limit, offset=offset)


def every_flow_run(flow_name: str | None = REQUEST_FLOW, active: bool = False, page: int = 200) -> Iterator:
    """All of ``flow_runs``, a page at a time."""
    offset = 0
    while runs := flow_runs(flow_name, active=active, limit=page, offset=offset):
        yield from runs
        offset += len(runs)


def latest_runs(names: Iterable[str], flow_name: str = REQUEST_FLOW) -> dict:
    """The newest run of ``flow_name`` for each of ``names`` that has one."""
    latest: dict = {}
    for run in flow_runs(flow_name, names=list(names)):
        latest.setdefault(run.name, run)
    return latest


def flow_names(flow_ids: Iterable) -> dict:
    """Flow id to flow name, for runs read across every flow."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return {flow_id: client.read_flow(flow_id).name for flow_id in set(flow_ids)}

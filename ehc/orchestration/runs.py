"""Flow and task runs read back from Prefect, for the demo, the benchmarks and the tests.

Prefect is imported only when a query runs.
"""

from __future__ import annotations

from typing import Iterable, Iterator


def flow_runs(flow_name: str | None, names: Iterable[str] | None = None, active: bool = False,
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


def every_flow_run(flow_name: str | None, active: bool = False, page: int = 200) -> Iterator:
    """All of ``flow_runs``, a page at a time."""
    offset = 0
    while runs := flow_runs(flow_name, active=active, limit=page, offset=offset):
        yield from runs
        offset += len(runs)


def flow_names(flow_ids: Iterable) -> dict:
    """Flow id to flow name, for runs read across every flow."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return {flow_id: client.read_flow(flow_id).name for flow_id in set(flow_ids)}


def task_runs(names: Iterable[str], limit: int = 200) -> list:
    """Task runs called ``names``, newest first: a case's passes are named by its reference."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName
    from prefect.client.schemas.sorting import TaskRunSort

    with get_client(sync_client=True) as client:
        return client.read_task_runs(task_run_filter=TaskRunFilter(name=TaskRunFilterName(any_=list(names))),
                                     sort=TaskRunSort.EXPECTED_START_TIME_DESC, limit=limit)

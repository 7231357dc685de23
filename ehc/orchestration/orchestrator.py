"""Keeps each request's ``ehc-request`` flow run in step with the store.

The store is the record and is written first; this only tells Prefect about
it. If Prefect is unreachable the event is still stored, and ``ehc case
resync`` or the daily ``catch-up`` sweep brings the run level later.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Mapping, Protocol, Sequence

from ehc.orchestration.runs import events_read, every_flow_run, flow_runs, seen_events

REQUEST_DEPLOYMENT = "ehc-request/ehc-request"
QUALITY_REVIEW_DEPLOYMENT = "quality-review/quality-review"


class Orchestrator(Protocol):
    def start(self, reference: str) -> str: ...

    def case_changed(self, reference: str, sequence: int, event_type: str, casework_events: int) -> str: ...

    def resync(self, reference: str, casework_events: int, case_open: bool) -> str: ...

    def catch_up(self, open_cases: Mapping[str, int], closed_cases: Mapping[str, int]) -> "CatchUpSummary": ...

    def events_acted_on(self, reference: str, recorded_at: Sequence[datetime]) -> int | None:
        """Of the case's casework events, recorded at ``recorded_at`` (oldest first), how many orchestration
        has acted on; None when there is no orchestration to ask."""


class OrchestrationUnavailable(RuntimeError):
    pass


class NoOrchestration:
    """Used when no Prefect server is configured: the store alone carries the case."""

    reason = "no Prefect server is configured (start one with `ehc serve`, or set PREFECT_API_URL)"

    def start(self, reference: str) -> str:
        raise OrchestrationUnavailable(self.reason)

    def case_changed(self, reference: str, sequence: int, event_type: str, casework_events: int) -> str:
        raise OrchestrationUnavailable(self.reason)

    def resync(self, reference: str, casework_events: int, case_open: bool) -> str:
        raise OrchestrationUnavailable(self.reason)

    def catch_up(self, open_cases: Mapping[str, int], closed_cases: Mapping[str, int]) -> CatchUpSummary:
        raise OrchestrationUnavailable(self.reason)

    def events_acted_on(self, reference: str, recorded_at: Sequence[datetime]) -> int | None:
        return None


@dataclass
class CatchUpSummary:
    started: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    in_step: int = 0

    def as_dict(self) -> dict:
        return {"started": len(self.started), "resumed": len(self.resumed), "in_step": self.in_step}



class PrefectOrchestrator:
    """Talks to a Prefect server; ``api_url`` None means Prefect's own settings (PREFECT_API_URL)."""

    def __init__(self, api_url: str | None = None, settle_seconds: float = 10.0) -> None:
        self.api_url = api_url
        self.settle_seconds = settle_seconds

    def start(self, reference: str) -> str:
        from prefect.deployments import run_deployment
        from prefect.exceptions import ObjectNotFound

        with self._settings():
            try:
                # One key per start: a client retry of a slow create returns the same run, not a second one.
                run = run_deployment(REQUEST_DEPLOYMENT, parameters={"reference": reference},
                                     flow_run_name=reference, timeout=0, as_subflow=False,
                                     idempotency_key=f"ehc-request/{reference}/{uuid.uuid4()}")
            except ObjectNotFound as error:
                raise OrchestrationUnavailable(
                    f"the Prefect server has no {REQUEST_DEPLOYMENT} deployment: is `ehc serve` running?") from error
        return f"flow run {run.name} started ({run.id})"

    def case_changed(self, reference: str, sequence: int, event_type: str, casework_events: int) -> str:
        with self._settings():
            run = self._active_run(reference)
            if run is None:
                return self.start(reference) + " to catch up"
            run = self._settle(run)
            return self._nudge(run, reference, sequence, event_type, casework_events)

    def resync(self, reference: str, casework_events: int, case_open: bool) -> str:
        with self._settings():
            run = self._active_run(reference)
            if run is not None:
                return self._nudge(run, reference, casework_events, "resync", casework_events)
            latest = flow_runs(names=[reference], limit=1)
            if not case_open and latest and latest[0].state and latest[0].state.is_completed():
                return f"{reference}: its flow run {latest[0].name} completed; nothing to do"
            return self.start(reference) + " to catch up from the stored events"

    def catch_up(self, open_cases: Mapping[str, int], closed_cases: Mapping[str, int]) -> CatchUpSummary:
        """Start runs for open cases that have none; resume suspended runs that are behind the store."""
        summary = CatchUpSummary()
        with self._settings():
            active = {run.name: run for run in every_flow_run(active=True)}
            for reference, count in {**closed_cases, **open_cases}.items():
                run = active.get(reference)
                if run is None:
                    if reference in open_cases:
                        self.start(reference)
                        summary.started.append(reference)
                    continue
                if self._behind(run, count):
                    self._resume(run, reference, count, "catch-up")
                    summary.resumed.append(reference)
                else:
                    summary.in_step += 1
        return summary

    def events_acted_on(self, reference: str, recorded_at: Sequence[datetime]) -> int | None:
        """What the case's newest ``ehc-request`` run has read (``events_read``); 0 when it has none."""
        with self._settings():
            latest = flow_runs(names=[reference], limit=1)
            return events_read(latest[0], recorded_at) if latest else 0

    # -- Prefect calls -------------------------------------------------------------------------

    def _settings(self):
        from prefect.settings import PREFECT_API_URL, temporary_settings

        return temporary_settings(updates={PREFECT_API_URL: self.api_url} if self.api_url else {})

    def _active_run(self, reference: str):
        runs = flow_runs(names=[reference], active=True, limit=1)
        return runs[0] if runs else None

    def _settle(self, run):
        """A running pass may be about to suspend on what it read before our event: let it land first."""
        from prefect.client.orchestration import get_client

        deadline = time.monotonic() + self.settle_seconds
        with get_client(sync_client=True) as client:
            while run.state and run.state.is_running() and time.monotonic() < deadline:
                time.sleep(0.25)
                run = client.read_flow_run(run.id)
        return run

    @staticmethod
    def _behind(run, casework_events: int) -> bool:
        if not (run.state and run.state.is_paused()):
            return False
        seen = seen_events(run.state.state_details.pause_key)
        return seen is None or seen < casework_events

    def _nudge(self, run, reference: str, sequence: int, event_type: str, casework_events: int) -> str:
        if self._behind(run, casework_events):
            self._resume(run, reference, sequence, event_type)
            return f"flow run {run.name} resumed"
        if run.state and run.state.is_paused():
            return f"flow run {run.name} has already read this and is waiting for casework"
        state = run.state.name if run.state else "unknown"
        return f"flow run {run.name} is {state.lower()} and will read the store afresh"

    def _resume(self, run, reference: str, sequence: int, event_type: str) -> None:
        from prefect.flow_runs import resume_flow_run

        resume_flow_run(run.id, run_input={"reference": reference, "sequence": sequence, "event_type": event_type})


def start_quality_review(reference: str, document: str, on: date) -> str:
    """Start the quality review of a draft or final plan from inside a request's run; Prefect's idempotency
    key starts it once per document and day, however often the run replays."""
    from prefect.deployments import run_deployment

    run = run_deployment(QUALITY_REVIEW_DEPLOYMENT, parameters={"reference": reference, "document": document},
                         flow_run_name=f"quality-review-{reference}-{document}", timeout=0, as_subflow=False,
                         idempotency_key=f"quality-review/{reference}/{document}/{on.isoformat()}")
    return str(run.id)


def api_url_file(state_dir: Path) -> Path:
    """Where ``ehc serve`` (or the demo) leaves the address of the local Prefect server it started."""
    return state_dir / "prefect" / "api-url"


def orchestrator_for(state_dir: Path, environ: Mapping[str, str]) -> Orchestrator:
    if environ.get("PREFECT_API_URL"):
        return PrefectOrchestrator()
    local = api_url_file(state_dir)
    if local.exists():
        return PrefectOrchestrator(local.read_text().strip())
    return NoOrchestration()

"""The demo's live requests: intake and casework through the CLI's path, each step carried by a flow run.

Every event is stored, the request's ``ehc-request`` run is resumed, and we
wait until the run has read it and suspended again (or finished), timing each.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from domain.events import CaseEvent, Received
from domain.intake import NewRequest
from ehc.services import casework
from ehc.bootstrap import App
from ehc.orchestration.runs import latest_runs, waiting_after


class LiveRunStuck(RuntimeError):
    pass


@dataclass
class LiveResult:
    references: list[str]
    events_recorded: int
    seconds_to_suspend: list[float] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.seconds_to_suspend) if self.seconds_to_suspend else None


def drive(app: App, requests: Sequence[tuple[NewRequest, Sequence[CaseEvent]]], actor: str,
          say: Callable[[str], None], timeout: float = 180.0) -> LiveResult:
    """Intake every request, then record their events a day at a time, all cases in parallel.

    A case's events of one day are recorded together (as a caseworker would enter
    them); each is stored and resumes the run, which then reads them all.
    """
    result = LiveResult([request.reference for request, _ in requests], 0)
    for request, _ in requests:
        casework.add_request(app, request, actor)
    _wait_all(result, {request.reference: 1 for request, _ in requests}, timeout)
    days = {request.reference: _by_day(events) for request, events in requests}
    seen = {reference: 1 for reference in days}
    round_number = 0
    while any(days.values()):
        round_number += 1
        recorded_at: dict[str, float] = {}
        for reference, script in days.items():
            if script:
                for event in script.pop(0):
                    casework.record_event(app, reference, event, actor)
                    seen[reference] += 1
                    result.events_recorded += 1
                recorded_at[reference] = time.monotonic()
        _wait_all(result, {reference: seen[reference] for reference in recorded_at}, timeout, recorded_at)
        say(f"       round {round_number}: events recorded on {len(recorded_at)} case(s); "
            "each run resumed, read them and is waiting again (or done)")
    result.outcomes = _outcomes(result.references)
    return result


def _by_day(events: Sequence[CaseEvent]) -> list[list[CaseEvent]]:
    days: dict = {}
    for event in sorted((event for event in events if not isinstance(event, Received)), key=lambda e: e.on):
        days.setdefault(event.on, []).append(event)
    return list(days.values())


def _wait_all(result: LiveResult, expected: dict[str, int], timeout: float,
              recorded_at: dict[str, float] | None = None) -> None:
    """Until each run has suspended after reading ``expected`` events, or completed."""
    pending = dict(expected)
    deadline = time.monotonic() + timeout
    while pending:
        for reference, run in latest_runs(list(pending)).items():
            state = run.state
            caught_up = state and (state.is_completed() or waiting_after(run, pending[reference]))
            if state and (state.is_failed() or state.is_crashed()):
                raise LiveRunStuck(f"flow run {reference} ended {state.name}: {state.message}")
            if caught_up:
                if recorded_at:
                    result.seconds_to_suspend.append(time.monotonic() - recorded_at[reference])
                del pending[reference]
        if pending and time.monotonic() > deadline:
            raise LiveRunStuck(f"flow runs did not catch up within {timeout:.0f} s: {', '.join(pending)}")
        time.sleep(0.2)



def _outcomes(references: list[str]) -> dict[str, str]:
    outcomes = {}
    for reference, run in latest_runs(references).items():
        outcomes[reference] = str(run.state.result()) if run.state.is_completed() else (
            f"waiting ({run.state.state_details.pause_key})")
    return outcomes

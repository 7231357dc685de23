"""The demo's live requests: intake and casework through the CLI's path, each event acted on by orchestration.

Every event is stored and its case handed over (a ``case-pass`` task run in ``ehc serve``); we wait until
the store shows the case level (every casework event acted on), timing each case from recording to level.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from domain.events import CaseEvent, Received
from domain.intake import NewRequest
from ehc.bootstrap import App
from ehc.services import casework

POLL_SECONDS = 0.1  # one query of the store for every case still behind
LOG_TAIL_CHARS = 3000


class LiveRunStuck(RuntimeError):
    pass


@dataclass
class LiveResult:
    references: list[str]
    events_recorded: int
    seconds_to_level: list[float] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.seconds_to_level) if self.seconds_to_level else None


def drive(app: App, requests: Sequence[tuple[NewRequest, Sequence[CaseEvent]]], actor: str,
          say: Callable[[str], None], serve_log: Path | None = None, timeout: float = 120.0) -> LiveResult:
    """Intake every request, then record their events a day at a time, all cases in parallel.

    A case's events of one day are recorded together (as a caseworker would enter them); each is stored and
    hands the case over, and a pass acts on whatever it finds new. ``serve_log``: shown if a case is stuck.
    """
    result = LiveResult([request.reference for request, _ in requests], 0)
    for request, _ in requests:
        casework.add_request(app, request, actor)
    wait_until_level(app, {reference: time.monotonic() for reference in result.references}, timeout, serve_log)
    days = {request.reference: _by_day(events) for request, events in requests}
    round_number = 0
    while any(days.values()):
        round_number += 1
        recorded_at: dict[str, float] = {}
        for reference, script in days.items():
            if script:
                for event in script.pop(0):
                    casework.record_event(app, reference, event, actor)
                    result.events_recorded += 1
                recorded_at[reference] = time.monotonic()
        seconds = wait_until_level(app, recorded_at, timeout, serve_log)
        result.seconds_to_level += seconds
        say(f"       round {round_number}: events recorded on {len(recorded_at)} case(s); each case's pass "
            f"acted on them ({max(seconds):.1f} s at most from recording to level)")
    result.outcomes = _outcomes(app, result.references)
    return result


def _by_day(events: Sequence[CaseEvent]) -> list[list[CaseEvent]]:
    days: dict = {}
    for event in sorted((event for event in events if not isinstance(event, Received)), key=lambda e: e.on):
        days.setdefault(event.on, []).append(event)
    return list(days.values())


def wait_until_level(app: App, recorded_at: dict[str, float], timeout: float,
                     serve_log: Path | None = None) -> list[float]:
    """Until orchestration has acted on every casework event stored for each case (timed from
    ``recorded_at``, a ``time.monotonic()``); returns those times. LiveRunStuck names the cases still
    behind after ``timeout`` seconds."""
    pending = set(recorded_at)
    deadline = time.monotonic() + timeout
    seconds = []
    while pending:
        with app.unit_of_work() as work:
            behind = set(work.orchestration.cases_behind(sorted(pending)))
        now = time.monotonic()
        seconds += [now - recorded_at[reference] for reference in pending - behind]
        pending = behind
        if pending and now > deadline:
            raise LiveRunStuck(_stuck(app, sorted(pending), timeout, serve_log))
        if pending:
            time.sleep(POLL_SECONDS)
    return seconds


def _stuck(app: App, references: list[str], timeout: float, serve_log: Path | None) -> str:
    levels = []
    for reference in references[:10]:
        record, _ = casework.show_case(app, reference, app.clock.today())
        levels.append(f"{reference} ({casework.orchestration_level(app, record).describe()})")
    more = f" and {len(references) - 10} more" if len(references) > 10 else ""
    message = f"orchestration did not act on every event within {timeout:.0f} s: {', '.join(levels)}{more}"
    if serve_log and serve_log.exists():
        message += f"\nThe end of {serve_log}:\n" + serve_log.read_text(errors="replace")[-LOG_TAIL_CHARS:]
    return message


def _outcomes(app: App, references: list[str]) -> dict[str, str]:
    """How each request ended, or what it waits on, read from the store."""
    outcomes = {}
    for reference in references:
        progress = casework.read_progress(app, reference)
        waiting = progress.waiting_on()
        outcomes[reference] = progress.outcome() or (
            f"waiting for {waiting.milestone.value} ({waiting.detail})" if waiting else "open")
    return outcomes

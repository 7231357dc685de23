"""Telling orchestration that cases have changed, after the store holds the change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from ehc.bootstrap import App
from ehc.orchestration.orchestrator import OrchestrationUnavailable


@dataclass(frozen=True)
class HandOver:
    """How many cases were handed over (all or none), and what happened, for the person who made the change."""

    handed: int
    note: str


def hand_over(app: App, references: Sequence[str]) -> HandOver:
    """Ask for a pass over each case. A failure only delays the pass until the catch-up (or ``ehc case
    resync``): the store already holds the change, so this never raises."""
    return _handed(lambda: app.orchestrator.hand_over(list(references)), len(references),
                   "`ehc case resync` or the catch-up every 10 minutes will bring the case level")


def hand_over_plans(app: App, plan_refs: Sequence[str]) -> HandOver:
    """Ask for a review pass over each plan in force; like ``hand_over``, never raises (the catch-up redoes a
    hand-over that failed)."""
    return _handed(lambda: app.orchestrator.hand_over_plans(list(plan_refs)), len(plan_refs),
                   "`ehc review resync` or the catch-up every 10 minutes will bring the plan level")


def _handed(ask: Callable[[], str], count: int, later: str) -> HandOver:
    try:
        return HandOver(count, ask())
    except OrchestrationUnavailable as error:
        return HandOver(0, f"not handed to orchestration: {error}")
    except Exception as error:  # Prefect down or refusing
        return HandOver(0, f"not handed to orchestration ({type(error).__name__}: {error}); the change is "
                           f"stored, and {later}")

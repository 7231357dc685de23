"""Telling orchestration that cases have changed, after the store holds the change."""

from __future__ import annotations

from typing import Sequence

from ehc.bootstrap import App
from ehc.orchestration.orchestrator import OrchestrationUnavailable


def hand_over(app: App, references: Sequence[str]) -> str:
    """Ask for a pass over each case; returns what happened, for the person who made the change. A failure
    only delays the pass until the catch-up (or ``ehc case resync``): the store already holds the change."""
    try:
        return app.orchestrator.hand_over(list(references))
    except OrchestrationUnavailable as error:
        return f"not handed to orchestration: {error}"
    except Exception as error:  # Prefect down or refusing
        return (f"not handed to orchestration ({type(error).__name__}: {error}); the change is stored, and "
                f"`ehc case resync` or the catch-up every 10 minutes will bring the case level")

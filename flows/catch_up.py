"""``catch-up``: every 10 minutes (and when ``ehc serve`` starts), hand over each case the store shows behind.

A case is behind when it has casework events no pass has acted on: a hand-over lost with a killed process,
a restarted Prefect server or a Prefect that was down when the event was stored.
"""

from __future__ import annotations

from prefect import flow

from ehc.services.orchestration import catch_up as hand_over_cases_behind
from flows._app import app


@flow(name="catch-up", persist_result=True)
def catch_up() -> dict:
    return hand_over_cases_behind(app())

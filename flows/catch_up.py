"""``catch-up``: every 10 minutes (and when ``ehc serve`` starts), hand over each case and each plan in force
the store shows behind.

A case is behind when it has casework events no pass has acted on, a plan when it has review events no
review pass has acted on (or none has acted on it yet): a hand-over lost with a killed process, a restarted
Prefect server or a Prefect that was down when the event was stored.
"""

from __future__ import annotations

from prefect import flow

from ehc.services.orchestration import catch_up as hand_over_cases_behind
from ehc.services.review_orchestration import plans_catch_up
from flows._app import app


@flow(name="catch-up", persist_result=True)
def catch_up() -> dict:
    return {**hand_over_cases_behind(app()), "plans_behind": plans_catch_up(app())}

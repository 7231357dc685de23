"""``catch-up``: the daily sweep that brings every request's flow run level with the store.

Starts a run for each open request that has none (lost, failed, cancelled or
never started) and resumes suspended runs that have not seen the latest event.
"""

from __future__ import annotations

from prefect import flow

from ehc.services.casework import catch_up_all
from flows._app import app


@flow(name="catch-up", persist_result=True)
def catch_up() -> dict:
    return catch_up_all(app())

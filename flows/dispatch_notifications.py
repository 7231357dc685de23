"""``dispatch-notifications``: send what the outbox holds; a failed send stays queued with its error."""

from __future__ import annotations

from datetime import date

from prefect import flow

from ehc.services import messages
from ehc.clock import midday_in_london, now_utc
from flows._app import app


@flow(name="dispatch-notifications", persist_result=True)
def dispatch_notifications(as_of: date | None = None) -> dict:
    """Sends what is due now; with ``as_of``, what would be sent at midday (London) that day."""
    now = midday_in_london(as_of) if as_of else now_utc()
    return messages.dispatch_outbox(app(), now).model_dump(mode="json")

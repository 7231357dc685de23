"""What the ``ehc-request`` flow's tasks do, composed from the store and the outbox.

Kept out of ``flows/`` so the flow stays a thin walk of the stages, and so the
same steps can be exercised without Prefect.
"""

from __future__ import annotations

from datetime import date

from domain.progress import Progress, progress_of
from ehc import notify_jobs
from ehc.bootstrap import App

QUALITY_REVIEW_DEPLOYMENT = "quality-review/quality-review"


def read_progress(app: App, reference: str) -> Progress:
    with app.store() as store:
        return progress_of(reference, store.get(reference).events)


def casework_events(app: App, reference: str) -> int:
    return read_progress(app, reference).casework_events


def ask_for_advice(app: App, reference: str, as_of: date) -> int:
    """Queue the case's messages due today, the contributor's advice request among them; returns how many.

    Outbox keys make a repeat (a replayed flow, the morning watch) queue nothing new.
    """
    return notify_jobs.deadline_watch(app, as_of, references=[reference]).messages_queued


def start_quality_review(reference: str, document: str, on: date) -> str:
    """Start the quality review of the draft or final plan; Prefect's idempotency key starts it once."""
    from prefect.deployments import run_deployment

    run = run_deployment(QUALITY_REVIEW_DEPLOYMENT, parameters={"reference": reference, "document": document},
                         flow_run_name=f"quality-review-{reference}-{document}", timeout=0, as_subflow=False,
                         idempotency_key=f"quality-review/{reference}/{document}/{on.isoformat()}")
    return str(run.id)

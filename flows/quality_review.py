"""``quality-review``: score a draft or final plan when it is recorded; alert the caseworker below Good."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from ehc.services import messages, plan_quality
from ehc.clock import today_in_london
from flows._app import app
from store.quality import NoPlanAttached


@task(name="queue-quality-alert", cache_policy=NO_CACHE)
def queue_quality_alert(summary: plan_quality.ReviewSummary, as_of: date) -> int:
    """Idempotent in the store (the outbox key names the review), so a retry or a re-run queues nothing twice."""
    return messages.queue_quality_alert(app(), summary, as_of)


@flow(name="quality-review", flow_run_name="quality-review-{reference}-{document}", persist_result=True)
def quality_review(reference: str, document: str, as_of: date | None = None) -> dict:
    day = as_of or today_in_london()
    try:
        summary = plan_quality.automatic_review(app(), reference, day)
    except NoPlanAttached:
        get_run_logger().info("%s: no %s plan attached yet; nothing to score", reference, document)
        return {"reference": reference, "document": document,
                "skipped": f"no plan attached: `ehc qa attach {reference} FILE --stage {document}` scores it"}
    alert_queued = queue_quality_alert(summary, day) if summary.below_good else 0
    return {**summary.model_dump(mode="json", include={"reference", "document_id", "review_id", "stage", "grade",
                                                        "weighted_score", "below_good", "capped", "created"}),
            "alert_queued": alert_queued}

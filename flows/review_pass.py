"""``review-pass``: one short pass over a plan in force, run by a Prefect task worker each time it changes.

As ``case-pass`` is for a request (flows/case_pass.py): ``ehc review record`` (the web app, an import of
plans, the catch-up) stores the review event, then delays a pass (``review_pass.delay(plan_ref)``); the
task worker in ``ehc serve`` runs it as a task run named by the plan reference, reporting counts only.
"""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import task_run

from flows._app import app


@task(name="review-pass", task_run_name="{plan_ref}", cache_policy=NO_CACHE)
def review_pass(plan_ref: str) -> dict:
    # Imported here: a command's background hand-over imports this module only to delay a pass.
    from ehc.services.review_orchestration import advance_plan

    logger = get_run_logger()
    outcome = advance_plan(app(), plan_ref, say=logger.info)
    logger.info("%s", outcome.describe())
    return outcome.as_dict()


def _batch_name() -> str:
    plan_refs = task_run.parameters["plan_refs"]
    return f"{plan_refs[0]} and {len(plan_refs) - 1} more"


@task(name="review-passes", task_run_name=_batch_name, cache_policy=NO_CACHE)
def review_passes(plan_refs: list[str]) -> dict:
    """Many plans handed over at once (an import, the catch-up): each gets its own ``review-pass`` task run.
    A pass that fails leaves its plan behind for the catch-up; the others go on."""
    queued, failed = 0, []
    for plan_ref in plan_refs:
        try:
            queued += review_pass(plan_ref)["messages_queued"]
        except Exception as error:
            get_run_logger().warning("%s: pass failed (%s)", plan_ref, type(error).__name__)
            failed.append(plan_ref)
    return {"plans": len(plan_refs), "messages_queued": queued, "failed": failed}

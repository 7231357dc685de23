"""``case-pass``: one short pass over a case, run by a Prefect task worker each time the case changes.

``ehc case record`` (or the web app, an import, the catch-up) stores the event and then delays a pass
(``case_pass.delay(reference)``); the server pushes it to a task worker in ``ehc serve``, which runs it in
a process that is already up. Each pass is a task run named by the case reference, and reports counts,
dates and keys only. The waiting between events is a row in the case store, not anything held in Prefect.
"""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import task_run

from flows._app import app


@task(name="case-pass", task_run_name="{reference}", cache_policy=NO_CACHE)
def case_pass(reference: str) -> dict:
    # Imported here, not above: a command's background hand-over imports this module only to delay a pass,
    # and the services (messages, rendering) would add 0.6 CPU-seconds to every `ehc case record`.
    from ehc.services.orchestration import advance_case

    logger = get_run_logger()
    outcome = advance_case(app(), reference, say=logger.info)
    logger.info("%s", outcome.describe())
    return outcome.as_dict()


def _batch_name() -> str:
    references = task_run.parameters["references"]
    return f"{references[0]} and {len(references) - 1} more"


@task(name="case-passes", task_run_name=_batch_name, cache_policy=NO_CACHE)
def case_passes(references: list[str]) -> dict:
    """Many cases handed over at once (an import, the catch-up): each gets its own ``case-pass`` task run, so
    every pass of a case is found by its reference. A pass that fails leaves its case behind for the
    catch-up; the others go on."""
    acted, failed = 0, []
    for reference in references:
        try:
            done = case_pass(reference)
        except Exception as error:
            get_run_logger().warning("%s: pass failed (%s)", reference, type(error).__name__)
            failed.append(reference)
            continue
        acted += done["events_acted_on"] - done["acted_before"]
    return {"cases": len(references), "events_acted_on": acted, "failed": failed}

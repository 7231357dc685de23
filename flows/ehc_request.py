"""``ehc-request``: one run per request, walking the statutory stages and suspending while people act.

The store is the record. Each pass reads the case's events afresh, reports
each milestone as a task and, where the next step is someone else's, suspends
until ``ehc case record`` stores an event and resumes the run. On resume
Prefect runs this body again from the top: reads are uncached, and every side
effect is a task keyed by what it is about (and idempotent in the store or
in Prefect), so a replay repeats nothing.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.flow_runs import suspend_flow_run

from domain.progress import MilestoneReport, MilestoneState, Progress
from ehc.orchestration.orchestrator import start_quality_review as start_review_run
from ehc.orchestration.runs import pause_key
from ehc.services import casework, messages
from ehc.clock import today_in_london
from flows._app import app
from flows.resume_input import CaseEventRecorded


@task(name="read-case", cache_policy=NO_CACHE)
def read_case(reference: str) -> Progress:
    return casework.read_progress(app(), reference)


@task(name="decision-to-assess")
def decision_to_assess(progress: Progress) -> MilestoneReport:
    return progress.decision()


@task(name="request-advice", cache_key_fn=lambda _, args: f"request-advice/{args['reference']}/{args['key']}"
      f"/{args['requested_on']}")
def request_advice(reference: str, key: str, requested_on: date, as_of: date) -> int:
    """Queues the contributor's advice request (once per request, whatever the day); returns how many were queued."""
    return messages.queue_case_messages(app(), reference, as_of)


@task(name="collect-contribution")
def collect_contribution(progress: Progress, key: str) -> MilestoneReport:
    return progress.contribution(key)


@task(name="draft-plan")
def draft_plan(progress: Progress) -> MilestoneReport:
    return progress.draft()


@task(name="start-quality-review", cache_key_fn=lambda _, args: f"quality-review/{args['reference']}"
      f"/{args['document']}/{args['on']}")
def start_quality_review(reference: str, document: str, on: date) -> str:
    return start_review_run(reference, document, on)


@task(name="representations-and-consultation")
def representations_and_consultation(progress: Progress) -> MilestoneReport:
    return progress.representations()


@task(name="final-plan")
def final_plan(progress: Progress) -> MilestoneReport:
    return progress.final()


@flow(name="ehc-request", flow_run_name="{reference}", persist_result=True, log_prints=False)
def ehc_request(reference: str) -> str:
    """Carries one request (named by its case reference only) to a final plan, a notice, or its end."""
    return _walk(reference)


def _walk(reference: str) -> str:
    progress = read_case(reference)
    if decision_to_assess(progress).state is MilestoneState.WAITING:
        return _wait_for_casework(progress)
    if progress.decided_to_assess:
        today = today_in_london()
        for advice in progress.advice:
            request_advice(reference, advice.key, advice.requested_on, today)
            collect_contribution(progress, advice.key)
        if draft_plan(progress).state is MilestoneState.WAITING:
            return _wait_for_casework(progress)
        if progress.draft_served:
            start_quality_review(reference, "draft", progress.draft_served)
            representations_and_consultation(progress)
            if final_plan(progress).state is MilestoneState.WAITING:
                return _wait_for_casework(progress)
            if progress.final_issued:
                start_quality_review(reference, "final", progress.final_issued)
    get_run_logger().info("%s", progress.outcome())
    return progress.outcome()


def _wait_for_casework(progress: Progress) -> str:
    """Suspend until the next casework event (the process exits; on resume Prefect runs the body again).

    The key names how many events this pass read, so a resume after a new event
    meets a fresh key and suspends for real. A key already used means the store
    has not changed since (a repeated resume): wait again under a fresh key.
    """
    logger = get_run_logger()
    if casework.read_progress(app(), progress.reference).casework_events != progress.casework_events:
        # An event landed while this pass was running: walk again instead of sleeping on stale state.
        return _walk(progress.reference)
    repeat = 0
    while True:
        key = pause_key(progress.casework_events, repeat)
        logger.info("%s waits for casework (%s)", progress.reference, key)
        woken_by = suspend_flow_run(wait_for_input=CaseEventRecorded, key=key, timeout=None)
        logger.info("%s resumed earlier by %s #%s", progress.reference, woken_by.event_type, woken_by.sequence)
        repeat += 1

"""Hands each changed case to orchestration: one short pass per casework event, run by Prefect task workers.

The store is the record and is written first; this only tells Prefect about it. A hand-over is Prefect's
own background task: ``case_pass.delay(reference)`` creates a task run that the server pushes to a task
worker (``ehc serve``) over its websocket. If Prefect is unreachable the event is still stored, and
``ehc case resync`` or the catch-up every 10 minutes hands the case over later.
(docs/decisions/0001-orchestration-per-event.md)
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Mapping, Protocol, Sequence

QUALITY_REVIEW_DEPLOYMENT = "quality-review/quality-review"
# References per batch task when many cases are handed over at once (an import, the catch-up): the server's
# task queue holds 1,000 runs by default, and one run per case would fill it.
HAND_OVER_BATCH = 100


class Orchestrator(Protocol):
    configured: bool  # False: no Prefect server, the store alone carries the case

    def hand_over(self, references: Sequence[str]) -> str:
        """Ask for a pass over each of these cases; returns what was done, for the person who asked."""

    def hand_over_plans(self, plan_refs: Sequence[str]) -> str:
        """Ask for a review pass over each of these plans in force; returns what was done."""

    def start_quality_review(self, reference: str, document: str, on: date) -> str: ...


class OrchestrationUnavailable(RuntimeError):
    pass


class NoOrchestration:
    """Used when no Prefect server is configured: the store alone carries the case."""

    configured = False
    reason = "no Prefect server is configured (start one with `ehc serve`, or set PREFECT_API_URL)"

    def hand_over(self, references: Sequence[str]) -> str:
        raise OrchestrationUnavailable(self.reason)

    def hand_over_plans(self, plan_refs: Sequence[str]) -> str:
        raise OrchestrationUnavailable(self.reason)

    def start_quality_review(self, reference: str, document: str, on: date) -> str:
        raise OrchestrationUnavailable(self.reason)


class TaskWorkerOrchestrator:
    """Talks to a Prefect server; ``api_url`` None means Prefect's own settings (PREFECT_API_URL, and the
    storage every machine shares for the passes' parameters). With a local server, ``storage`` is where its
    task worker reads them (the state directory's, as ``ehc serve`` sets)."""

    configured = True

    def __init__(self, api_url: str | None = None, storage: Path | None = None) -> None:
        self.api_url = api_url
        self.storage = storage

    def hand_over(self, references: Sequence[str]) -> str:
        from flows.case_pass import case_pass, case_passes

        return self._delay(case_pass, case_passes, references, "case(s)")

    def hand_over_plans(self, plan_refs: Sequence[str]) -> str:
        from flows.review_pass import review_pass, review_passes

        return self._delay(review_pass, review_passes, plan_refs, "plan(s)")

    def _delay(self, one_pass, batch_of_passes, references: Sequence[str], what: str) -> str:
        """One pass for one reference; for many, a batch task per HAND_OVER_BATCH of them."""
        with self._settings():
            if len(references) == 1:
                run = one_pass.delay(references[0])
                return f"handed to orchestration (task run {run.task_run_id})"
            batches = [list(references[start:start + HAND_OVER_BATCH])
                       for start in range(0, len(references), HAND_OVER_BATCH)]
            for batch in batches:
                batch_of_passes.delay(batch)
        return f"{len(references)} {what} handed to orchestration in {len(batches)} batch(es)"

    def start_quality_review(self, reference: str, document: str, on: date) -> str:
        """Start the quality review of a draft or final plan; Prefect's idempotency key starts it once per
        document and date, however often a pass is repeated."""
        from prefect.deployments import run_deployment
        from prefect.exceptions import ObjectNotFound

        with self._settings():
            try:
                run = run_deployment(QUALITY_REVIEW_DEPLOYMENT,
                                     parameters={"reference": reference, "document": document},
                                     flow_run_name=f"quality-review-{reference}-{document}", timeout=0,
                                     as_subflow=False,
                                     idempotency_key=f"quality-review/{reference}/{document}/{on.isoformat()}")
            except ObjectNotFound as error:
                raise OrchestrationUnavailable(
                    f"the Prefect server has no {QUALITY_REVIEW_DEPLOYMENT} deployment: is `ehc serve` running?"
                ) from error
        return str(run.id)

    def _settings(self):
        if not (self.api_url or self.storage):  # Prefect's own settings: building them again costs a pass dear
            return nullcontext()
        from prefect.settings import PREFECT_API_URL, PREFECT_LOCAL_STORAGE_PATH, temporary_settings

        updates: dict = {PREFECT_API_URL: self.api_url} if self.api_url else {}
        if self.storage:
            updates[PREFECT_LOCAL_STORAGE_PATH] = str(self.storage)
        return temporary_settings(updates=updates)


class BackgroundHandOver:
    """For a command that ends once the event is stored: the hand-over runs in a process of its own
    (``python -m ehc.orchestration.hand_over``), so the command neither imports Prefect (over a second
    here) nor waits for the server. A hand-over lost with that process is the catch-up's to redo."""

    def __init__(self, inner: Orchestrator, state_dir: Path) -> None:
        self.inner, self.state_dir = inner, state_dir
        self.configured = inner.configured

    def hand_over(self, references: Sequence[str]) -> str:
        if not self.configured:
            return self.inner.hand_over(references)
        self._in_background(references)
        return "handed to orchestration in the background (`ehc case show` says when it is level)"

    def hand_over_plans(self, plan_refs: Sequence[str]) -> str:
        if not self.configured:
            return self.inner.hand_over_plans(plan_refs)
        self._in_background(["--plans", *plan_refs])
        return "handed to orchestration in the background (`ehc review show` says when it is level)"

    def _in_background(self, arguments: Sequence[str]) -> None:
        log = hand_over_log(self.state_dir)
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            subprocess.Popen([sys.executable, "-m", "ehc.orchestration.hand_over", *arguments],
                             stdin=subprocess.DEVNULL, stdout=output, stderr=output, start_new_session=True,
                             env=os.environ.copy())

    def start_quality_review(self, reference: str, document: str, on: date) -> str:
        return self.inner.start_quality_review(reference, document, on)


def hand_over_log(state_dir: Path) -> Path:
    """Where background hand-overs write what went wrong (case references only)."""
    return state_dir / "logs" / "hand-over.log"


def prefect_home(state_dir: Path) -> Path:
    """The local Prefect server's home: its database, its address, and the results it keeps."""
    return state_dir / "prefect"


def api_url_file(state_dir: Path) -> Path:
    """Where ``ehc serve`` (or the demo) leaves the address of the local Prefect server it started."""
    return prefect_home(state_dir) / "api-url"


def orchestrator_for(state_dir: Path, environ: Mapping[str, str]) -> Orchestrator:
    if environ.get("PREFECT_API_URL"):
        return TaskWorkerOrchestrator()
    local = api_url_file(state_dir)
    if local.exists():
        return TaskWorkerOrchestrator(local.read_text().strip(), prefect_home(state_dir) / "storage")
    return NoOrchestration()

"""Every deployment the service runs, with its schedule in Europe/London.

This tuple is the one source of truth: ``ehc serve`` serves these from one
process and ``ehc deploy`` registers them with a work pool. The case passes
are not deployments: they are task runs, served by the task worker in
``ehc serve`` (flows/case_pass.py).
``deployments/prefect.yaml`` is their copy for Prefect's own tooling; a test
compares every setting of every entry with what ``as_prefect_yaml`` derives
from here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

TIMEZONE = "Europe/London"


@dataclass(frozen=True)
class Deployment:
    name: str
    entrypoint: str  # "module.path:flow_function", as prefect.yaml writes it
    cron: str | None
    description: str
    concurrency_limit: int | None = None  # at most this many runs at once (None: no limit)

    def load_flow(self):
        module, _, attribute = self.entrypoint.partition(":")
        return getattr(importlib.import_module(module), attribute)

    def as_prefect_yaml(self, pool: str) -> dict:
        """This deployment as an entry of prefect.yaml's ``deployments`` list."""
        entry: dict = {"name": self.name, "entrypoint": self.entrypoint, "description": self.description,
                       "work_pool": {"name": pool}}
        if self.concurrency_limit is not None:
            entry["concurrency_limit"] = self.concurrency_limit
        entry["schedules"] = [{"cron": self.cron, "timezone": TIMEZONE}] if self.cron else []
        return entry


DEPLOYMENTS: tuple[Deployment, ...] = (
    Deployment("deadline-watch", "flows.deadline_watch:deadline_watch", "15 6 * * 1-5",
               "Working days 06:15: queue reminders and escalations (skips bank holidays)."),
    # One dispatcher at a time: a slow SMTP server must not let the next run's claims pile up beside it
    # (two at once would still send each message once; the outbox's lease sees to that).
    Deployment("dispatch-notifications", "flows.dispatch_notifications:dispatch_notifications", "*/10 * * * *",
               "Every 10 minutes: send the outbox; quiet hours and non-working days are the policy's to hold.",
               concurrency_limit=1),
    Deployment("weekly-timeliness-report", "flows.weekly_timeliness_report:weekly_timeliness_report",
               "0 7 * * 1", "Mondays 07:00: the SEN2 timeliness report."),
    Deployment("quality-review", "flows.quality_review:quality_review", None,
               "Started by a case's pass when a draft or final plan is recorded with its document attached."),
    Deployment("catch-up", "flows.catch_up:catch_up", "*/10 * * * *",
               "Every 10 minutes: hand over any case whose events no pass has acted on."),
)


def runner_deployments() -> list:
    """The deployments as ``flow.to_deployment`` objects, for ``prefect.serve``."""
    from prefect.schedules import Cron

    return [
        deployment.load_flow().to_deployment(
            name=deployment.name, description=deployment.description,
            schedules=[Cron(deployment.cron, timezone=TIMEZONE)] if deployment.cron else [],
            concurrency_limit=deployment.concurrency_limit,
        )
        for deployment in DEPLOYMENTS
    ]


def apply_to_work_pool(pool: str) -> list[str]:
    """Register every deployment with ``pool`` (a process work pool), schedules included; returns their names.

    What `prefect deploy --prefect-file deployments/prefect.yaml --all` would do. Prefect 3.8.8's CLI
    fails after the first deployment (its check for online workers sends a filter the server refuses
    with 422), so this registers them through the same API the CLI uses. Workers run each flow in this
    project's directory, so every worker machine needs the code at the same path.
    """
    project_dir = str(Path(__file__).resolve().parents[1])
    for deployment in runner_deployments():
        deployment.job_variables = {"working_dir": project_dir}  # else a process worker runs it in a temp dir
        deployment.apply(work_pool_name=pool)
    return [deployment.name for deployment in DEPLOYMENTS]

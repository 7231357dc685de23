"""`ehc demo`: a synthetic caseload carried through intake, import, casework and real Prefect runs.

Runs on embedded defaults: SQLite in a fresh state directory, a local Prefect
server (SQLite beside it) and `ehc serve` started for the duration, a
local SMTP sink that keeps every message as an .eml file, and at the end the
web app beside them, with demo accounts and portal links, its pages checked
(ehc/demo/web.py). Every imported case with casework no pass has acted on,
and every live event, is acted on by a `case-pass` task run in `ehc serve`;
the deadline watch, the weekly report and the dispatch run as flow runs of
their deployments.

The Prefect server starts in the background at once (it takes the longest to
come up), while the caseload is written and imported.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import shutil
import socket
import time
import uuid
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, ContextManager, Iterator, TypeVar

from config.settings import Settings
from domain.events import (
    CaseEvent, Decision, DraftServed, ExceptionEnded, ExceptionStarted, FinalIssued, NoPlanNotice, Received, Withdrawn,
)
from domain.intake import NewRequest
from domain.rag import rag_of
from ehc.bootstrap import App, bootstrap
from ehc.imports.caseload import import_caseload_file
from ehc.demo.live import LiveResult, LiveRunStuck, drive, wait_until_level
from ehc.orchestration.orchestrator import HAND_OVER_BATCH, TaskWorkerOrchestrator, prefect_home
from ehc.orchestration.runs import every_flow_run, flow_names
from ehc.orchestration.local_server import local_prefect_server, prefect_environment
from ehc.case_views import case_summary_json, timeline_text
from ehc.orchestration.serve import ServeProcess
from ehc.demo.synthetic import SYNTHETIC_CONTRIBUTORS, add_synthetic_contributors, synthetic_caseload
from ehc.demo.synthetic_plans import PLAN_COLUMNS, synthetic_plans
from ehc.services.plan_import import import_plans_file
from ehc.services.reviews import find_plans, plan_matches
from ehc.demo.web import DemoWeb, check_pages, prepare, reserved_port
from notifications.sink import SmtpSink
from store.db import upgrade

MARKER = ".ehc-demo"
DEMO_ACTOR = "demo"
# Events the caseload CSV carries; everything else is recorded as live casework.
IMPORTED = (Received, Decision, DraftServed, FinalIssued, NoPlanNotice, Withdrawn)
STEPS = 10
DEPLOYMENT_TIMEOUT = 600.0
IMPORTED_TIMEOUT = 600.0  # for the passes over every imported case handed over, on a slow machine
POLL_SECONDS = 0.5  # how often a flow run's state is read while the demo waits for it
PLANS_MADE_BEFORE = 120  # plans in force imported beside those of the caseload's issued requests
T = TypeVar("T")


@dataclass
class DemoResult:
    state_dir: Path
    database_url: str
    as_of: date
    outputs: dict[str, Path]
    stages: dict[str, int]
    overdue: int
    due_within_14: int
    imported: dict
    live: LiveResult
    watch: dict
    dispatch: dict
    flow_runs: dict[str, int]
    task_runs: dict[str, int]
    prefect_ui: str
    web: DemoWeb
    plans: dict


def run_demo(state_dir: Path, as_of: date, count: int, live_requests: int, say: Callable[[str], None],
             web_server: Callable[[App, socket.socket], ContextManager],
             keep_serving: Callable[[str, DemoWeb], None] | None = None) -> DemoResult:
    """``web_server(app, sock)``: the web app serving ``app`` on the bound socket while its block runs (the
    entry point gives it: the demo does not build the web app itself)."""
    say(f"[1/{STEPS}] Fresh state directory {state_dir}")
    _fresh(state_dir)
    with ExitStack() as running:  # stopped in reverse order: the web app, `ehc serve`, the sink, Prefect
        # The web app's port is taken now, so every link made from here on (emails too) names it.
        listener = running.enter_context(reserved_port(Settings().public_url, say))
        prefect_server = running.enter_context(_started_meanwhile(local_prefect_server(state_dir, say)))
        app = bootstrap(Settings(state_dir=state_dir, database_url=None, public_url=listener.public_url))
        upgrade(app.engine)

        say(f"[2/{STEPS}] Contributor directory: {len(SYNTHETIC_CONTRIBUTORS)} advice givers")
        with app.unit_of_work() as work:
            add_synthetic_contributors(work.cases)

        caseload = synthetic_caseload(count, as_of)
        csv_path = state_dir / "caseload.csv"
        say(f"[3/{STEPS}] Importing {count} requests received over the 30 weeks to {as_of} from {csv_path.name}")
        _write_caseload_csv(csv_path, caseload)
        import_caseload_file(app, csv_path, DEMO_ACTOR)

        history = [(request.reference, event) for request, events in caseload for event in events
                   if not isinstance(event, IMPORTED) and not _is_imported_exception(event)]
        say(f"[4/{STEPS}] Recording their {len(history)} casework events (advice, consultations, representations)")
        with app.unit_of_work() as work:
            for done, (reference, event) in enumerate(sorted(history, key=lambda item: item[1].on), start=1):
                work.cases.record(reference, event, DEMO_ACTOR, app.clock.now())
                if done % 500 == 0 or done == len(history):
                    say(f"       {done}/{len(history)}")

        plans_csv = state_dir / "plans.csv"
        plan_rows = synthetic_plans(caseload, PLANS_MADE_BEFORE, as_of)
        _write_plans_csv(plans_csv, plan_rows)
        imported_plans = import_plans_file(app, plans_csv, as_of, DEMO_ACTOR)
        say(f"       and {len(imported_plans.plan_refs)} plans in force from {plans_csv.name}: the plans of the "
            f"issued requests, and {PLANS_MADE_BEFORE} made before the product (reviews due, a phase-transfer "
            f"cohort)")

        say(f"[5/{STEPS}] Prefect (its server, then `ehc serve`) and an SMTP sink")
        mail_dir = state_dir / "mail"
        api_url = prefect_server.result()
        sink = running.enter_context(SmtpSink(mail_dir))
        with app.unit_of_work() as work:
            behind = work.orchestration.cases_behind()
            plans_behind = work.plans.plans_behind()
        serving = ServeProcess(_serve_environment(state_dir, api_url, sink.port, listener.public_url),
                               state_dir / "prefect" / "serve.log")
        serve_started = time.monotonic()
        serving.start()
        running.callback(serving.stop)
        say(f"       `ehc serve` is up; its catch-up handed over the {len(behind)} imported case(s) with casework "
            f"no pass has acted on, and the {len(plans_behind)} plans in force, in batches of up to "
            f"{HAND_OVER_BATCH}")
        result = _with_prefect(app, api_url, as_of, live_requests, say, serving.log,
                               (behind, serve_started))
        prefect_ui = api_url.removesuffix("/api")

        say(f"[9/{STEPS}] The web app at {listener.public_url}, beside Prefect: demo accounts and links")
        web = prepare(app, result["live"].references)
        running.enter_context(web_server(app, listener.sock))
        web = check_pages(web)
        _say_web(web, say)
        if keep_serving:
            keep_serving(prefect_ui, web)

    say(f"[10/{STEPS}] Caseload views as of {as_of}")
    outputs = {"database": state_dir / "ehc.sqlite3", "caseload_csv": csv_path, "mail": mail_dir,
               "prefect_database": state_dir / "prefect" / "prefect.db", **result["outputs"]}
    outputs.update(_caseload_views(app, state_dir, as_of))
    with app.unit_of_work() as work:
        everything = work.cases.find(as_of)
        overdue = len(work.cases.find(as_of, overdue=True))
        due_soon = len(work.cases.find(as_of, due_within=14))
    stages = Counter(timeline.stage.value for _, timeline in everything)
    outputs["plans_csv"] = plans_csv
    return DemoResult(state_dir, app.settings.effective_database_url, as_of, outputs, dict(stages), overdue,
                      due_soon, result["imported"], result["live"], result["watch"], result["dispatch"],
                      result["flow_runs"], result["task_runs"], prefect_ui, web, _plans_in_force(app, as_of))


def _write_plans_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=PLAN_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _plans_in_force(app: App, as_of: date) -> dict:
    """What the plans in force stand at: counts, the phase-transfer cohort by transfer, and one plan to look at
    (the earliest overdue, else the earliest due)."""
    found = find_plans(app, as_of)
    overdue = [record.plan_ref for record, timeline in found if timeline.is_overdue]
    due_soon = [timeline for _, timeline in found
                if plan_matches(timeline, as_of, due_within=28, overdue=False, phase_transfer=None)]
    cohort = Counter(timeline.phase_transfer.transfer.transfer for _, timeline in found
                     if timeline.phase_transfer is not None and timeline.phase_transfer.in_transfer_year)
    transfer_year = next((timeline.phase_transfer.transfer.transfer_year for _, timeline in found
                          if timeline.phase_transfer is not None and timeline.phase_transfer.in_transfer_year), None)
    return {"in_force": len(found), "overdue": len(overdue), "due_within_28_days": len(due_soon),
            "phase_transfer_year": transfer_year, "phase_transfer_cohort": dict(sorted(cohort.items())),
            "example": (overdue or [record.plan_ref for record, _ in found] or [None])[0]}


@contextmanager
def _started_meanwhile(manager: ContextManager[T]) -> Iterator[Future[T]]:
    """``manager`` entered in a thread of its own, so its start-up overlaps the work that follows; the future
    gives what it yields. Exited when this block ends, once it has started."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        started = thread.submit(manager.__enter__)
        try:
            yield started
        finally:
            if started.exception() is None:
                manager.__exit__(None, None, None)


def _say_web(web: DemoWeb, say: Callable[[str], None]) -> None:
    """The accounts with their passwords: said here once, and kept nowhere but as argon2 hashes."""
    say("       Sign in (these passwords are shown only now):")
    for account in web.accounts:
        say(f"         {account.username:<16} password {account.password}   ({account.role}, team {account.team})")
    say(f"       Dashboard:        {web.dashboard}")
    if web.contributor_link:
        say(f"       Contributor link: {web.contributor_link}")
        say(f"                         ({web.link_case}: the advice asked of {web.advice_key})")
    else:
        say("       Contributor link: none (no advice request is open in the demo's caseload)")
    say(f"       Parent link:      {web.parent_link}")
    say(f"                         ({web.link_case})")
    for line in web.checked:
        say(f"       checked: {line}")


def _with_prefect(app: App, api_url: str, as_of: date, live_requests: int, say: Callable[[str], None],
                  serve_log: Path, handed_over: tuple[list[str], float]) -> dict:
    """``handed_over``: the cases `ehc serve`'s catch-up handed over, and when it started (``time.monotonic``)."""
    from prefect.logging.configuration import ensure_logging_setup
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # Each hand-over would log where its task run is in the UI, among the demo's own lines. Prefect's logging
    # is set up first: setting it up later would reset the level.
    ensure_logging_setup()
    logging.getLogger("prefect.tasks").setLevel(logging.WARNING)
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        app.orchestrator = TaskWorkerOrchestrator(api_url, prefect_home(app.settings.state_dir) / "storage")
        requests = synthetic_caseload(live_requests, as_of, weeks=22, seed=7, prefix="LIVE")
        say(f"[6/{STEPS}] {live_requests} live requests: each event stored, then acted on by a case-pass task run "
            f"named by its case (Prefect UI: {api_url.removesuffix('/api')})")
        live = drive(app, requests, DEMO_ACTOR, say, serve_log)

        # The imported cases' passes go on meanwhile: a message both they and the watch queue is queued once (by key).
        say(f"[7/{STEPS}] Deadline watch and the weekly timeliness report as of {as_of}")
        watch, report = _run_deployments(["deadline-watch", "weekly-timeliness-report"], as_of)
        say(f"       queued {watch.get('messages_queued', 0)} reminder(s), escalation(s) and alert(s), "
            f"and the report for {report.get('emails_queued', 0)} manager(s)")
        say(f"[8/{STEPS}] Dispatch: the outbox to the SMTP sink, once every case handed over is level")
        behind, serve_started = handed_over
        level_after = max(wait_until_level(app, dict.fromkeys(behind, serve_started), IMPORTED_TIMEOUT,
                                           serve_log), default=0.0)
        say(f"       the {len(behind)} imported case(s) handed over were level {level_after:.1f} s after "
            "`ehc serve` started")
        plans_level_after = _wait_until_plans_level(app, serve_started, IMPORTED_TIMEOUT)
        say(f"       the plans in force were level {plans_level_after:.1f} s after `ehc serve` started")
        dispatch, = _run_deployments(["dispatch-notifications"], as_of)
        say(f"       sent {dispatch.get('sent', 0)}, skipped {dispatch.get('skipped', 0)} (no address or webhook)")
        return {"imported": {"handed_over": len(behind), "seconds_to_level": round(level_after, 2),
                             "plans_seconds_to_level": round(plans_level_after, 2)},
                "live": live, "watch": watch, "dispatch": dispatch, "flow_runs": _flow_run_counts(),
                "task_runs": _task_run_counts(),
                "outputs": {"report_html": Path(report["html"]), "report_csv": Path(report["csv"]),
                            "report_xlsx": Path(report["xlsx"])}}


def _run_deployments(names: list[str], as_of: date) -> list[dict]:
    """A flow run of each deployment, all started at once (``ehc serve`` runs each in a process of its own),
    and their results once every one has completed."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    # The key makes the client's retry of a slow create (SQLite "database is locked") return the same run.
    runs = [run_deployment(f"{name}/{name}", parameters={"as_of": as_of}, timeout=0, as_subflow=False,
                           idempotency_key=f"demo/{name}/{as_of}/{uuid.uuid4()}") for name in names]
    deadline = time.monotonic() + DEPLOYMENT_TIMEOUT
    with get_client(sync_client=True) as client:
        while True:
            runs = [run if run.state.is_final() else client.read_flow_run(run.id) for run in runs]
            if all(run.state.is_final() for run in runs):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {', '.join(names)} flow run(s) did not finish within "
                                   f"{DEPLOYMENT_TIMEOUT:.0f} s")
            time.sleep(POLL_SECONDS)
    for name, run in zip(names, runs):
        if not run.state.is_completed():
            raise RuntimeError(f"the {name} flow run ended {run.state.name}: {run.state.message}")
    return [run.state.result() for run in runs]


def _serve_environment(state_dir: Path, api_url: str, smtp_port: int, public_url: str) -> dict[str, str]:
    env = {**os.environ, **prefect_environment(state_dir, api_url), "EHC_STATE_DIR": str(state_dir),
           "EHC_SMTP_HOST": "127.0.0.1", "EHC_SMTP_PORT": str(smtp_port), "EHC_SMTP_STARTTLS": "false",
           "EHC_ACTOR": DEMO_ACTOR, "EHC_PUBLIC_URL": public_url}
    for name in ("EHC_DATABASE_URL", "EHC_SMTP_USERNAME", "EHC_SMTP_PASSWORD", "EHC_APPRISE_URLS"):
        env.pop(name, None)
    return env


def _flow_run_counts() -> dict[str, int]:
    by_flow = Counter(run.flow_id for run in every_flow_run(flow_name=None))
    names = flow_names(by_flow)
    return dict(sorted((names[flow_id], count) for flow_id, count in by_flow.items()))


def _wait_until_plans_level(app: App, serve_started: float, timeout: float) -> float:
    """Until a review pass has acted on every plan in force (its arrival and review events); the seconds since
    ``serve_started`` (a ``time.monotonic()``). LiveRunStuck names some still behind after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        with app.unit_of_work() as work:
            behind = work.plans.plans_behind()
        if not behind:
            return time.monotonic() - serve_started
        if time.monotonic() > deadline:
            raise LiveRunStuck(f"orchestration did not act on {len(behind)} plan(s) within {timeout:.0f} s: "
                               f"{', '.join(behind[:10])}")
        time.sleep(POLL_SECONDS)


def _task_run_counts() -> dict[str, int]:
    """The runs of the tasks orchestration hands cases and plans in force to: ``case-pass`` and
    ``review-pass`` (one per pass, named by its case or plan) and ``case-passes`` and ``review-passes`` (one per
    batch). A task run's key starts with its task's function name."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import TaskRunSort

    tasks = {"case_pass": "case-pass", "case_passes": "case-passes", "review_pass": "review-pass",
             "review_passes": "review-passes"}
    counts = dict.fromkeys(tasks.values(), 0)
    with get_client(sync_client=True) as client:
        offset = 0
        while page := client.read_task_runs(sort=TaskRunSort.ID_DESC, limit=200, offset=offset):
            for run in page:
                task = tasks.get(run.task_key.rpartition("-")[0])
                if task:
                    counts[task] += 1
            offset += len(page)
    return counts


def _caseload_views(app: App, state_dir: Path, as_of: date) -> dict[str, Path]:
    outputs: dict[str, Path] = {}
    with app.unit_of_work() as work:
        overdue = work.cases.find(as_of, overdue=True)
        due_soon = work.cases.find(as_of, due_within=14)
        example = next((record for record, timeline in overdue if timeline.advice), None)
        if example is not None:
            outputs["example_timeline"] = state_dir / f"timeline-{example.reference}.txt"
            outputs["example_timeline"].write_text(timeline_text(work.cases.timeline(example.events, as_of)) + "\n")
    for name, found in (("overdue", overdue), ("due_within_14_days", due_soon)):
        outputs[name] = state_dir / f"{name}.json"
        rows = [case_summary_json(record, timeline, rag_of(timeline, app.policy, app.calendar))
                for record, timeline in found]
        outputs[name].write_text(json.dumps({"as_of": as_of.isoformat(), "cases": rows}, indent=2) + "\n")
    return outputs


def _fresh(state_dir: Path) -> None:
    """Start clean, but only ever delete a directory an earlier demo made."""
    if state_dir.exists():
        if not (state_dir / MARKER).exists():
            raise FileExistsError(f"{state_dir} exists and is not a demo state directory; choose another --state-dir")
        shutil.rmtree(state_dir)
    state_dir.mkdir(parents=True)
    (state_dir / MARKER).write_text("made by `ehc demo`; deleted by the next demo run\n")


def _is_imported_exception(event: CaseEvent) -> bool:
    return isinstance(event, (ExceptionStarted, ExceptionEnded)) and event.limb.is_case_exception


def _write_caseload_csv(path: Path, caseload: list[tuple[NewRequest, list[CaseEvent]]]) -> None:
    columns = ["case_ref", "received", "decision", "decision_date", "draft_served", "final_issued",
               "no_plan_notice", "withdrawn", "exception", "exception_start", "exception_end",
               "caseworker", "team", "setting", "child_given_name", "child_family_name", "child_date_of_birth"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for request, events in caseload:
            row = {"case_ref": request.reference, "received": request.received, "caseworker": request.caseworker,
                   "team": request.team, "setting": request.setting, "child_given_name": request.child_given_name,
                   "child_family_name": request.child_family_name,
                   "child_date_of_birth": request.child_date_of_birth}
            for event in events:
                if isinstance(event, Decision):
                    row.update(decision=event.outcome.value, decision_date=event.on)
                elif isinstance(event, (DraftServed, FinalIssued, NoPlanNotice, Withdrawn)):
                    row[event.type] = event.on
                elif isinstance(event, ExceptionStarted) and event.limb.is_case_exception:
                    row.update(exception=event.limb.value, exception_start=event.on)
                elif isinstance(event, ExceptionEnded) and event.limb.is_case_exception:
                    row["exception_end"] = event.on
            writer.writerow(row)

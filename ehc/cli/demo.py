"""`ehc demo`: the main job on embedded defaults (see ehc/demo/)."""

from __future__ import annotations

import json
from datetime import timedelta
import sys
from pathlib import Path
from typing import Optional

import typer

from ehc.cli.common import JsonOption, as_of_day, emit, refusals
from ehc.clock import today_in_london
from ehc.parse import InputError


def demo(
    state_dir: Path = typer.Option(Path("ehc-demo"), "--state-dir", help="Made afresh on every run."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="YYYY-MM-DD; default: the last working day "
                                        "on or before today (London)."),
    cases: int = typer.Option(250, "--cases", min=1, max=100_000, help="Synthetic requests to import."),
    live: int = typer.Option(6, "--live", min=1, max=50, help="Requests carried live: each event stored, then "
                             "acted on by a case-pass task run."),
    keep_serving: bool = typer.Option(False, "--keep-serving", help="Keep the web app and Prefect up at the "
                                      "end, until Ctrl-C."),
    json_output: bool = JsonOption,
) -> None:
    """The main job on embedded defaults: a synthetic caseload, live requests whose every event a Prefect
    task run acts on, the deadline watch with reminders to a local SMTP sink, the weekly report, and the web
    app with a demo caseworker and manager (their passwords printed once), a contributor's link and a
    parent's link."""
    import time as clock

    from ehc.bootstrap import bootstrap
    from ehc.demo.run import run_demo
    from ehc.demo.web import DemoWeb, DemoWebFailed
    from ehc.web.server import ServerDidNotStart, ServerThread

    say = (lambda line: typer.echo(line, err=True)) if json_output else typer.echo

    def wait_for_ctrl_c(prefect_ui: str, web: DemoWeb) -> None:
        say(f"Serving the web app at {web.dashboard} and the Prefect UI at {prefect_ui} — Ctrl-C to stop")
        try:
            while True:
                clock.sleep(3600)
        except KeyboardInterrupt:
            pass

    with refusals(json_output):
        day = as_of_day(as_of) if as_of else bootstrap().calendar.last_working_day_on_or_before(today_in_london())
        started = clock.monotonic()
        try:
            result = run_demo(state_dir.resolve(), day, cases, live, say, web_server=ServerThread,
                              keep_serving=wait_for_ctrl_c if keep_serving else None)
        except FileExistsError as error:
            raise InputError(f"--state-dir: {error}") from error
        except (DemoWebFailed, ServerDidNotStart) as error:
            typer.echo(f"error: the demo's web app: {error}", err=True)
            raise typer.Exit(1) from error
        seconds = clock.monotonic() - started
        median = result.live.median_seconds
        data = {"state_dir": str(result.state_dir), "database_url": result.database_url,
                "as_of": result.as_of.isoformat(), "seconds": round(seconds, 1),
                "stages": result.stages, "overdue": result.overdue, "due_within_14_days": result.due_within_14,
                "imported_cases": result.imported,
                "live_requests": result.live.outcomes, "live_events_recorded": result.live.events_recorded,
                "median_seconds_record_to_level": None if median is None else round(median, 2),
                "deadline_watch": json.loads(json.dumps(result.watch, default=str)),
                "dispatch": json.loads(json.dumps(result.dispatch, default=str)), "flow_runs": result.flow_runs,
                "task_runs": result.task_runs,
                "prefect_ui": result.prefect_ui, "web": result.web.as_json(), "plans_in_force": result.plans,
                "outputs": {name: str(path) for name, path in result.outputs.items()}}
        lines = [f"Finished in {seconds:.0f} s, as of {result.as_of}", f"Case store: {result.database_url}",
                 "Requests by stage:"]
        lines += [f"  {stage:<18} {number:>5}" for stage, number in sorted(result.stages.items())]
        lines += [f"Cases with a statutory date missed: {result.overdue}",
                  f"Cases with a statutory date in the next 14 days: {result.due_within_14}",
                  f"Imported cases handed over: {result.imported['handed_over']}, all level "
                  f"{result.imported['seconds_to_level']:.1f} s after `ehc serve` started",
                  f"Live requests ({result.live.events_recorded} events; median {median or 0:.1f} s from "
                  "recording an event to its case being level, every event acted on):"]
        lines += [f"  {reference:<16} {outcome}" for reference, outcome in result.live.outcomes.items()]
        lines += [f"Deadline watch: {json.dumps(result.watch, default=str)}",
                  f"Dispatch: {json.dumps(result.dispatch, default=str)}",
                  "Flow runs: " + ", ".join(f"{name} {number}" for name, number in result.flow_runs.items()),
                  "Task runs: " + ", ".join(f"{name} {number}" for name, number in result.task_runs.items()),
                  "Outputs:"]
        lines += [f"  {name:<18} {path}" for name, path in result.outputs.items()]
        web = result.web
        ehc = f"EHC_STATE_DIR={result.state_dir} {Path(sys.argv[0]).resolve()}"
        lines += [f"Web app: {web.dashboard} is stopped now; to sign in again with the accounts above "
                  f"({', '.join(account.username for account in web.accounts)}): "
                  f"EHC_PUBLIC_URL={web.public_url} {ehc} web --port {web.port}",
                  f"  contributor link {web.contributor_link or 'none (no advice request open)'}",
                  f"  parent link      {web.parent_link}",
                  f"Prefect UI: {result.prefect_ui} is stopped now; to browse these runs: {ehc} serve",
                  f"Try: {ehc} cases --overdue"]
        plans = result.plans
        lines += [f"Plans in force: {plans['in_force']}, all level {result.imported['plans_seconds_to_level']:.1f} s "
                  f"after `ehc serve` started ({plans['overdue']} with a statutory date missed, "
                  f"{plans['due_within_28_days']} with one in the next 28 days); phase transfers in "
                  f"{plans['phase_transfer_year']}: " + ", ".join(
                      f"{transfer} {count}" for transfer, count in plans["phase_transfer_cohort"].items()),
                  f"  {ehc} reviews --overdue",
                  f"  {ehc} reviews --phase-transfer {plans['phase_transfer_year']}",
                  f"  {ehc} review show {plans['example']}",
                  f"  {ehc} report reviews --from {result.as_of - timedelta(days=364)} --to {result.as_of}",
                  f"  {ehc} phase-transfer --year-group 6"]
        emit(json_output, data, "\n".join(lines))

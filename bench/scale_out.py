"""Requests carried through every stage on PostgreSQL, two `ehc serve` processes, today's design beside the old
one (issue 16, aim 4).

    .venv/bin/python bench/scale_out.py                        # 500 requests today, 10 the old way (~30 min)
    .venv/bin/python bench/scale_out.py --design new --requests 50
    .venv/bin/python bench/scale_out.py --out bench/results/2026-11-30-scale-out.json

Set up on loopback as the README's "Several machines" section describes: a throwaway PostgreSQL cluster
(tests/postgres_cluster.py) holds the Prefect server's database (asyncpg) and the case store, and every process
shares one PREFECT_LOCAL_STORAGE_PATH. Today two `ehc serve` processes serve it: one full (the scheduled
deployments and the quality reviews, at most ``--limit`` flow runs at once, and the case passes) and one
``--passes-only`` (a second task worker). The old design had only the full kind: one `ehc serve --limit`.

Requests of the last 60 weeks whose histories had run to their end by 20 Nov 2026 (ehc/demo/synthetic.py:
plans issued, refusals, no-plan notices, withdrawals) are carried stage by stage, every case at once: intake
(``add_request``), then the decision, advice asked for, advice received, the draft (with consultation and
representations), and the final plan or notice. In each stage a case's events are stored and the last goes
through ``ehc.services.casework.record_event``, so orchestration is told once a stage (today a pass; in the
old design its run resumed); the stage ends when every case is level. A pass that meets a draft or final plan
starts its quality review, a flow run of its own. Then: every case closed and level, every quality review
finished; throughput in events and cases a minute.

The old design needs a flow-run process per stage per case, so it carries ``--old-requests`` (10) and its time
is extrapolated linearly to ``--requests``, as the report says.

Aim (issue 16): 500 requests through every stage in under 30 minutes on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import designs  # noqa: E402

AS_OF = date(2026, 11, 20)
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
STAGES = ("intake", "decision", "advice asked for", "advice received", "draft", "final")
STAGE_OF = {"decision": 1, "advice_requested": 2, "advice_received": 3, "draft_served": 4,
            "representations_received": 4, "consultation_sent": 4, "consultation_answered": 4, "final_issued": 5,
            "no_plan_notice": 5}  # any other event (an exception, a withdrawal) goes with the one before it


def measure(args: argparse.Namespace) -> dict:
    import tempfile

    from tests.postgres_cluster import PostgresCluster, free_port

    requests = args.requests if args.design == "new" else args.old_requests
    work = Path(tempfile.mkdtemp(prefix="ehc-scale-out-"))
    cluster = PostgresCluster(settings=("max_connections=200",)).start()
    processes: list[subprocess.Popen] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so the servers are stopped too
    try:
        for name in ("prefect", "ehc"):
            create_database(cluster.admin_url, name)
        base = cluster.admin_url.rsplit("/", 1)[0]
        api_url = f"http://127.0.0.1:{free_port()}/api"
        env = {**designs.design_environment(designs.design_tree()), "PREFECT_HOME": str(work / "prefect-home"),
               "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOCAL_STORAGE_PATH": str(work / "results")}
        server_env = {**env, "PREFECT_API_DATABASE_CONNECTION_URL": base.replace("+psycopg", "+asyncpg") + "/prefect"}
        client_env = {**env, "PREFECT_API_URL": api_url, "EHC_DATABASE_URL": f"{base}/ehc",
                      "EHC_STATE_DIR": str(work / "state"), "EHC_ACTOR": "scale-out"}
        port = api_url.rsplit(":", 1)[1].split("/")[0]
        processes.append(designs.start_process(
            ["-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", port], server_env,
            work / "prefect-server.log"))
        wait_healthy(api_url, 180)
        os.environ.update({name: value for name, value in client_env.items() if name.startswith(("PREFECT_", "EHC_"))})
        app = designs.new_store(work / "state", f"{base}/ehc")
        from ehc.orchestration.orchestrator import orchestrator_for

        app.orchestrator = orchestrator_for(work / "state", os.environ)
        designs.quiet_prefect_client()
        processes.append(designs.start_process(["-m", "ehc.cli", "serve", "--limit", str(args.limit)],
                                               client_env, work / "serve-full.log"))
        if args.design == "new":
            processes.append(designs.start_process(["-m", "ehc.cli", "serve", "--passes-only"], client_env,
                                                   work / "serve-passes.log"))
        designs.wait_for_deployments(processes[1], work / "serve-full.log")
        figures = carry(app, closed_requests(requests), args.timeout, args.recorders)
        return {**figures, "extrapolated_to": args.requests,
                "seconds_extrapolated": round(figures["seconds"] * args.requests / requests, 1),
                "recorders": args.recorders, "prefect_server_database": "PostgreSQL (asyncpg)",
                "serve_processes": f"one full (--limit {args.limit}) and one --passes-only" if args.design == "new"
                else f"one (--limit {args.limit})"}
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not cut the clean-up short
        for process in reversed(processes):
            designs.stop_process(process)
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


def closed_requests(count: int) -> list:
    from domain.casefile import fold
    from ehc.demo.synthetic import synthetic_caseload

    chosen = [(request, events) for request, events in synthetic_caseload(count * 3, AS_OF, weeks=60, seed=500,
                                                                           prefix="SCALE")
              if fold(events).closure][:count]
    if len(chosen) < count:
        raise SystemExit(f"only {len(chosen)} closed histories")
    return chosen


def stage_rounds(events: list) -> list[list]:
    """The events after intake, in date order, split into STAGES[1:]: each event in its stage's round, an
    exception or a withdrawal in the round of the event before it."""
    rounds: list[list] = [[] for _ in STAGES[1:]]
    stage = 1
    for event in sorted(events[1:], key=lambda event: event.on):
        stage = max(stage, STAGE_OF.get(event.type, stage))
        rounds[stage - 1].append(event)
    return rounds


def carry(app, requests: list, timeout: float, recorders: int) -> dict:
    from concurrent.futures import ThreadPoolExecutor

    from ehc.services import casework

    staged = {request.reference: stage_rounds(events) for request, events in requests}
    stages, started = [], time.monotonic()
    events_recorded = 0
    for number, name in enumerate(STAGES):
        def tell(request) -> tuple[str, float, int] | None:
            """The case's events of this stage stored, the last through record_event; (reference, when, events)."""
            if number == 0:
                casework.add_request(app, request, "scale-out")
                return request.reference, time.monotonic(), 1
            stage_events = staged[request.reference][number - 1]
            if not stage_events:
                return None
            with app.unit_of_work() as work:  # all but the last stored as they come; the last tells orchestration
                for event in stage_events[:-1]:
                    work.cases.record(request.reference, event, "scale-out", app.clock.now())
            casework.record_event(app, request.reference, stage_events[-1], "scale-out")
            return request.reference, time.monotonic(), len(stage_events)

        stage_started = time.monotonic()
        with ThreadPoolExecutor(recorders) as pool:  # caseworkers recording at once, as through the web app
            told = [done for done in pool.map(tell, [request for request, _ in requests]) if done]
        events_recorded += sum(count for _, _, count in told)
        told = {reference: at for reference, at, _ in told}
        recorded_seconds = time.monotonic() - stage_started
        designs.wait_until_level(app, told, timeout, poll=2.0)
        stages.append({"stage": name, "cases": len(told), "recorded_seconds": round(recorded_seconds, 1),
                       "level_seconds": round(time.monotonic() - stage_started, 1)})
        print(f"  {name}: {len(told)} cases told, every one level after {stages[-1]['level_seconds']:.0f} s "
              f"({time.monotonic() - started:.0f} s in all)", flush=True)
    reviews = wait_for_reviews(timeout)
    total = time.monotonic() - started
    with app.unit_of_work() as work:
        closed = Counter(work.cases.get(request.reference).stage for request, _ in requests)
    open_cases = sum(count for stage, count in closed.items() if stage.is_open)
    if open_cases or set(reviews) - {"COMPLETED"}:
        raise SystemExit(f"not every case closed ({dict(closed)}) or review completed ({dict(reviews)})")
    return {"requests": len(requests), "events": events_recorded, "stages": stages, "seconds": round(total, 1),
            "events_per_minute": round(events_recorded / total * 60, 1),
            "cases_per_minute": round(len(requests) / total * 60, 2), "quality_reviews": dict(reviews),
            "stages_in_the_store": {stage.value: count for stage, count in closed.items()}}


def wait_for_reviews(timeout: float) -> Counter:
    """Until every quality-review run has finished; their final states."""
    from ehc.orchestration.runs import every_flow_run

    deadline = time.monotonic() + timeout
    while True:
        states = Counter(run.state_type.value for run in every_flow_run("quality-review"))
        if not set(states) - TERMINAL:
            return states
        if time.monotonic() > deadline:
            raise SystemExit(f"quality reviews unfinished after {timeout:.0f} s: {dict(states)}")
        time.sleep(2)


def create_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def wait_healthy(api_url: str, timeout: float) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise SystemExit("the Prefect server did not become healthy")


def report(design: str, figures: dict) -> str:
    lines = [f"{figures['requests']} requests, {figures['events']} events, through every stage on PostgreSQL, "
             f"`ehc serve`: {figures['serve_processes']}"]
    lines += [f"  {stage['stage']:<17} {stage['cases']:>4} cases: stored and told in "
              f"{stage['recorded_seconds']:5.0f} s, every one level after {stage['level_seconds']:5.0f} s" for stage in figures["stages"]]
    lines += [f"  whole journey {figures['seconds']:.0f} s ({figures['seconds'] / 60:.1f} min): "
              f"{figures['events_per_minute']:.0f} events/min, {figures['cases_per_minute']:.1f} cases/min",
              f"  the store afterwards: {figures['stages_in_the_store']}; "
              f"quality reviews: {figures['quality_reviews']}"]
    if figures["extrapolated_to"] != figures["requests"]:
        lines.append(designs.extrapolation(figures["seconds_extrapolated"], figures["extrapolated_to"], "requests"))
    return "\n".join(lines)


def main() -> None:
    parser = designs.argument_parser(__doc__)
    parser.add_argument("--requests", type=int, default=500, help="requests carried today's way")
    parser.add_argument("--old-requests", type=int, default=10, help="requests carried the old way, extrapolated")
    parser.add_argument("--limit", type=int, default=4, help="flow runs at once in the full `ehc serve`")
    parser.add_argument("--recorders", type=int, default=4, help="threads recording events at once")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait for a stage to be level")
    designs.add_design_options(parser)
    designs.main(parser.parse_args(), measure, report)


if __name__ == "__main__":
    main()

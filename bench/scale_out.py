"""Scale-out check: a Prefect server on PostgreSQL, two process workers, N requests carried to the end.

    .venv/bin/python bench/scale_out.py                 # 500 requests (about half an hour on 2 cores)
    .venv/bin/python bench/scale_out.py --requests 20   # a quick look

Set up exactly as the README's "Several machines" section says, on loopback:
a throwaway PostgreSQL cluster holds the Prefect server's database and the
case store; the deployments come from deployments/prefect.yaml (`prefect
deploy`) into the process work pool "ehc"; two `prefect worker start --pool
ehc` processes (each running at most --limit flow runs at once) pick the runs
up and share results through one PREFECT_LOCAL_STORAGE_PATH.

Each request is taken in and its run started (intake: the run reads the
request and suspends), then the rest of its history (decision, advice asked
for and received, draft, consultation, representations, final plan) is stored
and the run told once; it resumes, walks every stage, starts the draft's
quality review (a run of its own) and completes. We wait until every run has
finished, then report the throughput and every run's final state.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = date(2026, 11, 20)
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def prefect(env: dict, *args: str, log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run([sys.executable, "-m", "prefect", *args], env=env, cwd=ROOT, check=True, stdout=out,
                       stderr=subprocess.STDOUT)


def create_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def run_states(flow_names: list[str]) -> dict[str, Counter]:
    from ehc.orchestration.runs import every_flow_run

    return {name: Counter(run.state_type.value for run in every_flow_run(name)) for name in flow_names}


def wait_until_settled(expected_requests: int, timeout: float, say) -> dict[str, Counter]:
    """Until every ehc-request and quality-review run is in a terminal state (or PAUSED, which is a failure)."""
    deadline = time.monotonic() + timeout
    while True:
        states = run_states(["ehc-request", "quality-review"])
        requests = states["ehc-request"]
        unsettled = sum(count for state, count in (requests + states["quality-review"]).items()
                        if state not in TERMINAL)
        say(f"  {dict(requests)} | quality-review {dict(states['quality-review'])}")
        if sum(requests[state] for state in TERMINAL) >= expected_requests and not unsettled:
            return states
        if time.monotonic() > deadline:
            raise SystemExit(f"runs still unsettled after {timeout:.0f} s: {states}")
        time.sleep(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=2, help="flow runs at once per worker")
    parser.add_argument("--timeout", type=float, default=5400)
    args = parser.parse_args()
    say = lambda text: print(text, flush=True)  # noqa: E731
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so the servers and workers are stopped too

    from config.settings import Settings
    from domain.casefile import fold
    from ehc.services import casework
    from ehc.bootstrap import bootstrap
    from ehc.orchestration.orchestrator import PrefectOrchestrator
    from ehc.demo.synthetic import add_synthetic_contributors, synthetic_caseload
    from store.db import upgrade
    from tests.postgres_cluster import PostgresCluster, free_port

    work = Path(tempfile.mkdtemp(prefix="ehc-scale-out-"))
    cluster = PostgresCluster(settings=("max_connections=200",)).start()
    processes: list[subprocess.Popen] = []
    try:
        create_database(cluster.admin_url, "prefect")
        create_database(cluster.admin_url, "ehc")
        base = cluster.admin_url.rsplit("/", 1)[0].replace("postgresql+psycopg", "postgresql+asyncpg")
        store_url = cluster.admin_url.rsplit("/", 1)[0] + "/ehc"
        port = free_port()
        api_url = f"http://127.0.0.1:{port}/api"
        common = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EHC_"))}
        common.update({"PREFECT_HOME": str(work / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                       "PYTHONPATH": str(ROOT)})
        server_env = {**common, "PREFECT_API_DATABASE_CONNECTION_URL": f"{base}/prefect"}
        client_env = {**common, "PREFECT_API_URL": api_url, "EHC_DATABASE_URL": store_url,
                      "EHC_PROJECT_DIR": str(ROOT), "EHC_STATE_DIR": str(work / "state"), "EHC_ACTOR": "scale-out",
                      "PREFECT_LOCAL_STORAGE_PATH": str(work / "results")}
        log = work / "prefect.log"
        say(f"work dir {work}; Prefect server on PostgreSQL, API {api_url}")
        with log.open("ab") as out:
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                env=server_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        _wait_healthy(api_url, 180)
        os.environ.update({k: v for k, v in client_env.items() if k.startswith(("PREFECT_", "EHC_"))})
        app = bootstrap(Settings())
        upgrade(app.engine)
        with app.unit_of_work() as work:
            add_synthetic_contributors(work.cases)
        prefect(client_env, "work-pool", "create", "ehc", "--type", "process", log=log)
        subprocess.run([sys.executable, "-m", "ehc.cli", "deploy", "--pool", "ehc"], env=client_env, cwd=ROOT,
                       check=True)
        for number in range(args.workers):
            with (work / f"worker-{number + 1}.log").open("ab") as out:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "prefect", "worker", "start", "--pool", "ehc", "--type", "process",
                     "--limit", str(args.limit), "--name", f"worker-{number + 1}"],
                    env=client_env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        app.orchestrator = PrefectOrchestrator(api_url)

        # Requests of the last 60 weeks whose history has run to its end by AS_OF (plan, refusal, notice).
        requests = [(request, events) for request, events in synthetic_caseload(args.requests * 3, AS_OF, weeks=60,
                                                                                 seed=500, prefix="SCALE")
                    if fold(events).closure][:args.requests]
        started = time.monotonic()
        for request, _ in requests:
            casework.add_request(app, request, "scale-out")
        say(f"{len(requests)} requests taken in, {time.monotonic() - started:.0f} s; their runs start and suspend")
        intake_states = wait_until_settled_paused(len(requests), args.timeout, say)
        intake_seconds = time.monotonic() - started
        say(f"intake runs all suspended after {intake_seconds:.0f} s: {dict(intake_states)}")
        events_recorded = 0
        resumed_at = time.monotonic()
        for request, events in requests:
            with app.unit_of_work() as work:
                for event in sorted(events[1:], key=lambda event: event.on):
                    record = work.cases.record(request.reference, event, "scale-out", app.clock.now())
                    events_recorded += 1
            app.orchestrator.case_changed(request.reference, len(record.events), record.events[-1].type,
                                          len(record.events))
        say(f"{events_recorded} events stored and each run told once ({time.monotonic() - resumed_at:.0f} s)")
        states = wait_until_settled(len(requests), args.timeout, say)
        total = time.monotonic() - started
        done = states["ehc-request"]["COMPLETED"]
        runs = sum(sum(counter.values()) for counter in states.values())
        say(f"\n{args.requests} requests, {args.workers} process workers (--limit {args.limit}), "
            f"{os.cpu_count()} cores")
        say(f"intake: every run suspended after {intake_seconds:.0f} s")
        say(f"whole journey: {total:.0f} s; {args.requests / total * 60:.1f} requests/min; "
            f"{runs} flow runs ({runs / total * 60:.1f} runs/min counting a resumed run once)")
        say(f"ehc-request runs: {dict(states['ehc-request'])}; quality-review runs: {dict(states['quality-review'])}")
        with app.unit_of_work() as work:
            stages = Counter(record.stage.value for record, _ in work.cases.find(AS_OF, stages=list(_all_stages())))
        say(f"case store stages: {dict(stages)}")
        if done != args.requests or any(state in states[name] for name in states for state in
                                        ("FAILED", "CRASHED", "CANCELLED")):
            raise SystemExit("not every run completed")
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not cut the clean-up short
        for process in reversed(processes):
            _stop(process)
        cluster.stop()


def _stop(process: subprocess.Popen) -> None:
    """The process and whatever it started (its own session): TERM, then KILL after 30 s."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sent)
            process.wait(timeout=30)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def wait_until_settled_paused(expected: int, timeout: float, say) -> Counter:
    deadline = time.monotonic() + timeout
    while True:
        states = run_states(["ehc-request"])["ehc-request"]
        say(f"  {dict(states)}")
        if states["PAUSED"] >= expected:
            return states
        if states["FAILED"] or states["CRASHED"] or time.monotonic() > deadline:
            raise SystemExit(f"intake runs did not all suspend: {dict(states)}")
        time.sleep(10)


def _wait_healthy(api_url: str, timeout: float) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise SystemExit("the Prefect server did not become healthy")


def _all_stages():
    from domain.timeline import Stage

    return tuple(Stage)


if __name__ == "__main__":
    main()

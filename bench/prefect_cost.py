"""What Prefect costs: per request (recorded event to the run waiting again) and per deadline watch.

    .venv/bin/python bench/prefect_cost.py                      # 10 live requests, a watch over 5,000 cases
    .venv/bin/python bench/prefect_cost.py --requests 20 --watch-cases 20000

A local Prefect server and `ehc serve` are started as the demo starts them.

- Per request: synthetic requests are carried through intake and their casework,
  a day's events at a time (ehc/demo/live.py). For each round we time from
  `ehc case record` returning to the run having read the event and suspended
  again (or finished). Beside it: what the same `record_event` costs with no
  orchestration at all, on a second store.
- Per watch: the same store three times over (file copies), and the deadline
  watch run on each: the function called directly, the flow called in this
  process (what `ehc run deadline-watch` does) and the served deployment (what
  the 06:15 schedule does: a run created on the server, picked up by the
  runner's poll, a new process). Each is a first run of the day on its copy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = date(2026, 11, 20)

if TYPE_CHECKING:
    from ehc.orchestration.serve import ServeProcess


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def new_store(state_dir: Path):
    from config.settings import Settings
    from ehc.bootstrap import bootstrap
    from ehc.demo.synthetic import add_synthetic_contributors
    from store.db import upgrade

    app = bootstrap(Settings(state_dir=state_dir, database_url=None))
    upgrade(app.engine)
    with app.unit_of_work() as work:
        add_synthetic_contributors(work.cases)
    return app


@contextmanager
def served(state_dir: Path) -> Iterator[tuple[str, "ServeProcess"]]:
    """A local Prefect server and `ehc serve`, started as the demo starts them; yields the API address."""
    from ehc.orchestration.local_server import local_prefect_server, prefect_environment
    from ehc.orchestration.serve import ServeProcess

    with local_prefect_server(state_dir, lambda _: None) as api_url:
        env = {**os.environ, **prefect_environment(state_dir, api_url), "EHC_STATE_DIR": str(state_dir),
               "EHC_ACTOR": "bench"}
        env.pop("EHC_DATABASE_URL", None)
        serving = ServeProcess(env, state_dir / "prefect" / "serve.log", cwd=ROOT)
        serving.start()
        try:
            yield api_url, serving
        finally:
            serving.stop()


def direct_record_seconds(state_dir: Path, requests) -> list[float]:
    """The store's own share: each request's events recorded with no orchestrator."""
    from ehc.services import casework
    from ehc.demo.live import _by_day

    app = new_store(state_dir)
    timings = []
    for request, events in requests:
        casework.add_request(app, request, "bench", start_run=False)
        for day in _by_day(events):
            started = time.perf_counter()
            for event in day:
                casework.record_event(app, request.reference, event, "bench")
            timings.append(time.perf_counter() - started)
    return timings


def watch_copies(app, state_dir: Path, cases: int) -> dict[str, str]:
    from ehc.demo.synthetic import synthetic_caseload

    with app.unit_of_work() as work:
        work.cases.import_caseload(synthetic_caseload(cases, AS_OF, prefix="W"), "bench", app.clock.now())
    app.engine.dispose()
    source = state_dir / "ehc.sqlite3"
    copies = {}
    for name in ("direct", "in_process_flow"):
        shutil.copy(source, state_dir / f"ehc-{name}.sqlite3")
        copies[name] = f"sqlite:///{state_dir / f'ehc-{name}.sqlite3'}"
    return copies


def time_watches(copies: dict[str, str], state_dir: Path) -> dict[str, dict]:
    from prefect.deployments import run_deployment

    from config.settings import Settings
    from ehc.bootstrap import App
    from ehc.services.messages import deadline_watch
    from flows import _app
    from flows.deadline_watch import deadline_watch as deadline_watch_flow

    timings = {}
    app = App(Settings(state_dir=state_dir, database_url=copies["direct"]))
    app.require_current_schema()  # the first connection, outside the clock
    started = time.perf_counter()
    summary = deadline_watch(app, AS_OF)
    timings["function"] = {"seconds": time.perf_counter() - started, "queued": summary.messages_queued}

    os.environ["EHC_DATABASE_URL"] = copies["in_process_flow"]
    _app.app.cache_clear()
    started = time.perf_counter()
    result = deadline_watch_flow(as_of=AS_OF)
    timings["flow, in process"] = {"seconds": time.perf_counter() - started, "queued": result["messages_queued"]}
    del os.environ["EHC_DATABASE_URL"]
    _app.app.cache_clear()

    started = time.perf_counter()
    run = run_deployment("deadline-watch/deadline-watch", parameters={"as_of": AS_OF}, timeout=900,
                         poll_interval=0.5, as_subflow=False, idempotency_key=f"bench/{uuid.uuid4()}")
    wall = time.perf_counter() - started
    if not run.state.is_completed():
        raise SystemExit(f"the served watch ended {run.state.name}: {run.state.message}")
    timings["served deployment"] = {"seconds": wall, "queued": run.state.result()["messages_queued"],
                                    "run_seconds": (run.end_time - run.start_time).total_seconds()}
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--watch-cases", type=int, default=5_000)
    args = parser.parse_args()

    from prefect.settings import PREFECT_API_URL, temporary_settings

    from ehc.demo.live import drive
    from ehc.orchestration.orchestrator import PrefectOrchestrator
    from ehc.demo.synthetic import synthetic_caseload

    requests = synthetic_caseload(args.requests, AS_OF, weeks=22, seed=7, prefix="LIVE")
    with tempfile.TemporaryDirectory(prefix="ehc-prefect-cost-") as temp:
        root = Path(temp)
        direct = direct_record_seconds(root / "direct", requests)
        state_dir = root / "state"
        app = new_store(state_dir)
        copies = watch_copies(app, state_dir, args.watch_cases)
        with served(state_dir) as (api_url, _):
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                watches = time_watches(copies, state_dir)  # first, while the three stores are alike
                app.orchestrator = PrefectOrchestrator(api_url)
                started = time.perf_counter()
                live = drive(app, requests, "bench", lambda _: None, timeout=600)
                live_wall = time.perf_counter() - started
    waits = live.seconds_to_suspend
    print(f"Per request: {len(requests)} requests, {live.events_recorded} events in {len(waits)} case-rounds, "
          f"{live_wall:.0f} s in all; outcomes: {sorted(live.outcomes.values())}")
    print(f"  recorded event -> run waiting again: median {statistics.median(waits):.2f} s, "
          f"p90 {percentile(waits, 0.9):.2f} s, max {max(waits):.2f} s")
    print(f"  the same events recorded with no orchestration: median {statistics.median(direct) * 1000:.0f} ms, "
          f"p90 {percentile(direct, 0.9) * 1000:.0f} ms")
    base = watches["function"]["seconds"]
    print(f"Deadline watch over a store of {args.watch_cases:,} requests of the last 30 weeks, as of {AS_OF}:")
    for name, timing in watches.items():
        extra = f" (run itself {timing['run_seconds']:.2f} s)" if "run_seconds" in timing else ""
        print(f"  {name:<20} {timing['seconds']:7.2f} s  +{timing['seconds'] - base:5.2f} s over the function"
              f"{extra}; queued {timing['queued']}")


if __name__ == "__main__":
    main()

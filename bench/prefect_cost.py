"""What Prefect adds to the morning deadline watch, today's design beside the old one (bench/designs.py).

    .venv/bin/python bench/prefect_cost.py                      # a store of 5,000 requests, both designs (~3 min)
    .venv/bin/python bench/prefect_cost.py --design new --watch-cases 20000

What Prefect costs per casework event is bench/event_latency.py's to measure; this is the other cost, a
scheduled flow over the whole caseload. A local Prefect server and `ehc serve` are started as the demo starts
them. A store of ``--watch-cases`` requests of the last 30 weeks is copied three times, and the first watch of
the day is run on each: the function called directly, the flow called in this process (what `ehc run
deadline-watch` does) and the served deployment (what the 06:15 schedule does: a run created on the server,
picked up by the runner's poll, a new process).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import designs  # noqa: E402

AS_OF = date(2026, 11, 20)


def watch_copies(app, state_dir: Path, cases: int) -> dict[str, str]:
    from ehc.demo.synthetic import synthetic_caseload

    with app.unit_of_work() as work:
        work.cases.import_caseload(synthetic_caseload(cases, AS_OF, prefix="W"), "bench", app.clock.now())
    designs.mark_level(app)  # else today's `ehc serve` hands the imported open cases over as it starts
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


def measure(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="ehc-prefect-cost-") as temp:
        state_dir = Path(temp) / "state"
        app = designs.new_store(state_dir)
        copies = watch_copies(app, state_dir, args.watch_cases)
        with designs.served(state_dir):
            return {"watch_cases": args.watch_cases, "as_of": AS_OF.isoformat(),
                    "watches": time_watches(copies, state_dir)}


def report(design: str, figures: dict) -> str:
    watches = figures["watches"]
    base = watches["function"]["seconds"]
    lines = [f"Deadline watch over a store of {figures['watch_cases']:,} requests of the last 30 weeks, "
             f"as of {figures['as_of']}:"]
    for name, timing in watches.items():
        extra = f" (run itself {timing['run_seconds']:.2f} s)" if "run_seconds" in timing else ""
        lines.append(f"  {name:<20} {timing['seconds']:7.2f} s  +{timing['seconds'] - base:5.2f} s over the "
                     f"function{extra}; queued {timing['queued']}")
    return "\n".join(lines)


def main() -> None:
    parser = designs.argument_parser(__doc__)
    parser.add_argument("--watch-cases", type=int, default=5_000)
    designs.add_design_options(parser)
    designs.main(parser.parse_args(), measure, report)


if __name__ == "__main__":
    main()

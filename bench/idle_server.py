"""The Prefect server's CPU while 20,000 cases wait, today's design beside the old one (issue 16, aim 3).

    .venv/bin/python bench/idle_server.py                            # 20,000 waiting cases, 120 s a window (~15 min)
    .venv/bin/python bench/idle_server.py --design new --cases 2000 --seconds 60
    .venv/bin/python bench/idle_server.py --out bench/results/2026-11-30-idle-server.json

For each design (bench/designs.py) a local Prefect server (SQLite) and `ehc serve` are started as the demo
starts them, and nothing is recorded while the server's CPU (its process tree, from /proc) is read over a
window of ``--seconds``, after ``--settle`` seconds of quiet; `ehc serve`'s own CPU is read beside it.

- Today: ``--cases`` open cases are imported into the store (`import_caseload_file`, the CSV of
  bench/caseload.py) and marked level, as passes would leave them (``events_acted_on`` = their casework
  events), before `ehc serve` starts; its start-up catch-up finds none behind. The waiting is rows in the store.
- The old design: one window with no run, then ``--cases`` ``ehc-request`` flow runs are created on the
  server through the API, each in the state ``suspend_flow_run`` left a waiting request's run in (Suspended:
  PAUSED, reschedule, pause key ``after-event-N``, its run-input keyset, no timeout), 10 at a time with the
  async client (a 503 from the busy SQLite server is retried), and a second window is read. The store is left empty: the old design's server never read it.

Aim (issue 16): today's server under 5% of one core with 20,000 cases waiting.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import designs  # noqa: E402
from bench.caseload import write_open_import_csv  # noqa: E402

RUNS_AT_ONCE = 10
RETRIES = 10  # the SQLite server answers 503 now and then under a stream of writes


def measure(args: argparse.Namespace) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ehc-idle-server-") as temp:
        state_dir = Path(temp) / "state"
        app = designs.new_store(state_dir)
        figures: dict = {"cases": args.cases, "window_seconds": args.seconds}
        if args.design == "new":
            started = time.monotonic()
            level_store(app, Path(temp) / "open-cases.csv", args.cases)
            figures["store_seconds"] = round(time.monotonic() - started, 1)
        with designs.served(state_dir) as (api_url, serving):
            pids = serving.pid, designs.prefect_server_pid()
            if args.design == "old":
                figures["cases"] = args.old_cases or args.cases
                figures["no_runs"] = idle_window(pids, args.settle, args.seconds)
                started = time.monotonic()
                asyncio.run(create_suspended_runs(figures["cases"]))
                figures["runs_created_seconds"] = round(time.monotonic() - started, 1)
            figures["waiting"] = idle_window(pids, args.settle, args.seconds)
    return figures


def level_store(app, csv: Path, cases: int) -> None:
    """``cases`` open cases imported, each marked as a pass leaves it: every casework event acted on."""
    from ehc.imports.caseload import import_caseload_file

    write_open_import_csv(csv, cases)
    imported = import_caseload_file(app, csv, "bench")
    designs.mark_level(app)
    with app.unit_of_work() as work:
        behind = work.orchestration.cases_behind()
    if len(imported.open_references) != cases or behind:
        raise SystemExit(f"{len(imported.open_references)} open cases imported, {len(behind)} behind")


async def create_suspended_runs(count: int) -> None:
    """``count`` ``ehc-request`` runs, each as ``suspend_flow_run`` left a request's run waiting for casework."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import PrefectHTTPStatusError
    from prefect.input.run_input import keyset_from_paused_state
    from prefect.states import Suspended

    from ehc.orchestration.orchestrator import REQUEST_DEPLOYMENT

    limit = asyncio.Semaphore(RUNS_AT_ONCE)
    async with get_client() as client:
        deployment = await client.read_deployment_by_name(REQUEST_DEPLOYMENT)

        async def create(number: int) -> None:
            state = Suspended(timeout_seconds=None, pause_key=f"after-event-{1 + number % 7}")
            state.state_details.run_input_keyset = keyset_from_paused_state(state)
            async with limit:
                for attempt in range(RETRIES):
                    try:
                        await client.create_flow_run_from_deployment(
                            deployment.id, parameters={"reference": f"W-{number:05d}"}, name=f"W-{number:05d}",
                            state=state)
                        return
                    except PrefectHTTPStatusError as error:
                        if error.response.status_code != 503 or attempt == RETRIES - 1:
                            raise
                        await asyncio.sleep(1 + attempt)

        await asyncio.gather(*(create(number) for number in range(1, count + 1)))
        paused = await client.count_flow_runs()
    if paused < count:
        raise SystemExit(f"only {paused} runs on the server")


def idle_window(pids: tuple[int, int], settle: float, seconds: float) -> dict:
    """Share of one core used by `ehc serve` and by the Prefect server over ``seconds`` after ``settle``."""
    time.sleep(settle)
    before = [designs.process_tree_cpu_seconds(pid) for pid in pids]
    time.sleep(seconds)
    serve, server = [(designs.process_tree_cpu_seconds(pid) - was) / seconds for pid, was in zip(pids, before)]
    return {"serve_share": round(serve, 4), "server_share": round(server, 4)}


def report(design: str, figures: dict) -> str:
    def window(name: str, title: str) -> str:
        shares = figures[name]
        return (f"  {title}: Prefect server {shares['server_share']:.1%} of one core, ehc serve "
                f"{shares['serve_share']:.1%} (over {figures['window_seconds']:.0f} s)")

    if design == "new":
        return "\n".join([f"{figures['cases']:,} open cases in the store, every one level "
                          f"(imported and marked in {figures['store_seconds']:.0f} s)",
                          window("waiting", "waiting")])
    return "\n".join([f"{figures['cases']:,} suspended ehc-request runs on the server "
                      f"(created in {figures['runs_created_seconds']:.0f} s)",
                      window("no_runs", "before, no run"), window("waiting", "with the runs waiting")])


def main() -> None:
    parser = designs.argument_parser(__doc__)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--old-cases", type=int, help="suspended runs for the old design, if not --cases")
    parser.add_argument("--seconds", type=float, default=120.0, help="length of each window read")
    parser.add_argument("--settle", type=float, default=20.0, help="quiet seconds before each window")
    designs.add_design_options(parser)
    designs.main(parser.parse_args(), measure, report)


if __name__ == "__main__":
    main()

"""`ehc import caseload` of open cases, to every case level, today's design beside the old one (issue 16, aim 2).

    .venv/bin/python bench/import_handover.py                        # 3,000 open cases today, 30 the old way (~8 min)
    .venv/bin/python bench/import_handover.py --design new --cases 300
    .venv/bin/python bench/import_handover.py --out bench/results/2026-11-30-import-handover.json

For each design (bench/designs.py) a local Prefect server (SQLite) and `ehc serve` are started as the demo
starts them, over an empty SQLite store. A CSV of open cases (bench/caseload.py: the national shape, those
still open on 20 Nov 2026) is imported with `ehc import caseload FILE --json` as a person would run it: today
the command hands the open cases over in the background, in batches of 100 case passes; in the old design
it starts one ``ehc-request`` flow run per open case before it returns. Timed: the command, and from its start
until every case is level (orchestration has acted on every casework event the import stored), polled every
2 s. CPU: the `ehc serve` process tree and the Prefect server, from /proc, over the whole.

The old design at 3,000 cases would take hours (a flow-run process per case), so it imports ``--old-cases``
(30) and its time to level is extrapolated linearly to ``--cases``, as the report says.

Aim (issue 16): 3,000 open cases imported and every one level in under 10 minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import designs  # noqa: E402
from bench.caseload import write_open_import_csv  # noqa: E402

POLL_SECONDS = 2.0


def measure(args: argparse.Namespace) -> dict:
    import tempfile

    cases = args.cases if args.design == "new" else args.old_cases
    with tempfile.TemporaryDirectory(prefix="ehc-import-handover-") as temp:
        state_dir = Path(temp) / "state"
        app = designs.new_store(state_dir)
        csv = Path(temp) / "open-cases.csv"
        references = write_open_import_csv(csv, cases)
        with designs.served(state_dir, args.limit) as (api_url, serving):
            serve_pid, server_pid = serving.pid, designs.prefect_server_pid()
            env = designs.serve_environment(state_dir, api_url)
            env.pop("PREFECT_API_URL")  # as a caseworker's shell has it: the local server found from the state dir
            cpu_from = designs.process_tree_cpu_seconds(serve_pid), designs.process_tree_cpu_seconds(server_pid)
            started = time.monotonic()
            done = subprocess.run([str(Path(sys.executable).parent / "ehc"), "import", "caseload", str(csv), "--json"],
                                  env=env, check=True, capture_output=True, text=True)
            command_seconds = time.monotonic() - started
            said = json.loads(done.stdout)
            level_after, progress = None, []
            while level_after is None:
                behind = len(designs.cases_behind(app, references))
                elapsed = time.monotonic() - started
                progress.append((round(elapsed, 1), cases - behind))
                print(f"  {elapsed:6.0f} s: {cases - behind:,} of {cases:,} level", flush=True)
                if not behind:
                    level_after = elapsed
                elif elapsed > args.timeout:
                    raise SystemExit(f"{behind} case(s) not level after {args.timeout:.0f} s")
                else:
                    time.sleep(POLL_SECONDS)
            serve_cpu = designs.process_tree_cpu_seconds(serve_pid) - cpu_from[0]
            server_cpu = designs.process_tree_cpu_seconds(server_pid) - cpu_from[1]
    return {"cases": cases, "extrapolated_to": args.cases, "command_seconds": round(command_seconds, 2),
            "command_said": {name: value for name, value in said.items() if name != "ignored_columns"},
            "level_seconds": round(level_after, 1),
            "level_seconds_extrapolated": round(level_after * args.cases / cases, 1),
            "cpu_seconds": {"serve": round(serve_cpu, 1), "server": round(server_cpu, 1)},
            "cpu_per_case": round((serve_cpu + server_cpu) / cases, 3), "progress": progress}


def report(design: str, figures: dict) -> str:
    lines = [f"`ehc import caseload` of {figures['cases']:,} open cases: the command returned after "
             f"{figures['command_seconds']:.1f} s ({figures['command_said']})",
             f"  every case level after {figures['level_seconds']:.0f} s "
             f"({figures['level_seconds'] / 60:.1f} min)",
             f"  CPU: ehc serve {figures['cpu_seconds']['serve']:.0f} s, Prefect server "
             f"{figures['cpu_seconds']['server']:.0f} s; {figures['cpu_per_case']:.2f} CPU-s a case"]
    if figures["extrapolated_to"] != figures["cases"]:
        lines.append(designs.extrapolation(figures["level_seconds_extrapolated"], figures["extrapolated_to"], "cases"))
    return "\n".join(lines)


def main() -> None:
    parser = designs.argument_parser(__doc__)
    parser.add_argument("--cases", type=int, default=3_000, help="open cases imported today's way")
    parser.add_argument("--old-cases", type=int, default=30, help="open cases imported the old way, extrapolated")
    parser.add_argument("--limit", type=int, default=4, help="flow runs (quality reviews) at once in `ehc serve`")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait for every case to be level")
    designs.add_design_options(parser)
    designs.main(parser.parse_args(), measure, report)


if __name__ == "__main__":
    main()

"""From a recorded event to orchestration having acted on it, today's design beside the old one (issue 16, aim 1).

    .venv/bin/python bench/event_latency.py                          # both designs, 10 cases, 4 + 3 rounds (~8 min)
    .venv/bin/python bench/event_latency.py --design new --cases 10 --rounds 4 --cli-rounds 3
    .venv/bin/python bench/event_latency.py --out bench/results/2026-11-30-event-latency.json

For each design (bench/designs.py) a local Prefect server (SQLite) and `ehc serve` are started as the demo
starts them, and ``--cases`` cases are taken in at once (``add_request``) and waited for until each is
**level**: orchestration has acted on every casework event stored. Then, round after round, one event is
recorded on every case, one case after another (a decision to assess, advice asked of health, of social care,
of the EP, each advice received), and each case is timed from the start of its recording until it is level
again, polled every 0.25 s for all the cases recorded and waiting at once, from a thread, while the others
are recorded (bench/designs.py ``LevelWatch``; level is ``cases_behind``: today the store's
``events_acted_on``; in the old design the request run's pause key, as ``ehc case show`` read it).

- ``--rounds``: recorded in this process through ``ehc.services.casework.record_event``, as the web app does.
  CPU: the seconds of the `ehc serve` process tree (with every flow-run process it started, reaped or not) and
  of the Prefect server, from /proc/<pid>/stat, over these rounds, divided by the events recorded.
- ``--cli-rounds``: recorded with `ehc case record` (a new process each, as a caseworker types it); timed are
  the command itself and its case to level. Their CPU adds the commands' own and, today, the background
  hand-over processes they leave (this process is made their subreaper, so they are reaped and counted here).

Aims (issue 16): event to level median <= 2 s and p90 <= 4 s; <= 0.5 CPU-s per event, the pass and the server
together; `ehc case record` returns within 1 s.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import designs  # noqa: E402

# One event per round, on every case: (event type, days before today, options as `ehc case record` takes them).
ROUNDS = (
    ("decision", 10, {"outcome": "assess"}),
    ("advice_requested", 9, {"agency": "health"}),
    ("advice_requested", 9, {"agency": "social_care"}),
    ("advice_requested", 9, {"agency": "educational_psychology"}),
    ("advice_received", 3, {"agency": "health"}),
    ("advice_received", 2, {"agency": "social_care"}),
    ("advice_received", 1, {"agency": "educational_psychology"}),
)
PR_SET_CHILD_SUBREAPER = 36


def measure(args: argparse.Namespace) -> dict:
    import tempfile

    from domain.intake import NewRequest
    from ehc.clock import today_in_london
    from ehc.orchestration.orchestrator import orchestrator_for
    from ehc.services import casework

    # The CLI's background hand-overs outlive their command: reparented here, they are reaped and counted.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    designs.quiet_prefect_client()
    today = today_in_london()
    references = [f"LAT-{number:03d}" for number in range(1, args.cases + 1)]
    with tempfile.TemporaryDirectory(prefix="ehc-event-latency-") as temp:
        state_dir = Path(temp) / "state"
        app = designs.new_store(state_dir)
        with designs.served(state_dir) as (api_url, serving):
            serve_pid, server_pid = serving.pid, designs.prefect_server_pid()
            app.orchestrator = orchestrator_for(state_dir, {})
            started = {}
            for reference in references:
                started[reference] = time.monotonic()
                casework.add_request(app, NewRequest(reference=reference, received=today - timedelta(days=40)),
                                     "bench")
            intake = max(designs.wait_until_level(app, started, args.timeout).values())

            def cpu() -> tuple[float, float, float]:
                children = resource.getrusage(resource.RUSAGE_CHILDREN)
                return (designs.process_tree_cpu_seconds(serve_pid), designs.process_tree_cpu_seconds(server_pid),
                        children.ru_utime + children.ru_stime)

            in_process = {"to_level": [], "to_record": []}
            recorded_at: dict[str, list[float]] = {reference: [] for reference in references}  # wall clock
            cpu_from = cpu()
            for event_type, days_ago, options in ROUNDS[:args.rounds]:
                watch = designs.LevelWatch(app)
                for reference in references:
                    started = time.monotonic()
                    recorded_at[reference].append(time.time())
                    event = casework.event_from_options(app, reference, event_type, today - timedelta(days=days_ago),
                                                        options)
                    casework.record_event(app, reference, event, "bench")
                    in_process["to_record"].append(time.monotonic() - started)
                    watch.recorded(reference, started)
                in_process["to_level"].extend(watch.wait(args.timeout))
            in_process["cpu"] = [after - before for after, before in zip(cpu(), cpu_from)]
            breakdown = pass_breakdown(recorded_at) if designs.is_new_design() else None

            command = [str(Path(sys.executable).parent / "ehc"), "case", "record"]
            env = {**designs.serve_environment(state_dir, api_url)}
            env.pop("PREFECT_API_URL")  # as a caseworker's shell has it: the local server found from the state dir
            cli = {"to_level": [], "to_record": []}
            cpu_from = cpu()
            for event_type, days_ago, options in ROUNDS[args.rounds:args.rounds + args.cli_rounds]:
                watch = designs.LevelWatch(app)
                for reference in references:
                    started = time.monotonic()
                    subprocess.run([*command, reference, event_type.replace("_", "-"), "--date",
                                    (today - timedelta(days=days_ago)).isoformat(),
                                    *[part for name, value in options.items() for part in (f"--{name}", value)]],
                                   env=env, check=True, stdout=subprocess.DEVNULL)
                    cli["to_record"].append(time.monotonic() - started)
                    watch.recorded(reference, started)
                cli["to_level"].extend(watch.wait(args.timeout))
            reap_orphans({serve_pid, server_pid})
            cli["cpu"] = [after - before for after, before in zip(cpu(), cpu_from)]
    return {"cases": args.cases, "intake_seconds": round(intake, 2), "in_process": summary(in_process),
            "in_process_passes": breakdown, "cli": summary(cli) if cli["to_level"] else None}


def pass_breakdown(recorded_at: dict[str, list[float]]) -> dict:
    """Where an in-process event's wait goes today, from each case's ``case-pass`` task runs on the server (the
    intake's first, then one a round): recording to the run created (the store, then ``case_pass.delay``),
    created to started (the server pushing it to the task worker, and a free thread there), and the pass."""
    from ehc.orchestration.runs import task_runs

    parts: dict[str, list[float]] = {"to_created": [], "created_to_started": [], "pass": []}
    for reference, recorded in recorded_at.items():
        runs = sorted(task_runs([reference]), key=lambda run: run.created)[1:1 + len(recorded)]
        for at, run in zip(recorded, runs):
            parts["to_created"].append(run.created.timestamp() - at)
            parts["created_to_started"].append((run.start_time - run.created).total_seconds())
            parts["pass"].append((run.end_time - run.start_time).total_seconds())
    return {name: designs.spread(values) for name, values in parts.items()}


def summary(timings: dict) -> dict:
    serve, server, commands = timings["cpu"]
    events = len(timings["to_level"])
    return {"events": events, "to_level": designs.spread(timings["to_level"]),
            "to_record": designs.spread(timings["to_record"]),
            "cpu_seconds": {"serve": round(serve, 2), "server": round(server, 2), "commands": round(commands, 2)},
            "cpu_per_event": {"serve": round(serve / events, 3), "server": round(server / events, 3),
                              "commands": round(commands / events, 3),
                              "pass_and_server": round((serve + server) / events, 3),
                              "all": round((serve + server + commands) / events, 3)}}


def reap_orphans(known: set[int], timeout: float = 60.0) -> None:
    """Wait for every child of this process but ``known`` (background hand-overs reparented here)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        orphans = [pid for pid, parent in designs._parents().items() if parent == os.getpid() and pid not in known]
        if not orphans:
            return
        for pid in orphans:
            try:
                os.waitpid(pid, os.WNOHANG)  # a zombie is reaped; one still running is left for the next look
            except ChildProcessError:
                pass
        time.sleep(0.2)
    raise SystemExit("background hand-over processes still running after a minute")


def report(design: str, figures: dict) -> str:
    lines = [f"{figures['cases']} cases at once; intake: every case level after {figures['intake_seconds']:.1f} s"]
    for name, title in (("in_process", "record_event in process (as the web app)"),
                        ("cli", "`ehc case record` (a process per event)")):
        part = figures.get(name)
        if not part:
            continue
        level, record, per_event = part["to_level"], part["to_record"], part["cpu_per_event"]
        lines += [f"  {title}: {part['events']} events",
                  f"    recorded -> case level: median {level['median']:.2f} s, p90 {level['p90']:.2f} s, "
                  f"max {level['max']:.2f} s",
                  f"    recording itself: median {record['median']:.2f} s, p90 {record['p90']:.2f} s, "
                  f"max {record['max']:.2f} s",
                  f"    CPU per event: pass and server {per_event['pass_and_server']:.2f} s (ehc serve "
                  f"{per_event['serve']:.2f} s, Prefect server {per_event['server']:.2f} s)"
                  + (f"; with the commands and their hand-overs {per_event['all']:.2f} s" if name == "cli" else "")]
        if name == "in_process" and figures.get("in_process_passes"):
            lines.append("    where the wait goes (median / p90): " + ", ".join(
                f"{title} {figures['in_process_passes'][part]['median']:.2f} / "
                f"{figures['in_process_passes'][part]['p90']:.2f} s"
                for part, title in (("to_created", "recording to pass created"),
                                    ("created_to_started", "created to started"), ("pass", "the pass"))))
    return "\n".join(lines)


def main() -> None:
    parser = designs.argument_parser(__doc__)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=4, help="rounds recorded in process")
    parser.add_argument("--cli-rounds", type=int, default=3, help="rounds recorded with `ehc case record`, after")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the cases to be level")
    designs.add_design_options(parser)
    args = parser.parse_args()
    if args.rounds + args.cli_rounds > len(ROUNDS):
        parser.error(f"--rounds and --cli-rounds together: at most {len(ROUNDS)}")
    designs.main(args, measure, report)


if __name__ == "__main__":
    main()

"""From a recorded event to orchestration having acted on it: the design of the day, measured (issue 16).

    .venv/bin/python bench/event_latency.py                    # 10 cases at once, 3 rounds (~3 min)
    .venv/bin/python bench/event_latency.py --cases 10 --rounds 3 --out bench/results/event-latency.json

A local Prefect server (SQLite) and `ehc serve` are started as the demo starts them
(ehc/orchestration/local_server.py, ehc/orchestration/serve.py). Each case is taken in
(``add_request``: its ``ehc-request`` run starts) and we wait until it is level: orchestration
has acted on every casework event stored (``ehc case show --json``'s ``"orchestration"``). Then,
round after round, one event is recorded on every case at once (a decision to assess, advice
asked of health, that advice received) and each case is timed from the start of its
``record_event`` call to the moment it is level again. Level is read as ``ehc case show`` reads
it (``ehc.orchestration.runs.events_read``), for all the cases waiting in one query a poll
(every 0.25 s), so that the polling itself loads the server as little as it can.

CPU: the seconds of the `ehc serve` process tree (the runner and every flow-run process it
started, reaped or not) and of the Prefect server's, from /proc/<pid>/stat, over the rounds,
divided by the events recorded; and the server's alone over an idle spell with every case waiting.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.prefect_cost import new_store, percentile, served  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
IDLE_SECONDS = 10.0
POLL_SECONDS = 0.25


@dataclass
class Figures:
    cases: int
    rounds: int
    events: int
    seconds_to_level: list[float]
    seconds_to_record: list[float]
    intake_seconds: float
    serve_cpu_seconds: float
    server_cpu_seconds: float
    server_idle_cpu_share: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]

    def report(self) -> str:
        waits, records = self.seconds_to_level, self.seconds_to_record
        per_event = (self.serve_cpu_seconds + self.server_cpu_seconds) / self.events
        return "\n".join([
            f"{self.cases} cases at once, {self.rounds} rounds: {self.events} events "
            f"(intake: every case level after {self.intake_seconds:.1f} s); load average before "
            f"{' '.join(f'{load:.2f}' for load in self.load_before)}, after "
            f"{' '.join(f'{load:.2f}' for load in self.load_after)}",
            f"  recorded event -> case level: median {statistics.median(waits):.2f} s, "
            f"p90 {percentile(waits, 0.9):.2f} s, max {max(waits):.2f} s",
            f"  record_event itself (store, then resume): median {statistics.median(records):.2f} s, "
            f"p90 {percentile(records, 0.9):.2f} s, max {max(records):.2f} s",
            f"  CPU per event: {per_event:.2f} s (ehc serve and its flow runs {self.serve_cpu_seconds / self.events:.2f}"
            f" s, Prefect server {self.server_cpu_seconds / self.events:.2f} s)",
            f"  Prefect server idle, {self.cases} cases waiting: {self.server_idle_cpu_share:.1%} of one core",
        ])


def process_tree_cpu_seconds(root: int) -> float:
    """CPU seconds of ``root`` and its live descendants, each with its reaped children (/proc/<pid>/stat)."""
    parents, own = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone since listed
            continue
        # after the command: state ppid ... utime(14) stime(15) cutime(16) cstime(17), numbered from pid = 1
        parents[int(entry.name)] = int(fields[1])
        own[int(entry.name)] = sum(int(value) for value in fields[11:15])
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier and pid not in tree]
        tree.update(children)
        frontier = children
    return sum(own.get(pid, 0) for pid in tree) / TICKS


def prefect_server_pid() -> int:
    """The `prefect server start` process local_prefect_server started as a child of this one."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and b"server" in command and b"prefect" in command:
                return int(entry.name)
    raise RuntimeError("no Prefect server process found among this process's children")


def wait_until_level(app, started: dict[str, float], timeout: float) -> dict[str, float]:
    """Seconds from ``started[reference]`` until each case is level, polling every case still waiting at once."""
    from ehc.orchestration.runs import events_read, latest_runs
    from ehc.services.casework import casework_recorded_at, show_case

    recorded_at = {reference: casework_recorded_at(show_case(app, reference, date.today())[0])
                   for reference in started}
    waited, deadline = {}, time.monotonic() + timeout
    while len(waited) < len(started):
        pending = [reference for reference in started if reference not in waited]
        for reference, run in latest_runs(pending).items():
            state = run.state
            if state and (state.is_failed() or state.is_crashed()):
                raise SystemExit(f"{reference}: its run ended {state.name}: {state.message}")
            # a run resuming or mid-pass has not acted on the new event: only a waiting or finished one can be level
            if state and (state.is_paused() or state.is_completed()) and \
                    events_read(run, recorded_at[reference]) == len(recorded_at[reference]):
                waited[reference] = time.monotonic() - started[reference]
        if time.monotonic() > deadline:
            raise SystemExit(f"not level within {timeout:.0f} s: {', '.join(sorted(set(started) - set(waited)))}")
        time.sleep(POLL_SECONDS)
    return waited


def round_events(today: date) -> list:
    from domain.events import AdviceReceived, AdviceRequested, Agency, Decision

    return [Decision(on=today - timedelta(days=10), outcome="assess"),
            AdviceRequested(on=today - timedelta(days=9), agency=Agency.HEALTH),
            AdviceReceived(on=today - timedelta(days=2), agency=Agency.HEALTH)]


def measure(cases: int, rounds: int, timeout: float) -> Figures:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from domain.intake import NewRequest
    from ehc.clock import today_in_london
    from ehc.orchestration.orchestrator import PrefectOrchestrator
    from ehc.services import casework

    load_before = os.getloadavg()
    today = today_in_london()
    references = [f"LAT-{number:03d}" for number in range(1, cases + 1)]
    with tempfile.TemporaryDirectory(prefix="ehc-event-latency-") as temp:
        state_dir = Path(temp) / "state"
        app = new_store(state_dir)
        with served(state_dir) as (api_url, serving):
            serve_pid, server_pid = serving.process.pid, prefect_server_pid()
            app.orchestrator = PrefectOrchestrator(api_url)
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                started = {}
                for reference in references:
                    started[reference] = time.monotonic()
                    casework.add_request(app, NewRequest(reference=reference, received=today - timedelta(days=40)),
                                         "bench")
                intake = max(wait_until_level(app, started, timeout).values())

                idle_from = process_tree_cpu_seconds(server_pid)
                time.sleep(IDLE_SECONDS)
                idle_share = (process_tree_cpu_seconds(server_pid) - idle_from) / IDLE_SECONDS

                cpu_from = process_tree_cpu_seconds(serve_pid), process_tree_cpu_seconds(server_pid)
                to_level, to_record = [], []
                for event in round_events(today)[:rounds]:
                    started = {}
                    for reference in references:
                        started[reference] = time.monotonic()
                        casework.record_event(app, reference, event, "bench")
                        to_record.append(time.monotonic() - started[reference])
                    to_level.extend(wait_until_level(app, started, timeout).values())
                serve_cpu = process_tree_cpu_seconds(serve_pid) - cpu_from[0]
                server_cpu = process_tree_cpu_seconds(server_pid) - cpu_from[1]
    return Figures(cases, rounds, len(to_level), to_level, to_record, intake, serve_cpu, server_cpu, idle_share,
                   load_before, os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the cases to be level")
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args()

    figures = measure(args.cases, args.rounds, args.timeout)
    print(figures.report())
    if args.out:
        args.out.write_text(json.dumps(asdict(figures), indent=2) + "\n")


if __name__ == "__main__":
    main()

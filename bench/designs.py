"""Today's orchestration design beside the old one, measured in the same run (issue 16).

Each orchestration benchmark (event_latency, import_handover, idle_server, scale_out, prefect_cost) measures
``--design both`` by default: this tree's design, then the old one, one request run per case suspended in
Prefect, as it stood at commit OLD_DESIGN. Each design is measured in a Python process of its own whose
modules come from that design's code: this tree, or OLD_DESIGN's product code taken out with ``git archive``
into a temporary directory (its ``bench`` and ``tests`` left out, so the benchmark's own helpers are this
tree's). The script measures in that process (``measure(args) -> dict``), which writes its figures as JSON;
this process prints both and can write them together (``--out``), with the load average around each.

Also here, what the benchmarks share: a store, a local Prefect server with ``ehc serve`` started as the demo
starts them, how far behind the store orchestration is in either design, and CPU seconds read from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

ROOT = Path(__file__).resolve().parents[1]
OLD_DESIGN = "7f0e906"
TICKS = os.sysconf("SC_CLK_TCK")


# -- running each design ---------------------------------------------------------------------------------------

def argument_parser(doc: str) -> argparse.ArgumentParser:
    """The script's parser, its docstring for help; add the sizes, then ``add_design_options``."""
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)


def extrapolation(seconds: float, to: int, what: str) -> str:
    """The report's line for a small sample's time scaled linearly to ``to`` ``what``."""
    return f"  extrapolated linearly to {to:,} {what}: {seconds / 60:.0f} min ({seconds / 3600:.1f} h)"


def add_design_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--design", choices=("both", "new", "old"), default="both",
                        help=f"today's design, the old one (commit {OLD_DESIGN}), or both in turn (default)")
    parser.add_argument("--out", type=Path, help="also write both designs' figures here as JSON")
    parser.add_argument("--figures-to", type=Path, help=argparse.SUPPRESS)  # set for the measuring process


def main(args: argparse.Namespace, measure: Callable[[argparse.Namespace], dict],
         report: Callable[[str, dict], str]) -> dict:
    """In the measuring process: measure and write the figures. Otherwise run one measuring process per design
    asked for, print each design's report, and return (and write to --out) every figure."""
    # Started in the background, a process ignores Ctrl-C, and so would every `ehc serve` started from it:
    # stop_process stops them with Ctrl-C, as a person would.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.figures_to:
        args.figures_to.write_text(json.dumps(measure(args), indent=2, default=str) + "\n")
        return {}
    designs = ("new", "old") if args.design == "both" else (args.design,)
    results = {"command": " ".join(["bench/" + Path(sys.argv[0]).name, *sys.argv[1:]]),
               "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}", "old_design": OLD_DESIGN}
    with tempfile.TemporaryDirectory(prefix="ehc-designs-") as temp:
        for design in designs:
            tree = ROOT if design == "new" else old_design_tree(Path(temp) / "old-design")
            figures_file = Path(temp) / f"{design}.json"
            load_before = os.getloadavg()
            started = time.monotonic()
            print(f"== {design} design ({'this tree' if design == 'new' else 'commit ' + OLD_DESIGN}); "
                  f"load average {_load(load_before)}", flush=True)
            done = subprocess.run([sys.executable, str(Path(sys.argv[0]).resolve()), *sys.argv[1:], "--design", design,
                                   "--figures-to", str(figures_file)], env=design_environment(tree))
            # A design that fails leaves the other's figures standing.
            figures = json.loads(figures_file.read_text()) if done.returncode == 0 else {
                "failed": f"the measuring process exited {done.returncode}"}
            figures.update(load_before=load_before, load_after=os.getloadavg(),
                           wall_seconds=round(time.monotonic() - started, 1))
            results[design] = figures
    for design in designs:
        figures = results[design]
        print(f"\n== {design} design: load average {_load(figures['load_before'])} before, "
              f"{_load(figures['load_after'])} after")
        print(figures["failed"] if "failed" in figures else report(design, figures))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    if any("failed" in results[design] for design in designs):
        raise SystemExit("a design's measurement failed")
    return results


def old_design_tree(where: Path) -> Path:
    """OLD_DESIGN's product code (``git archive``), without its bench and tests."""
    where.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", OLD_DESIGN], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    for folder in ("bench", "tests"):
        shutil.rmtree(where / folder)
    return where


def design_environment(tree: Path) -> dict[str, str]:
    """The design's modules first, then this tree's (for ``bench`` and ``tests``); never the installed ones."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PREFECT_", "EHC_"))}
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([str(tree), str(ROOT)]))
    return env


def design_tree() -> Path:
    """The tree the running design's code comes from (in a measuring process)."""
    import ehc

    return Path(ehc.__file__).resolve().parents[1]


def _load(load: Iterable[float]) -> str:
    return " ".join(f"{value:.2f}" for value in load)


# -- a store, and Prefect serving it --------------------------------------------------------------------------

def new_store(state_dir: Path, database_url: str | None = None):
    """An App on an empty, migrated store (SQLite under ``state_dir`` unless ``database_url``), with the
    synthetic contributors."""
    from config.settings import Settings
    from ehc.bootstrap import bootstrap
    from ehc.demo.synthetic import add_synthetic_contributors
    from store.db import upgrade

    app = bootstrap(Settings(state_dir=state_dir, database_url=database_url))
    upgrade(app.engine)
    with app.unit_of_work() as work:
        add_synthetic_contributors(work.cases)
    return app


def quiet_prefect_client() -> None:
    """No line per task run this process hands to Prefect (``case_pass.delay``): the report is the output."""
    import logging

    # A filter, not a level: Prefect's logging set-up, whenever it runs, resets the levels of its loggers.
    logging.getLogger("prefect.tasks").addFilter(lambda record: not record.getMessage().startswith("Created task run"))


def serve_environment(state_dir: Path, api_url: str) -> dict[str, str]:
    from ehc.orchestration.local_server import prefect_environment

    return {**design_environment(design_tree()), **prefect_environment(state_dir, api_url),
            "EHC_STATE_DIR": str(state_dir), "EHC_ACTOR": "bench"}


@contextmanager
def served(state_dir: Path, limit: int | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """A local Prefect server (SQLite) and `ehc serve [--limit N]`, started as the demo starts them; yields the
    API address and the serving process, with this process's Prefect client pointed at the server. In-process,
    ``app.orchestrator`` should then be ``orchestrator_for(state_dir, {})``."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from ehc.orchestration.local_server import local_prefect_server

    with local_prefect_server(state_dir, lambda _: None) as api_url:
        log = state_dir / "prefect" / "serve.log"
        serving = start_process(["-m", "ehc.cli", "serve", *(["--limit", str(limit)] if limit else [])],
                                serve_environment(state_dir, api_url), log)
        try:
            # Runs read back here (the old design's level) go to this server, not an ephemeral one.
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                wait_for_deployments(serving, log)
                yield api_url, serving
        finally:
            stop_process(serving)


def start_process(arguments: list[str], env: dict, log: Path) -> subprocess.Popen:
    """``python ARGUMENTS`` in the design's tree, in a session of its own (stop_process stops what it starts)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, *arguments], env=env, cwd=design_tree(), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


def stop_process(process: subprocess.Popen) -> None:
    """The process and whatever it started: Ctrl-C, TERM, then KILL, 30 s apart."""
    for sent in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sent)
            process.wait(timeout=30)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def wait_for_deployments(serving: subprocess.Popen, log: Path, timeout: float = 180.0) -> None:
    """Until `ehc serve` has registered its deployments (the last of them exists) on this process's server."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    from deployments import DEPLOYMENTS

    last = DEPLOYMENTS[-1].name
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            if serving.poll() is not None:
                raise SystemExit(f"ehc serve exited ({serving.returncode}); see {log}:\n"
                                 + log.read_text(errors="replace")[-3000:])
            try:
                client.read_deployment_by_name(f"{last}/{last}")
                return
            except ObjectNotFound:
                time.sleep(0.3)
    raise SystemExit(f"ehc serve registered no deployments within {timeout:.0f} s; see {log}")


def prefect_server_pid() -> int:
    """The `prefect server start` process this process started (local_prefect_server)."""
    for pid, parent in _parents().items():
        if parent == os.getpid():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"prefect" in command and b"server" in command:
                return pid
    raise RuntimeError("no Prefect server process found among this process's children")


def mark_level(app) -> None:
    """Today's design: every case marked as its passes would leave it, each casework event acted on (an imported
    open case starts at none), so that `ehc serve`'s start-up catch-up finds nothing to hand over. The old
    design kept this in its runs: nothing to do."""
    if not is_new_design():
        return
    from sqlalchemy import func, select, update

    from domain.events import AUDIT_EVENT_TYPES
    from store.models import Case, CaseEvent

    casework_events = (select(func.count(CaseEvent.id))
                       .where(CaseEvent.case_id == Case.id, CaseEvent.type.not_in(AUDIT_EVENT_TYPES))
                       .scalar_subquery())
    with app.engine.begin() as connection:
        connection.execute(update(Case).values(events_acted_on=casework_events, acted_at=func.current_timestamp()))


# -- how far behind the store orchestration is ----------------------------------------------------------------

def is_new_design() -> bool:
    return (design_tree() / "store" / "orchestration.py").exists()


def cases_behind(app, references: Iterable[str]) -> set[str]:
    """Of these cases, those with casework events orchestration has not acted on: today, from the store
    (``cases.events_acted_on``); in the old design, from each case's newest request run (its pause key, as
    ``ehc case show`` read it). Raises SystemExit when an old run has failed."""
    references = list(references)
    if is_new_design():
        with app.unit_of_work() as work:
            return set(work.orchestration.cases_behind(references))
    from ehc.orchestration.runs import events_read, latest_runs
    from ehc.services.casework import casework_recorded_at

    with app.unit_of_work() as work:
        recorded_at = {reference: casework_recorded_at(work.cases.get(reference)) for reference in references}
    latest, behind = {}, set(references)
    for start in range(0, len(references), 200):
        latest.update(latest_runs(references[start:start + 200]))
    for reference, run in latest.items():
        state = run.state
        if state and (state.is_failed() or state.is_crashed()):
            raise SystemExit(f"{reference}: its run ended {state.name}: {state.message}")
        # a run resuming or mid-pass has not acted on the new event: only a waiting or finished one can be level
        if state and (state.is_paused() or state.is_completed()) and \
                events_read(run, recorded_at[reference]) == len(recorded_at[reference]):
            behind.discard(reference)
    return behind


def wait_until_level(app, started: dict[str, float], timeout: float, poll: float = 0.25) -> dict[str, float]:
    """Seconds from ``started[reference]`` (time.monotonic) until each case is level, polling every case still
    waiting at once, so that the polling loads the server as little as it can."""
    waited, deadline = {}, time.monotonic() + timeout
    while len(waited) < len(started):
        pending = [reference for reference in started if reference not in waited]
        now = time.monotonic()
        for reference in set(pending) - cases_behind(app, pending):
            waited[reference] = now - started[reference]
        if time.monotonic() > deadline:
            raise SystemExit(f"not level within {timeout:.0f} s: {len(started) - len(waited)} case(s), e.g. "
                             f"{', '.join(sorted(set(started) - set(waited))[:5])}")
        if len(waited) < len(started):
            time.sleep(poll)
    return waited


class LevelWatch:
    """Times cases to level while others are still being recorded: a thread polls, every ``poll`` seconds, every
    case recorded so far that is not yet level, so that the first case of a round is not timed until the last
    has been recorded (``wait_until_level`` starts when every case has been)."""

    def __init__(self, app, poll: float = 0.25) -> None:
        import contextvars
        import threading

        self.app, self.poll = app, poll
        self.started: dict[str, float] = {}
        self.waited: dict[str, float] = {}
        self._lock, self._stop, self._error = threading.Lock(), threading.Event(), None
        # The thread reads runs back with this thread's Prefect settings (the old design's level).
        self._thread = threading.Thread(target=contextvars.copy_context().run, args=(self._watch,), daemon=True)
        self._thread.start()

    def recorded(self, reference: str, started: float) -> None:
        """The case's event is stored; its time runs from ``started`` (time.monotonic)."""
        with self._lock:
            self.started[reference] = started

    def wait(self, timeout: float) -> list[float]:
        """Seconds to level of every case recorded, once every one is level."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                with self._lock:
                    if len(self.waited) == len(self.started):
                        return list(self.waited.values())
                if self._error is not None:
                    raise self._error
                if time.monotonic() > deadline:
                    raise SystemExit(f"not level within {timeout:.0f} s: "
                                     f"{', '.join(sorted(set(self.started) - set(self.waited))[:5])}")
                time.sleep(0.05)
        finally:
            self._stop.set()
            self._thread.join()

    def _watch(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                pending = [reference for reference in self.started if reference not in self.waited]
            if pending:
                now = time.monotonic()
                try:
                    level = set(pending) - cases_behind(self.app, pending)
                except BaseException as error:  # SystemExit for a failed old run, too: raised by wait()
                    self._error = error
                    return
                with self._lock:
                    self.waited.update({reference: now - self.started[reference] for reference in level})
            self._stop.wait(self.poll)


# -- CPU ------------------------------------------------------------------------------------------------------

def _stat_fields(pid: int | str) -> list[str]:
    # after the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat_fields(entry.name)[1])
            except OSError:  # gone since listed
                continue
    return parents


def process_tree_cpu_seconds(root: int) -> float:
    """CPU seconds of ``root`` and its live descendants, each with its reaped children (/proc/<pid>/stat)."""
    parents = _parents()
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier and pid not in tree]
        tree.update(children)
        frontier = children
    ticks = 0
    for pid in tree:
        try:
            ticks += sum(int(value) for value in _stat_fields(pid)[11:15])
        except OSError:
            continue
    return ticks / TICKS


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def spread(values: list[float]) -> dict:
    """Median, p90 and max, rounded for the JSON."""
    import statistics

    return {"median": round(statistics.median(values), 3), "p90": round(percentile(values, 0.9), 3),
            "max": round(max(values), 3), "count": len(values)}

"""Benchmark: the web app's caseload page (`/cases`) and case page (`/cases/REF`) over 10,000 open cases,
with 20 people signed in and asking at once.

    .venv/bin/python bench/web_caseload.py                          # 10,000 open cases, 20 users, 30 s a phase
    .venv/bin/python bench/web_caseload.py --open 2000 --seconds 10 # a quick look
    .venv/bin/python bench/web_caseload.py --work /tmp/w --keep     # keep the store (built again only if absent)
    .venv/bin/python bench/web_caseload.py --pause 1-3              # users who read each page for 1 to 3 s
    .venv/bin/python bench/web_caseload.py --database postgresql    # the store on a throwaway PostgreSQL cluster
    .venv/bin/python bench/web_caseload.py --breakdown 200          # where one caseload page's time goes

1. A store (SQLite, or PostgreSQL 15 on a throwaway cluster as bench/run.py starts one), migrated, with the synthetic caseload of the demo (ehc/demo/synthetic.py): requests
   received over the 30 weeks to today across the three teams, as many as it takes for ``--open`` of them to
   be open today (the rest closed: issued, refused, withdrawn), imported through the unit of work as the
   tests import them. 20 accounts: 10 caseworkers (across the teams) and 10 managers, who see every team
   (EHC_MANAGER_SEES_ALL_TEAMS=true), so half the users page through all the open cases.
2. `ehc web` on a free loopback port: one uvicorn process, as an LA starts it.
3. ``--users`` clients (httpx, a thread each, each with its own cookies) sign in through the form, then ask
   one after another, with no pause (or, with ``--pause A-B``, a pause of A to B seconds after each answer,
   as a person reads it), for ``--seconds`` per phase (after a short warm-up):
   - floor: `/sign-in` signed out (the same app, its layout and form token, no case data read);
   - caseload: `/cases` with a mix of filters (stage, RAG, caseworker, mine, due within, overdue), sorts and
     pages (a third of them deep pages);
   - case: `/cases/REF` for a random case the user may see.
4. Prints the median and 95th percentile response times, requests per second and the server's CPU seconds
   per request for each phase, and writes them to ``--results`` as JSON.

``--breakdown N`` instead asks for N caseload pages (the same mix, as a manager who sees every team) from
the app in this process, one at a time, and says how the time of a page splits: each part of the
service and the store it calls, timed where it is called, and the rest of the request.

Users with no pause between requests is the worst case for the queue: with one server process, a request
waits for the ones ahead of it, so the response time is about (users x the server's time per request).
Not part of the test suite: timings on a shared machine vary.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench password, long enough"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
STAGES = ("awaiting_decision", "assessment", "draft")
FILTERS = [{}, {}, {}, {"stage": "assessment"}, {"stage": "awaiting_decision"}, {"stage": "draft"},
           {"rag": "red"}, {"rag": "amber"}, {"rag": "green"}, {"overdue": "yes"}, {"due_within": "14"},
           {"due_within": "30", "rag": "amber"}, {"mine": "yes"}, {"caseworker": "C Patel"}]
SORTS = ("next-date", "next-date", "days-left", "reference", "received")


# -- the store ----------------------------------------------------------------------------------------


def build_store(state: Path, database_url: str | None, open_cases: int, users: int) -> dict:
    """A migrated SQLite store under ``state`` with ``open_cases`` open today, and the accounts; returns what
    the users may ask for: {username: [references they may see]}."""
    from config.settings import Settings
    from domain.events import Decision, DecisionOutcome, FinalIssued, NoPlanNotice, Withdrawn
    from ehc.bootstrap import bootstrap
    from ehc.clock import now_utc, today_in_london
    from ehc.demo.synthetic import SYNTHETIC_CONTRIBUTORS, TEAMS, synthetic_caseload
    from ehc.services.users import add_user
    from store.db import upgrade

    def closed(events) -> bool:
        return any(isinstance(event, (FinalIssued, NoPlanNotice, Withdrawn)) or (
            isinstance(event, Decision) and event.outcome is DecisionOutcome.NOT_ASSESS) for event in events)

    started = time.perf_counter()
    app = bootstrap(Settings(state_dir=state, database_url=database_url))
    upgrade(app.engine)
    today = today_in_london()
    caseload, opened = [], 0
    for request, events in synthetic_caseload(open_cases * 2, today, weeks=30, seed=2026):
        caseload.append((request, events))
        opened += not closed(events)
        if opened == open_cases:
            break
    with app.unit_of_work() as work:
        for contributor in SYNTHETIC_CONTRIBUTORS:
            work.cases.add_contributor(contributor.code, contributor.name, contributor.agency.value)
    with app.unit_of_work() as work:
        work.cases.import_caseload(caseload, "bench", now_utc())
    for number in range(users):
        team = TEAMS[number % len(TEAMS)]
        if number % 2:
            add_user(app, f"manager{number}", "manager", PASSWORD, team=team)
        else:
            add_user(app, f"caseworker{number}", "caseworker", PASSWORD, team=team,
                     display_name=("A Okafor", "B Hughes", "C Patel", "D Murphy", "E Wright")[number // 2 % 5])
    with app.read_connection() as connection:
        rows = connection.exec_driver_sql(
            "SELECT reference, team FROM cases WHERE stage IN ('awaiting_decision', 'assessment', 'draft')").all()
    app.engine.dispose()
    if len(rows) != open_cases:
        raise SystemExit(f"the store holds {len(rows)} open cases, not {open_cases}")
    by_team = {team: [reference for reference, its_team in rows if its_team == team] for team in TEAMS}
    visible = {}
    for number in range(users):
        team = TEAMS[number % len(TEAMS)]
        visible[f"manager{number}" if number % 2 else f"caseworker{number}"] = (
            [reference for reference, _ in rows] if number % 2 else by_team[team])
    (state / "bench-users.json").write_text(json.dumps(visible))
    print(f"# store: {len(caseload):,} requests, {len(rows):,} open today ({today}), "
          f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return visible


# -- the server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_web(state: Path, database_url: str | None, port: int) -> subprocess.Popen:
    env = {name: value for name, value in os.environ.items() if not name.startswith("EHC_")}
    env.update(EHC_STATE_DIR=str(state), EHC_MANAGER_SEES_ALL_TEAMS="true", PYTHONPATH=str(ROOT),
               EHC_PUBLIC_URL=f"http://127.0.0.1:{port}")
    if database_url:
        env["EHC_DATABASE_URL"] = database_url
    server = subprocess.Popen([sys.executable, "-m", "ehc.cli", "web", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"`ehc web` exited {server.returncode}: {server.stderr.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("`ehc web` did not answer within 60 s")


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds the process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the users ----------------------------------------------------------------------------------------


def signed_in_client(origin: str, username: str | None):
    import httpx

    client = httpx.Client(base_url=origin, timeout=120, follow_redirects=False)
    if username:
        form = client.get("/sign-in")
        answer = client.post("/sign-in", data={"username": username, "password": PASSWORD,
                                               "csrf_token": CSRF.search(form.text).group(1)})
        if answer.status_code != 303:
            raise SystemExit(f"{username} could not sign in: {answer.status_code}")
    return client


def caseload_path(rng: random.Random, username: str, pages: int) -> str:
    from urllib.parse import urlencode

    query = dict(rng.choice(FILTERS))
    if "mine" in query and not username.startswith("caseworker"):
        query = {}
    query["sort"] = rng.choice(SORTS)
    if rng.random() < 1 / 3:
        query["page"] = str(rng.randint(2, pages))
    return "/cases?" + urlencode(query)


def run_phase(name: str, clients: dict, paths, seconds: float, server_pid: int, pause: tuple[float, float],
              warm_up: float = 3.0) -> dict:
    """Every client asks, one request after another (after a pause drawn from ``pause`` seconds), for
    ``seconds``; the first ``warm_up`` seconds are not counted. ``paths(rng, username)`` gives each next
    request."""
    timings: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start = time.perf_counter()
    counted_from, end = start + warm_up, start + warm_up + seconds
    cpu = {}

    def user(number: int, username: str, client) -> None:
        rng = random.Random(f"{name}-{number}")
        while time.perf_counter() < end:
            path = paths(rng, username)
            sent = time.perf_counter()
            response = client.get(path)
            taken = time.perf_counter() - sent
            if sent >= counted_from:
                with lock:
                    timings.append(taken)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if pause[1]:
                time.sleep(rng.uniform(*pause))

    def mark_cpu() -> None:
        time.sleep(max(0.0, counted_from - time.perf_counter()))
        cpu["start"] = cpu_seconds(server_pid)
        time.sleep(max(0.0, end - time.perf_counter()))
        cpu["end"] = cpu_seconds(server_pid)

    threads = [threading.Thread(target=user, args=(number, username, client))
               for number, (username, client) in enumerate(clients.items())]
    threads.append(threading.Thread(target=mark_cpu))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timings.sort()
    count = len(timings)
    result = {"phase": name, "requests": count, "statuses": statuses,
              "median_ms": round(statistics.median(timings) * 1000, 1),
              "p95_ms": round(timings[max(0, int(count * 0.95) - 1)] * 1000, 1),
              "max_ms": round(timings[-1] * 1000, 1),
              "requests_per_second": round(count / seconds, 1),
              "server_cpu_ms_per_request": round((cpu["end"] - cpu["start"]) / max(count, 1) * 1000, 1)}
    print(f"{name:<10} {count:>6} requests  median {result['median_ms']:>7.1f} ms  p95 {result['p95_ms']:>7.1f} ms"
          f"  {result['requests_per_second']:>6.1f} req/s  server CPU {result['server_cpu_ms_per_request']:.1f} ms"
          f"/request  statuses {statuses}", file=sys.stderr)
    return result


def breakdown(state: Path, database_url: str | None, requests: int, pages: int) -> dict:
    """Milliseconds per caseload page spent in each part, over ``requests`` pages asked in turn."""
    from fastapi.testclient import TestClient

    import ehc.services.caseload as service
    import ehc.web.routes.caseload as route
    from config.settings import Settings
    from ehc.bootstrap import bootstrap
    from ehc.web.app import create_web_app
    from store.caseload import Caseload
    from store.cases import CaseStore

    spent: dict[str, float] = {}

    def timed(owner, attribute: str, part: str) -> None:
        original = getattr(owner, attribute)

        def measured(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[part] = spent.get(part, 0.0) + time.perf_counter() - started

        setattr(owner, attribute, measured)

    timed(Caseload, "count", "count (SQL)")
    timed(Caseload, "page", "the page's 50 references (SQL)")
    timed(CaseStore, "get_many", "the 50 cases and their events read")
    timed(CaseStore, "timeline", "each case folded into its timeline (domain)")
    timed(service, "rag_of", "each case's RAG (domain)")
    timed(Caseload, "caseworkers", "the caseworker filter's names (SQL)")
    timed(route, "render", "the page rendered (jinja2)")
    app = bootstrap(Settings(state_dir=state, database_url=database_url, manager_sees_all_teams=True))
    rng = random.Random("breakdown")
    with TestClient(create_web_app(app), base_url="http://127.0.0.1") as client:
        form = client.get("/sign-in")
        client.post("/sign-in", data={"username": "manager1", "password": PASSWORD,
                                      "csrf_token": CSRF.search(form.text).group(1)})
        for _ in range(3):
            client.get(caseload_path(rng, "manager1", pages))
        spent.clear()
        started = time.perf_counter()
        for _ in range(requests):
            client.get(caseload_path(rng, "manager1", pages))
        total = time.perf_counter() - started
    parts = {part: round(seconds / requests * 1000, 2) for part, seconds in spent.items()}
    parts["the rest: the request in and out, the session, the test client"] = round(
        (total - sum(spent.values())) / requests * 1000, 2)
    for part, ms in parts.items():
        print(f"{ms:>8.2f} ms  {part}", file=sys.stderr)
    print(f"{total / requests * 1000:>8.2f} ms  a caseload page in all", file=sys.stderr)
    return {"requests": requests, "ms_per_page": round(total / requests * 1000, 2), "parts_ms": parts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=10_000, help="open cases in the store")
    parser.add_argument("--users", type=int, default=20, help="signed-in users asking at once")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each phase, after its warm-up")
    parser.add_argument("--phases", default="floor,caseload,case", help="which of floor, caseload, case")
    parser.add_argument("--pause", default="0-0", help="seconds each user pauses after an answer: A-B, drawn "
                                                       "uniformly (default none)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--breakdown", type=int, metavar="N", help="time the parts of N caseload pages in this "
                                                                    "process instead of the load phases")
    parser.add_argument("--work", type=Path, help="where the store goes (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep --work's store and use it again next time")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results" / "web-latest.json")
    args = parser.parse_args()

    pause = tuple(float(bound) for bound in args.pause.split("-"))
    cluster = None
    with tempfile.TemporaryDirectory() as scratch:
        state = (args.work or Path(scratch)) / f"web-{args.database}-{args.open}"
        database_url = None
        if args.database == "postgresql":
            from tests.postgres_cluster import PostgresCluster

            cluster = PostgresCluster().start()
            database_url = cluster.admin_url
        users_file = state / "bench-users.json"
        try:
            if args.keep and users_file.exists() and cluster is None:
                visible = json.loads(users_file.read_text())
            else:
                if state.exists():
                    import shutil

                    shutil.rmtree(state)
                state.mkdir(parents=True)
                visible = build_store(state, database_url, args.open, args.users)
            pages = max(2, -(-args.open // 50))
            if args.breakdown:
                report = {"open_cases": args.open, "database": args.database,
                          "breakdown": breakdown(state, database_url, args.breakdown, pages)}
                print(json.dumps(report, indent=2))
                return
            port = free_port()
            server = start_web(state, database_url, port)
            origin = f"http://127.0.0.1:{port}"
            try:
                signed_in = {username: signed_in_client(origin, username) for username in visible}
                signed_out = {f"visitor{number}": signed_in_client(origin, None) for number in range(len(visible))}
                phases = {
                    "floor": (signed_out, lambda rng, username: "/sign-in"),
                    "caseload": (signed_in, lambda rng, username: caseload_path(rng, username, pages)),
                    "case": (signed_in, lambda rng, username: "/cases/" + rng.choice(visible[username])),
                }
                results = [run_phase(name, *phases[name], args.seconds, server.pid, pause)
                           for name in args.phases.split(",")]
            finally:
                server.terminate()
                server.wait(timeout=30)
        finally:
            if cluster is not None:
                cluster.stop()
    report = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": platform.node(),
              "cpus": os.cpu_count(), "open_cases": args.open, "users": len(visible), "seconds": args.seconds,
              "pause_seconds": list(pause), "database": args.database, "phases": results}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

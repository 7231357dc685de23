"""Benchmark: the timeliness report on a store of 1,000,000 historical requests.

    .venv/bin/python bench/report_timeliness.py                      # SQLite file in a temp dir
    .venv/bin/python bench/report_timeliness.py --requests 200000    # smaller
    .venv/bin/python bench/report_timeliness.py --database-url postgresql+psycopg://user@host/emptydb

Builds the store (schema by the real migrations, rows by bulk insert: executemany on SQLite, COPY on
PostgreSQL), then measures, each in a fresh process so that peak RSS belongs to the report alone:

- ``timeliness_summary`` for the rolling 12 months (the `ehc report timeliness` contract);
- the weekly report's queries (``reports.weekly.gather_weekly``: every aggregate, the open caseload);
- the whole ``weekly_report`` (queries plus HTML, CSV and XLSX).

Wall time, peak Python allocation (tracemalloc) and the process's peak RSS (getrusage) are printed.
Aim: under 10 s and under 1 GB on a 2-core machine. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

AS_OF = date(2026, 11, 20)
YEARS = 10
CHUNK = 50_000
AGENCIES = (("health", "DCO-NORTH", 0.40), ("social_care", "CSC-DISABLED-CHILDREN", 0.35),
            ("educational_psychology", "EPS-1", 0.25))
CASEWORKERS = ("A Okafor", "B Hughes", "C Patel", "D Murphy", "E Wright", "F Nolan")
RECORDED = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)


def synthetic_rows(count: int, seed: int = 2014):
    """Cases, events and advice rows in chunks: received uniformly over the 10 years before AS_OF.

    Histories follow the national shape (about half of plans late, some refusals, withdrawals and
    Reg 10(4) exceptions); events after AS_OF are cut off, as a store on that day would hold them.
    """
    rng = random.Random(seed)
    span = YEARS * 365
    cases, events, advice = [], [], []
    event_id = advice_id = 0
    for case_id in range(1, count + 1):
        received = AS_OF - timedelta(days=rng.randrange(span))
        history: list[tuple[str, date, str]] = [("received", received, "{}")]
        if rng.random() < 0.05:
            start = received + timedelta(days=rng.randrange(3, 30))
            history += [("exception_started", start, '{"limb": "10(4)(c)"}'),
                        ("exception_ended", start + timedelta(days=rng.randrange(28, 50)), '{"limb": "10(4)(c)"}')]
        requests = []
        if rng.random() < 0.02:
            history.append(("withdrawn", received + timedelta(days=rng.randrange(5, 30)), "{}"))
        else:
            decided = received + timedelta(days=rng.randrange(25, 42) if rng.random() < 0.8 else rng.randrange(43, 80))
            if rng.random() < 0.22:
                history.append(("decision", decided, '{"outcome": "not_assess"}'))
            else:
                history.append(("decision", decided, '{"outcome": "assess"}'))
                asked = decided + timedelta(days=rng.randrange(1, 6))
                returns = []
                for agency, code, late in AGENCIES:
                    back = asked + timedelta(days=rng.randrange(43, 90) if rng.random() < late else rng.randrange(14, 42))
                    returns.append(back)
                    requests.append((code, agency, asked, back))
                    history.append(("advice_requested", asked, json.dumps({"agency": agency, "contributor": code})))
                    history.append(("advice_received", back, json.dumps({"agency": agency, "contributor": code})))
                if rng.random() < 0.04:
                    history.append(("no_plan_notice", max(returns) + timedelta(days=rng.randrange(3, 14)), "{}"))
                else:
                    draft = max(returns) + timedelta(days=rng.randrange(5, 40))
                    history.append(("draft_served", draft, "{}"))
                    history.append(("final_issued", draft + timedelta(days=rng.randrange(16, 60)), "{}"))
        history = sorted((item for item in history if item[1] <= AS_OF), key=lambda item: item[1])
        types = {item[0] for item in history}
        closed = types & {"withdrawn", "no_plan_notice", "final_issued"} or '{"outcome": "not_assess"}' in {
            item[2] for item in history}
        stage = ("issued" if "final_issued" in types else "no_plan" if "no_plan_notice" in types
                 else "withdrawn" if "withdrawn" in types else "not_assessed" if closed
                 else "draft" if "draft_served" in types else "assessment" if "decision" in types
                 else "awaiting_decision")
        cases.append((case_id, f"B-{case_id:07d}", received, rng.choice(CASEWORKERS), RECORDED, stage,
                      None if closed else received + timedelta(days=140), "exception_started" in types))
        for sequence, (kind, on, payload) in enumerate(history, start=1):
            event_id += 1
            events.append((event_id, case_id, sequence, kind, on, "bench", RECORDED, payload))
        for code, agency, asked, back in requests:
            if asked <= AS_OF:
                advice_id += 1
                advice.append((advice_id, case_id, code, agency, CONTRIBUTOR_IDS[code], asked,
                               asked + timedelta(days=42), back if back <= AS_OF else None))
        if case_id % CHUNK == 0 or case_id == count:
            yield cases, events, advice
            cases, events, advice = [], [], []


CONTRIBUTOR_IDS = {code: number for number, (_, code, _) in enumerate(AGENCIES, start=1)}
CASE_COLUMNS = ("id", "reference", "received", "caseworker", "created_at", "stage", "next_due", "exceptions_apply")
EVENT_COLUMNS = ("id", "case_id", "sequence", "type", "event_date", "actor", "recorded_at", "payload")
ADVICE_COLUMNS = ("id", "case_id", "key", "agency", "contributor_id", "requested_on", "due_on", "received_on")


def build(url: str, count: int) -> None:
    from sqlalchemy import text

    from store.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    contributors = [(number, code, f"{agency} ({code})", agency) for code, number in CONTRIBUTOR_IDS.items()
                    for agency, known, _ in AGENCIES if known == code]
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        sqlite = url.startswith("sqlite")
        if sqlite:
            cursor.execute("PRAGMA synchronous=OFF")
        cursor.executemany("INSERT INTO contributors (id, code, name, agency) VALUES (%s)" % _marks(4, sqlite),
                           contributors)
        for cases, events, advice in synthetic_rows(count):
            for table, columns, rows in (("cases", CASE_COLUMNS, cases), ("case_events", EVENT_COLUMNS, events),
                                         ("advice_requests", ADVICE_COLUMNS, advice)):
                if sqlite:
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(columns), True)})",
                                       [_sqlite_row(row) for row in rows])
                else:
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            raw.commit()
            print(f"  {cases[-1][0]:>9,} requests stored ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        if not sqlite:
            for table in ("cases", "case_events", "advice_requests", "contributors"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    print(f"built {count:,} requests in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def _upgrade(url: str) -> None:
    from store.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


def _marks(count: int, sqlite: bool) -> str:
    return ", ".join(["?" if sqlite else "%s"] * count)


def _sqlite_row(row: tuple) -> tuple:
    """SQLAlchemy stores dates and datetimes on SQLite as ISO text; booleans as 0/1."""
    return tuple(value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
                 if isinstance(value, datetime) else value.isoformat()
                 if isinstance(value, date) else int(value) if isinstance(value, bool) else value for value in row)


def measure(url: str, what: str, out_dir: Path, traced: bool) -> dict:
    """Run one part of the report in this (fresh) process: its wall time and memory.

    tracemalloc slows every allocation, so the time comes from an untraced run and the Python peak
    from a traced one. Peak RSS is the whole process's, imports included; the RSS before the call
    is printed beside it so the report's own share can be seen.
    """
    from config.settings import Settings
    from ehc.bootstrap import App
    from ehc.report_jobs import timeliness_summary, weekly_report
    from reports.weekly import gather_weekly

    app = App(Settings(database_url=url, state_dir=out_dir))
    app.engine  # connect outside the timing: the pool, not the report
    rss_before = _rss_mb()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    if what == "timeliness_summary":
        result = timeliness_summary(app, AS_OF - timedelta(days=364), AS_OF)
    elif what == "weekly_queries":
        with app.engine.connect() as connection:
            report = gather_weekly(connection, AS_OF, "bench")
        result = {"open_requests": report.open.tally.requests, "plans_12_months": report.periods[-1].plans.plans}
    else:
        files = weekly_report(app, AS_OF, out_dir / "report")
        result = files.model_dump(mode="json", include={"open_requests", "open_overdue",
                                                        "plans_issued_rolling_12_months"})
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    return {"what": what, "seconds": round(seconds, 2), "python_peak_mb": round(traced_peak / 2**20, 1),
            "rss_before_mb": rss_before, "process_peak_rss_mb": _rss_mb(), "result": result}


def _rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage's ru_maxrss: on Linux a child keeps the
    ru_maxrss of the parent it was forked from (here the one that built the store) across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)  # kB
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database to fill (default: a temp SQLite file)")
    parser.add_argument("--reuse", action="store_true", help="measure an already built --database-url")
    parser.add_argument("--measure", choices=("timeliness_summary", "weekly_queries", "weekly_report"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.database_url, args.measure, args.out, args.traced)))
        return
    with tempfile.TemporaryDirectory(prefix="ehc-bench-") as temp:
        url = args.database_url or f"sqlite:///{Path(temp) / 'bench.sqlite3'}"
        if args.reuse:
            _upgrade(url)  # the schema may have moved on since the store was built
        else:
            build(url, args.requests)
        print(f"{args.requests:,} requests, as of {AS_OF}, on {url.split(':')[0]}; {_cores()} cores")
        print(f"{'measured':<20} {'seconds':>8} {'python peak MB':>15} {'peak RSS MB':>12} {'(RSS before)':>13}  result")
        for what in ("timeliness_summary", "weekly_queries", "weekly_report"):
            timed, traced = (json.loads(subprocess.run(
                [sys.executable, __file__, "--measure", what, "--database-url", url, "--out", temp, *extra],
                check=True, capture_output=True, text=True).stdout) for extra in ([], ["--traced"]))
            print(f"{what:<20} {timed['seconds']:>8} {traced['python_peak_mb']:>15} {timed['process_peak_rss_mb']:>12}"
                  f" {timed['rss_before_mb']:>13}  "
                  f"{timed['result'] if what != 'timeliness_summary' else _short(timed['result'])}")


def _short(summary: dict) -> str:
    return (f"plans {summary['plans_issued']}, {summary['pct_within_20_weeks']}% within 20 weeks, "
            f"{summary['pct_within_20_weeks_excl_exceptions']}% excl. exceptions, open {summary['open_requests']}")


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()

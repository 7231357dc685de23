"""One measurement in this (fresh) process: a product job or its floor; prints JSON.

Jobs: ``import``, ``watch``, ``report``, ``cases`` over a caseload of requests; ``plans_import`` and
``plans_watch`` over the plans in force (bench/run.py's ``--plans``).

    python bench/measure.py JOB DATABASE_URL [--csv FILE] [--out DIR]

Imports and the connection pool are set up before the clock starts, so the
time is the job's own. Peak RSS is the process's high-water mark (VmHWM),
imports included; ``rss_before_mb`` shows what the imports alone took.

Each job has a floor: the same rows read (or, for the import, written) with
the bare driver cursor and nothing else, the least any code could do.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.caseload import AS_OF  # noqa: E402

OPEN = "('awaiting_decision', 'assessment', 'draft')"
DUE_WITHIN = 14


def job_import(app, args) -> dict:
    """`ehc import caseload --no-start-runs`, the command's own work."""
    from ehc.imports.caseload import import_caseload_file

    return {"rows": import_caseload_file(app, args.csv, "bench").imported}


def floor_import(app, args) -> dict:
    """Every row's case and events inserted by the driver: no validation, no projection."""
    sqlite = app.settings.database_url.startswith("sqlite")
    mark = "?" if sqlite else "%s"
    raw = app.engine.raw_connection()
    cursor = raw.cursor()
    cases, events = [], []
    recorded = "2026-11-20 06:00:00" if sqlite else "2026-11-20 06:00:00+00"
    with open(args.csv, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            cases.append((row[0], row[1], recorded, "awaiting_decision", False))
            events.append((row[0], 1, "received", row[1]))
            for column, kind in ((3, "decision"), (4, "draft_served"), (5, "final_issued"), (6, "no_plan_notice"),
                                 (7, "withdrawn"), (9, "exception_started")):
                if row[column]:
                    events.append((row[0], events[-1][1] + 1, kind, row[column]))
    cursor.executemany(f"INSERT INTO cases (reference, received, created_at, stage, exceptions_apply) "
                       f"VALUES ({', '.join([mark] * 5)})", cases)
    cursor.execute("SELECT reference, id FROM cases")
    ids = dict(cursor.fetchall())
    cursor.executemany(f"INSERT INTO case_events (case_id, sequence, type, event_date, actor, recorded_at, payload) "
                       f"VALUES ({', '.join([mark] * 7)})",
                       [(ids[reference], sequence, kind, on, "bench", recorded, "{}")
                        for reference, sequence, kind, on in events])
    raw.commit()
    raw.close()
    return {"rows": len(cases)}


def job_watch(app, args) -> dict:
    from ehc.services.messages import deadline_watch

    return deadline_watch(app, AS_OF).model_dump(mode="json")


def floor_watch(app, args) -> dict:
    """The open cases, their events and the contributors, as the watch reads them."""
    return _read(app, [
        f"SELECT id, reference, caseworker, child_given_name, child_family_name FROM cases WHERE stage IN {OPEN}"
        " ORDER BY id",
        f"SELECT e.case_id, e.type, e.event_date, e.payload FROM case_events e JOIN cases c ON c.id = e.case_id"
        f" WHERE c.stage IN {OPEN} ORDER BY e.case_id, e.sequence",
        "SELECT code, name, agency, team, email, escalation_email FROM contributors",
    ])


def job_report(app, args) -> dict:
    from ehc.services.reporting import weekly_report

    files = weekly_report(app, AS_OF, args.out)
    return files.model_dump(mode="json", include={"open_requests", "open_overdue", "plans_issued_rolling_12_months"})


def floor_report(app, args) -> dict:
    """The columns the report's aggregates range over, every row."""
    return _read(app, [
        "SELECT id, received, stage, next_due, exceptions_apply, caseworker FROM cases",
        "SELECT case_id, type, event_date, payload FROM case_events",
        "SELECT case_id, agency, requested_on, due_on, received_on FROM advice_requests",
    ])


def job_cases(app, args) -> dict:
    """`ehc cases --due-within 14`, the command's own body, its output thrown away."""
    from ehc.cli import cases

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cases(due_within=DUE_WITHIN, overdue=False, stage=[], all_stages=False, caseworker=None,
              as_of=AS_OF.isoformat(), json_output=False)
    return {"cases": int(out.getvalue().split(" ", 1)[0])}


def floor_cases(app, args) -> dict:
    """The candidate cases (next_due within the window) and their events."""
    until = (AS_OF + timedelta(days=DUE_WITHIN)).isoformat()
    return _read(app, [
        f"SELECT id, reference, received, caseworker, team, setting, stage FROM cases"
        f" WHERE stage IN {OPEN} AND next_due <= '{until}' ORDER BY next_due, reference",
        f"SELECT e.case_id, e.sequence, e.type, e.event_date, e.actor, e.recorded_at, e.payload FROM case_events e"
        f" JOIN cases c ON c.id = e.case_id WHERE c.stage IN {OPEN} AND c.next_due <= '{until}'"
        f" ORDER BY e.case_id, e.sequence",
    ])


def job_plans_import(app, args) -> dict:
    """`ehc import plans` of the plans CSV, the command's own work: validated, projected, written."""
    from ehc.services.plan_import import import_plans_file

    return {"rows": len(import_plans_file(app, args.csv, AS_OF, "bench").plan_refs)}


def floor_plans_import(app, args) -> dict:
    """Every plan row inserted by the driver: no validation, no timeline, no projection."""
    sqlite = app.settings.database_url.startswith("sqlite")
    mark = "?" if sqlite else "%s"
    recorded = "2026-11-20 06:00:00" if sqlite else "2026-11-20 06:00:00+00"
    with open(args.csv, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [(row["plan_ref"], row["issued"], row["last_review"] or None, row["year_group"], 2026,
                 row["setting"] or None, row["caseworker"], row["team"], "bench", recorded, "awaiting_meeting")
                for row in reader]
    raw = app.engine.raw_connection()
    raw.cursor().executemany(
        "INSERT INTO plans (plan_ref, issued, last_review, year_group, year_group_year, setting, caseworker, team, "
        f"added_by, created_at, stage) VALUES ({', '.join([mark] * 11)})", rows)
    raw.commit()
    raw.close()
    return {"rows": len(rows)}


def job_plans_watch(app, args) -> dict:
    """The review watch's first run over every plan in force: it queues their reminders and notices."""
    from ehc.services.review_messages import review_watch

    return review_watch(app, AS_OF).model_dump(mode="json")


def floor_plans_watch(app, args) -> dict:
    """The plans in force and their review events, as the watch reads them."""
    return _read(app, [
        "SELECT id, plan_ref, case_id, issued, last_review, year_group, year_group_year, setting, caseworker, team,"
        " planned_post16_transfer FROM plans WHERE stage <> 'ceased' ORDER BY id",
        "SELECT e.plan_id, e.type, e.event_date, e.payload FROM plan_events e JOIN plans p ON p.id = e.plan_id"
        " WHERE p.stage <> 'ceased' ORDER BY e.plan_id, e.sequence",
    ])


def _read(app, queries: list[str]) -> dict:
    raw = app.engine.raw_connection()
    cursor = raw.cursor()
    rows = 0
    for query in queries:
        cursor.execute(query)
        while batch := cursor.fetchmany(10_000):
            rows += len(batch)
    raw.close()
    return {"rows": rows}


JOBS = {"import": (job_import, floor_import), "watch": (job_watch, floor_watch),
        "report": (job_report, floor_report), "cases": (job_cases, floor_cases),
        "plans_import": (job_plans_import, floor_plans_import), "plans_watch": (job_plans_watch, floor_plans_watch)}


def _children_cpu() -> float:
    """CPU of the worker processes the job started and has reaped (the import's parsers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    """VmHWM, not getrusage: on Linux a child keeps ru_maxrss from the parent it was forked from."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=sorted(JOBS))
    parser.add_argument("database_url")
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--out", type=Path, default=Path("."))
    parser.add_argument("--profile", type=Path, help="write a cProfile of the job here")
    args = parser.parse_args()
    os.environ["EHC_DATABASE_URL"] = args.database_url
    os.environ.setdefault("EHC_STATE_DIR", str(args.out))
    from config.settings import Settings
    from ehc import cli  # noqa: F401  the job's imports, outside the clock
    from ehc.services import messages, reporting  # noqa: F401
    from ehc.bootstrap import App

    app = App(Settings(database_url=args.database_url, state_dir=args.out))
    app.require_current_schema()  # the first connection, outside the clock
    app.calendar, app.closures, app.policy  # noqa: B018  built outside the clock
    run = JOBS[args.job][1 if args.floor else 0]
    rss_before = rss_mb()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu_started, children_started = time.perf_counter(), time.process_time(), _children_cpu()
    result = run(app, args)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    worker_cpu_seconds = _children_cpu() - children_started
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    print(json.dumps({"job": args.job, "floor": args.floor, "seconds": round(seconds, 3),
                      "cpu_seconds": round(cpu_seconds, 3), "worker_cpu_seconds": round(worker_cpu_seconds, 3),
                      "rss_before_mb": rss_before,
                      "peak_rss_mb": rss_mb(), "result": result}))


if __name__ == "__main__":
    main()

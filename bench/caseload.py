"""Synthetic caseloads at national scale, written straight into a store or to an import CSV.

Histories follow the national shape (docs/RULES.md, "National figures"):
received uniformly over the ten years before AS_OF, about half of plans late,
health and social care advice late more often than the EP's, some refusals,
withdrawals, no-plan notices and Reg 10(4) exceptions. Events after AS_OF are
cut off, as a store on that day would hold them, so the most recent ~30
weeks' requests are still open.

Rows go in with the bare driver (executemany on SQLite, COPY on PostgreSQL):
the benchmarks measure the product reading them, not this loader. Open cases
get their real projection (stage, next_due) from the domain, as the product
would have written it; closed ones have nothing pending.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

AS_OF = date(2026, 11, 20)
YEARS = 10
CHUNK = 50_000
AGENCIES = (("health", "DCO-NORTH", 0.40), ("social_care", "CSC-DISABLED-CHILDREN", 0.35),
            ("educational_psychology", "EPS-1", 0.25))
CONTRIBUTOR_IDS = {code: number for number, (_, code, _) in enumerate(AGENCIES, start=1)}
CASEWORKERS = ("A Okafor", "B Hughes", "C Patel", "D Murphy", "E Wright", "F Nolan")
RECORDED = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
CLOSING = {"withdrawn", "no_plan_notice", "final_issued"}

CASE_COLUMNS = ("id", "reference", "received", "caseworker", "created_at", "stage", "next_due", "exceptions_apply")
EVENT_COLUMNS = ("id", "case_id", "sequence", "type", "event_date", "actor", "recorded_at", "payload")
ADVICE_COLUMNS = ("id", "case_id", "key", "agency", "contributor_id", "requested_on", "due_on", "received_on")
CSV_COLUMNS = ("case_ref", "received", "decision", "decision_date", "draft_served", "final_issued",
               "no_plan_notice", "withdrawn", "exception", "exception_start", "exception_end", "caseworker")


def histories(count: int, seed: int = 2014) -> Iterator[tuple[int, date, list[tuple[str, date, str]],
                                                             list[tuple[str, str, date, date]]]]:
    """(case number, received, [(event type, date, payload JSON)], [(contributor, agency, asked, back)])."""
    rng = random.Random(seed)
    span = YEARS * 365
    for number in range(1, count + 1):
        received = AS_OF - timedelta(days=rng.randrange(span))
        history: list[tuple[str, date, str]] = [("received", received, "{}")]
        if rng.random() < 0.05:
            start = received + timedelta(days=rng.randrange(3, 24))  # before any decision
            history += [("exception_started", start, '{"limb": "10(4)(c)"}'),
                        ("exception_ended", start + timedelta(days=rng.randrange(28, 50)), '{"limb": "10(4)(c)"}')]
        requests = []
        if rng.random() < 0.02:
            history.append(("withdrawn", received + timedelta(days=rng.randrange(24, 40)), "{}"))
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
        yield number, received, history, [request for request in requests if request[2] <= AS_OF]


def reference(number: int) -> str:
    return f"B-{number:07d}"


def is_closed(history: list[tuple[str, date, str]]) -> bool:
    return any(kind in CLOSING or payload == '{"outcome": "not_assess"}' for kind, _, payload in history)


def store_rows(count: int, projector) -> Iterator[tuple[list, list, list]]:
    """Rows for cases, case_events and advice_requests, CHUNK requests at a time.

    ``projector(events) -> (stage, next_due, exceptions_apply)`` is the product's own projection,
    used for open cases; closed cases are projected from their closing event.
    """
    from domain.events import parse_event

    cases, events, advice = [], [], []
    event_id = advice_id = 0
    for number, received, history, requests in histories(count):
        if is_closed(history):
            types = {kind for kind, _, _ in history}
            stage = ("issued" if "final_issued" in types else "no_plan" if "no_plan_notice" in types
                     else "withdrawn" if "withdrawn" in types else "not_assessed")
            next_due, exceptions_apply = None, "exception_started" in types
        else:
            stage, next_due, exceptions_apply = projector([parse_event(kind, on, json.loads(payload))
                                                           for kind, on, payload in history])
        cases.append((number, reference(number), received, CASEWORKERS[number % len(CASEWORKERS)], RECORDED, stage,
                      next_due, exceptions_apply))
        for sequence, (kind, on, payload) in enumerate(history, start=1):
            event_id += 1
            events.append((event_id, number, sequence, kind, on, "bench", RECORDED, payload))
        for code, agency, asked, back in requests:
            advice_id += 1
            advice.append((advice_id, number, code, agency, CONTRIBUTOR_IDS[code], asked,
                           asked + timedelta(days=42), back if back <= AS_OF else None))
        if number % CHUNK == 0 or number == count:
            yield cases, events, advice
            cases, events, advice = [], [], []


def build_store(url: str, count: int) -> float:
    """Migrate ``url`` (empty) and fill it with ``count`` requests; returns the seconds taken."""
    from sqlalchemy import text

    from config.settings import Settings
    from ehc.bootstrap import App
    from store.db import upgrade

    app = App(Settings(database_url=url))
    upgrade(app.engine)
    projector = _projector(app.closures)
    contributors = [(number, code, f"{agency} ({code})", agency, f"{code.lower()}@example.nhs.uk")
                    for agency, code, _ in AGENCIES for known, number in CONTRIBUTOR_IDS.items() if known == code]
    started = time.perf_counter()
    sqlite = url.startswith("sqlite")
    raw = app.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if sqlite:
            cursor.execute("PRAGMA synchronous=OFF")
        cursor.executemany(f"INSERT INTO contributors (id, code, name, agency, email) VALUES ({_marks(5, sqlite)})",
                           contributors)
        for cases, events, advice in store_rows(count, projector):
            for table, columns, rows in (("cases", CASE_COLUMNS, cases), ("case_events", EVENT_COLUMNS, events),
                                         ("advice_requests", ADVICE_COLUMNS, advice)):
                if sqlite:
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                       f"VALUES ({_marks(len(columns), True)})", [sqlite_row(row) for row in rows])
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
    with app.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    app.engine.dispose()
    return time.perf_counter() - started


def _projector(closures):
    from domain.casefile import fold
    from store.cases import projection_of

    def project(events):
        projection = projection_of(fold(events), events, closures)
        return projection.stage.value, projection.next_due, projection.exceptions_apply
    return project


def write_import_csv(path: Path, count: int) -> int:
    """The same histories as an `ehc import caseload` file (no advice columns: the CSV has none)."""
    return _write_csv(path, histories(count))


def write_open_import_csv(path: Path, count: int) -> list[str]:
    """An `ehc import caseload` file of ``count`` open cases (of the histories, those still open on AS_OF:
    about 1 in 28); returns their references."""
    def open_histories():
        found = 0
        for history in histories(count * 100):
            if not is_closed(history[2]):
                yield history
                found += 1
                if found == count:
                    return
        raise ValueError(f"fewer than {count} open cases among {count * 100} histories")

    kept = list(open_histories())
    _write_csv(path, kept)
    return [reference(number) for number, _, _, _ in kept]


def _write_csv(path: Path, rows) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for number, received, history, _ in rows:
            count += 1
            cell = {"case_ref": reference(number), "received": received.isoformat(),
                    "caseworker": CASEWORKERS[number % len(CASEWORKERS)]}
            for kind, on, payload in history:
                if kind == "decision":
                    cell["decision"] = json.loads(payload)["outcome"]
                    cell["decision_date"] = on.isoformat()
                elif kind in ("draft_served", "final_issued", "no_plan_notice", "withdrawn"):
                    cell[kind] = on.isoformat()
                elif kind == "exception_started":
                    cell["exception"], cell["exception_start"] = "10(4)(c)", on.isoformat()
                elif kind == "exception_ended":
                    cell["exception_end"] = on.isoformat()
            writer.writerow([cell.get(column, "") for column in CSV_COLUMNS])
    return count


def _marks(count: int, sqlite: bool) -> str:
    return ", ".join(["?" if sqlite else "%s"] * count)


def sqlite_row(row: tuple) -> tuple:
    """SQLAlchemy stores dates and datetimes on SQLite as ISO text; booleans as 0/1."""
    return tuple(value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
                 if isinstance(value, datetime) else value.isoformat()
                 if isinstance(value, date) else int(value) if isinstance(value, bool) else value for value in row)

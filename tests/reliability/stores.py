"""Case stores for the crash tests: a synthetic caseload, an identical copy of a store, and what to compare.

The caseload is ehc.demo.synthetic's (late advice, exceptions, plans issued), as
the demo and the benchmarks use; on the watch's day about half its requests
are open and the watch queues about two messages for each of those.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections import Counter
from contextlib import closing
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import create_engine, text

from ehc.bootstrap import App
from ehc.clock import now_utc
from ehc.demo.synthetic import add_synthetic_contributors, synthetic_caseload
from tests.reliability.processes import json_value

WATCH_DAY = date(2026, 4, 16)                    # a Thursday in term time
KILLS = int(os.environ.get("EHC_RELIABILITY_KILLS", "10"))
# The outbox columns that make a message what it is (not when it was written or how its sending went).
MESSAGE = "key, case_reference, kind, purpose, recipient, channel, to_address, subject_ref, send_on, subject, " \
          "body_text, message_id"


def load_synthetic_caseload(app: App, cases: int, seed: int = 2014) -> None:
    with app.unit_of_work() as work:
        add_synthetic_contributors(work.cases)
    with app.unit_of_work() as work:
        work.cases.import_caseload(synthetic_caseload(cases, WATCH_DAY, seed=seed), "test", now_utc())


def copy_store(database_url: str, directory: Path, *engines) -> str:
    """An identical copy of the store (every table), beside it; returns its URL. No one may be writing;
    ``engines`` onto it are disposed first (PostgreSQL copies a database only when nobody is connected)."""
    for engine in engines:
        engine.dispose()
    if database_url.startswith("sqlite:///"):
        source = Path(database_url.removeprefix("sqlite:///"))
        target = directory / "copy" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        # SQLite's backup API: a consistent copy whatever is still in the write-ahead log.
        with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
            original.backup(copy)
        return f"sqlite:///{target}"
    server, name = database_url.rsplit("/", 1)
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}_copy" TEMPLATE "{name}"'))
    admin.dispose()
    return f"{server}/{name}_copy"


# Each advice message carries a portal link of its own, made when it is queued: two runs that queue the same
# message give it different tokens, so a message is compared with its link's token left out.
PORTAL_TOKEN = re.compile(r"(/portal/\S+?/advice/)[A-Za-z0-9_.-]+")


def outbox_messages(engine) -> Counter:
    """Every queued message (its identity and content, a portal link's token aside), counted: a count above 1
    would be a duplicate."""
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT {MESSAGE} FROM outbox")).all()
    return Counter(tuple(PORTAL_TOKEN.sub(r"\1TOKEN", str(value)) for value in row) for row in rows)


def same_message_twice(engine) -> list:
    """Rows that say the same thing to the same person about the same step under different keys."""
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT case_reference, purpose, recipient, subject_ref, count(*) FROM outbox "
            "GROUP BY case_reference, purpose, recipient, subject_ref HAVING count(*) > 1")).all()


def outbox_count(engine, status: str | None = None) -> int:
    with engine.connect() as connection:
        if status is None:
            return connection.execute(text("SELECT count(*) FROM outbox")).scalar_one()
        return connection.execute(text("SELECT count(*) FROM outbox WHERE status = :s"), {"s": status}).scalar_one()


def check_every_email_delivered(engine, received: list[EmailMessage], in_flight_allowance: int) -> dict:
    """What a recipient would notice: every due email arrived, nothing else did, a second copy only of one in
    flight at a kill (the same message, same Message-ID), and the case audit says sent once per message.
    Returns the figures for the report."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT key, status, message_id, to_address FROM outbox")).all()
        payloads = connection.execute(text("SELECT payload FROM case_events WHERE type = 'notification_sent'"))
        sent_events = Counter(json_value(payload)["outbox_key"] for payload in payloads.scalars())
    emails = [row for row in rows if row.to_address]
    assert emails, "nothing was queued: the test proves nothing"
    assert Counter(row.status for row in emails) == Counter({"sent": len(emails)})
    assert {row.status for row in rows if not row.to_address} <= {"skipped"}   # no address: skipped, not lost
    by_id = Counter(message["Message-ID"] for message in received)
    assert set(by_id) == {row.message_id for row in emails}          # every due message arrived, nothing else
    duplicates = {message_id: n for message_id, n in by_id.items() if n > 1}
    extra = sum(n - 1 for n in duplicates.values())
    assert extra <= in_flight_allowance, (extra, in_flight_allowance)  # at most the one in flight per kill
    for message_id in duplicates:                                       # a second copy is the same message
        copies = {(m["Subject"], m["To"], m["X-EHC-Outbox-Key"].strip(), m.get_body(("plain",)).get_content())
                  for m in received if m["Message-ID"] == message_id}
        assert len(copies) == 1, message_id
    assert sent_events == Counter({row.key: 1 for row in emails})      # the audit says sent once per message
    return {"emails": len(emails), "delivered": len(received), "duplicates": extra}

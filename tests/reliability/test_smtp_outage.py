"""The SMTP server is down for a while: the whole outbox waits with its error and a backoff, then goes out once.

Nothing listens on the SMTP port for two dispatch runs (the second after the
first backoff, so the wait grows); nothing is marked sent and no audit says
sent. Then an SMTP server starts on that same port, and a dispatch after the
backoff delivers every queued message exactly once; a further run sends nothing.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ehc.services.messages import deadline_watch, dispatch_outbox
from notifications.sink import SmtpSink, free_port
from store.models import OutboxMessage, as_utc
from tests.integration.test_outbox import AS_OF, PER_CASE, load_caseload, make_app
from tests.reliability.stores import check_every_email_delivered

CASES = 20
EMAILS_PER_CASE = PER_CASE - 1   # the webhook channel has no URL here: skipped, not sent
DOWN = datetime(2026, 4, 16, 8, 30, tzinfo=timezone.utc)   # Thu 09:30 BST


def test_mail_queued_while_the_smtp_server_is_down_is_delivered_once_when_it_is_back(database_url, tmp_path,
                                                                                      engine, report):
    started = time.monotonic()
    port = free_port()
    app = make_app(database_url, tmp_path, smtp_port=port)
    load_caseload(app, CASES)
    assert deadline_watch(app, AS_OF).messages_queued == CASES * PER_CASE
    emails = CASES * EMAILS_PER_CASE

    first = dispatch_outbox(app, DOWN)                                   # nothing listens on the port
    assert (first.sent, first.failed, first.skipped, first.still_queued) == (0, emails, CASES, emails)
    _assert_waiting(engine, attempts=1, after=DOWN + timedelta(minutes=5))
    inside = dispatch_outbox(app, DOWN + timedelta(minutes=4))           # inside the 5-minute backoff: not tried
    assert (inside.sent, inside.failed) == (0, 0)
    second = dispatch_outbox(app, DOWN + timedelta(minutes=6))           # still down: the wait grows to 15 minutes
    assert (second.sent, second.failed, second.still_queued) == (0, emails, emails)
    _assert_waiting(engine, attempts=2, after=DOWN + timedelta(minutes=6 + 15))
    with engine.connect() as connection:
        audit = dict(connection.execute(text(
            "SELECT type, count(*) FROM case_events WHERE type LIKE 'notification_%' GROUP BY type")).all())
    assert audit == {"notification_failed": 2 * emails, "notification_skipped": CASES}   # never "sent"

    with SmtpSink(tmp_path / "mail", port=port) as sink:                # the server is back, on the same port
        early = dispatch_outbox(app, DOWN + timedelta(minutes=20))       # still inside the second backoff
        assert early.sent == 0 and sink.files() == []
        back = dispatch_outbox(app, DOWN + timedelta(minutes=22))
        assert (back.sent, back.failed, back.still_queued) == (emails, 0, 0)
        assert dispatch_outbox(app, DOWN + timedelta(minutes=40)).sent == 0  # nothing goes twice
        received = sink.messages()
    figures = check_every_email_delivered(engine, received, in_flight_allowance=0)
    assert figures["duplicates"] == 0 and figures["delivered"] == emails
    with engine.connect() as connection:
        attempts = connection.execute(text("SELECT DISTINCT attempts FROM outbox WHERE status = 'sent'")).scalars()
        assert set(attempts) == {3}                                      # two failures, then the one delivery
    report(f"SMTP outage ({engine.dialect.name})", failed_runs=2, **figures,
           seconds=round(time.monotonic() - started, 1))


def _assert_waiting(engine, attempts: int, after: datetime) -> None:
    """Every email still queued, with the attempts made, why it failed, and no retry before ``after``."""
    with Session(engine) as session:  # the ORM, for datetimes typed alike on both databases
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address.is_not(None))).all()
    assert {row.status for row in rows} == {"queued"}
    assert {row.attempts for row in rows} == {attempts}
    assert all("unavailable" in row.last_error for row in rows), rows[0].last_error
    assert min(as_utc(row.next_attempt_at) for row in rows) >= after
    assert {row.sent_at for row in rows} == {None}

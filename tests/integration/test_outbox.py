"""The deadline watch and the outbox on SQLite and PostgreSQL, delivering through a real SMTP server on loopback.

The caseload: health advice asked of DCO-N on Thu 26 Feb 2026 (due Thu 9 Apr,
after Easter) for each case. On Thu 16 Apr 2026 each case is due a +5
reminder to the contributor, the +5 escalation (DCO/DMO), and "statutory date
missed" alerts to the caseworker and the SEND manager (the webhook channel has
no URL, so that one is skipped). The +1 escalation to the contributor's manager
is not sent: the watch first runs on the +5 day, when the DCO/DMO is the highest
rung due.
"""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from sqlalchemy import text

from config.settings import Settings
from domain.events import AdviceRequested, Agency, Decision
from domain.intake import NewRequest
from domain.reminders.messages import OutboxStatus
from ehc.bootstrap import App
from ehc.services.messages import deadline_watch, dispatch_outbox, list_outbox, preview_reminders
from notifications.sink import SmtpSink, free_port

AS_OF = date(2026, 4, 16)
SENDING = datetime(2026, 4, 16, 8, 30, tzinfo=timezone.utc)   # Thu 09:30 BST
PER_CASE = 5  # reminder, the highest escalation due, 3 alerts (caseworker, manager, channel)
EMAILS_PER_CASE = PER_CASE - 1  # all but the channel's alert
RECORDED = datetime(2026, 4, 1, 12, 0, tzinfo=timezone.utc)


def make_app(database_url: str, tmp_path: Path, smtp_port: int | None = None, **settings) -> App:
    return App(Settings(database_url=database_url, state_dir=tmp_path, smtp_port=smtp_port or free_port(),
                        **settings))


def load_caseload(app: App, cases: int) -> list[str]:
    references = [f"EHC-{number:04d}" for number in range(1, cases + 1)]
    with app.unit_of_work() as work:
        store = work.cases
        store.add_contributor("DCO-N", "Dr P Shah", "health", "North", "p.shah@nhs.example.uk", "lead@nhs.example.uk")
        for reference in references:
            store.add_request(NewRequest(reference=reference, received=date(2026, 1, 29), child_given_name="Amelia",
                                         child_family_name="Zebedee-Jones", caseworker="A Okafor"), "test", RECORDED)
            store.record(reference, Decision(on=date(2026, 2, 19), outcome="assess"), "test", RECORDED)
            store.record(reference, AdviceRequested(on=date(2026, 2, 26), agency=Agency.HEALTH, contributor="DCO-N"),
                         "test", RECORDED)
    return references


def test_the_watch_queues_each_message_once_however_often_it_runs(database_url, tmp_path, count_rows):
    app = make_app(database_url, tmp_path)
    load_caseload(app, 3)
    first = deadline_watch(app, AS_OF)
    again = deadline_watch(app, AS_OF)
    assert (first.cases_checked, first.messages_queued, first.already_queued) == (3, 3 * PER_CASE, 0)
    assert (again.cases_checked, again.messages_queued, again.already_queued) == (3, 0, 3 * PER_CASE)
    assert count_rows("outbox") == 3 * PER_CASE
    assert "Amelia" not in first.model_dump_json()
    preview = preview_reminders(app, AS_OF)
    assert len(preview) == 3 * PER_CASE and all(item.already_queued for item in preview)


def test_nothing_is_queued_on_a_bank_holiday(database_url, tmp_path, count_rows):
    app = make_app(database_url, tmp_path)
    load_caseload(app, 2)
    summary = deadline_watch(app, date(2026, 4, 6))  # Easter Monday
    assert (summary.cases_checked, summary.messages_queued) == (2, 0)
    assert count_rows("outbox") == 0


@pytest.mark.postgres
def test_two_watches_at_once_on_postgresql_store_no_duplicate(database_url, tmp_path, engine):
    if not database_url.startswith("postgresql"):
        pytest.skip("the concurrency that matters is PostgreSQL's (SQLite serialises writers)")
    load_caseload(make_app(database_url, tmp_path), 60)
    apps = [make_app(database_url, tmp_path) for _ in range(2)]
    results, errors = [None, None], []
    start = threading.Barrier(2)

    def watch(index: int) -> None:
        try:
            start.wait()
            results[index] = deadline_watch(apps[index], AS_OF)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=watch, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with engine.connect() as connection:
        rows, keys = connection.execute(text("SELECT count(*), count(DISTINCT key) FROM outbox")).one()
    assert rows == keys == 60 * PER_CASE
    assert sum(result.messages_queued for result in results) == 60 * PER_CASE
    assert all(result.messages_queued + result.already_queued == 60 * PER_CASE for result in results)


def test_dispatch_delivers_through_smtp_with_initials_and_never_the_name(database_url, tmp_path, engine):
    with SmtpSink(tmp_path / "mail") as sink:
        app = make_app(database_url, tmp_path, smtp_port=sink.port)
        load_caseload(app, 2)
        deadline_watch(app, AS_OF)
        summary = dispatch_outbox(app, SENDING)
        assert (summary.sent, summary.failed, summary.skipped, summary.still_queued) == (2 * EMAILS_PER_CASE, 0, 2, 0)
        assert dispatch_outbox(app, SENDING).sent == 0  # nothing is sent twice
        received = sink.messages()
    with engine.connect() as connection:
        rows = {row.key: row for row in connection.execute(text("SELECT * FROM outbox"))}
        audit = connection.execute(text(
            "SELECT type, count(*) FROM case_events WHERE type LIKE 'notification_%' GROUP BY type")).all()
    assert len(received) == 2 * EMAILS_PER_CASE
    by_recipient = {}
    for message in received:
        row = rows[message["X-EHC-Outbox-Key"].strip()]
        assert message["Message-ID"] == row.message_id
        assert message["To"] == row.to_address
        body = message.get_body(("plain",)).get_content() + message.get_body(("html",)).get_content()
        assert "AZ" in message["Subject"] and "AZ" in body           # the child's initials
        assert "Amelia" not in message.as_string() and "Zebedee" not in message.as_string()
        assert f"http://localhost:8000/cases/{row.case_reference}" in body
        by_recipient.setdefault(message["To"], []).append(message["Subject"])
    assert sorted(by_recipient) == ["a.okafor@example.gov.uk", "dco@example-icb.nhs.uk", "p.shah@nhs.example.uk",
                                    "send.manager@example.gov.uk"]  # not the manager, lead@: a lower rung
    assert by_recipient["p.shah@nhs.example.uk"][0].startswith("Overdue: health advice from DCO-N")
    assert by_recipient["dco@example-icb.nhs.uk"][0].startswith("Escalation: health advice from DCO-N")
    assert by_recipient["a.okafor@example.gov.uk"][0].startswith("[RED] Statutory date missed: EHC-")
    assert sorted(audit) == [("notification_sent", 2 * EMAILS_PER_CASE), ("notification_skipped", 2)]
    skipped = [row for row in rows.values() if row.status == "skipped"]
    assert {row.recipient for row in skipped} == {"channel:webhook"}


def test_a_failed_send_stays_queued_with_its_error_then_goes_out(database_url, tmp_path, count_rows):
    port = free_port()
    app = make_app(database_url, tmp_path, smtp_port=port)
    load_caseload(app, 1)
    deadline_watch(app, AS_OF)
    down = dispatch_outbox(app, SENDING)  # nothing listens on the port
    assert (down.sent, down.failed, down.skipped, down.still_queued) == (0, EMAILS_PER_CASE, 1, EMAILS_PER_CASE)
    rows = list_outbox(app, OutboxStatus.QUEUED).messages
    assert {row.attempts for row in rows} == {1}
    assert all("unavailable" in row.last_error for row in rows)
    early = dispatch_outbox(app, datetime(2026, 4, 16, 8, 33, tzinfo=timezone.utc))  # inside the 5-minute backoff
    assert (early.sent, early.failed) == (0, 0)
    with SmtpSink(tmp_path / "mail", port=port) as sink:
        later = dispatch_outbox(app, datetime(2026, 4, 16, 8, 36, tzinfo=timezone.utc))
        assert (later.sent, later.still_queued) == (EMAILS_PER_CASE, 0)
        assert len(sink.files()) == EMAILS_PER_CASE
    assert count_rows("outbox") == PER_CASE


class _Webhook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's hook name
        length = int(self.headers["Content-Length"])
        _Webhook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args):
        pass


def test_alerts_reach_a_webhook_channel_through_apprise(database_url, tmp_path):
    server = HTTPServer(("127.0.0.1", 0), _Webhook)
    _Webhook.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with SmtpSink(tmp_path / "mail") as sink:
            app = make_app(database_url, tmp_path, smtp_port=sink.port,
                           apprise_urls=[f"json://127.0.0.1:{server.server_port}/hook"])
            load_caseload(app, 1)
            deadline_watch(app, AS_OF)
            summary = dispatch_outbox(app, SENDING)
    finally:
        server.shutdown()
    assert (summary.sent, summary.skipped) == (PER_CASE, 0)
    assert len(_Webhook.received) == 1
    posted = _Webhook.received[0]
    assert posted["title"].startswith("[RED] Statutory date missed: EHC-0001 (AZ)")
    assert "Amelia" not in json.dumps(posted)


def test_nothing_is_sent_in_quiet_hours_or_on_a_bank_holiday(database_url, tmp_path):
    with SmtpSink(tmp_path / "mail") as sink:
        app = make_app(database_url, tmp_path, smtp_port=sink.port)
        load_caseload(app, 1)
        deadline_watch(app, AS_OF)
        for moment in (datetime(2026, 4, 16, 6, 59, tzinfo=timezone.utc),   # Thu 07:59 BST
                       datetime(2026, 4, 16, 17, 0, tzinfo=timezone.utc),   # Thu 18:00 BST
                       datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)):    # Early May bank holiday
            summary = dispatch_outbox(app, moment)
            assert (summary.sent, summary.sending_time, summary.still_queued) == (0, False, PER_CASE)
        assert sink.files() == []

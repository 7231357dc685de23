"""Kill test: the dispatcher is SIGKILLed at random points, again and again; nothing is lost.

Each run is a fresh process sending through a real SMTP server on loopback.
Afterwards every due message was delivered; a message delivered twice is
only one the server accepted just before a kill, and both copies carry the
same Message-ID. Each run acts at a moment a lease (1 minute here) later
than the one before, so what a killed run had claimed is due again.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from config.settings import PACKAGED_REMINDER_POLICY
from ehc.services.messages import deadline_watch
from notifications.sink import SmtpSink
from tests.integration.test_outbox import AS_OF, PER_CASE, load_caseload, make_app
from tests.reliability.processes import json_value as _json, until_delivered as _until_delivered

# A dispatcher process killed mid-send KILLS times, on each database: 15-25 s a database even on a quiet
# machine, so this kill test is in the slow lane with tests/reliability (`bin/test --all`).
pytestmark = pytest.mark.slow

KILLS = 15
START = datetime(2026, 4, 21, 9, 0, tzinfo=timezone.utc)  # Tue 10:00 BST
CHILD = """
import sys
from datetime import datetime
from ehc.bootstrap import bootstrap
from ehc.services.messages import dispatch_outbox
app = bootstrap()
app.policy, app.senders, app.calendar, app.engine
print("ready", flush=True)
summary = dispatch_outbox(app, datetime.fromisoformat(sys.argv[1]))
print(summary.model_dump_json(), flush=True)
"""


def test_a_dispatcher_killed_at_random_points_loses_nothing(database_url, tmp_path, engine):
    policy = tmp_path / "policy.toml"
    policy.write_text(PACKAGED_REMINDER_POLICY.read_text().replace("claim_lease_minutes = 10",
                                                                   "claim_lease_minutes = 1"))
    rng = random.Random(20260421)
    with SmtpSink(tmp_path / "mail") as sink:
        app = make_app(database_url, tmp_path, smtp_port=sink.port, reminder_policy=policy)
        load_caseload(app, 8)
        assert deadline_watch(app, AS_OF).messages_queued == 8 * PER_CASE
        env = {**os.environ, "EHC_DATABASE_URL": database_url, "EHC_SMTP_PORT": str(sink.port),
               "EHC_REMINDER_POLICY": str(policy), "EHC_STATE_DIR": str(tmp_path)}
        moment = START
        killed = 0
        progress: list[int] = []
        for _ in range(KILLS):
            child = subprocess.Popen([sys.executable, "-c", CHILD, moment.isoformat()], env=env,
                                     stdout=subprocess.PIPE, text=True)
            assert child.stdout.readline().strip() == "ready"
            _until_delivered(sink, len(sink.files()) + rng.randint(1, 4), child)
            time.sleep(rng.uniform(0, 0.02))  # land anywhere in the next send, not just between sends
            child.send_signal(signal.SIGKILL)
            killed += child.wait() == -signal.SIGKILL
            child.stdout.close()
            moment += timedelta(minutes=2)
            with engine.connect() as connection:
                progress.append(connection.execute(
                    text("SELECT count(*) FROM outbox WHERE status = 'sent'")).scalar_one())
        # The kills landed at several points mid-way through the work, not all before or after it.
        assert len({sent for sent in progress if 0 < sent < 40}) >= 3, progress
        finished = subprocess.run([sys.executable, "-c", CHILD, moment.isoformat()], env=env, capture_output=True,
                                  text=True, timeout=120)
        assert finished.returncode == 0, finished.stderr
        received = sink.messages()

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT key, status, message_id, subject, to_address FROM outbox")).all()
        payloads = connection.execute(text("SELECT payload FROM case_events WHERE type = 'notification_sent'"))
        sent_events = Counter(_json(payload)["outbox_key"] for payload in payloads.scalars())
    assert killed >= KILLS // 2  # most runs really were killed mid-way, not finished before the signal
    emails = [row for row in rows if row.to_address]
    assert {row.status for row in emails} == {"sent"}
    assert {row.status for row in rows if not row.to_address} == {"skipped"}  # the webhook channel: no URL
    by_id = Counter(message["Message-ID"] for message in received)
    assert set(by_id) == {row.message_id for row in emails}            # every due message delivered, nothing else
    duplicates = {message_id: n for message_id, n in by_id.items() if n > 1}
    assert sum(n - 1 for n in duplicates.values()) <= killed           # at most the one in flight per kill
    for message_id in duplicates:                                       # a duplicate is the same message
        copies = {(m["Subject"], m["To"], m["X-EHC-Outbox-Key"].strip()) for m in received if m["Message-ID"] == message_id}
        assert len(copies) == 1
    assert sent_events == Counter({row.key: 1 for row in emails})      # the audit says sent once per message

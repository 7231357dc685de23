"""Two deadline watches and two dispatchers at once, as four processes started at the same instant.

On PostgreSQL they share the work: the watches' inserts meet on the outbox
key (ON CONFLICT DO NOTHING), the dispatchers' claims skip each other's
locked rows. On SQLite one writer goes at a time; a job that cannot get the
write lock within the busy timeout stops with "database is locked" and
nothing half-done. Either way a following watch and dispatch finish the
work, and every reminder is queued once and delivered exactly once: nothing
was killed, so there is no in-flight copy to allow for.
"""

from __future__ import annotations

import time
from datetime import timedelta

from notifications.sink import SmtpSink
from tests.integration.test_outbox import make_app
from tests.reliability.processes import Job, job_environment, short_lease_policy
from tests.reliability.stores import (
    WATCH_DAY, check_every_email_delivered, copy_store, load_synthetic_caseload, outbox_messages,
    same_message_twice,
)
from tests.reliability.test_watch_kills import SENDING_FROM
from ehc.services.messages import deadline_watch
from store.db import make_engine

CASES = 150
KINDS = ("watch", "watch", "dispatch", "dispatch")
ROUNDS = 2   # the four jobs together, twice: the second time the dispatchers start on a full outbox


def test_two_watches_and_two_dispatchers_at_once_queue_and_deliver_each_reminder_once(database_url, tmp_path,
                                                                                       engine, report):
    started = time.monotonic()
    app = make_app(database_url, tmp_path)
    load_synthetic_caseload(app, CASES, seed=4)
    copy_url = copy_store(database_url, tmp_path, app.engine, engine)
    deadline_watch(make_app(copy_url, tmp_path / "copy"), WATCH_DAY)
    copy = make_engine(copy_url)
    expected = outbox_messages(copy)
    copy.dispose()
    total = sum(expected.values())

    moment = SENDING_FROM
    queued_by_watches, stopped_cleanly, outcomes = 0, 0, []
    with SmtpSink(tmp_path / "mail") as sink:
        env = job_environment(database_url, tmp_path, sink.port, short_lease_policy(tmp_path))
        for _ in range(ROUNDS):
            jobs = [Job(kind, env) for kind in KINDS]
            for job in jobs:
                job.ready()
            for kind, job in zip(KINDS, jobs):      # all four told to go within a millisecond or so
                job.go(WATCH_DAY if kind == "watch" else moment)
            for kind, job in zip(KINDS, jobs):
                finished = job.finish()
                if finished.returncode == 0:
                    outcomes.append(f"{kind}: {finished.summary}")
                    queued_by_watches += finished.summary.get("messages_queued", 0)
                else:  # only SQLite's one-writer-at-a-time, as a clear error; never anything else
                    assert engine.dialect.name == "sqlite", finished.stderr
                    assert "database is locked" in finished.stderr, finished.stderr[-3000:]
                    stopped_cleanly += 1
                    outcomes.append(f"{kind}: database is locked")
            moment += timedelta(minutes=2)   # past the lease of anything a stopped dispatcher had claimed
        for kind in ("watch", "dispatch"):   # the following runs, one at a time
            finished = Job(kind, env).go(WATCH_DAY if kind == "watch" else moment).finish()
            assert finished.returncode == 0, finished.stderr
            queued_by_watches += finished.summary.get("messages_queued", 0)
        received = sink.messages()

    assert outbox_messages(engine) == expected, outcomes     # every reminder queued, each once
    assert same_message_twice(engine) == []
    assert queued_by_watches == total                       # and no watch claims to have queued another's
    figures = check_every_email_delivered(engine, received, in_flight_allowance=0)
    assert figures["duplicates"] == 0, outcomes
    report(f"2 watches + 2 dispatchers ({engine.dialect.name})", cases=CASES, messages=total, rounds=ROUNDS,
           stopped_database_locked=stopped_cleanly, **figures, seconds=round(time.monotonic() - started, 1))

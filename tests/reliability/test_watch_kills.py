"""The deadline watch, and the watch with the dispatcher, SIGKILLed at random points again and again.

The watch works in batches (ehc.services.messages.BATCH_SIZE open cases), one transaction each. Killed
anywhere, a batch is either all queued or not at all, and the next run
queues what is missing: afterwards the outbox holds exactly what one
uninterrupted watch queues on an identical copy of the store. With the
dispatcher killed too, every due email still arrives; a second copy only of
one the SMTP server accepted just before a kill, with the same Message-ID.

EHC_RELIABILITY_KILLS (default 10) sets the number of kills;
EHC_RELIABILITY_CASES (default 6 x the watch's batch size) the size of the watch's caseload.
"""

from __future__ import annotations

import os
import random
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from ehc.services.messages import BATCH_SIZE, deadline_watch
from notifications.sink import SmtpSink, free_port
from tests.integration.test_outbox import make_app
from tests.reliability.processes import Job, job_environment, short_lease_policy, until_delivered
from tests.reliability.stores import (
    KILLS, WATCH_DAY, check_every_email_delivered, copy_store, load_synthetic_caseload, outbox_count,
    outbox_messages, same_message_twice,
)

# About half the synthetic requests are open on the day: 6 batches' worth of requests makes 4 batches.
CASES = int(os.environ.get("EHC_RELIABILITY_CASES", str(6 * BATCH_SIZE)))
# The watch-and-dispatch test: about 300 emails in the short form, so each dispatch run is short; more for
# long runs, so that every dispatcher kill still lands while there is mail left to send.
MIXED_CASES = max(400, 30 * KILLS)
# A round ends after this many kills or once the outbox is complete; then the outbox is emptied and the watch
# starts over, so every kill can land mid-way however many there are.
KILLS_PER_ROUND = 10
SENDING_FROM = datetime(2026, 4, 16, 8, 0, tzinfo=timezone.utc)   # Thu 09:00 BST, the watch's day


def _expected_outbox(database_url: str, tmp_path, *engines):
    """What one uninterrupted watch queues on an identical copy of the store, how long it took, and the outbox
    sizes a killed watch may leave: the messages of its first n batches, for each n (a batch is one commit)."""
    copy_url = copy_store(database_url, tmp_path, *engines)
    copy = make_app(copy_url, tmp_path / "copy")
    started = time.monotonic()
    summary = deadline_watch(copy, WATCH_DAY)
    took = time.monotonic() - started
    expected = outbox_messages(copy.engine)
    assert summary.messages_queued == sum(expected.values()) > 100
    with copy.engine.connect() as connection:
        per_case = dict(connection.execute(text("SELECT case_id, count(*) FROM outbox GROUP BY case_id")).all())
    with copy.unit_of_work() as work:
        sizes, queued, after = {0}, 0, 0
        while (batch := work.reminder_cases.open_case_batch(after, BATCH_SIZE)) is not None:
            queued += sum(per_case.get(case.case_id, 0) for case in batch.cases)
            sizes.add(queued)
            after = batch.last_id
    copy.engine.dispose()
    assert queued == summary.messages_queued
    return expected, took, sizes


def test_a_watch_killed_at_random_points_queues_exactly_what_one_clean_run_queues(database_url, tmp_path, engine,
                                                                                  report):
    app = make_app(database_url, tmp_path)
    load_synthetic_caseload(app, CASES)
    expected, clean_seconds, whole_batches = _expected_outbox(database_url, tmp_path, app.engine, engine)
    total = sum(expected.values())
    assert len(whole_batches) > 3, whole_batches   # enough batches for kills to land between and inside them
    env = job_environment(database_url, tmp_path, free_port())
    rng = random.Random(20260416)
    started = time.monotonic()
    killed, mid_way, rounds, kills_left = 0, set(), 0, KILLS
    spare = Job("watch", env)
    while kills_left:
        rounds += 1
        with engine.begin() as connection:  # start the round from nothing queued (the watch sends nothing)
            connection.execute(text("DELETE FROM outbox"))
        for turn in range(min(KILLS_PER_ROUND, kills_left)):
            kills_left -= 1
            job, spare = spare.go(WATCH_DAY), Job("watch", env)
            before = outbox_count(engine)
            if turn % 2 == 0:  # anywhere in the first part of the run, the planning before its first commit included
                time.sleep(rng.uniform(0, clean_seconds * 0.6))
            else:  # after at least one more batch is in, then anywhere in the next one
                deadline = time.monotonic() + 60
                while outbox_count(engine) == before and job.running() and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(rng.uniform(0, clean_seconds / 10))
            killed += job.kill()
            now_queued = outbox_count(engine)
            if 0 < now_queued < total:
                mid_way.add((rounds, now_queued))
            assert now_queued in whole_batches, now_queued   # a batch cut short left none of its rows
            if now_queued == total:
                break
        finished = spare.go(WATCH_DAY).finish()
        spare = Job("watch", env)
        assert finished.returncode == 0, finished.stderr
        assert finished.summary["messages_queued"] + finished.summary["already_queued"] == total
        assert outbox_messages(engine) == expected       # same messages, each once: nothing missing, nothing extra
        assert same_message_twice(engine) == []
    spare.kill()
    assert killed >= KILLS // 2, killed                   # most kills cut a run short, not one already finished
    assert len(mid_way) >= min(3, KILLS // 2), mid_way    # and they left the outbox part-written several times
    report(f"watch kills ({engine.dialect.name})", cases=CASES, messages=total, kills=KILLS,
           cut_short=killed, part_written=len(mid_way), rounds=rounds, clean_watch_s=round(clean_seconds, 2),
           seconds=round(time.monotonic() - started, 1))


def test_watches_and_dispatchers_killed_in_turn_deliver_every_reminder(database_url, tmp_path, engine, report):
    app = make_app(database_url, tmp_path)
    load_synthetic_caseload(app, MIXED_CASES, seed=7)
    expected, clean_seconds, _ = _expected_outbox(database_url, tmp_path, app.engine, engine)
    rng = random.Random(600)
    started = time.monotonic()
    moment = SENDING_FROM
    watch_kills = dispatch_kills = 0
    with SmtpSink(tmp_path / "mail") as sink:
        env = job_environment(database_url, tmp_path, sink.port, short_lease_policy(tmp_path))
        spare = {"watch": Job("watch", env), "dispatch": Job("dispatch", env)}
        for turn in range(KILLS):
            kind = "watch" if turn % 2 == 0 else "dispatch"
            job = spare[kind].go(WATCH_DAY if kind == "watch" else moment)
            spare[kind] = Job(kind, env)
            if kind == "watch":
                if turn % 4 == 0:  # anywhere in the run
                    time.sleep(rng.uniform(0, clean_seconds))
                else:              # after it has queued one more batch (so the dispatcher has mail), if any
                    before = outbox_count(engine)
                    deadline = time.monotonic() + 60
                    while outbox_count(engine) == before and job.running() and time.monotonic() < deadline:
                        time.sleep(0.01)
                    time.sleep(rng.uniform(0, clean_seconds / 4))
                watch_kills += job.kill()
                continue
            until_delivered(sink, len(sink.files()) + rng.randint(1, 20), job.process)
            time.sleep(rng.uniform(0, 0.02))  # anywhere in the next send, not just between sends
            dispatch_kills += job.kill()
            moment += timedelta(minutes=2)    # past the lease: what the killed run claimed is due again
        watched = spare["watch"].go(WATCH_DAY).finish()
        assert watched.returncode == 0, watched.stderr
        dispatched = spare["dispatch"].go(moment).finish()
        assert dispatched.returncode == 0, dispatched.stderr
        assert dispatched.summary["still_queued"] == 0
        received = sink.messages()
    assert outbox_messages(engine) == expected        # what one clean watch queues: each message once
    assert same_message_twice(engine) == []
    figures = check_every_email_delivered(engine, received, in_flight_allowance=dispatch_kills)
    assert dispatch_kills >= KILLS // 4
    report(f"watch+dispatch kills ({engine.dialect.name})", cases=MIXED_CASES, messages=sum(expected.values()),
           watch_kills=watch_kills, dispatch_kills=dispatch_kills, **figures,
           seconds=round(time.monotonic() - started, 1))

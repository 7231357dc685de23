"""The PostgreSQL server is restarted while the dispatcher is sending.

A cluster of the test's own (tests/postgres_cluster.py) is restarted
mid-dispatch twice: `pg_ctl restart -m fast` (sessions told to end) and
`-m immediate` (a crash and recovery). Each dispatch run either finishes or
stops with an error that says the case store was lost, never a bare driver
traceback; a following run delivers the rest. Every email arrives; a second
copy only of one sent in the moment the connection dropped (its outcome
could not be recorded), with the same Message-ID.
"""

from __future__ import annotations

import os
import random
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from ehc.services.messages import deadline_watch, dispatch_outbox
from notifications.dispatcher import Dispatcher
from store.db import CaseStoreUnavailable
from notifications.sink import SmtpSink
from store.db import make_engine, upgrade
from tests.integration.test_outbox import AS_OF, PER_CASE, load_caseload, make_app
from tests.postgres_cluster import PostgresCluster, PostgresNotInstalled
from tests.reliability.processes import Job, job_environment, short_lease_policy, until_delivered
from tests.reliability.stores import check_every_email_delivered
from tests.reliability.test_watch_kills import SENDING_FROM

CASES = 50
pytestmark = pytest.mark.postgres


@pytest.fixture
def own_postgres():
    """Not the session's shared cluster: this one is restarted under load."""
    try:
        cluster = PostgresCluster().start()  # in /tmp: the postgres user cannot enter pytest's tmp_path
    except PostgresNotInstalled as missing:
        if os.environ.get("EHC_REQUIRE_POSTGRES") == "1":
            pytest.fail(str(missing))
        pytest.skip(str(missing))
    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('CREATE DATABASE "ehc"'))
    admin.dispose()
    yield cluster
    cluster.stop()


def test_a_dispatch_across_postgresql_restarts_loses_and_duplicates_nothing(own_postgres, tmp_path, report):
    started = time.monotonic()
    database_url = own_postgres.admin_url.rsplit("/", 1)[0] + "/ehc"
    engine = make_engine(database_url)
    upgrade(engine)
    rng = random.Random(15)
    outcomes, restarts = [], []
    with SmtpSink(tmp_path / "mail") as sink:
        policy = short_lease_policy(tmp_path)
        app = make_app(database_url, tmp_path, smtp_port=sink.port, reminder_policy=policy)
        load_caseload(app, CASES)
        assert deadline_watch(app, AS_OF).messages_queued == CASES * PER_CASE
        app.engine.dispose()
        env = job_environment(database_url, tmp_path, sink.port, policy)
        moment = SENDING_FROM
        job = Job("dispatch", env).go(moment)
        for mode in ("fast", "immediate"):
            if not job.running():           # it stopped at the last restart: the next run carries on
                outcomes.append(_outcome(job))
                moment += timedelta(minutes=2)   # past the lease of anything the stopped run had claimed
                job = Job("dispatch", env).go(moment)
            until_delivered(sink, len(sink.files()) + rng.randint(20, 60), job.process)
            assert job.running(), "the dispatch finished before the restart: give it more to send"
            own_postgres.restart(mode)
            restarts.append(mode)
        outcomes.append(_outcome(job))
        moment += timedelta(minutes=2)
        final = Job("dispatch", env).go(moment).finish()
        assert final.returncode == 0, final.stderr
        assert final.summary["still_queued"] == 0
        received = sink.messages()
    figures = check_every_email_delivered(engine, received, in_flight_allowance=2)
    engine.dispose()
    report("PostgreSQL restarted mid-dispatch", restarts=restarts, outcomes=outcomes, **figures,
           seconds=round(time.monotonic() - started, 1))


def test_a_dispatch_stops_with_a_clear_error_when_postgresql_stays_down_and_the_next_run_sends_it_all(
        own_postgres, tmp_path, report):
    started = time.monotonic()
    database_url = own_postgres.admin_url.rsplit("/", 1)[0] + "/ehc"
    engine = make_engine(database_url)
    upgrade(engine)
    with SmtpSink(tmp_path / "mail") as sink:
        app = make_app(database_url, tmp_path, smtp_port=sink.port)
        load_caseload(app, 5)
        deadline_watch(app, AS_OF)
        dispatcher = Dispatcher(unit_of_work=app.unit_of_work, senders=app.senders, delivery=app.policy.delivery,
                                calendar=app.calendar, still_relevant=lambda _row: None, store_wait_seconds=2)
        own_postgres._run("pg_ctl", "-D", str(own_postgres.data), "-m", "fast", "-w", "stop")
        with pytest.raises(CaseStoreUnavailable, match="did not recover within 2 s.*stay queued"):
            dispatcher.run(SENDING_FROM)
        own_postgres.start()
        assert sink.files() == []
        summary = dispatch_outbox(app, SENDING_FROM)
        assert (summary.sent, summary.still_queued) == (5 * (PER_CASE - 1), 0)
        received = sink.messages()
    figures = check_every_email_delivered(engine, received, in_flight_allowance=0)
    engine.dispose()
    report("PostgreSQL down longer than the dispatcher waits", **figures, seconds=round(time.monotonic() - started, 1))


def _outcome(job: Job) -> str:
    """How a dispatch run interrupted by a restart ended: finished, or stopped saying the store was lost."""
    finished = job.finish(timeout=120)
    if finished.returncode == 0:
        return f"finished: {finished.summary}"
    last_line = finished.stderr.strip().splitlines()[-1]
    assert "CaseStoreUnavailable: the case store connection failed" in last_line, finished.stderr[-3000:]
    return f"stopped: {last_line}"

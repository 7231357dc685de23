"""The App's one way into the store: units of work, the read-only connection, the schema check, the clock port.

Every test runs on SQLite and on PostgreSQL (`database_url`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from config.settings import Settings
from domain.intake import NewRequest
from ehc.bootstrap import App, bootstrap
from ehc.services import casework
from reports import queries
from store.db import SchemaOutOfDate, upgrade
from tests.fakes import FixedClock, InMemoryCaseDatabase

RECEIVED = date(2026, 3, 2)
RECORDED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=timezone.utc)  # 10:30 in London


@pytest.fixture
def app(database_url, tmp_path) -> App:
    return bootstrap(Settings(database_url=database_url, state_dir=tmp_path / "state"))


def add_case(app: App, reference: str) -> None:
    with app.unit_of_work() as work:
        work.cases.add_request(NewRequest(reference=reference, received=RECEIVED), "test", RECORDED_AT)


def test_a_unit_of_work_commits_when_its_block_ends(app, count_rows):
    add_case(app, "EHC-1")
    assert count_rows("cases") == 1


def test_a_unit_of_work_that_raises_writes_nothing(app, dump_tables):
    before = dump_tables()
    with pytest.raises(RuntimeError, match="changed my mind"):
        with app.unit_of_work() as work:
            work.cases.add_request(NewRequest(reference="EHC-1", received=RECEIVED), "test", RECORDED_AT)
            work.cases.add_contributor("DCO-N", "Dr P Shah", "health")
            raise RuntimeError("changed my mind")
    assert dump_tables() == before


def test_the_repositories_of_one_unit_of_work_share_its_transaction(app):
    with app.unit_of_work() as work:
        work.cases.add_request(NewRequest(reference="EHC-1", received=RECEIVED), "test", RECORDED_AT)
        assert work.quality.case_id("EHC-1") > 0  # not yet committed, yet seen: the same transaction
        [case] = work.reminder_cases.open_case_batch(0, 10).cases
        assert case.reference == "EHC-1"


def test_reports_read_through_a_connection_that_sees_what_was_committed(app):
    add_case(app, "EHC-1")
    with app.read_connection() as connection:
        assert queries.open_tally(connection, RECEIVED).requests == 1


def test_the_read_connection_refuses_to_write_on_postgresql(app, database_url, count_rows):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no read-only transactions; the connection is simply never committed")
    add_case(app, "EHC-1")
    with pytest.raises(DBAPIError, match="read-only transaction"):
        with app.read_connection() as connection:
            connection.execute(text("DELETE FROM advice_requests"))
    with app.unit_of_work() as work:  # the pooled connection is writable again for units of work
        work.cases.add_contributor("DCO-N", "Dr P Shah", "health")
    assert count_rows("contributors") == 1


def test_the_schema_is_checked_before_the_first_unit_of_work_and_the_first_read(empty_database_url, tmp_path):
    app = bootstrap(Settings(database_url=empty_database_url, state_dir=tmp_path / "state"))
    with pytest.raises(SchemaOutOfDate, match="ehc db upgrade"):
        with app.unit_of_work():
            pass
    with pytest.raises(SchemaOutOfDate, match="ehc db upgrade"):
        with app.read_connection():
            pass
    upgrade(app.engine)
    add_case(app, "EHC-1")
    app.engine.dispose()


def test_services_take_the_time_from_the_apps_clock(database_url, tmp_path):
    app = bootstrap(Settings(database_url=database_url, state_dir=tmp_path / "state"),
                    clock=FixedClock(RECORDED_AT))
    done = casework.add_request(app, NewRequest(reference="EHC-1", received=RECEIVED), "test", hand_over_now=False)
    assert done.record.audit[0]["recorded_at"] == "2026-06-01T09:30:00+00:00"
    assert done.timeline.as_of == RECORDED_AT.date()  # "today" is the clock's, not the machine's


def test_bootstrap_takes_the_ports_it_is_given(tmp_path):
    orchestrator, senders, clock = object(), {"email": object()}, FixedClock(RECORDED_AT)
    app = bootstrap(Settings(state_dir=tmp_path), orchestrator=orchestrator, senders=senders, clock=clock)
    assert (app.orchestrator, app.senders, app.clock) == (orchestrator, senders, clock)


def test_bootstrap_takes_the_case_database_it_is_given_and_builds_no_engine(tmp_path):
    first = bootstrap(Settings(state_dir=tmp_path))
    database = InMemoryCaseDatabase(first.calendar, first.closures)
    app = bootstrap(Settings(state_dir=tmp_path), database=database)
    add_case(app, "EHC-1")
    with database.unit_of_work() as work:
        assert work.cases.stored_references(["EHC-1"]) == {"EHC-1"}
    assert "engine" not in vars(app)  # nothing was built on the settings' database URL

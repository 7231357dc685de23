"""The Alembic migrations on an empty SQLite file and an empty PostgreSQL database."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from alembic.config import Config

from store.db import (
    HEAD_REVISION, MIGRATIONS, SchemaOutOfDate, current_revision, head_revision, make_engine, require_current_schema, upgrade,
)
from store.models import Base

TABLES = {"cases", "case_events", "contributors", "advice_requests", "outbox", "qa_plan_documents",
          "qa_automatic_reviews", "qa_reviewer_scores", "qa_moderations", "qa_grade_history", "users", "web_sessions",
          "audit_log", "portal_links", "advice_documents", "plans", "plan_events", "alembic_version"}
HEAD = "0010_plans_in_force"  # orchestration's progress (0009), then plans in force and their reviews


@pytest.fixture
def empty_engine(empty_database_url):
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def migrate(engine, action, revision: str) -> None:
    """Alembic's ``command.upgrade`` or ``command.downgrade`` to ``revision``, on ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)


def schema_of(engine) -> dict:
    """Tables with their columns, indexes, unique constraints and the case_events triggers."""
    inspector = inspect(engine)
    schema = {
        name: {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(name)],
            "indexes": sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(name)),
            "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)),
        }
        for name in sorted(inspector.get_table_names())
    }
    schema["triggers"] = triggers(engine)
    return schema


def triggers(engine) -> list[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname"
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        return list(connection.execute(text(query)).scalars())


def test_the_head_revision_is_plans_in_force_and_the_one_every_command_checks_against():
    assert head_revision() == HEAD == HEAD_REVISION


def test_an_empty_database_has_no_schema_revision(empty_engine):
    assert current_revision(empty_engine) is None
    assert inspect(empty_engine).get_table_names() == []


def test_upgrade_on_an_empty_database_creates_the_tables_and_the_append_only_guards(empty_engine):
    revision = upgrade(empty_engine)

    assert revision == HEAD
    assert current_revision(empty_engine) == HEAD
    assert set(inspect(empty_engine).get_table_names()) == TABLES
    columns = {c["name"] for c in inspect(empty_engine).get_columns("case_events")}
    assert columns == {"id", "case_id", "sequence", "type", "event_date", "actor", "recorded_at", "payload"}
    if empty_engine.dialect.name == "postgresql":
        assert "case_events_append_only" in triggers(empty_engine)
    else:
        assert {"case_events_no_delete", "case_events_no_update"} <= set(triggers(empty_engine))


def test_the_migrated_schema_matches_the_models(empty_engine):
    upgrade(empty_engine)

    with empty_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    assert differences == []


def test_running_upgrade_twice_is_a_no_op_that_keeps_the_schema_and_the_data(empty_engine):
    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO cases (reference, received, created_at, stage, exceptions_apply) "
            "VALUES ('KEEP-1', :received, :created, 'awaiting_decision', :false)"),
            {"received": date(2026, 3, 2), "created": datetime(2026, 3, 2, tzinfo=timezone.utc), "false": False})
    schema = schema_of(empty_engine)

    assert upgrade(empty_engine) == HEAD

    assert schema_of(empty_engine) == schema
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT reference FROM cases")).scalars().all() == ["KEEP-1"]
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD]


def test_require_current_schema_refuses_an_empty_database_telling_you_to_run_ehc_db_upgrade(empty_engine):
    with pytest.raises(SchemaOutOfDate, match="ehc db upgrade") as refused:
        require_current_schema(empty_engine)

    assert "nothing" in str(refused.value) and HEAD in str(refused.value)


def test_require_current_schema_accepts_a_migrated_database(empty_engine):
    upgrade(empty_engine)

    require_current_schema(empty_engine)  # does not raise


def test_require_current_schema_refuses_a_database_at_an_unknown_revision(empty_engine):
    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))

    with pytest.raises(SchemaOutOfDate, match="ehc db upgrade"):
        require_current_schema(empty_engine)


def test_downgrade_to_base_removes_everything_and_upgrade_rebuilds_it(empty_engine):
    upgrade(empty_engine)
    migrate(empty_engine, command.downgrade, "base")

    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    assert triggers(empty_engine) == []
    assert current_revision(empty_engine) is None

    upgrade(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) == TABLES
    with empty_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO cases (id, reference, received, created_at, stage, exceptions_apply) "
            "VALUES (1, 'R-1', :d, :t, 'awaiting_decision', :f)"),
            {"d": date(2026, 3, 2), "t": datetime(2026, 3, 2, tzinfo=timezone.utc), "f": False})
        connection.execute(text(
            "INSERT INTO case_events (case_id, sequence, type, event_date, actor, recorded_at, payload) "
            "VALUES (1, 1, 'received', :d, 'a', :t, '{}')"), {"d": date(2026, 3, 2),
                                                              "t": datetime(2026, 3, 2, tzinfo=timezone.utc)})
    with pytest.raises(DBAPIError, match="append-only"):
        with empty_engine.begin() as connection:
            connection.execute(text("DELETE FROM case_events"))


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET detail = 'nothing happened'", "DELETE FROM audit_log"])
def test_the_audit_log_is_append_only(empty_engine, statement):
    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_log (at, action, subject) VALUES (:at, 'sign_in_refused', 'x')"),
                           {"at": datetime(2026, 11, 30, tzinfo=timezone.utc)})
    with pytest.raises(DBAPIError, match="append-only"):
        with empty_engine.begin() as connection:
            connection.execute(text(statement))


def test_upgrade_creates_the_sqlite_file_and_its_folder(tmp_path):
    path = tmp_path / "deep" / "state" / "ehc.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()

    assert path.exists()


def test_upgrading_from_0008_keeps_every_case_and_starts_each_at_no_events_acted_on(empty_engine):
    migrate(empty_engine, command.upgrade, "0008_caseload_indexes")
    with empty_engine.begin() as connection:
        for reference, stage in [("OPEN-1", "assessment"), ("ENDED-1", "issued")]:
            connection.execute(text(
                "INSERT INTO cases (reference, received, created_at, stage, exceptions_apply) "
                "VALUES (:reference, :received, :created, :stage, :false)"),
                {"reference": reference, "received": date(2026, 3, 2), "stage": stage,
                 "created": datetime(2026, 3, 2, tzinfo=timezone.utc), "false": False})

    assert upgrade(empty_engine) == HEAD

    with empty_engine.connect() as connection:
        assert connection.execute(text(
            "SELECT reference, stage, events_acted_on, acted_at FROM cases ORDER BY reference")).all() == [
            ("ENDED-1", "issued", 0, None), ("OPEN-1", "assessment", 0, None)]  # the first catch-up walks each once

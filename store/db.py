"""Engines and schema migrations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration. Every command checks the store against it, so it is written here rather than read
# from the migration scripts: alembic and the scripts take a fifth of a second to load, and `ehc case
# record` must answer within one. tests/integration/test_migrations.py checks it against the scripts.
HEAD_REVISION = "0010_plans_in_force"


class CaseStoreUnavailable(RuntimeError):
    """The case store could not be reached for longer than a job waits for it; nothing committed is lost."""


class SchemaOutOfDate(RuntimeError):
    pass


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    if url.startswith("postgresql"):
        # psycopg prepares a statement run five times, and PostgreSQL then plans it once for any values: a
        # reference IN (...) planned while the table looked empty stayed a sequential scan as an import filled
        # it (0.5 s a query at 30,000 cases). Plans made for the values given keep the indexes in use.
        return create_engine(url, pool_pre_ping=True, connect_args={"options": "-c plan_cache_mode=force_custom_plan"})
    return create_engine(url, pool_pre_ping=True)


def _alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision; returns it."""
    from alembic import command

    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
    return head_revision()


def _label(revisions) -> str | None:
    return "+".join(sorted(revisions)) or None


def head_revision() -> str:
    """The newest revision of the migration scripts ("a+b" while two branches await a merge revision)."""
    from alembic.script import ScriptDirectory

    return _label(ScriptDirectory.from_config(_alembic_config()).get_heads())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return _label(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def require_current_schema(engine: Engine) -> None:
    current = current_revision(engine)
    if current != HEAD_REVISION:
        raise SchemaOutOfDate(
            f"the case store's schema is at {current or 'nothing'}, not {HEAD_REVISION}: run `ehc db upgrade`")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)

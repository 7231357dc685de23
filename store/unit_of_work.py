"""The one way to open a transaction on the case store, and the read-only connection reports query through.

A ``UnitOfWork`` is one transaction and the repositories that work inside it:
committed when its ``with`` block ends, rolled back if the block raises. A
command or a task is one unit of work, so it commits everything or nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from domain.calendar import WorkingCalendar
from domain.closures import ClosureCalendar
from store.audit import AuditLog
from store.caseload import Caseload
from store.cases import CaseStore
from store.db import require_current_schema, session_factory
from store.orchestration import OrchestrationProgress
from store.outbox import OutboxStore
from store.pass_lock import case_pass_lock
from store.portal import PortalStore
from store.quality import QualityStore
from store.reminder_cases import ReminderCases
from store.users import UserStore


class UnitOfWork:
    """One transaction's repositories: cases (and contributors), the outbox, plan quality, the cases
    messages are planned for, the web app's caseload pages, users (with their sessions) and audit log, and the
    portal's links and advice documents, and orchestration's progress with each case."""

    def __init__(self, session: Session, calendar: WorkingCalendar, closures: ClosureCalendar) -> None:
        self.cases = CaseStore(session, calendar, closures)
        self.outbox = OutboxStore(session)
        self.quality = QualityStore(session)
        self.reminder_cases = ReminderCases(session)
        self.caseload = Caseload(session)
        self.users = UserStore(session)
        self.audit = AuditLog(session)
        self.portal = PortalStore(session)
        self.orchestration = OrchestrationProgress(session)


class CaseDatabase:
    """Units of work and read-only connections on one engine, after checking once that its schema is current."""

    def __init__(self, engine: Engine, calendar: WorkingCalendar, closures: ClosureCalendar) -> None:
        self._engine = engine
        self._sessions = session_factory(engine)
        self._calendar = calendar
        self._closures = closures
        self._schema_checked = False

    def require_current_schema(self) -> None:
        """SchemaOutOfDate unless the migrations have run; checked on the first call only."""
        if not self._schema_checked:
            require_current_schema(self._engine)
            self._schema_checked = True

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        self.require_current_schema()
        with self._sessions.begin() as session:
            yield UnitOfWork(session, self._calendar, self._closures)

    def case_pass_lock(self, reference: str):
        """Held while orchestration works the case (store/pass_lock.py): no two passes of a case at once."""
        return case_pass_lock(self._engine, reference)

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A connection for the report queries (reports/ takes a SQLAlchemy Connection): never committed, and
        on PostgreSQL in a read-only transaction, so a report cannot change the record even by mistake."""
        self.require_current_schema()
        with self._engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execution_options(postgresql_readonly=True)  # reset when it returns to the pool
            yield connection

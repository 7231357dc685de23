"""The one way to open a transaction on the case store, and the read-only connection reports query through.

A ``UnitOfWork`` is one transaction and the repositories that work inside it:
committed when its ``with`` block ends, rolled back if the block raises. A
command or a task is one unit of work, so it commits everything or nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from domain.calendar import WorkingCalendar
from domain.closures import ClosureCalendar
from domain.plan_review import ReviewSettings
from domain.year_groups import DEFAULT_TRANSFER_POINTS
from store.cases import CaseStore
from store.db import require_current_schema, session_factory
from store.pass_lock import case_pass_lock

if TYPE_CHECKING:
    from store.audit import AuditLog
    from store.caseload import Caseload
    from store.orchestration import OrchestrationProgress
    from store.outbox import OutboxStore
    from store.plans import PlanStore
    from store.portal import PortalStore
    from store.quality import QualityStore
    from store.reminder_cases import ReminderCases
    from store.users import UserStore


class UnitOfWork:
    """One transaction's repositories: cases (and contributors), the outbox, plan quality, the cases
    messages are planned for, the web app's caseload pages, users (with their sessions) and audit log, and the
    portal's links and advice documents, orchestration's progress with each case, and the plans in force.

    Each repository but ``cases`` is made (and its module imported) on first use: a command such as
    ``ehc case record`` then loads only what it touches, which keeps it within its one second.
    """

    def __init__(self, session: Session, calendar: WorkingCalendar, closures: ClosureCalendar,
                 review_settings: ReviewSettings = ReviewSettings(DEFAULT_TRANSFER_POINTS)) -> None:
        self._session = session
        self._calendar = calendar
        self._review_settings = review_settings
        self.cases = CaseStore(session, calendar, closures)

    @cached_property
    def plans(self) -> PlanStore:
        from store.plans import PlanStore

        return PlanStore(self._session, self._calendar, self._review_settings)

    @cached_property
    def outbox(self) -> OutboxStore:
        from store.outbox import OutboxStore

        return OutboxStore(self._session)

    @cached_property
    def quality(self) -> QualityStore:
        from store.quality import QualityStore

        return QualityStore(self._session)

    @cached_property
    def reminder_cases(self) -> ReminderCases:
        from store.reminder_cases import ReminderCases

        return ReminderCases(self._session)

    @cached_property
    def caseload(self) -> Caseload:
        from store.caseload import Caseload

        return Caseload(self._session)

    @cached_property
    def users(self) -> UserStore:
        from store.users import UserStore

        return UserStore(self._session)

    @cached_property
    def audit(self) -> AuditLog:
        from store.audit import AuditLog

        return AuditLog(self._session)

    @cached_property
    def portal(self) -> PortalStore:
        from store.portal import PortalStore

        return PortalStore(self._session)

    @cached_property
    def orchestration(self) -> OrchestrationProgress:
        from store.orchestration import OrchestrationProgress

        return OrchestrationProgress(self._session)


class CaseDatabase:
    """Units of work and read-only connections on one engine, after checking once that its schema is current."""

    def __init__(self, engine: Engine, calendar: WorkingCalendar, closures: ClosureCalendar,
                 review_settings: ReviewSettings = ReviewSettings(DEFAULT_TRANSFER_POINTS)) -> None:
        self._engine = engine
        self._sessions = session_factory(engine)
        self._calendar = calendar
        self._closures = closures
        self._review_settings = review_settings
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
            yield UnitOfWork(session, self._calendar, self._closures, self._review_settings)

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

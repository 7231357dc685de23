"""The composition root: builds the calendar, the case store, the senders and the orchestrator from settings.

Nothing heavy is imported until it is first used: `ehc timeline` needs the
calendar and closures, not SQLAlchemy, Prefect or the mail senders.
The ports a test or another entry point may replace (the orchestrator, the
senders, the clock, the case database) are arguments of ``bootstrap``.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ContextManager

from config.calendar import england_calendar
from config.la import LaConfig, load_la_config
from config.settings import Settings
from domain.calendar import WorkingCalendar
from domain.closures import ClosureCalendar
from ehc.clock import Clock, SystemClock

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy import Connection, Engine

    from domain.plan_review import ReviewSettings
    from domain.quality.rubric import Rubric
    from domain.reminders.policy import ReminderPolicy
    from ehc.orchestration.orchestrator import Orchestrator
    from notifications.senders import Sender
    from store.unit_of_work import CaseDatabase, UnitOfWork


@dataclass
class App:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)

    @cached_property
    def la(self) -> LaConfig:
        return load_la_config(self.settings.la_config)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return england_calendar(self.la.authority.bank_holidays_known_until)

    @cached_property
    def closures(self) -> ClosureCalendar:
        return self.la.closure_calendar()

    @cached_property
    def review_settings(self) -> ReviewSettings:
        """The LA's transfer points and local targets for annual reviews (config/la, [reviews])."""
        return self.la.reviews.settings()

    @cached_property
    def rubric(self) -> Rubric:
        """The LA's plan quality rubric (config/rubric/), validated on first use."""
        from config.rubric import load_rubric

        return load_rubric(self.settings.quality_rubric)

    @cached_property
    def engine(self) -> Engine:
        """For `ehc db upgrade` and tests; everything else goes through ``unit_of_work`` or ``read_connection``."""
        from store.db import make_engine

        return make_engine(self.settings.effective_database_url)

    @cached_property
    def _database(self) -> CaseDatabase:
        from store.unit_of_work import CaseDatabase

        return CaseDatabase(self.engine, self.calendar, self.closures, self.review_settings)

    @cached_property
    def orchestrator(self) -> Orchestrator:
        from ehc.orchestration.orchestrator import orchestrator_for

        return orchestrator_for(self.settings.state_dir, os.environ)

    @cached_property
    def policy(self) -> ReminderPolicy:
        from config.policy import load_policy

        return load_policy(self.settings.reminder_policy)

    @cached_property
    def senders(self) -> dict[str, Sender]:
        """By channel; each opens its connection on first use and the dispatcher closes it after a run."""
        from notifications.senders import build_senders

        return build_senders(self.settings)

    @cached_property
    def password_hasher(self) -> PasswordHasher:
        """argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile); tests may hand in a cheaper one.
        Each hash carries its own parameters, so a hash made with other ones still verifies."""
        from argon2 import PasswordHasher

        return PasswordHasher()

    @cached_property
    def password_hasher_decoy(self) -> str:
        """A hash of no one's password, checked when a username is unknown so that sign-in takes as long."""
        import secrets

        return self.password_hasher.hash(secrets.token_urlsafe(16))

    @cached_property
    def secret_key(self) -> bytes:
        """The key that signs the web app's form tokens and links: ``EHC_SECRET_KEY``, else one made once and
        kept in the state directory (config/secret_key.py)."""
        from config.secret_key import secret_key

        return secret_key(self.settings)

    @property
    def actor(self) -> str:
        return self.settings.actor or getpass.getuser()

    def require_current_schema(self) -> None:
        """SchemaOutOfDate unless `ehc db upgrade` has run; checked once per App (units of work check it too)."""
        self._database.require_current_schema()

    def unit_of_work(self) -> ContextManager[UnitOfWork]:
        """``with app.unit_of_work() as work:`` one transaction and its repositories (``work.cases``,
        ``.outbox``, ``.quality``, ``.reminder_cases``), committed when the block ends, rolled back if it raises."""
        return self._database.unit_of_work()

    def read_connection(self) -> ContextManager[Connection]:
        """``with app.read_connection() as connection:`` for the report queries (reports/), which only read."""
        return self._database.read_connection()

    def case_pass_lock(self, reference: str) -> ContextManager[None]:
        """``with app.case_pass_lock(reference):`` while orchestration works the case; one pass at a time."""
        return self._database.case_pass_lock(reference)


def bootstrap(settings: Settings | None = None, *, orchestrator: Orchestrator | None = None,
              senders: dict[str, Sender] | None = None, clock: Clock | None = None,
              database: CaseDatabase | None = None) -> App:
    """The App from ``settings`` (default: the environment), with any port given here in place of its own.

    ``database`` is what ``unit_of_work()``, ``read_connection()``, ``require_current_schema()`` and
    ``case_pass_lock()`` go through: a ``store.unit_of_work.CaseDatabase``, or anything with those four
    (tests/fakes.py's in-memory one)."""
    app = App(settings or Settings(), clock or SystemClock())
    if orchestrator is not None:
        app.orchestrator = orchestrator
    if senders is not None:
        app.senders = senders
    if database is not None:
        app._database = database
    return app

"""The composition root: builds the engine, calendar and repositories from settings.

Nothing heavy is imported until it is first used: `ehc timeline` needs the
calendar and closures, not SQLAlchemy, Prefect or the mail senders.
"""

from __future__ import annotations

import getpass
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from config.calendar import england_calendar
from config.la import LaConfig, load_la_config
from config.settings import Settings
from domain.calendar import WorkingCalendar
from domain.closures import ClosureCalendar

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from domain.quality.rubric import Rubric
    from domain.reminders.policy import ReminderPolicy
    from ehc.orchestration.orchestrator import Orchestrator
    from notifications.senders import Sender
    from store.cases import CaseStore


@dataclass
class App:
    settings: Settings
    _schema_checked: bool = field(default=False, init=False)

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
    def rubric(self) -> Rubric:
        """The LA's plan quality rubric (config/rubric/), validated on first use."""
        from config.rubric import load_rubric

        return load_rubric(self.settings.quality_rubric)

    @cached_property
    def engine(self) -> Engine:
        from store.db import make_engine

        return make_engine(self.settings.effective_database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from store.db import session_factory

        return session_factory(self.engine)

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

    @property
    def actor(self) -> str:
        return self.settings.actor or getpass.getuser()

    @contextmanager
    def store(self) -> Iterator[CaseStore]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        from store.cases import CaseStore
        from store.db import require_current_schema

        if not self._schema_checked:
            require_current_schema(self.engine)
            self._schema_checked = True
        with self.sessions.begin() as session:
            yield CaseStore(session, self.calendar, self.closures)


def bootstrap(settings: Settings | None = None) -> App:
    return App(settings or Settings())

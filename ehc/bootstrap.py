"""The composition root: builds the engine, calendar and repositories from settings."""

from __future__ import annotations

import getpass
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config.calendar import england_calendar
from config.la import LaConfig, load_la_config
from config.policy import load_policy
from config.rubric import load_rubric
from config.settings import Settings
from domain.calendar import WorkingCalendar
from domain.closures import ClosureCalendar
from domain.reminders_policy import ReminderPolicy
from notifications.senders import Sender, build_senders
from domain.quality import Rubric
from ehc.orchestration import Orchestrator, orchestrator_for
from store.cases import CaseStore
from store.db import make_engine, require_current_schema, session_factory


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
        return load_rubric(self.settings.quality_rubric)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.effective_database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    @cached_property
    def orchestrator(self) -> Orchestrator:
        return orchestrator_for(self.settings.state_dir, os.environ)

    @cached_property
    def policy(self) -> ReminderPolicy:
        return load_policy(self.settings.reminder_policy)

    @cached_property
    def senders(self) -> dict[str, Sender]:
        """By channel; each opens its connection on first use and the dispatcher closes it after a run."""
        return build_senders(self.settings)

    @property
    def actor(self) -> str:
        return self.settings.actor or getpass.getuser()

    @contextmanager
    def store(self) -> Iterator[CaseStore]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        if not self._schema_checked:
            require_current_schema(self.engine)
            self._schema_checked = True
        with self.sessions.begin() as session:
            yield CaseStore(session, self.calendar, self.closures)


def bootstrap(settings: Settings | None = None) -> App:
    return App(settings or Settings())

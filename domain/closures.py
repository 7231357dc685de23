"""School and early-years closures, and the Reg 10(4)(a)/(b) exception they cause.

Term dates are not national: each LA and academy trust sets its own, so
closures are data (an LA default plus per-setting overrides), never code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from domain.rules import Limb

LONG_CLOSURE_DAYS = 4 * 7
WEEK = timedelta(days=7)


class SettingKind(StrEnum):
    SCHOOL = "school"
    POST16 = "post16"
    EARLY_YEARS = "early_years"

    @property
    def closure_limb(self) -> Limb:
        if self is SettingKind.EARLY_YEARS:
            return Limb.EARLY_YEARS_CLOSURE
        return Limb.SCHOOL_CLOSURE


@dataclass(frozen=True)
class Closure:
    """A setting closed from ``first_day`` (included) until it re-opens on ``reopens``."""

    first_day: date
    reopens: date
    name: str = ""

    def __post_init__(self) -> None:
        if self.reopens <= self.first_day:
            raise ValueError(f"closure {self.name!r} re-opens ({self.reopens}) on or before it starts ({self.first_day})")

    @property
    def length_days(self) -> int:
        return (self.reopens - self.first_day).days

    @property
    def is_long(self) -> bool:
        """Reg 10(4)(a)/(b) need a continuous closure of at least 4 weeks."""
        return self.length_days >= LONG_CLOSURE_DAYS

    @property
    def exception_window(self) -> tuple[date, date]:
        """Reg 10(4)(a)/(b): "the period beginning one week before ... and ending one week before the date on
        which it re-opens".

        Returned as (first day, last day), both included: ``first_day - 7`` to ``reopens - 7``. A period
        ending on a day includes that day (docs/RULES.md, "How the closure window is read").
        """
        return self.first_day - WEEK, self.reopens - WEEK

    def exception_window_contains(self, day: date) -> bool:
        first, last = self.exception_window
        return first <= day <= last


@dataclass(frozen=True)
class ClosureCalendar:
    """The LA's default closures per kind of setting, with per-setting overrides.

    A setting with an override follows only its own closures (an academy trust
    that sets its own term dates); every other setting follows the LA default
    for its kind.
    """

    defaults: dict[SettingKind, tuple[Closure, ...]] = field(default_factory=dict)
    overrides: dict[str, tuple[Closure, ...]] = field(default_factory=dict)

    def closures_for(self, kind: SettingKind, setting: str | None = None) -> tuple[Closure, ...]:
        if setting is not None and setting in self.overrides:
            return self.overrides[setting]
        return self.defaults.get(kind, ())

    def closure_exception(self, kind: SettingKind, setting: str | None, requested_on: date) -> Closure | None:
        """The long closure that makes advice asked on ``requested_on`` a 10(4)(a)/(b) case."""
        for closure in self.closures_for(kind, setting):
            if closure.is_long and closure.exception_window_contains(requested_on):
                return closure
        return None


NO_CLOSURES = ClosureCalendar()

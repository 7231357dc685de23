"""Load and validate an LA's calendar data (config/la/*.toml) into domain objects."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.closures import Closure, ClosureCalendar, SettingKind
from domain.input_rules import describe_problems, validation_problems


class LaConfigError(ValueError):
    """The LA configuration file is unreadable or invalid; the message names the place."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClosureEntry(_Strict):
    name: str = ""
    first_day: date
    reopens: date
    applies_to: tuple[SettingKind, ...] = tuple(SettingKind)

    @model_validator(mode="after")
    def _reopens_after_closing(self) -> ClosureEntry:
        if self.reopens <= self.first_day:
            raise ValueError(f"reopens ({self.reopens}) must be after first_day ({self.first_day})")
        return self

    def to_domain(self) -> Closure:
        return Closure(self.first_day, self.reopens, self.name)


class SettingEntry(_Strict):
    kind: SettingKind
    closures: tuple[ClosureEntry, ...] = ()


class Authority(_Strict):
    name: str = Field(min_length=1)
    bank_holidays_known_until: int = Field(ge=2014, le=2100)


class Contact(_Strict):
    """How contributors and families reach the SEND service: shown on the portal's pages (docs/WEB.md)."""

    team: str = Field(min_length=1, max_length=120)
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(None, max_length=40)


class LaConfig(_Strict):
    authority: Authority
    contact: Contact | None = None
    closures: tuple[ClosureEntry, ...] = ()
    settings: dict[str, SettingEntry] = Field(default_factory=dict)

    def closure_calendar(self) -> ClosureCalendar:
        defaults = {
            kind: tuple(entry.to_domain() for entry in self.closures if kind in entry.applies_to)
            for kind in SettingKind
        }
        overrides = {
            setting: tuple(entry.to_domain() for entry in entry_.closures)
            for setting, entry_ in self.settings.items() if entry_.closures
        }
        return ClosureCalendar(defaults=defaults, overrides=overrides)

    def setting_kind(self, setting: str | None) -> SettingKind | None:
        entry = self.settings.get(setting) if setting else None
        return entry.kind if entry else None


def load_la_config(path: Path) -> LaConfig:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise LaConfigError(f"{path}: {error}") from error
    try:
        return LaConfig.model_validate(raw)
    except ValidationError as error:
        raise LaConfigError(f"{path}: {describe_problems(validation_problems(error))}") from error

"""Load and validate an LA's calendar data (config/la/*.toml) into domain objects."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.closures import Closure, ClosureCalendar, SettingKind
from domain.input_rules import describe_problems, validation_problems
from domain.plan_review import ReviewSettings
from domain.review_rules import TERM_NOTICE_DAYS
from domain.terms import Term
from domain.year_groups import DEFAULT_TRANSFER_POINTS, REG_18_1_A, REG_18_1_B, YEAR_GROUPS, TransferPoint


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


class TransferPointEntry(_Strict):
    """A transfer between phases out of ``from_year_group`` (Reg 18(1)); 18(1)(a) only from secondary to post-16."""

    name: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    from_year_group: Literal[YEAR_GROUPS]  # type: ignore[valid-type]
    to_year_group: Literal[YEAR_GROUPS]  # type: ignore[valid-type]
    regulation: Literal[REG_18_1_A, REG_18_1_B] = REG_18_1_B  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _adjacent(self) -> TransferPointEntry:
        self.to_domain()  # raises ValueError naming the problem
        return self

    def to_domain(self) -> TransferPoint:
        return TransferPoint(self.name, self.from_year_group, self.to_year_group, self.regulation)


class TermEntry(_Strict):
    name: str = Field(min_length=1, max_length=60)
    first_day: date
    last_day: date

    @model_validator(mode="after")
    def _ends_after_start(self) -> TermEntry:
        if self.last_day < self.first_day:
            raise ValueError(f"last_day ({self.last_day}) is before first_day ({self.first_day})")
        return self


class ReviewsConfig(_Strict):
    """Annual reviews and phase transfers: the LA's transfer points and local targets (docs/RULES.md)."""

    transfer_points: tuple[TransferPointEntry, ...] = tuple(
        TransferPointEntry(name=point.name, from_year_group=point.from_group, to_year_group=point.to_group,
                           regulation=point.regulation) for point in DEFAULT_TRANSFER_POINTS)
    # The phase-transfer review meeting this many weeks before the deadline's last day (a local target).
    transfer_meeting_weeks_before: int = Field(12, ge=0, le=52)
    # Schools are told which reviews fall in a term at least this many days before it starts (CoP 9.172: 2 weeks).
    term_notice_days: int = Field(TERM_NOTICE_DAYS, ge=TERM_NOTICE_DAYS, le=120)

    @model_validator(mode="after")
    def _one_transfer_per_year_group(self) -> ReviewsConfig:
        groups = [point.from_year_group for point in self.transfer_points]
        if len(groups) != len(set(groups)):
            raise ValueError("transfer_points: each from_year_group may appear once")
        return self

    def settings(self) -> ReviewSettings:
        return ReviewSettings(tuple(point.to_domain() for point in self.transfer_points),
                              self.transfer_meeting_weeks_before)


class LaConfig(_Strict):
    authority: Authority
    contact: Contact | None = None
    closures: tuple[ClosureEntry, ...] = ()
    settings: dict[str, SettingEntry] = Field(default_factory=dict)
    reviews: ReviewsConfig = ReviewsConfig()
    terms: tuple[TermEntry, ...] = ()

    @model_validator(mode="after")
    def _terms_in_order(self) -> LaConfig:
        for earlier, later in zip(self.terms, self.terms[1:]):
            if later.first_day <= earlier.last_day:
                raise ValueError(f"terms: {later.name} starts on {later.first_day}, not after {earlier.name} ends "
                                 f"on {earlier.last_day}")
        return self

    def school_terms(self) -> tuple[Term, ...]:
        return tuple(Term(entry.name, entry.first_day, entry.last_day) for entry in self.terms)

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

"""Process settings from the environment (prefix ``EHC_``); read only at entry points."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGED_LA_CONFIG = Path(__file__).parent / "la" / "default.toml"


def _default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "ehc"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EHC_", extra="ignore")

    state_dir: Path = Field(default_factory=_default_state_dir)
    database_url: str | None = None
    la_config: Path = PACKAGED_LA_CONFIG
    actor: str | None = None

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'ehc.sqlite3'}"

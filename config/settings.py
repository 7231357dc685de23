"""Process settings from the environment (prefix ``EHC_``); read only at entry points."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGED_LA_CONFIG = Path(__file__).parent / "la" / "default.toml"
PACKAGED_QUALITY_RUBRIC = Path(__file__).parent / "rubric" / "default.toml"
PACKAGED_REMINDER_POLICY = Path(__file__).parent / "policy" / "default.toml"


def _default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "ehc"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EHC_", extra="ignore")

    state_dir: Path = Field(default_factory=_default_state_dir)
    database_url: str | None = None
    la_config: Path = PACKAGED_LA_CONFIG
    actor: str | None = None
    quality_rubric: Path = PACKAGED_QUALITY_RUBRIC  # plan quality review (config/rubric/)
    # Reminders and escalations (notifications/). The defaults send nowhere real:
    # a local SMTP port nobody listens on until a sink (notifications/sink.py) or relay is set.
    reminder_policy: Path = PACKAGED_REMINDER_POLICY
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(1025, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(30.0, gt=0)
    mail_from: str = "send.notifications@example.gov.uk"
    # The address people reach the web app at (ehc/web/, docs/WEB.md); every link in a message starts with it:
    # {public_url}/cases/{reference}. An https address also marks the session cookie Secure.
    public_url: str = "http://localhost:8000"
    apprise_urls: list[str] = Field(default_factory=list)  # Teams/Slack webhooks, as apprise URLs (JSON list)
    # The web app (docs/WEB.md). Signing key for links and pre-sign-in form tokens: if unset, one is made once
    # and kept in {state_dir}/web-secret-key (mode 0600), so signed links survive a restart.
    secret_key: SecretStr | None = None
    session_idle_minutes: int = Field(30, ge=1, le=24 * 60)
    manager_sees_all_teams: bool = False  # a manager sees every team's cases, not only their own team's
    # Failed sign-ins allowed within the window, per username typed and per client address, before refusing more.
    sign_in_attempts_per_account: int = Field(5, ge=1)
    sign_in_attempts_per_address: int = Field(20, ge=1)
    sign_in_window_minutes: int = Field(15, ge=1)
    # The contributor portal and the parent's view (docs/WEB.md, "The portal"): how long a link works, the largest
    # advice file a contributor may upload, and where uploads are kept (default {state_dir}/advice-files).
    portal_link_days: int = Field(56, ge=1, le=366)  # 8 weeks: an advice request's 6 weeks, and some
    parent_link_days: int = Field(56, ge=1, le=366)
    advice_upload_max_mb: int = Field(20, ge=1, le=500)
    advice_files_dir: Path | None = None
    # The LA's own OpenID Connect provider: room for it, not used yet (local accounts only; docs/WEB.md).
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr = SecretStr("")

    @property
    def effective_advice_files_dir(self) -> Path:
        return self.advice_files_dir or Path(self.state_dir) / "advice-files"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'ehc.sqlite3'}"

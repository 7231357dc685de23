"""Senders: SMTP (smtplib) for email, apprise for Teams/Slack webhooks.

A sender either returns (the far end accepted the message) or raises
SendFailed saying why and whether trying again could help.
"""

from __future__ import annotations

import mimetypes
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime
from pathlib import Path
from typing import Protocol, Sequence


class SendFailed(Exception):
    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs of an outbox row."""

    key: str
    to_address: str | None
    subject: str
    text: str
    html: str
    message_id: str
    created_at: datetime  # the Date header: when this attempt is made
    attachments: tuple[Path, ...] = ()  # files the email carries (the weekly report's HTML, CSV and workbook)


class Sender(Protocol):
    def unavailable(self) -> str | None:
        """Why nothing can be sent this way at all (not configured), else None."""

    def send(self, message: Outgoing) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    starttls: bool
    username: str | None
    password: str | None
    mail_from: str
    timeout: float = 30.0


def email_message(message: Outgoing, mail_from: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email["X-EHC-Outbox-Key"] = message.key  # lets a mailbox rule or a test match a message to its row
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    for path in message.attachments:
        email.add_attachment(_attachment_bytes(path), *_mime_type(path), filename=path.name)
    return email


def _attachment_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        # Retrying cannot bring back a deleted file; `ehc outbox retry` after writing it again can.
        raise SendFailed(f"attachment {path.name} cannot be read: {error.strerror or error}", permanent=True) from error


def _mime_type(path: Path) -> tuple[str, str]:
    guessed, _ = mimetypes.guess_type(path.name)
    maintype, _, subtype = (guessed or "application/octet-stream").partition("/")
    return maintype, subtype


class SmtpSender:
    """One connection per dispatch run, opened on first use and reopened after an error."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._client: smtplib.SMTP | None = None

    def unavailable(self) -> str | None:
        return None

    def send(self, message: Outgoing) -> None:
        if not message.to_address:
            raise SendFailed("no email address", permanent=True)
        email = email_message(message, self.config.mail_from)  # a missing attachment fails before connecting
        try:
            client = self._connect()
            refused = client.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            codes = [code for code, _ in error.recipients.values()]
            raise SendFailed(f"recipient refused ({', '.join(map(str, codes))})",
                             permanent=all(500 <= code < 600 for code in codes)) from error
        except smtplib.SMTPResponseException as error:
            self.close()
            raise SendFailed(f"SMTP {error.smtp_code}: {_text(error.smtp_error)}",
                             permanent=500 <= error.smtp_code < 600) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise SendFailed(f"SMTP server {self.config.host}:{self.config.port} unavailable: {error}") from error
        if refused:
            raise SendFailed("recipient refused", permanent=True)

    def _connect(self) -> smtplib.SMTP:
        if self._client is None:
            client = smtplib.SMTP(self.config.host, self.config.port, timeout=self.config.timeout)
            try:
                if self.config.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self.config.username:
                    client.login(self.config.username, self.config.password or "")
            except BaseException:
                client.close()
                raise
            self._client = client
        return self._client

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


class AppriseSender:
    """Posts the plain-text message to each configured apprise URL (msteams://, slack://, json://...)."""

    def __init__(self, urls: Sequence[str]) -> None:
        import apprise  # imported here: it is slow to import and only the dispatcher needs it

        self.urls = list(urls)
        self._apprise = apprise.Apprise()
        for url in self.urls:
            if not self._apprise.add(url):
                raise ValueError(f"apprise_urls: {_redacted(url)!r} is not a URL apprise understands")

    def unavailable(self) -> str | None:
        return None if self.urls else "no webhook configured (EHC_APPRISE_URLS)"

    def send(self, message: Outgoing) -> None:
        if not self.urls:
            raise SendFailed("no webhook configured (EHC_APPRISE_URLS)", permanent=True)
        if not self._apprise.notify(title=message.subject, body=message.text):
            raise SendFailed(f"webhook post failed for {len(self.urls)} URL(s)")

    def close(self) -> None:
        pass


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _redacted(url: str) -> str:
    """Webhook URLs carry their secret in the path: show only the scheme and host."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/..."


def build_senders(settings) -> dict[str, Sender]:
    """The senders the settings describe (config.settings.Settings), by channel."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    smtp = SmtpSender(SmtpConfig(
        host=settings.smtp_host, port=settings.smtp_port, starttls=settings.smtp_starttls,
        username=settings.smtp_username, password=password, mail_from=settings.mail_from,
        timeout=settings.smtp_timeout_seconds,
    ))
    return {"email": smtp, "webhook": AppriseSender(settings.apprise_urls)}

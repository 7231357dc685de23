"""A local SMTP server that keeps every message it receives as an .eml file.

For the demo and the tests: point EHC_SMTP_HOST/EHC_SMTP_PORT at it and
the messages land in a directory instead of anyone's inbox. It listens on
loopback only. A message is written to a temporary name and renamed, so a
file that exists is complete, and the server answers 250 only after that.
"""

from __future__ import annotations

import itertools
import os
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class _SaveToDirectory:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            number = next(self._numbers)
        final = self.directory / f"{os.getpid()}-{number:06d}.eml"
        partial = final.with_suffix(".part")
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(final)
        return "250 Message accepted for delivery"


class SmtpSink:
    """``with SmtpSink(directory) as sink:`` ... ``sink.port`` ... ``sink.messages()``."""

    def __init__(self, directory: Path, host: str = LOOPBACK, port: int | None = None) -> None:
        self.directory = Path(directory)
        self.host = host
        self.port = port or free_port(host)
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._controller = Controller(_SaveToDirectory(self.directory), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))

    def messages(self) -> list[EmailMessage]:
        return [read_eml(path) for path in self.files()]


def read_eml(path: Path) -> EmailMessage:
    return message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[return-value]

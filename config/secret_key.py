"""The web app's signing key: ``EHC_SECRET_KEY``, or one made once and kept under the state directory.

Kept in a file (mode 0600) rather than made afresh at each start, so that signed links in messages
already sent still work after a restart. Several web processes on several machines must share it: set
``EHC_SECRET_KEY`` there.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from config.settings import Settings

KEY_FILE = "web-secret-key"


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return settings.secret_key.get_secret_value().encode()
    path = Path(settings.state_dir) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole to a file of its own, then linked into place: two processes starting at once agree
        # on one key (a link onto an existing name fails), and neither reads a half-written one.
        made = path.with_name(f"{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            os.link(made, path)
        except FileExistsError:
            pass
        finally:
            made.unlink()
    return _read(path)

def _read(path: Path) -> bytes:
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to make a new key, or set EHC_SECRET_KEY")
    return key.encode()

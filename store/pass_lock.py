"""One orchestration pass at a time on each case, across threads, processes and machines.

The lock is the database's own where the case store is shared (a PostgreSQL advisory lock, keyed by the
case reference) and the operating system's where it is a SQLite file on one machine (``flock`` on a file
beside it). Either is released when its holder's connection or process dies, so a pass killed mid-way
never blocks the next one. Neither conflicts with the case's rows: recording an event never waits for a
pass.
"""

from __future__ import annotations

import fcntl
import threading
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, text

ADVISORY_LOCK_SPACE = 0x45484301  # "EHC" and 1: this product's namespace among the database's advisory locks
SQLITE_LOCK_FILES = 64  # cases share lock files by hash; two cases on one file only wait for each other
_IN_MEMORY = threading.Lock()


@contextmanager
def case_pass_lock(engine: Engine, reference: str) -> Iterator[None]:
    """Held for the ``with`` block; waits while another pass holds it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection, connection.begin():
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:reference))"),
                               {"space": ADVISORY_LOCK_SPACE, "reference": reference})
            yield
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        with _IN_MEMORY:  # one process holds the whole store
            yield
        return
    locks = Path(f"{database}.pass-locks")
    locks.mkdir(exist_ok=True)
    bucket = zlib.crc32(reference.encode()) % SQLITE_LOCK_FILES
    with (locks / f"{bucket:02d}.lock").open("a") as handle:  # each open is its own lock, even in one process
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

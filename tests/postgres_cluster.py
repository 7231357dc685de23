"""A throwaway PostgreSQL cluster from the installed binaries: for tests and benchmarks.

Runs as the ``postgres`` user when we are root (initdb refuses root), on a
free loopback port, with fsync off: its data is thrown away afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PostgresNotInstalled(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _as_postgres_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresCluster:
    """``start()``, then ``admin_url`` (the ``postgres`` database, trust auth); ``stop()`` removes it all."""

    def __init__(self, root: Path | None = None, settings: tuple[str, ...] = ()) -> None:
        bin_dir = postgres_bin()
        if bin_dir is None:
            raise PostgresNotInstalled("PostgreSQL binaries not found (apt-get install postgresql-15)")
        self.bin_dir = bin_dir
        self.root = Path(root or tempfile.mkdtemp(prefix="ehc-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.settings = ("fsync=off", "full_page_writes=off", *settings)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> PostgresCluster:
        if not self.data.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                subprocess.run(["chown", "postgres", str(self.root)], check=True)
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = " ".join([f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1",
                            *(f"-c {setting}" for setting in self.settings)])
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")
        return self

    def restart(self, mode: str = "fast") -> None:
        """Stop (``fast`` ends sessions cleanly, ``immediate`` is a crash) and start again on the same port."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        self.start()

    def stop(self) -> None:
        subprocess.run(_as_postgres_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                          "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(_as_postgres_user([str(self.bin_dir / program), *args]), check=True,
                       stdout=subprocess.DEVNULL)

"""One orchestration pass at a time on each case (store/pass_lock.py), on SQLite and on PostgreSQL.

While a pass holds a case's lock, a second pass of that case waits, in another thread or another process;
a pass of another case does not. A holder killed mid-pass (SIGKILL: none of its clean-up runs) lets go:
the operating system drops a dead process's flock, and PostgreSQL ends a dead client's session and its
advisory lock with it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

CASE, OTHER_CASE = "EHC/2026/042", "EHC/2026/043"  # on different SQLite lock files (64 of them, by hash)
WATCHED = 0.5  # seconds a second pass is watched, to see that it waits
RELEASED_WITHIN = 1.0  # seconds after its holder is killed that a waiting pass has the lock
HOLDER = """
import sys, time
from store.db import make_engine
from store.pass_lock import case_pass_lock
with case_pass_lock(make_engine(sys.argv[1]), sys.argv[2]):
    print("holding", flush=True)
    time.sleep(120)
"""
PROJECT = Path(__file__).resolve().parents[2]


class Pass(threading.Thread):
    """A pass in a thread of its own: takes the case's lock (waiting for it if need be), then holds it until
    ``let_go()``."""

    def __init__(self, database, reference: str) -> None:
        super().__init__(daemon=True)
        self.database, self.reference = database, reference
        self.holding, self._let_go = threading.Event(), threading.Event()
        self.start()

    def run(self) -> None:
        with self.database.case_pass_lock(self.reference):
            self.holding.set()
            self._let_go.wait(60)

    def let_go(self) -> None:
        self._let_go.set()
        self.join(10)


@pytest.fixture
def passes(case_database):
    """``passes(reference)`` starts a Pass; every one still holding is let go when the test ends."""
    started: list[Pass] = []

    def start(reference: str) -> Pass:
        started.append(Pass(case_database, reference))
        return started[-1]

    yield start
    for each in started:
        each.let_go()


def test_a_second_pass_of_a_case_waits_until_the_first_lets_go(passes):
    first = passes(CASE)
    assert first.holding.wait(10)

    second = passes(CASE)
    assert not second.holding.wait(WATCHED)
    first.let_go()
    assert second.holding.wait(10)


def test_a_pass_of_another_case_does_not_wait(passes):
    first = passes(CASE)
    assert first.holding.wait(10)

    assert passes(OTHER_CASE).holding.wait(10)
    assert first.is_alive()  # still holding its own case


def test_a_pass_killed_while_holding_the_lock_lets_go_of_it(database_url, passes):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, database_url, CASE], cwd=PROJECT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        waiting = passes(CASE)
        assert not waiting.holding.wait(WATCHED)  # another process's lock holds against this one

        holder.send_signal(signal.SIGKILL)
        assert holder.wait(10) == -signal.SIGKILL

        assert waiting.holding.wait(RELEASED_WITHIN)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()

"""The fixture every hostile-input property relies on to say "nothing changed"."""

from __future__ import annotations


def test_snapshot_sees_every_change_dump_tables_sees(ehc, snapshot, dump_tables):
    """The cached-schema snapshot is only worth having if it agrees with the shared ``dump_tables``."""
    before, shared_before = snapshot(), dump_tables()
    assert before["tables"] == shared_before

    ehc("request", "add", "SNAP-1", "--received", "2026-03-02")

    assert snapshot()["tables"] == dump_tables() != shared_before

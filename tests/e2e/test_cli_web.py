"""`ehc web` checks the store before it listens: a store never upgraded is refused at once, not page by page."""

from __future__ import annotations


def test_ehc_web_on_a_store_never_upgraded_is_refused_naming_ehc_db_upgrade(ehc, state_dir):
    refused = ehc("web", "--port", "8799", expect=2)
    assert "run `ehc db upgrade`" in refused.stderr

"""Typed input that resumes a suspended ``ehc-request`` run."""

from __future__ import annotations

from prefect.input import RunInput


class CaseEventRecorded(RunInput):
    """Sent by whoever stored a casework event; the run re-reads the store, so this only says what woke it."""

    reference: str
    sequence: int
    event_type: str

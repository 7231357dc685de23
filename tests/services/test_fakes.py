"""The fakes keep their ports' promises: the same methods, called the same way, behaving as the real ones do.

How the in-memory cases behave against the real CaseStore is checked on SQLite
and PostgreSQL in tests/integration/test_fake_store_contract.py.
"""

from __future__ import annotations

import inspect
import re
from datetime import date, datetime, timezone

import pytest

from domain.intake import NewRequest
from ehc.clock import Clock
from ehc.orchestration.orchestrator import NoOrchestration, OrchestrationUnavailable, Orchestrator
from notifications.senders import Outgoing, SendFailed, Sender
from store.cases import CaseStore
from store.models import Contributor
from store.orchestration import OrchestrationProgress
from store.unit_of_work import CaseDatabase
from tests.fakes import (
    FixedClock, InMemoryCaseDatabase, InMemoryCases, InMemoryOrchestrationProgress, RecordingOrchestrator,
    RecordingSender, StoredContributor,
)

CASE_STORE_METHODS = ("timeline", "get", "stored_references", "find", "add_request", "record", "add_contributor",
                      "contributor", "stored_contributor_codes", "contributors")


def parameters(function) -> list[tuple]:
    """Names, kinds and defaults: how callers call it (annotations differ: the fakes return their own rows)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("fake, port, methods", [
    (FixedClock, Clock, ("now", "today")),
    (RecordingOrchestrator, Orchestrator, ("hand_over", "start_quality_review")),
    (RecordingSender, Sender, ("unavailable", "send", "close")),
    (InMemoryCases, CaseStore, CASE_STORE_METHODS),
    (InMemoryOrchestrationProgress, OrchestrationProgress, ("events_acted_on", "acted_on", "cases_behind")),
    (InMemoryCaseDatabase, CaseDatabase, ("unit_of_work", "read_connection", "require_current_schema",
                                          "case_pass_lock")),
], ids=lambda value: value.__name__ if isinstance(value, type) else None)
def test_each_fake_is_called_as_its_port_is(fake, port, methods):
    for name in methods:
        assert parameters(getattr(fake, name)) == parameters(getattr(port, name)), name


def test_a_stored_contributor_has_the_directorys_columns():
    assert list(StoredContributor.__dataclass_fields__) == [column.name for column in Contributor.__table__.columns]


CLOCK = [
    # moment (UTC)                                          today in London   why
    (datetime(2026, 6, 1, 9, 30, tzinfo=timezone.utc),      date(2026, 6, 1),  "a summer morning"),
    (datetime(2026, 5, 31, 23, 30, tzinfo=timezone.utc),    date(2026, 6, 1),  "half past midnight BST"),
    (datetime(2026, 1, 31, 23, 30, tzinfo=timezone.utc),    date(2026, 1, 31), "half past eleven GMT"),
]


@pytest.mark.parametrize("moment, today, why", CLOCK, ids=[row[2] for row in CLOCK])
def test_the_fixed_clocks_today_is_the_london_date_of_its_moment(moment, today, why):
    clock = FixedClock(moment)
    assert (clock.now(), clock.today()) == (moment, today)


def test_the_fixed_clock_moves_only_when_told():
    clock = FixedClock.on(date(2026, 3, 2))
    assert clock.now() == datetime(2026, 3, 2, 12, tzinfo=timezone.utc) == clock.now()
    clock.advance(days=1, hours=12)
    assert (clock.now(), clock.today()) == (datetime(2026, 3, 4, 0, tzinfo=timezone.utc), date(2026, 3, 4))
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2026, 3, 5, 9))


def test_an_unavailable_recording_orchestrator_refuses_every_call_as_no_orchestration_does():
    fake, real = RecordingOrchestrator(unavailable=True), NoOrchestration()
    calls = [("hand_over", (["EHC-1", "EHC-2"],)), ("start_quality_review", ("EHC-1", "draft", date(2026, 6, 1)))]
    for name, args in calls:
        for orchestrator in (fake, real):
            with pytest.raises(OrchestrationUnavailable, match=re.escape(NoOrchestration.reason)):
                getattr(orchestrator, name)(*args)
    assert fake.calls == [(name, *args) for name, args in calls]
    assert (fake.configured, real.configured) == (False, False)
    assert fake.pending == []  # nothing was handed over, so no pass is due


def test_a_recording_orchestrator_keeps_the_cases_handed_over_for_passes_until_prefect_refuses():
    orchestrator = RecordingOrchestrator()
    orchestrator.hand_over(["EHC-1"])
    orchestrator.error = ConnectionError("connection refused")
    with pytest.raises(ConnectionError):
        orchestrator.hand_over(["EHC-2"])
    assert orchestrator.configured  # configured, but down
    assert orchestrator.calls == [("hand_over", ["EHC-1"]), ("hand_over", ["EHC-2"])]
    assert orchestrator.pending == ["EHC-1"]


def message(key: str) -> Outgoing:
    return Outgoing(key=key, to_address="p.shah@nhs.example.uk", subject="Advice due", text="...", html="<p>...</p>",
                    message_id=f"<{key}@ehc.example>", created_at=datetime(2026, 4, 16, 8, 30, tzinfo=timezone.utc))


def test_the_recording_sender_fails_the_sends_it_was_told_to_then_sends():
    sender = RecordingSender()
    sender.fail_next(2, "SMTP 421: try later")
    sender.fail_next(1, "SMTP 550: no such mailbox", permanent=True)
    outcomes = []
    for key in ("a", "a", "a", "a"):
        try:
            sender.send(message(key))
            outcomes.append("sent")
        except SendFailed as error:
            outcomes.append(f"{error} ({'permanent' if error.permanent else 'temporary'})")
    assert outcomes == ["SMTP 421: try later (temporary)", "SMTP 421: try later (temporary)",
                        "SMTP 550: no such mailbox (permanent)", "sent"]
    assert (len(sender.attempts), [sent.key for sent in sender.sent]) == (4, ["a"])


def test_a_unit_of_work_on_the_in_memory_database_that_raises_writes_nothing(calendar):
    database = InMemoryCaseDatabase(calendar)
    with pytest.raises(RuntimeError, match="changed my mind"):
        with database.unit_of_work() as work:
            work.cases.add_request(NewRequest(reference="EHC-1", received=date(2026, 3, 2)), "test",
                                   datetime(2026, 3, 2, 12, tzinfo=timezone.utc))
            work.cases.add_contributor("DCO-N", "Dr P Shah", "health")
            raise RuntimeError("changed my mind")
    with database.unit_of_work() as work:
        assert (work.cases.stored_references(["EHC-1"]), work.cases.contributors()) == (set(), [])


def test_the_in_memory_database_refuses_a_unit_of_work_inside_another(calendar):
    database = InMemoryCaseDatabase(calendar)
    with database.unit_of_work():
        with pytest.raises(RuntimeError, match="one unit of work at a time"):
            with database.unit_of_work():
                pass

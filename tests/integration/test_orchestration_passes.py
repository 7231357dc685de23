"""Orchestration's passes (ehc/services/orchestration.py) on the real store, SQLite and PostgreSQL: the messages
a pass queues go to the outbox under their keys, so a pass repeated (nothing new, or after a failure) queues
nothing twice. Prefect is the recording orchestrator (tests/fakes.py).

The case: received Mon 2 Mar 2026, a decision to assess Fri 10 Apr, advice asked of DCO-N (health) Mon 13 Apr
(due Mon 25 May), the draft plan attached and served Fri 1 May.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from config.settings import Settings
from domain.events import AdviceRequested, Agency, Decision, DraftServed
from domain.intake import NewRequest
from ehc.bootstrap import bootstrap
from ehc.services import casework
from ehc.services.contributors import add_contributor
from ehc.services.orchestration import advance_case
from ehc.services.plan_quality import attach_plan
from tests.fakes import FixedClock, RecordingOrchestrator

REF = "EHC-1"
PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
ADVICE_REQUEST = f"{REF}/advice-reminder/DCO-N/request/contributor:DCO-N/2026-05-25"
REPRESENTATIONS_OPEN = f"{REF}/alert/representations-open/caseworker:A Okafor/2026-05-15"


@pytest.fixture
def app(database_url, tmp_path):
    app = bootstrap(Settings(database_url=database_url, state_dir=tmp_path / "state"),
                    orchestrator=RecordingOrchestrator(), clock=FixedClock.on(date(2026, 4, 13)))
    add_contributor(app, "DCO-N", "Dr P Shah", "health", "North", "p.shah@nhs.example.uk", "lead@nhs.example.uk")
    casework.add_request(app, NewRequest(reference=REF, received=date(2026, 3, 2), caseworker="A Okafor"), "test")
    yield app
    app.engine.dispose()


def outbox_keys(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT key FROM outbox ORDER BY key")).scalars())


def test_a_decision_to_assess_with_advice_asked_queues_the_messages_once_across_repeated_passes(app, engine):
    orchestrator = app.orchestrator

    def record(event) -> None:
        casework.record_event(app, REF, event, "test")

    def decided_to_assess():
        record(Decision(on=date(2026, 4, 10), outcome="assess"))

    def advice_asked_of_dco_n():
        record(AdviceRequested(on=date(2026, 4, 13), agency=Agency.HEALTH, contributor="DCO-N"))

    def nothing():
        pass

    def draft_served_while_prefect_is_down():  # the pass queues the draft's alert, then cannot start its review
        attach_plan(app, REF, "draft", PLANS / "typical.json", date(2026, 5, 1))
        record(DraftServed(on=date(2026, 5, 1)))
        orchestrator.error = ConnectionError("connection refused")

    def prefect_back():
        orchestrator.error = None

    steps = [
        # day          before the pass                      the pass    outbox afterwards
        ("2026-04-13", decided_to_assess,                   "queues 0", []),
        ("2026-04-13", advice_asked_of_dco_n,               "queues 1", [ADVICE_REQUEST]),
        ("2026-04-13", nothing,                             "queues 0", [ADVICE_REQUEST]),
        ("2026-05-01", draft_served_while_prefect_is_down,  "fails",    [ADVICE_REQUEST, REPRESENTATIONS_OPEN]),
        ("2026-05-01", prefect_back,                        "queues 0", [ADVICE_REQUEST, REPRESENTATIONS_OPEN]),
    ]
    for day, happens, the_pass, keys in steps:
        app.clock.set(FixedClock.on(date.fromisoformat(day)).now())
        happens()
        if the_pass == "fails":
            with pytest.raises(ConnectionError):
                advance_case(app, REF)
        else:
            assert f"queues {advance_case(app, REF).messages_queued}" == the_pass, happens.__name__
        assert outbox_keys(engine) == keys, happens.__name__

    stored, _ = casework.show_case(app, REF, date(2026, 5, 1))
    assert casework.orchestration_level(app, stored).level
    assert [call for call in orchestrator.calls if call[0] == "start_quality_review"] == [
        ("start_quality_review", REF, "draft", date(2026, 5, 1))] * 2  # the failed start, then the one that took

"""What each orchestration pass sees of a request: each milestone done, waiting, or not required."""

from __future__ import annotations

from datetime import date

import pytest

from domain.events import parse_event
from domain.progress import Milestone, MilestoneState, progress_of
from domain.timeline import Stage

DONE, WAITING, NOT_REQUIRED = MilestoneState.DONE, MilestoneState.WAITING, MilestoneState.NOT_REQUIRED


def history(*rows: tuple) -> list:
    return [parse_event(kind, date.fromisoformat(on), payload[0] if payload else {}) for kind, on, *payload in rows]


RECEIVED = ("received", "2026-03-02")
ASSESS = ("decision", "2026-04-10", {"outcome": "assess"})
HEALTH = ("advice_requested", "2026-04-13", {"agency": "health", "contributor": "DCO-N"})
HEALTH_BACK = ("advice_received", "2026-05-20", {"contributor": "DCO-N"})
DRAFT = ("draft_served", "2026-06-15")
FINAL = ("final_issued", "2026-07-17")


@pytest.mark.parametrize("events, stage, decision, draft, representations, final", [
    pytest.param([RECEIVED], Stage.AWAITING_DECISION, WAITING, WAITING, WAITING, WAITING,
                 id="just received: waits for the decision"),
    pytest.param([RECEIVED, ASSESS, HEALTH], Stage.ASSESSMENT, DONE, WAITING, WAITING, WAITING,
                 id="assessing: waits for the draft"),
    pytest.param([RECEIVED, ASSESS, HEALTH, HEALTH_BACK, DRAFT], Stage.DRAFT, DONE, DONE, WAITING, WAITING,
                 id="draft served: representations window and final plan ahead"),
    pytest.param([RECEIVED, ASSESS, DRAFT, FINAL], Stage.ISSUED, DONE, DONE, DONE, DONE,
                 id="final issued: everything done, representations by the final plan"),
    pytest.param([RECEIVED, ("decision", "2026-04-10", {"outcome": "not_assess"})], Stage.NOT_ASSESSED,
                 DONE, NOT_REQUIRED, NOT_REQUIRED, NOT_REQUIRED, id="not assessed: nothing else is required"),
    pytest.param([RECEIVED, ("withdrawn", "2026-03-20")], Stage.WITHDRAWN,
                 NOT_REQUIRED, NOT_REQUIRED, NOT_REQUIRED, NOT_REQUIRED, id="withdrawn before a decision"),
    pytest.param([RECEIVED, ASSESS, ("no_plan_notice", "2026-06-19")], Stage.NO_PLAN,
                 DONE, NOT_REQUIRED, NOT_REQUIRED, NOT_REQUIRED, id="notice that no plan will be issued"),
])
def test_each_milestone_of_a_history(events, stage, decision, draft, representations, final):
    progress = progress_of("EHC-1", history(*events))

    assert progress.stage is stage
    assert [progress.decision().state, progress.draft().state, progress.representations().state,
            progress.final().state] == [decision, draft, representations, final]
    assert progress.closed is (not stage.is_open)


def test_each_contribution_waits_until_its_advice_is_received():
    waiting = progress_of("EHC-1", history(RECEIVED, ASSESS, HEALTH))
    received = progress_of("EHC-1", history(RECEIVED, ASSESS, HEALTH, HEALTH_BACK))

    assert waiting.contribution("DCO-N").state is WAITING
    assert "requested 2026-04-13" in waiting.contribution("DCO-N").detail
    assert (received.contribution("DCO-N").state, received.contribution("DCO-N").on) == (DONE, date(2026, 5, 20))
    assert received.contribution("DCO-N").milestone is Milestone.ADVICE


@pytest.mark.parametrize("events, waiting_on", [
    pytest.param([RECEIVED], Milestone.DECISION, id="just received"),
    pytest.param([RECEIVED, ASSESS, HEALTH], Milestone.DRAFT, id="assessing, advice outstanding"),
    pytest.param([RECEIVED, ASSESS, HEALTH, HEALTH_BACK, DRAFT], Milestone.FINAL, id="draft served"),
    pytest.param([RECEIVED, ASSESS, DRAFT, FINAL], None, id="final issued"),
    pytest.param([RECEIVED, ("decision", "2026-04-10", {"outcome": "not_assess"})], None, id="not assessed"),
    pytest.param([RECEIVED, ("withdrawn", "2026-03-20")], None, id="withdrawn"),
])
def test_a_case_waits_on_its_next_milestone_for_casework_until_it_ends(events, waiting_on):
    waiting = progress_of("EHC-1", history(*events)).waiting_on()
    assert (waiting.milestone if waiting else None) == waiting_on


@pytest.mark.parametrize("events, outcome", [
    ([RECEIVED], ""),
    ([RECEIVED, ASSESS, DRAFT, FINAL], "EHC-1: issued on 2026-07-17"),
    ([RECEIVED, ("withdrawn", "2026-03-20")], "EHC-1: withdrawn on 2026-03-20"),
])
def test_the_outcome_names_how_and_when_the_request_ended(events, outcome):
    assert progress_of("EHC-1", history(*events)).outcome() == outcome


def test_audit_notes_are_not_counted_as_casework():
    events = history(RECEIVED) + [parse_event("notification_sent", date(2026, 3, 3), {
        "outbox_key": "EHC-1/x/caseworker/2026-03-03", "purpose": "x", "recipient_role": "caseworker",
        "attempt": 1})]
    assert progress_of("EHC-1", events).casework_events == 1

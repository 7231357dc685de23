"""Corrections: a mistaken event voided, the statutory order kept for what is recorded now.

Received Mon 2 Mar 2026 throughout; positions in a history are the events' sequences (#1 is the receipt).
A void is made on Mon 30 Nov 2026.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain.casefile import EventRejected, fold, fold_with, standing
from domain.events import (
    AdviceRequested, Agency, CaseReassigned, Decision, DecisionOutcome, DraftServed, EventVoided, FinalIssued,
    NotificationSent, Received,
)
from domain.rules import Step
from domain.timeline import Stage, Status, stage_of, timeline_for

D = date.fromisoformat
TODAY = D("2026-11-30")
RECEIVED = Received(on=D("2026-03-02"))
MISTYPED = Decision(on=D("2026-12-05"), outcome=DecisionOutcome.ASSESS)   # the year's month mistyped
REAL = Decision(on=D("2026-04-10"), outcome=DecisionOutcome.ASSESS)
DRAFT = DraftServed(on=D("2026-06-15"))
FINAL = FinalIssued(on=D("2026-07-17"))


def void(sequence: int, event, reason: str = "recorded in error") -> EventVoided:
    return EventVoided(on=TODAY, sequence=sequence, voided_type=event.type, voided_on=event.on, reason=reason)


def test_a_voided_decision_is_skipped_and_the_real_decision_can_then_be_recorded():
    history = [RECEIVED, MISTYPED]
    with pytest.raises(EventRejected, match="a decision was already recorded"):
        fold_with(history, REAL)

    history.append(void(2, MISTYPED))
    assert fold(history).decision is None
    case = fold_with(history, REAL)
    assert case.decision == REAL
    assert standing([*history, REAL]) == [RECEIVED, REAL]


def test_a_void_applies_whatever_day_the_timeline_is_asked_about(calendar):
    history = [RECEIVED, REAL, DRAFT, void(3, DRAFT)]
    for as_of in ("2026-06-20", "2026-11-30"):
        timeline = timeline_for(history, calendar, D(as_of))
        assert timeline.stage is Stage.ASSESSMENT, as_of
        assert Step.REPRESENTATIONS_CLOSE not in timeline.deadlines


VOID_REFUSALS = [
    # history                                    void                         refused because
    ([RECEIVED, REAL, void(2, REAL)],            void(2, REAL),
     "#2 decision on 2026-04-10 was already voided by #3"),
    ([RECEIVED, REAL, void(2, REAL)],            void(3, void(2, REAL)),
     "#3 event voided on 2026-11-30 is itself a correction and cannot be voided; record the voided event #2 again"),
    ([RECEIVED, REAL],                           void(1, RECEIVED),
     "the receipt (#1 received on 2026-03-02) cannot be voided while later events stand (#2 decision on 2026-04-10)"),
    ([RECEIVED],                                 void(1, RECEIVED),
     "the receipt (#1 received on 2026-03-02) cannot be voided: a case's history starts with it"),
    ([RECEIVED, REAL, DRAFT],                    void(2, REAL),
     "voiding #2 decision on 2026-04-10 would leave an impossible history: "
     "draft served on 2026-06-15 needs a decision to assess first"),
    ([RECEIVED, REAL, DRAFT, FINAL],             void(3, DRAFT),
     "voiding #3 draft served on 2026-06-15 would leave the final plan issued on 2026-07-17 with no draft served "
     "(Reg 13): void the final plan first"),
    ([RECEIVED, REAL],                           void(3, DRAFT),
     "there is no event #3 to void"),
    ([RECEIVED, REAL, DRAFT],                    void(2, DRAFT),
     "event #2 is #2 decision on 2026-04-10, not the #2 draft served on 2026-06-15 the void names"),
    ([RECEIVED, CaseReassigned(on=TODAY, caseworker="B Singh")],
     void(2, CaseReassigned(on=TODAY, caseworker="B Singh")),
     "is a reassignment and cannot be voided; reassign the case again instead"),
]


@pytest.mark.parametrize("history, correction, reason", VOID_REFUSALS)
def test_a_void_the_history_does_not_allow_is_refused_with_the_reason(history, correction, reason):
    with pytest.raises(EventRejected, match=re.escape(reason)):
        fold_with(history, correction)


def test_a_notification_note_cannot_be_voided():
    note = NotificationSent(on=D("2026-04-13"), outbox_key="k", purpose="advice request",
                            recipient_role="contributor:DCO-N", attempt=1)
    with pytest.raises(EventRejected, match="note the system keeps of a notification"):
        fold_with([RECEIVED, note], void(2, note))


def test_voiding_the_final_plan_reopens_the_case_at_the_draft():
    case = fold_with([RECEIVED, REAL, DRAFT, FINAL], void(4, FINAL))
    assert (stage_of(case), case.final_issued, case.draft_served) == (Stage.DRAFT, None, D("2026-06-15"))


def test_a_reassignment_changes_no_statutory_step_and_may_follow_the_closure():
    case = fold_with([RECEIVED, REAL, DRAFT, FINAL], CaseReassigned(on=TODAY, team="South"))
    assert stage_of(case) is Stage.ISSUED


def test_a_reassignment_names_at_least_one_of_caseworker_team_and_setting():
    with pytest.raises(ValueError, match="names the new caseworker, team or setting"):
        CaseReassigned(on=TODAY)


# -- the statutory order (Reg 13): a draft before a final plan ------------------------------------------


def test_a_final_plan_recorded_with_no_draft_served_is_refused_naming_reg_13():
    with pytest.raises(EventRejected, match=re.escape(
            "final plan on 2026-07-17 needs a draft plan served first (Reg 13)")):
        fold_with([RECEIVED, REAL], FINAL)
    assert fold_with([RECEIVED, REAL, DRAFT], FINAL).final_issued == D("2026-07-17")


def test_a_stored_legacy_history_with_a_final_plan_and_no_draft_still_folds_and_says_the_draft_date_is_not_recorded(
        calendar):
    timeline = timeline_for([RECEIVED, REAL, FINAL], calendar, D("2026-08-01"))
    assert timeline.stage is Stage.ISSUED
    assert timeline.deadlines[Step.FINAL_PLAN].status is Status.ON_TIME
    assert Step.REPRESENTATIONS_CLOSE not in timeline.deadlines  # no window from a made-up draft date
    assert [w for w in timeline.warnings if w.startswith("draft date not recorded")] == [
        "draft date not recorded: the final plan was issued on 2026-07-17 and no draft served is recorded "
        "(a caseload imported without draft dates)"]


def test_as_of_a_day_before_the_final_plan_a_legacy_case_has_no_draft_warning(calendar):
    assert timeline_for([RECEIVED, REAL, FINAL], calendar, D("2026-07-16")).warnings == ()


def test_an_advice_request_voided_is_no_longer_awaited(calendar):
    asked = AdviceRequested(on=D("2026-04-13"), agency=Agency.HEALTH)
    timeline = timeline_for([RECEIVED, REAL, asked, void(3, asked)], calendar, D("2026-06-01"))
    assert timeline.advice == ()

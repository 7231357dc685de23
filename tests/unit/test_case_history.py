"""A case's history: folded in date order, refusing events that cannot have happened.

Received Mon 2 Mar 2026 throughout; the decision to assess is Fri 10 Apr.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain.casefile import EventRejected, fold, fold_with
from domain.events import (
    AdviceReceived, AdviceRequested, Agency, ConsultationAnswered, ConsultationSent, Decision, DecisionOutcome,
    DraftServed, ExceptionEnded, ExceptionStarted, FinalIssued, Mediation, NoPlanNotice, Received,
    RepresentationsReceived, Tribunal, Withdrawn,
)
from domain.rules import Limb, Step
from domain.timeline import Status, timeline_for

D = date.fromisoformat
RECEIVED = Received(on=D("2026-03-02"))
ASSESS = Decision(on=D("2026-04-10"), outcome=DecisionOutcome.ASSESS)
HEALTH_ASKED = AdviceRequested(on=D("2026-04-14"), agency=Agency.HEALTH)


REFUSALS = [
    ([ASSESS],
     "a case's history must start with the date the request was received",
     "no received event at all"),
    ([RECEIVED, Received(on=D("2026-03-09"))],
     "the request was already received on 2026-03-02",
     "received twice"),
    ([RECEIVED, Decision(on=D("2026-02-27"), outcome=DecisionOutcome.ASSESS)],
     "decision on 2026-02-27 is before the request was received on 2026-03-02",
     "decision dated Fri 27 Feb, before the request arrived on Mon 2 Mar"),
    ([RECEIVED, ASSESS, Decision(on=D("2026-04-13"), outcome=DecisionOutcome.NOT_ASSESS)],
     "decision on 2026-04-13 (not_assess): a decision was already recorded on 2026-04-10 (assess)",
     "a second decision"),
    ([RECEIVED, DraftServed(on=D("2026-06-01"))],
     "draft served on 2026-06-01 needs a decision to assess first",
     "draft served with no decision"),
    ([RECEIVED, ConsultationSent(on=D("2026-06-01"), setting="Oakfield Primary")],
     "consultation sent on 2026-06-01 needs a decision to assess first",
     "consultation sent with no decision"),
    ([RECEIVED, ASSESS, AdviceReceived(on=D("2026-05-01"), agency=Agency.HEALTH)],
     "no advice was requested from health on or before 2026-05-01",
     "health advice received, never requested"),
    ([RECEIVED, ASSESS, AdviceReceived(on=D("2026-05-01"), contributor="Dr Patel")],
     "no advice was requested from contributor Dr Patel on or before 2026-05-01",
     "a named contributor's advice received, never requested"),
    ([RECEIVED, ASSESS, AdviceRequested(on=D("2026-04-20"), agency=Agency.HEALTH),
      AdviceReceived(on=D("2026-04-15"), agency=Agency.HEALTH)],
     "no advice was requested from health on or before 2026-04-15",
     "advice received Wed 15 Apr, before it was requested on Mon 20 Apr"),
    ([RECEIVED, ASSESS, HEALTH_ASKED, AdviceReceived(on=D("2026-05-01"), agency=Agency.HEALTH),
      AdviceReceived(on=D("2026-05-04"), agency=Agency.HEALTH)],
     "advice received on 2026-05-04: advice from health was already received on 2026-05-01",
     "the same advice received twice"),
    ([RECEIVED, ASSESS, HEALTH_ASKED, AdviceRequested(on=D("2026-04-15"), agency=Agency.HEALTH)],
     "advice requested on 2026-04-15: advice from health was already requested on 2026-04-14",
     "the same agency asked twice with no contributor named"),
    ([RECEIVED, ASSESS,
      AdviceRequested(on=D("2026-04-14"), agency=Agency.HEALTH, contributor="Community paediatrics"),
      AdviceRequested(on=D("2026-04-14"), agency=Agency.HEALTH, contributor="Speech and language therapy"),
      AdviceReceived(on=D("2026-05-01"), agency=Agency.HEALTH)],
     "several health advice requests are outstanding (Community paediatrics, Speech and language therapy): "
     "name the one received by its key",
     "two outstanding health requests and the receipt names only the agency"),
    ([RECEIVED, ASSESS, HEALTH_ASKED, AdviceReceived(on=D("2026-05-01"), advice="DCO-N")],
     "advice received on 2026-05-01: no advice request DCO-N was made on or before 2026-05-01 (outstanding: health)",
     "advice received by a key no request has"),
    ([RECEIVED, ASSESS, DraftServed(on=D("2026-06-01")), DraftServed(on=D("2026-06-03"))],
     "draft served on 2026-06-03: the draft plan was already served on 2026-06-01",
     "draft served twice"),
    ([RECEIVED, ASSESS, RepresentationsReceived(on=D("2026-06-01"))],
     "representations on 2026-06-01 need a draft plan served first",
     "representations with no draft"),
    ([RECEIVED, ASSESS, ConsultationAnswered(on=D("2026-06-10"), setting="Oakfield Primary")],
     "consultation answered on 2026-06-10: Oakfield Primary was never consulted",
     "a setting answers a consultation never sent"),
    ([RECEIVED, ASSESS, DraftServed(on=D("2026-06-01")), FinalIssued(on=D("2026-07-01")),
      AdviceRequested(on=D("2026-07-02"), agency=Agency.SOCIAL_CARE)],
     "advice requested on 2026-07-02 comes after the case closed (final plan issued on 2026-07-01)",
     "advice requested the day after the final plan was issued"),
    ([RECEIVED, ASSESS, DraftServed(on=D("2026-06-01")), FinalIssued(on=D("2026-07-01")),
      FinalIssued(on=D("2026-07-08"))],
     "final issued on 2026-07-08 comes after the case closed (final plan issued on 2026-07-01)",
     "a second final plan"),
    ([RECEIVED, Decision(on=D("2026-04-10"), outcome=DecisionOutcome.NOT_ASSESS), DraftServed(on=D("2026-06-01"))],
     "draft served on 2026-06-01 comes after the case closed (decision not to assess on 2026-04-10)",
     "a draft after a decision not to assess"),
    ([RECEIVED, ASSESS, NoPlanNotice(on=D("2026-06-22")), FinalIssued(on=D("2026-07-01"))],
     "final issued on 2026-07-01 comes after the case closed (notice that no plan will be issued on 2026-06-22)",
     "a final plan after a no-plan notice"),
    ([RECEIVED, Withdrawn(on=D("2026-03-20")), Decision(on=D("2026-04-10"), outcome=DecisionOutcome.ASSESS)],
     "decision on 2026-04-10 comes after the case closed (request withdrawn on 2026-03-20)",
     "a decision after the request was withdrawn"),
    ([RECEIVED, ExceptionEnded(on=D("2026-05-01"), limb=Limb.PERSONAL_CIRCUMSTANCES)],
     "there is no open exception 10(4)(c) to end",
     "an exception ended that never started"),
    ([RECEIVED, ExceptionStarted(on=D("2026-04-01"), limb=Limb.PERSONAL_CIRCUMSTANCES),
      ExceptionStarted(on=D("2026-04-08"), limb=Limb.PERSONAL_CIRCUMSTANCES)],
     "exception 10(4)(c) is already open",
     "the same exception started twice without ending"),
    ([RECEIVED, ASSESS, ExceptionStarted(on=D("2026-05-01"), limb=Limb.ADVICE_MISSED_APPOINTMENT, advice="health")],
     "exception 8(2)(c) names advice from health, which was never requested",
     "a Reg 8(2) exception for advice never requested"),
]


@pytest.mark.parametrize(("events", "message", "reason"), REFUSALS, ids=[row[-1] for row in REFUSALS])
def test_an_impossible_history_is_refused_with_a_message_that_says_why(events, message, reason):
    with pytest.raises(EventRejected, match=f"^{re.escape(message)}$"):
        fold(events)


DRAFT = DraftServed(on=D("2026-06-01"))
OAKFIELD_ASKED = ConsultationSent(on=D("2026-06-01"), setting="Oakfield Primary")
# An event recorded now, dated before an event on file that it makes impossible: the refusal names the event
# refused and the one on file it conflicts with, with that one's own date and outcome.
RECORDED_BEFORE_ONE_ON_FILE = [
    # history on file                          event recorded now
    ([RECEIVED, Decision(on=D("2026-03-25"), outcome=DecisionOutcome.NOT_ASSESS)],
     Decision(on=D("2026-03-15"), outcome=DecisionOutcome.ASSESS),
     "decision on 2026-03-15 (assess): a decision was already recorded on 2026-03-25 (not_assess)",
     "a decision dated before the one on file"),
    ([RECEIVED, ASSESS, HEALTH_ASKED],
     Decision(on=D("2026-04-01"), outcome=DecisionOutcome.NOT_ASSESS),
     "decision on 2026-04-01 (not_assess): a decision was already recorded on 2026-04-10 (assess)",
     "a refusal to assess dated before the decision to assess and its advice request"),
    ([RECEIVED, ASSESS, DRAFT],
     FinalIssued(on=D("2026-05-20")),
     "final plan issued on 2026-05-20 is before the draft plan served on 2026-06-01",
     "a final plan dated before the draft on file"),
    ([RECEIVED, ASSESS, DRAFT, RepresentationsReceived(on=D("2026-06-10"))],
     FinalIssued(on=D("2026-06-05")),
     "final issued on 2026-06-05 would close the case (final plan issued) before the representations received on "
     "2026-06-10 already recorded",
     "a final plan dated before representations on file"),
    ([RECEIVED, HEALTH_ASKED],
     Withdrawn(on=D("2026-03-20")),
     "withdrawn on 2026-03-20 would close the case (request withdrawn) before the advice requested on 2026-04-14 "
     "already recorded",
     "a withdrawal dated before an advice request on file"),
    ([RECEIVED, ASSESS, HEALTH_ASKED],
     AdviceRequested(on=D("2026-04-13"), agency=Agency.HEALTH),
     "advice requested on 2026-04-13: advice from health was already requested on 2026-04-14",
     "the same advice asked for a day before the request on file"),
    ([RECEIVED, ASSESS, HEALTH_ASKED, AdviceReceived(on=D("2026-05-01"), agency=Agency.HEALTH)],
     AdviceReceived(on=D("2026-04-20"), agency=Agency.HEALTH),
     "advice received on 2026-04-20: advice from health was already received on 2026-05-01",
     "the same advice received before the receipt on file"),
    ([RECEIVED, ASSESS, DRAFT],
     DraftServed(on=D("2026-05-25")),
     "draft served on 2026-05-25: the draft plan was already served on 2026-06-01",
     "a second draft dated before the one on file"),
    ([RECEIVED, ASSESS, DRAFT, RepresentationsReceived(on=D("2026-06-10"))],
     RepresentationsReceived(on=D("2026-06-05")),
     "representations received on 2026-06-05: representations were already recorded on 2026-06-10",
     "representations dated before those on file"),
    ([RECEIVED, ASSESS, OAKFIELD_ASKED],
     ConsultationSent(on=D("2026-05-25"), setting="Oakfield Primary"),
     "consultation sent on 2026-05-25: Oakfield Primary was already consulted on 2026-06-01",
     "a setting consulted again, dated before the consultation on file"),
    ([RECEIVED, ASSESS, OAKFIELD_ASKED, ConsultationAnswered(on=D("2026-06-10"), setting="Oakfield Primary")],
     ConsultationAnswered(on=D("2026-06-05"), setting="Oakfield Primary"),
     "consultation answered on 2026-06-05: Oakfield Primary already answered on 2026-06-10",
     "a second answer dated before the answer on file"),
]


@pytest.mark.parametrize(("history", "event", "message", "reason"), RECORDED_BEFORE_ONE_ON_FILE,
                         ids=[row[-1] for row in RECORDED_BEFORE_ONE_ON_FILE])
def test_an_event_dated_before_one_on_file_is_refused_naming_itself_and_the_one_on_file(history, event, message,
                                                                                          reason):
    fold(history)  # the history on file stands on its own

    with pytest.raises(EventRejected, match=f"^{re.escape(message)}$"):
        fold_with(history, event)


def test_an_empty_history_is_refused():
    with pytest.raises(EventRejected, match="must start with the date the request was received"):
        fold([])


def test_a_refused_history_also_refuses_to_give_a_timeline(calendar):
    with pytest.raises(EventRejected, match="a decision was already recorded"):
        timeline_for([RECEIVED, ASSESS, Decision(on=D("2026-04-13"), outcome=DecisionOutcome.ASSESS)],
                     calendar, as_of=D("2026-05-01"))


def test_a_back_dated_decision_is_applied_before_a_later_advice_request_already_on_file():
    # Recorded order: advice request (Tue 14 Apr) first, then the decision back-dated to Fri 10 Apr.
    case = fold([RECEIVED, HEALTH_ASKED, ASSESS])
    assert case.decided_to_assess and case.decision.on == D("2026-04-10")
    assert case.advice["health"].requested_on == D("2026-04-14")


def test_a_back_dated_received_date_is_still_the_start_of_the_history():
    # The request was keyed in late: its date sorts first whatever order it was recorded in.
    case = fold([ASSESS, HEALTH_ASKED, RECEIVED])
    assert case.received == D("2026-03-02")


def test_an_event_on_the_day_received_is_accepted_whatever_order_it_was_recorded_in():
    same_day = Withdrawn(on=D("2026-03-02"))
    case = fold([same_day, RECEIVED])
    assert (case.received, case.withdrawn) == (D("2026-03-02"), D("2026-03-02"))


def test_a_back_dated_draft_before_an_already_recorded_final_plan_is_accepted(calendar):
    events = [RECEIVED, ASSESS, FinalIssued(on=D("2026-07-20")), DraftServed(on=D("2026-06-01"))]
    timeline = timeline_for(events, calendar, as_of=D("2026-08-01"))
    assert timeline.deadlines[Step.FINAL_PLAN].status is Status.ON_TIME
    assert timeline.deadlines[Step.REPRESENTATIONS_CLOSE].statutory == D("2026-06-15")


def test_advice_received_names_the_contributor_when_one_agency_was_asked_twice():
    events = [RECEIVED, ASSESS,
              AdviceRequested(on=D("2026-04-14"), agency=Agency.HEALTH, contributor="Community paediatrics"),
              AdviceRequested(on=D("2026-04-14"), agency=Agency.HEALTH, contributor="Speech and language therapy"),
              AdviceReceived(on=D("2026-05-01"), contributor="Speech and language therapy"),
              AdviceReceived(on=D("2026-05-08"), agency=Agency.HEALTH)]  # only one left outstanding
    case = fold(events)
    assert case.advice["Speech and language therapy"].received_on == D("2026-05-01")
    assert case.advice["Community paediatrics"].received_on == D("2026-05-08")


def test_advice_received_names_the_request_by_its_key_when_the_agency_has_several_outstanding():
    events = [RECEIVED, ASSESS,
              AdviceRequested(on=D("2026-04-14"), agency=Agency.HEALTH, contributor="DCO-N"),  # key DCO-N
              AdviceRequested(on=D("2026-04-15"), agency=Agency.HEALTH),                       # key health
              AdviceReceived(on=D("2026-05-01"), advice="health")]
    case = fold(events)
    assert {key: record.received_on for key, record in case.advice.items()} == {
        "DCO-N": None, "health": D("2026-05-01")}


def test_advice_received_on_the_day_it_was_requested_is_accepted():
    case = fold([RECEIVED, ASSESS, HEALTH_ASKED, AdviceReceived(on=D("2026-04-14"), agency=Agency.HEALTH)])
    assert case.advice["health"].received_on == D("2026-04-14")


def test_an_exception_can_be_ended_after_the_case_closed():
    events = [RECEIVED, ASSESS, ExceptionStarted(on=D("2026-05-01"), limb=Limb.ABSENT_FROM_AREA),
              DraftServed(on=D("2026-06-01")), FinalIssued(on=D("2026-07-20")),
              ExceptionEnded(on=D("2026-07-31"), limb=Limb.ABSENT_FROM_AREA)]
    (exception,) = fold(events).exceptions
    assert (exception.limb, exception.start, exception.end) == (Limb.ABSENT_FROM_AREA, D("2026-05-01"),
                                                                D("2026-07-31"))


def test_a_closed_exception_can_start_again():
    events = [RECEIVED, ExceptionStarted(on=D("2026-04-01"), limb=Limb.PERSONAL_CIRCUMSTANCES),
              ExceptionEnded(on=D("2026-04-07"), limb=Limb.PERSONAL_CIRCUMSTANCES),
              ExceptionStarted(on=D("2026-05-01"), limb=Limb.PERSONAL_CIRCUMSTANCES)]
    assert [(e.start, e.end) for e in fold(events).exceptions] == [(D("2026-04-01"), D("2026-04-07")),
                                                                   (D("2026-05-01"), None)]


CLOSURES = [
    ([RECEIVED], None, "just received: still open"),
    ([RECEIVED, ASSESS, DraftServed(on=D("2026-06-01")), FinalIssued(on=D("2026-07-20"))],
     ("final plan issued", D("2026-07-20")), "final plan issued Mon 20 Jul"),
    ([RECEIVED, ASSESS, NoPlanNotice(on=D("2026-06-22"))],
     ("notice that no plan will be issued", D("2026-06-22")), "no-plan notice Mon 22 Jun"),
    ([RECEIVED, Decision(on=D("2026-04-10"), outcome=DecisionOutcome.NOT_ASSESS)],
     ("decision not to assess", D("2026-04-10")), "decision not to assess Fri 10 Apr"),
    ([RECEIVED, Withdrawn(on=D("2026-03-20"))], ("request withdrawn", D("2026-03-20")), "withdrawn Fri 20 Mar"),
]


@pytest.mark.parametrize(("events", "closure", "reason"), CLOSURES, ids=[row[-1] for row in CLOSURES])
def test_a_case_records_why_and_when_it_closed(events, closure, reason):
    assert fold(events).closure == closure


def test_an_exception_starting_on_the_day_of_a_decision_not_to_assess_is_accepted():
    not_assess = Decision(on=D("2026-04-10"), outcome=DecisionOutcome.NOT_ASSESS)
    started = ExceptionStarted(on=D("2026-04-10"), limb=Limb.PERSONAL_CIRCUMSTANCES)
    case = fold([RECEIVED, not_assess, started])
    assert case.closure == ("decision not to assess", D("2026-04-10"))
    assert [record.limb for record in case.exceptions] == [Limb.PERSONAL_CIRCUMSTANCES]


# --- mediation and tribunal: appeals follow decisions, so they are accepted at any stage after receipt ------

NOT_ASSESSED = Decision(on=D("2026-04-10"), outcome=DecisionOutcome.NOT_ASSESS)
APPEALS = [
    # the history before it, the appeal, why
    ([RECEIVED], Mediation(on=D("2026-03-20")), "mediation while the decision is awaited"),
    ([RECEIVED, NOT_ASSESSED], Mediation(on=D("2026-05-11")), "mediation after a refusal to assess closed the case"),
    ([RECEIVED, NOT_ASSESSED], Tribunal(on=D("2026-09-14")), "tribunal after a refusal to assess"),
    ([RECEIVED, ASSESS, NoPlanNotice(on=D("2026-06-22"))], Tribunal(on=D("2026-10-05")),
     "tribunal after the notice not to issue a plan"),
    ([RECEIVED, ASSESS, DraftServed(on=D("2026-06-01")), FinalIssued(on=D("2026-07-20"))],
     Tribunal(on=D("2027-01-11")), "tribunal on the plan's content, months after it was issued"),
    ([RECEIVED, Withdrawn(on=D("2026-03-30"))], Mediation(on=D("2026-03-30")), "on the day the case closed"),
    ([RECEIVED], Tribunal(on=D("2026-03-02")), "on the day the request was received"),
]


@pytest.mark.parametrize(("history", "appeal", "reason"), APPEALS, ids=[row[-1] for row in APPEALS])
def test_mediation_and_tribunal_are_accepted_at_any_stage_after_receipt_even_after_the_case_closed(history, appeal,
                                                                                                   reason):
    before = fold(history)
    case = fold([*history, appeal])

    assert case.mediation_or_tribunal
    assert (case.mediation, case.tribunal) == (
        [appeal.on] if appeal.type == "mediation" else [], [appeal.on] if appeal.type == "tribunal" else [])
    assert (case.closure, case.decision, case.final_issued) == (before.closure, before.decision, before.final_issued)


def test_mediation_or_tribunal_before_the_request_was_received_is_refused():
    with pytest.raises(EventRejected, match="mediation on 2026-03-01 is before the request was received on 2026-03-02"):
        fold([RECEIVED, Mediation(on=D("2026-03-01"))])
    with pytest.raises(EventRejected, match="tribunal on 2026-02-02 is before the request was received"):
        fold([RECEIVED, NOT_ASSESSED, Tribunal(on=D("2026-02-02"))])


def test_a_case_may_go_to_mediation_and_then_to_tribunal_more_than_once():
    case = fold([RECEIVED, NOT_ASSESSED, Mediation(on=D("2026-05-11")), Tribunal(on=D("2026-09-14")),
                 Mediation(on=D("2026-06-01"))])

    assert (case.mediation, case.tribunal) == ([D("2026-05-11"), D("2026-06-01")], [D("2026-09-14")])


def test_a_case_without_mediation_or_tribunal_is_not_marked():
    assert not fold([RECEIVED, ASSESS]).mediation_or_tribunal


def test_mediation_does_not_move_or_hide_any_statutory_date(calendar):
    history = [RECEIVED, ASSESS]
    plain = timeline_for(history, calendar, D("2026-05-01"))
    appealed = timeline_for([*history, Mediation(on=D("2026-04-20"))], calendar, D("2026-05-01"))

    assert appealed.stage == plain.stage
    assert {name: (d.statutory, d.status) for name, d in appealed.deadlines.items()} == {
        name: (d.statutory, d.status) for name, d in plain.deadlines.items()}

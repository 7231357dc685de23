"""A plan's review history: what it accepts, what it refuses and why, and the phase transfer it completes.

The fold (domain/plan_review.py) reads a plan's review events into its reviews
and refuses a history that cannot have happened, naming the clash; a void
takes a mistaken event out and so undoes what it did. The phase transfer
(Reg 18(1)) is done when a review held in the 12 months before the transfer
ends with the plan amended, or with a decision that no amendment is needed,
by 14 February (30 March for post-16).
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from domain.casefile import EventRejected
from domain.plan_events import (
    AdviceCirculated, AmendedPlanIssued, MeetingHeld, MeetingNoticeSent, PlanCeased, PlanEventVoided, ProposalsSent,
    ReportReceived, ReviewDecision, ReviewOutcome, parse_plan_event,
)
from domain.plan_review import PlanInForce, ReviewSettings, ReviewStage, fold_plan, plan_timeline
from domain.review_rules import ReviewStep
from domain.timeline import Status
from domain.year_groups import DEFAULT_TRANSFER_POINTS

D = date.fromisoformat
SETTINGS = ReviewSettings(DEFAULT_TRANSFER_POINTS)
AMEND, MAINTAIN, CEASE = ReviewOutcome.AMEND, ReviewOutcome.MAINTAIN, ReviewOutcome.CEASE

# Issued Tue 3 Mar 2026; a child in year 6 in 2026/27, transferring to secondary school in September 2027.
PLAN = PlanInForce(plan_ref="PLAN/0001", issued=D("2026-03-03"), last_review=None, year_group="6",
                   year_group_year=2026, setting="URN-100001")
HELD = MeetingHeld(on=D("2026-11-10"))
DECIDED = ReviewDecision(on=D("2026-12-01"), outcome=AMEND)
PROPOSED = ProposalsSent(on=D("2026-12-01"))


def reason(value):
    """A test's id: its row's reason, the one value that is a string with a space in it."""
    return value if isinstance(value, str) and " " in value else None


def void(sequence: int, event, on: str = "2026-12-15", reason: str = "recorded on the wrong plan") -> PlanEventVoided:
    return PlanEventVoided(on=D(on), sequence=sequence, voided_type=event.type, voided_on=event.on, reason=reason)


def timeline_of(calendar, events: list, as_of: str, plan: PlanInForce = PLAN, settings: ReviewSettings = SETTINGS):
    return plan_timeline(plan, events, calendar, D(as_of), settings)


# --- refusals: a history that cannot have happened -------------------------------------------------

REFUSALS = [
    pytest.param([], MeetingHeld(on=D("2026-03-03")),
                 "a review meeting on 2026-03-03 is not after the start of the review period on 2026-03-03",
                 id="meeting on the day the plan was issued"),
    pytest.param([], MeetingHeld(on=D("2026-02-20")), "is not after the start of the review period on 2026-03-03",
                 id="meeting before the plan was issued"),
    pytest.param([HELD], MeetingHeld(on=D("2026-11-10")),
                 "a review meeting on 2026-11-10 is not after the start of the review period on 2026-11-10",
                 id="a second meeting on the day of the first"),
    pytest.param([], MeetingNoticeSent(on=D("2026-03-02"), meeting=D("2026-04-01")),
                 "the notice on 2026-03-02 is before the review period began on 2026-03-03",
                 id="notice before the period started"),
    pytest.param([], AdviceCirculated(on=D("2026-03-02")),
                 "advice circulated on 2026-03-02 is before the review period began on 2026-03-03",
                 id="advice before the period started"),
    pytest.param([AdviceCirculated(on=D("2026-10-20"))], AdviceCirculated(on=D("2026-10-27")),
                 "advice circulated for this review was already recorded, on 2026-10-20", id="advice twice"),
    pytest.param([MeetingNoticeSent(on=D("2026-10-20"), meeting=D("2026-11-10")), HELD],
                 MeetingNoticeSent(on=D("2026-10-21"), meeting=D("2026-11-10")),
                 "notice of the meeting held on 2026-11-10 was already recorded, on 2026-10-20",
                 id="a second notice of a meeting held, recorded after it"),
    pytest.param([AdviceCirculated(on=D("2026-10-27")), HELD], AdviceCirculated(on=D("2026-10-28")),
                 "advice circulated for the meeting held on 2026-11-10 was already recorded, on 2026-10-27",
                 id="advice twice for a meeting held"),
    pytest.param([HELD], MeetingNoticeSent(on=D("2026-03-01"), meeting=D("2026-11-10")),
                 "the notice on 2026-03-01 is before the review period began on 2026-03-03",
                 id="a notice recorded after its meeting, dated before the period started"),
    pytest.param([], ReportReceived(on=D("2026-11-20")),
                 "report received needs a review meeting first: record meeting_held", id="report with no meeting"),
    pytest.param([], ReviewDecision(on=D("2026-11-20"), outcome=MAINTAIN),
                 "decision needs a review meeting first", id="decision with no meeting"),
    pytest.param([HELD], ReportReceived(on=D("2026-11-09")),
                 "report received on 2026-11-09 is before the review meeting on 2026-11-10",
                 id="report before the meeting"),
    pytest.param([HELD], ReviewDecision(on=D("2026-11-09"), outcome=MAINTAIN),
                 "decision on 2026-11-09 is before the review meeting on 2026-11-10", id="decision before the meeting"),
    pytest.param([HELD, ReportReceived(on=D("2026-11-20"))], ReportReceived(on=D("2026-11-21")),
                 "the report of this review was already recorded, on 2026-11-20", id="a second report"),
    pytest.param([HELD, DECIDED], ReviewDecision(on=D("2026-12-02"), outcome=MAINTAIN),
                 r"the decision of this review was already recorded, on 2026-12-01 \(void it first to correct it\)",
                 id="a second decision"),
    pytest.param([HELD], ProposalsSent(on=D("2026-12-01")),
                 "proposed amendments follow a decision to amend: record decision with outcome amend first",
                 id="proposals without a decision"),
    pytest.param([HELD, ReviewDecision(on=D("2026-12-01"), outcome=MAINTAIN)], ProposalsSent(on=D("2026-12-01")),
                 "proposed amendments follow a decision to amend", id="proposals after a decision to maintain"),
    pytest.param([HELD, DECIDED], ProposalsSent(on=D("2026-11-30")),
                 "proposals sent on 2026-11-30 is before the decision to amend on 2026-12-01",
                 id="proposals before the decision to amend"),
    pytest.param([HELD, DECIDED, PROPOSED], ProposalsSent(on=D("2026-12-08")),
                 "proposed amendments for this review was already recorded, on 2026-12-01", id="proposals twice"),
    pytest.param([HELD, DECIDED], AmendedPlanIssued(on=D("2027-01-20")),
                 "an amended plan follows the proposed amendments: record proposals_sent first",
                 id="amended plan without proposals"),
    pytest.param([HELD, DECIDED, PROPOSED], AmendedPlanIssued(on=D("2026-11-30")),
                 "amended plan issued on 2026-11-30 is before the proposals were sent on 2026-12-01",
                 id="amended plan before the proposals"),
    pytest.param([HELD, DECIDED, PROPOSED, AmendedPlanIssued(on=D("2027-01-20"))],
                 AmendedPlanIssued(on=D("2027-01-27")), "the amended plan of this review was already recorded",
                 id="a second amended plan"),
    pytest.param([PlanCeased(on=D("2026-12-01"))], MeetingHeld(on=D("2027-01-12")),
                 "the plan ceased on 2026-12-01: nothing more can be recorded of its reviews",
                 id="a meeting after the plan ceased"),
    pytest.param([HELD, PlanCeased(on=D("2026-12-01"))], ReportReceived(on=D("2026-12-02")),
                 "the plan ceased on 2026-12-01", id="a report after the plan ceased"),
    pytest.param([PlanCeased(on=D("2026-12-01"))], PlanCeased(on=D("2026-12-02")), "the plan ceased on 2026-12-01",
                 id="ceased twice"),
    pytest.param([HELD], PlanCeased(on=D("2026-11-09")),
                 "plan ceased on 2026-11-09 is before the meeting held on 2026-11-10",
                 id="ceased before the meeting already recorded"),
    pytest.param([], PlanCeased(on=D("2026-03-02")),
                 "plan ceased on 2026-03-02 is before the review period began on 2026-03-03",
                 id="ceased before the plan was issued"),
    pytest.param([HELD, ReviewDecision(on=D("2026-11-24"), outcome=CEASE)], PlanCeased(on=D("2026-11-23")),
                 "plan ceased on 2026-11-23 is before the decision on 2026-11-24",
                 id="ceased before the decision to cease"),
]


@pytest.mark.parametrize(("history", "event", "message"), REFUSALS)
def test_an_impossible_history_is_refused_naming_the_clash(history, event, message):
    fold_plan(PLAN, history)  # the history itself stands
    with pytest.raises(EventRejected, match=message):
        fold_plan(PLAN, [*history, event])


def test_a_notice_naming_a_meeting_before_it_is_refused_as_it_is_read():
    with pytest.raises(ValidationError, match="the meeting on 2026-11-09 is before the notice of it on 2026-11-10"):
        parse_plan_event("meeting_notice_sent", D("2026-11-10"), {"meeting": "2026-11-09"})


@pytest.mark.parametrize(("event_type", "payload", "field"), [
    ("decision", {}, "outcome"),
    ("decision", {"outcome": "reassess"}, "outcome"),
    ("meeting_notice_sent", {}, "meeting"),
    ("meeting_held", {"meeting": "2026-11-10"}, "meeting"),
], ids=["a decision needs an outcome", "maintain, amend or cease", "a notice names its meeting",
        "nothing but the event's own fields"])
def test_an_event_missing_or_with_a_wrong_field_is_refused_naming_the_field(event_type, payload, field):
    with pytest.raises(ValidationError, match=field):
        parse_plan_event(event_type, D("2026-11-10"), payload)


# --- a history recorded late, in another order than it happened ------------------------------------------

def test_a_notice_recorded_after_the_meeting_it_gave_notice_of_belongs_to_that_review(calendar):
    events = [HELD, MeetingNoticeSent(on=D("2026-10-20"), meeting=D("2026-11-10")),
              AdviceCirculated(on=D("2026-10-27"))]
    held, next_review = timeline_of(calendar, events, "2026-11-11").reviews
    assert (held.deadlines[ReviewStep.MEETING_NOTICE_BY].status,
            held.deadlines[ReviewStep.ADVICE_CIRCULATED_BY].status) == (Status.ON_TIME, Status.ON_TIME)
    assert (next_review.meeting_planned, list(next_review.deadlines)) == (None, [ReviewStep.REVIEW_BY])


# --- voids: what they take out, and what they undo --------------------------------------------------------

def test_voiding_a_decision_lets_the_right_one_be_recorded(calendar):
    events = [HELD, ReviewDecision(on=D("2026-12-01"), outcome=CEASE), void(2, ReviewDecision(
        on=D("2026-12-01"), outcome=CEASE), reason="the panel decided to maintain"),
              ReviewDecision(on=D("2026-12-02"), outcome=MAINTAIN)]
    timeline = timeline_of(calendar, events, "2026-12-15")
    decision = timeline.reviews[0].deadlines[ReviewStep.DECISION_BY]
    assert (timeline.reviews[0].outcome, decision.done_on, timeline.stage) == (
        MAINTAIN, D("2026-12-02"), ReviewStage.AWAITING_MEETING)


def test_voiding_the_meeting_puts_the_review_back_to_awaiting_its_meeting(calendar):
    timeline = timeline_of(calendar, [HELD, void(1, HELD)], "2026-12-15")
    assert (len(timeline.reviews), timeline.stage, timeline.next_review_by.statutory) == (
        1, ReviewStage.AWAITING_MEETING, D("2027-03-02"))


def test_voiding_the_ceasing_puts_the_plan_back_in_force(calendar):
    ceased = PlanCeased(on=D("2026-12-01"))
    timeline = timeline_of(calendar, [ceased, void(1, ceased), HELD], "2026-12-15")
    assert (timeline.ceased, timeline.appeal_window_closes, timeline.stage) == (
        None, None, ReviewStage.AWAITING_DECISION)


def test_a_voided_event_leaves_its_number_in_the_history(calendar):
    """Events keep their numbers: a void names #2, and the decision after it is #4."""
    report = ReportReceived(on=D("2026-11-20"))
    events = [HELD, report, void(2, report), DECIDED, void(4, DECIDED)]
    review = fold_plan(PLAN, events).reviews[0]
    assert (review.report, review.decision) == (None, None)


def test_a_void_of_the_meeting_while_its_decision_stands_is_refused():
    with pytest.raises(EventRejected, match="decision needs a review meeting first"):
        fold_plan(PLAN, [HELD, DECIDED, void(1, HELD)])


@pytest.mark.parametrize(("events", "message"), [
    pytest.param([HELD, PlanEventVoided(on=D("2026-12-15"), sequence=3, voided_type="meeting_held",
                                        voided_on=D("2026-11-10"), reason="typo")],
                 "there is no event #3 to void", id="an event not yet recorded"),
    pytest.param([HELD, PlanEventVoided(on=D("2026-12-15"), sequence=1, voided_type="meeting_held",
                                        voided_on=D("2026-11-11"), reason="typo")],
                 "event #1 is meeting held on 2026-11-10, not the #1 meeting held on 2026-11-11 the void names",
                 id="a void naming another date"),
    pytest.param([HELD, DECIDED, void(1, HELD), void(1, HELD)],
                 "#1 meeting held on 2026-11-10 was already voided by #3", id="voided twice"),
    pytest.param([HELD, void(1, HELD), PlanEventVoided(on=D("2026-12-15"), sequence=2, voided_type="event_voided",
                                                       voided_on=D("2026-12-15"), reason="undo")],
                 "is itself a correction and cannot be voided", id="a void of a void"),
])
def test_a_void_that_cannot_be_is_refused(events, message):
    with pytest.raises(EventRejected, match=message):
        fold_plan(PLAN, events)


# --- the stage of a plan ----------------------------------------------------------------------------

@pytest.mark.parametrize(("events", "stage"), [
    ([], ReviewStage.AWAITING_MEETING),
    ([MeetingNoticeSent(on=D("2026-10-20"), meeting=D("2026-11-10"))], ReviewStage.AWAITING_MEETING),
    ([HELD], ReviewStage.AWAITING_DECISION),
    ([HELD, ReportReceived(on=D("2026-11-20"))], ReviewStage.AWAITING_DECISION),
    ([HELD, DECIDED], ReviewStage.AMENDING),
    ([HELD, DECIDED, PROPOSED], ReviewStage.AMENDING),
    ([HELD, DECIDED, PROPOSED, AmendedPlanIssued(on=D("2027-01-20"))], ReviewStage.AWAITING_MEETING),
    ([HELD, ReviewDecision(on=D("2026-12-01"), outcome=MAINTAIN)], ReviewStage.AWAITING_MEETING),
    ([HELD, ReviewDecision(on=D("2026-12-01"), outcome=CEASE)], ReviewStage.AWAITING_MEETING),
    ([HELD, ReviewDecision(on=D("2026-12-01"), outcome=CEASE), PlanCeased(on=D("2026-12-01"))], ReviewStage.CEASED),
], ids=["new", "meeting planned", "meeting held", "report in", "decided to amend", "proposals sent",
        "amended", "maintained", "decided to cease, notice not yet given", "ceased"])
def test_the_stage_follows_the_review(calendar, events, stage):
    assert timeline_of(calendar, events, "2027-01-20").stage is stage


# --- the phase transfer: done by an amended plan or a decision to maintain, in the transfer's academic year --
# Year 6 in 2026/27: the plan reviewed and amended before 15 Feb 2027, so by Sun 14 Feb (last working day Fri 12).

def concluded(decided_on: str, outcome: ReviewOutcome = AMEND, amended_on: str | None = None,
              meeting: str = "2026-11-10") -> list:
    events = [MeetingHeld(on=D(meeting)), ReviewDecision(on=D(decided_on), outcome=outcome)]
    if amended_on:
        events += [ProposalsSent(on=D(decided_on)), AmendedPlanIssued(on=D(amended_on))]
    return events


@pytest.mark.parametrize(("events", "as_of", "status", "done_on", "days_remaining", "reason"), [
    (concluded("2026-12-01", amended_on="2027-01-26"), "2027-03-01", Status.ON_TIME, "2027-01-26", None,
     "amended Tue 26 Jan 2027"),
    (concluded("2026-12-01", amended_on="2027-02-12"), "2027-03-01", Status.ON_TIME, "2027-02-12", None,
     "amended Fri 12 Feb, the last working day"),
    (concluded("2026-12-01", amended_on="2027-02-14"), "2027-03-01", Status.ON_TIME, "2027-02-14", None,
     "amended Sun 14 Feb, the last day"),
    (concluded("2026-12-22", amended_on="2027-02-15"), "2027-03-01", Status.LATE, "2027-02-15", None,
     "amended Mon 15 Feb: not before 15 Feb"),
    (concluded("2026-12-01", MAINTAIN), "2027-03-01", Status.ON_TIME, "2026-12-01", None,
     "a decision to maintain: no amendment needed"),
    (concluded("2027-03-01", MAINTAIN, meeting="2027-02-02"), "2027-03-01", Status.LATE, "2027-03-01", None,
     "a decision to maintain on Mon 1 Mar 2027"),
    (concluded("2026-12-01"), "2027-02-14", Status.OPEN, None, 0, "decided to amend, no proposals: open on 14 Feb"),
    (concluded("2026-12-01"), "2027-02-15", Status.OVERDUE, None, -1, "and overdue on 15 Feb"),
    ([], "2026-10-01", Status.OPEN, None, 136, "no review yet on Thu 1 Oct 2026"),
    ([], "2027-03-01", Status.OVERDUE, None, -15, "no review by Mon 1 Mar 2027"),
    (concluded("2026-07-21", MAINTAIN, meeting="2026-07-01"), "2027-03-01", Status.OVERDUE, None, -15,
     "a review in July 2026, before the 12 months of the transfer, does not count"),
    (concluded("2026-09-29", MAINTAIN, meeting="2026-09-01"), "2027-03-01", Status.ON_TIME, "2026-09-29", None,
     "a review on Tue 1 Sep 2026, the first day of the transfer's 12 months, counts"),
], ids=reason)
def test_the_phase_transfer_is_done_by_the_review_concluded_in_its_year(calendar, events, as_of, status, done_on,
                                                                        days_remaining, reason):
    timeline = timeline_of(calendar, events, as_of)
    transfer = timeline.phase_transfer
    assert (transfer.transfer.transfer, transfer.transfer.last_day) == ("primary_to_secondary", D("2027-02-14"))
    assert (transfer.status, transfer.done_on, transfer.days_remaining) == (
        status, D(done_on) if done_on else None, days_remaining)
    assert timeline.phase_transfer_overdue is (status is Status.OVERDUE)
    assert transfer.in_transfer_year


@pytest.mark.parametrize(("issued", "as_of", "status", "days_remaining", "reason"), [
    ("2027-02-14", "2027-02-14", Status.OPEN, 0, "issued Sun 14 Feb 2027, the last day: open that day"),
    ("2027-02-14", "2027-02-15", Status.OVERDUE, -1, "and overdue the day after"),
    ("2027-02-15", "2027-02-15", Status.NOT_REQUIRED, None, "issued Mon 15 Feb 2027: made after the last day"),
    ("2027-06-01", "2027-06-01", Status.NOT_REQUIRED, None, "issued Tue 1 Jun 2027, for the new school"),
], ids=reason)
def test_a_plan_issued_after_the_transfers_last_day_was_never_due_for_it(calendar, issued, as_of, status,
                                                                        days_remaining, reason):
    plan = PlanInForce(plan_ref="PLAN/0003", issued=D(issued), last_review=None, year_group="6",
                       year_group_year=2026, setting="URN-100001")
    timeline = timeline_of(calendar, [], as_of, plan)
    assert (timeline.phase_transfer.status, timeline.phase_transfer.days_remaining) == (status, days_remaining)
    assert timeline.is_overdue is (status is Status.OVERDUE)


def test_an_amendment_issued_after_as_of_does_not_yet_count(calendar):
    events = concluded("2026-12-01", amended_on="2027-02-10")
    transfer = timeline_of(calendar, events, "2027-02-09").phase_transfer
    assert (transfer.status, transfer.done_on, transfer.days_remaining) == (Status.OPEN, None, 5)


@pytest.mark.parametrize(("as_of", "group", "transfer_year", "in_transfer_year", "reason"), [
    ("2026-08-31", "5", 2027, False, "Mon 31 Aug 2026: year 5, the transfer a year away"),
    ("2026-09-01", "6", 2027, True, "Tue 1 Sep 2026: year 6, the review for the transfer due now"),
    ("2027-08-31", "6", 2027, True, "Tue 31 Aug 2027: still year 6"),
    ("2027-09-01", "7", 2032, False, "Wed 1 Sep 2027: year 7, the next transfer is post-16 in 2032"),
], ids=reason)
def test_the_transfer_is_due_in_the_academic_year_before_it(calendar, as_of, group, transfer_year, in_transfer_year,
                                                            reason):
    timeline = timeline_of(calendar, [], as_of)
    assert (timeline.year_group, timeline.phase_transfer.transfer.transfer_year,
            timeline.phase_transfer.in_transfer_year) == (group, transfer_year, in_transfer_year)


def test_the_transfer_deadline_is_the_next_due_in_its_year(calendar):
    timeline = timeline_of(calendar, [MeetingHeld(on=D("2026-07-01")), ReportReceived(on=D("2026-07-08")),
                                      ReviewDecision(on=D("2026-07-21"), outcome=MAINTAIN)], "2026-10-01")
    assert (timeline.next_review_by.statutory, timeline.next_due) == (D("2027-06-30"), D("2027-02-14"))


@pytest.mark.parametrize(("weeks", "target"), [(12, "2026-11-22"), (16, "2026-10-25")])
def test_the_transfer_review_meeting_target_is_set_weeks_before_the_last_day(calendar, weeks, target):
    settings = ReviewSettings(DEFAULT_TRANSFER_POINTS, transfer_meeting_weeks_before=weeks)
    transfer = timeline_of(calendar, [], "2026-10-01", settings=settings).phase_transfer
    assert transfer.meeting_target == D(target)


def test_a_young_person_moving_between_post16_institutions_is_dated_by_the_planned_move(calendar):
    """Year 12 in 2026/27, moving college on Mon 4 Jan 2027: reviewed and amended by Tue 4 Aug 2026 (Reg 18(2))."""
    plan = PlanInForce(plan_ref="PLAN/0002", issued=D("2025-06-02"), last_review=None, year_group="12",
                       year_group_year=2026, setting="URN-130001", planned_post16_transfer=D("2027-01-04"))
    before = timeline_of(calendar, [], "2026-06-01", plan).phase_transfer
    assert (before.transfer.regulation, before.transfer.last_day, before.meeting_target) == (
        "18(2)", D("2026-08-04"), None)
    assert (before.status, before.days_remaining, before.in_transfer_year) == (Status.OPEN, 64, True)
    amended = [MeetingHeld(on=D("2026-05-12")), ReviewDecision(on=D("2026-06-02"), outcome=AMEND),
               ProposalsSent(on=D("2026-06-02")), AmendedPlanIssued(on=D("2026-07-28"))]
    assert timeline_of(calendar, amended, "2026-08-01", plan).phase_transfer.status is Status.ON_TIME
    assert timeline_of(calendar, [], "2027-01-05", plan).phase_transfer is None  # moved: none left by year group

"""Statutory due dates, status and days remaining (docs/RULES.md, "Assessment timescales").

"Within N weeks of X" is due on X + 7N calendar days; a step done on or before
that date is on time. Weekends and bank holidays never move a statutory date;
they only move the "last working day on or before" view beside it. Every
expected date was worked out by hand and checked with ``datetime``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.events import (
    AdviceReceived, AdviceRequested, Agency, ConsultationAnswered, ConsultationSent, Decision, DecisionOutcome,
    DraftServed, FinalIssued, NoPlanNotice, Received, RepresentationsReceived, Withdrawn,
)
from domain.rules import (
    ADVICE, CONSULTATION_RESPONSE, DECISION_TO_ASSESS, FINAL_PLAN, NO_PLAN_NOTICE, REPRESENTATIONS_CLOSE,
    Step,
)
from domain.timeline import Stage, Status, timeline_for

D = date.fromisoformat
ASSESS = DecisionOutcome.ASSESS


def reasons(rows):
    """Test ids from each row's last column, the weekday and the reason."""
    return [getattr(row, "values", row)[-1] for row in rows]


def assessing(received: date, decided: date) -> list:
    return [Received(on=received), Decision(on=decided, outcome=ASSESS)]


# --- the rules as data --------------------------------------------------------------------------

@pytest.mark.parametrize(("limit", "days", "regulation", "statutory"), [
    (DECISION_TO_ASSESS, 42, "5(1)", True),
    (ADVICE, 42, "8(1)", True),
    (NO_PLAN_NOTICE, 112, "10(1)", True),
    (REPRESENTATIONS_CLOSE, 14, "13(1)(a)", True),
    (CONSULTATION_RESPONSE, 15, "CoP 9.83", False),
    (FINAL_PLAN, 140, "13(2)", True),
], ids=["6 weeks, Reg 5(1)", "6 weeks, Reg 8(1)", "16 weeks, Reg 10(1)",
        "15 days beginning with service, Reg 13(1)(a)", "15 days, guidance", "20 weeks, Reg 13(2)"])
def test_each_time_limit_carries_its_length_and_source(limit, days, regulation, statutory):
    assert (limit.days, limit.regulation, limit.statutory) == (days, regulation, statutory)


# --- received -> decision, no-plan notice, final plan --------------------------------------------

RECEIVED = [
    # received, decision (+42, 5(1)), its last working day, no-plan (+112, 10(1)), lwd, final (+140, 13(2)), lwd
    ("2026-03-02", "2026-04-13", "2026-04-13", "2026-06-22", "2026-06-22", "2026-07-20", "2026-07-20",
     "Mon 2 Mar 2026: all three due on Mondays that are working days"),
    ("2026-02-20", "2026-04-03", "2026-04-02", "2026-06-12", "2026-06-12", "2026-07-10", "2026-07-10",
     "Fri: decision due on Good Friday -> plan for Thu 2 Apr"),
    ("2026-02-23", "2026-04-06", "2026-04-02", "2026-06-15", "2026-06-15", "2026-07-13", "2026-07-13",
     "Mon: decision due on Easter Monday -> plan for Thu 2 Apr"),
    ("2026-11-13", "2026-12-25", "2026-12-24", "2027-03-05", "2027-03-05", "2027-04-02", "2027-04-02",
     "Fri: decision due on Christmas Day -> Thu 24 Dec"),
    ("2026-08-07", "2026-09-18", "2026-09-18", "2026-11-27", "2026-11-27", "2026-12-25", "2026-12-24",
     "Fri: final plan due on Christmas Day -> Thu 24 Dec"),
    ("2026-09-07", "2026-10-19", "2026-10-19", "2026-12-28", "2026-12-24", "2027-01-25", "2027-01-25",
     "Mon: no-plan notice due on Mon 28 Dec, Boxing Day observed -> Thu 24 Dec"),
    ("2026-03-07", "2026-04-18", "2026-04-17", "2026-06-27", "2026-06-26", "2026-07-25", "2026-07-24",
     "Sat (an emailed request): every due date is a Sat -> the Fri before"),
    ("2026-11-20", "2027-01-01", "2026-12-31", "2027-03-12", "2027-03-12", "2027-04-09", "2027-04-09",
     "Fri: decision due on New Year's Day 2027 -> Thu 31 Dec, across the year end"),
    ("2025-12-31", "2026-02-11", "2026-02-11", "2026-04-22", "2026-04-22", "2026-05-20", "2026-05-20",
     "Wed 31 Dec 2025: every date falls in the next year"),
    ("2026-03-23", "2026-05-04", "2026-05-01", "2026-07-13", "2026-07-13", "2026-08-10", "2026-08-10",
     "Mon: decision due on the early May bank holiday -> Fri 1 May"),
    ("2026-05-11", "2026-06-22", "2026-06-22", "2026-08-31", "2026-08-28", "2026-09-28", "2026-09-28",
     "Mon: no-plan notice due on the late summer bank holiday -> Fri 28 Aug"),
    ("2022-04-22", "2022-06-03", "2022-06-01", "2022-08-12", "2022-08-12", "2022-09-09", "2022-09-09",
     "Fri 2022: decision due on the Platinum Jubilee -> Wed 1 Jun"),
    ("2023-03-27", "2023-05-08", "2023-05-05", "2023-07-17", "2023-07-17", "2023-08-14", "2023-08-14",
     "Mon 2023: decision due on the coronation -> Fri 5 May"),
    ("2024-01-19", "2024-03-01", "2024-03-01", "2024-05-10", "2024-05-10", "2024-06-07", "2024-06-07",
     "Fri 2024: 6 weeks across Thu 29 Feb lands on Fri 1 Mar"),
    pytest.param("2027-12-01", "2028-01-12", "2028-01-12", "2028-03-22", "2028-03-22", "2028-04-19", "2028-04-19",
                 "Wed 1 Dec 2027: across the year end and 29 Feb 2028"),
    pytest.param("2027-10-12", "2027-11-23", "2027-11-23", "2028-02-01", "2028-02-01", "2028-02-29", "2028-02-29",
                 "Tue: final plan due on Tue 29 Feb 2028"),
]


@pytest.mark.parametrize(
    ("received", "decision", "decision_lwd", "no_plan", "no_plan_lwd", "final", "final_lwd", "reason"),
    RECEIVED, ids=reasons(RECEIVED))
def test_case_due_dates_count_calendar_weeks_from_received(
        calendar, received, decision, decision_lwd, no_plan, no_plan_lwd, final, final_lwd, reason):
    timeline = timeline_for([Received(on=D(received))], calendar, as_of=D(received))
    due = {step: (d.statutory, d.last_working_day) for step, d in timeline.deadlines.items()}
    assert due == {
        Step.DECISION_TO_ASSESS: (D(decision), D(decision_lwd)),
        Step.NO_PLAN_NOTICE: (D(no_plan), D(no_plan_lwd)),
        Step.FINAL_PLAN: (D(final), D(final_lwd)),
    }


def test_case_deadlines_name_their_regulation(calendar):
    timeline = timeline_for([Received(on=D("2026-03-02"))], calendar, as_of=D("2026-03-02"))
    assert {step: d.regulation for step, d in timeline.deadlines.items()} == {
        Step.DECISION_TO_ASSESS: "5(1)", Step.NO_PLAN_NOTICE: "10(1)", Step.FINAL_PLAN: "13(2)",
    }


# --- advice: requested + 42 (Reg 8(1)) -----------------------------------------------------------

ADVICE_ROWS = [
    ("2026-04-14", "2026-05-26", "2026-05-26", "Tue -> Tue 26 May, a working day"),
    ("2026-07-20", "2026-08-31", "2026-08-28", "Mon -> late summer bank holiday -> Fri 28 Aug"),
    ("2026-11-13", "2026-12-25", "2026-12-24", "Fri -> Christmas Day -> Thu 24 Dec"),
    ("2026-02-23", "2026-04-06", "2026-04-02", "Mon -> Easter Monday -> Thu 2 Apr"),
    ("2026-11-20", "2027-01-01", "2026-12-31", "Fri -> New Year's Day 2027 -> Thu 31 Dec"),
    ("2026-03-07", "2026-04-18", "2026-04-17", "Sat -> Sat -> Fri 17 Apr"),
    ("2022-04-22", "2022-06-03", "2022-06-01", "Fri 2022 -> Platinum Jubilee -> Wed 1 Jun"),
    ("2023-03-27", "2023-05-08", "2023-05-05", "Mon 2023 -> coronation -> Fri 5 May"),
    pytest.param("2028-01-18", "2028-02-29", "2028-02-29", "Tue -> Tue 29 Feb 2028"),
]


@pytest.mark.parametrize(("requested", "due", "last_working_day", "reason"), ADVICE_ROWS, ids=reasons(ADVICE_ROWS))
def test_advice_is_due_six_weeks_after_it_was_requested(calendar, requested, due, last_working_day, reason):
    asked = D(requested)
    events = [*assessing(asked - timedelta(days=60), asked - timedelta(days=1)),
              AdviceRequested(on=asked, agency=Agency.HEALTH)]
    (advice,) = timeline_for(events, calendar, as_of=asked).advice
    assert (advice.statutory, advice.last_working_day, advice.regulation) == (D(due), D(last_working_day), "8(1)")
    assert (advice.key, advice.requested) == ("health", asked)


# --- representations: 15 days beginning with the day the draft is served (Reg 13(1)(a)) ----------

REPRESENTATION_ROWS = [
    ("2026-06-01", "2026-06-15", "2026-06-15", "Mon 1 Jun is day 1 -> day 15 is Mon 15 Jun"),
    ("2026-03-20", "2026-04-03", "2026-04-02", "Fri -> Good Friday -> Thu 2 Apr"),
    ("2026-03-23", "2026-04-06", "2026-04-02", "Mon -> Easter Monday -> Thu 2 Apr"),
    ("2026-12-11", "2026-12-25", "2026-12-24", "Fri -> Christmas Day -> Thu 24 Dec"),
    ("2026-12-18", "2027-01-01", "2026-12-31", "Fri -> New Year's Day 2027 -> Thu 31 Dec"),
    ("2022-09-05", "2022-09-19", "2022-09-16", "Mon 2022 -> state funeral -> Fri 16 Sep"),
    pytest.param("2028-02-15", "2028-02-29", "2028-02-29", "Tue -> Tue 29 Feb 2028"),
]


@pytest.mark.parametrize(("served", "closes", "last_working_day", "reason"), REPRESENTATION_ROWS,
                         ids=reasons(REPRESENTATION_ROWS))
def test_representations_close_on_day_fifteen_counting_the_day_served_as_day_one(
        calendar, served, closes, last_working_day, reason):
    draft = D(served)
    events = [*assessing(draft - timedelta(days=100), draft - timedelta(days=60)), DraftServed(on=draft)]
    window = timeline_for(events, calendar, as_of=draft).deadlines[Step.REPRESENTATIONS_CLOSE]
    assert (window.statutory, window.last_working_day, window.regulation) == (
        D(closes), D(last_working_day), "13(1)(a)")


# --- consultation with a setting: sent + 15, guidance only (CoP 9.83) ----------------------------

CONSULTATION_ROWS = [
    ("2026-06-01", "2026-06-16", "2026-06-16", "Mon -> Tue 16 Jun"),
    ("2026-12-10", "2026-12-25", "2026-12-24", "Thu -> Christmas Day -> Thu 24 Dec"),
    ("2026-03-19", "2026-04-03", "2026-04-02", "Thu -> Good Friday -> Thu 2 Apr"),
    ("2026-12-17", "2027-01-01", "2026-12-31", "Thu -> New Year's Day 2027 -> Thu 31 Dec"),
    ("2026-05-16", "2026-05-31", "2026-05-29", "Sat -> Sun 31 May -> Fri 29 May"),
    ("2024-02-14", "2024-02-29", "2024-02-29", "Wed -> Thu 29 Feb 2024"),
]


@pytest.mark.parametrize(("sent", "target", "last_working_day", "reason"), CONSULTATION_ROWS,
                         ids=reasons(CONSULTATION_ROWS))
def test_consultation_target_is_fifteen_days_after_sending_and_labelled_guidance(
        calendar, sent, target, last_working_day, reason):
    sent_on = D(sent)
    events = [*assessing(sent_on - timedelta(days=100), sent_on - timedelta(days=60)),
              ConsultationSent(on=sent_on, setting="Oakfield Primary")]
    timeline = timeline_for(events, calendar, as_of=sent_on)
    (consultation,) = timeline.consultations
    assert (consultation.target, consultation.last_working_day) == (D(target), D(last_working_day))
    assert "guidance" in consultation.basis and "not statutory" in consultation.basis
    assert Step.CONSULTATION_RESPONSE not in timeline.deadlines  # never shown as a statutory deadline


# --- status and days remaining -------------------------------------------------------------------
# Received Mon 2 Mar 2026: decision due Mon 13 Apr, no-plan notice Mon 22 Jun, final plan Mon 20 Jul.

RECEIVED_ON = D("2026-03-02")


@pytest.mark.parametrize(("decided", "status", "reason"), [
    ("2026-04-10", Status.ON_TIME, "Fri 10 Apr, three days early"),
    ("2026-04-13", Status.ON_TIME, "Mon 13 Apr, on the due date itself"),
    ("2026-04-14", Status.LATE, "Tue 14 Apr, one day late"),
], ids=lambda value: value if isinstance(value, str) and " " in value else None)
def test_a_decision_on_or_before_the_due_date_is_on_time(calendar, decided, status, reason):
    events = [Received(on=RECEIVED_ON), Decision(on=D(decided), outcome=ASSESS)]
    decision = timeline_for(events, calendar, as_of=D("2026-05-01")).deadlines[Step.DECISION_TO_ASSESS]
    assert (decision.status, decision.done_on, decision.days_remaining) == (status, D(decided), None)


@pytest.mark.parametrize(("as_of", "status", "days_remaining", "reason"), [
    ("2026-03-02", Status.OPEN, 42, "Mon, the day received: 42 days left"),
    ("2026-04-10", Status.OPEN, 3, "Fri before the due Monday"),
    ("2026-04-13", Status.OPEN, 0, "Mon, the due date: still open, 0 days left"),
    ("2026-04-14", Status.OVERDUE, -1, "Tue, the day after: overdue by 1"),
    ("2026-05-01", Status.OVERDUE, -18, "Fri 1 May: overdue by 18"),
], ids=lambda value: value if isinstance(value, str) and " " in value else None)
def test_a_pending_decision_counts_calendar_days_to_its_due_date(calendar, as_of, status, days_remaining, reason):
    decision = timeline_for([Received(on=RECEIVED_ON)], calendar, as_of=D(as_of)).deadlines[Step.DECISION_TO_ASSESS]
    assert (decision.status, decision.days_remaining) == (status, days_remaining)


def test_an_overdue_step_is_the_next_due_and_makes_the_case_overdue(calendar):
    timeline = timeline_for([Received(on=RECEIVED_ON)], calendar, as_of=D("2026-04-14"))
    assert timeline.is_overdue
    assert timeline.next_due.step is Step.DECISION_TO_ASSESS
    assert [d.step for d in timeline.pending] == [Step.DECISION_TO_ASSESS, Step.NO_PLAN_NOTICE, Step.FINAL_PLAN]


def test_events_dated_after_as_of_are_not_yet_known(calendar):
    events = [Received(on=RECEIVED_ON), Decision(on=D("2026-04-10"), outcome=ASSESS),
              DraftServed(on=D("2026-06-01"))]
    before = timeline_for(events, calendar, as_of=D("2026-04-09"))  # Thu, the day before the decision
    decision = before.deadlines[Step.DECISION_TO_ASSESS]
    assert (decision.status, decision.done_on, decision.days_remaining) == (Status.OPEN, None, 4)
    assert before.stage is Stage.AWAITING_DECISION
    assert Step.REPRESENTATIONS_CLOSE not in before.deadlines
    on_the_day = timeline_for(events, calendar, as_of=D("2026-04-10"))
    assert on_the_day.deadlines[Step.DECISION_TO_ASSESS].status is Status.ON_TIME
    assert on_the_day.stage is Stage.ASSESSMENT


@pytest.mark.parametrize(("as_of", "week", "reason"), [
    ("2026-03-02", 1, "Mon, the day received, is in week 1"),
    ("2026-03-08", 1, "Sun, day 7, is still week 1"),
    ("2026-03-09", 2, "Mon, day 8, starts week 2"),
    ("2026-07-19", 20, "Sun 19 Jul, the day before the final plan is due, is week 20"),
    ("2026-07-20", 21, "Mon 20 Jul, the final plan's due date, is received + 20 weeks: week 21"),
], ids=lambda value: value if isinstance(value, str) and " " in value else None)
def test_the_week_counts_from_received_as_week_one(calendar, as_of, week, reason):
    assert timeline_for([Received(on=RECEIVED_ON)], calendar, as_of=D(as_of)).week == week


def test_a_decision_not_to_assess_makes_the_no_plan_notice_and_final_plan_not_required(calendar):
    events = [Received(on=RECEIVED_ON), Decision(on=D("2026-04-10"), outcome=DecisionOutcome.NOT_ASSESS)]
    timeline = timeline_for(events, calendar, as_of=D("2026-09-01"))
    statuses = {step: d.status for step, d in timeline.deadlines.items()}
    assert statuses == {Step.DECISION_TO_ASSESS: Status.ON_TIME, Step.NO_PLAN_NOTICE: Status.NOT_REQUIRED,
                        Step.FINAL_PLAN: Status.NOT_REQUIRED}
    assert timeline.stage is Stage.NOT_ASSESSED
    assert timeline.pending == [] and not timeline.is_overdue
    assert all(d.days_remaining is None for d in timeline.deadlines.values())


def test_withdrawal_makes_every_pending_step_not_required(calendar):
    events = [*assessing(RECEIVED_ON, D("2026-04-10")),
              AdviceRequested(on=D("2026-04-14"), agency=Agency.HEALTH),
              AdviceRequested(on=D("2026-04-14"), agency=Agency.EDUCATIONAL_PSYCHOLOGY),
              ConsultationSent(on=D("2026-04-20"), setting="Oakfield Primary"),
              Withdrawn(on=D("2026-05-01"))]
    timeline = timeline_for(events, calendar, as_of=D("2026-09-01"))
    assert {step: d.status for step, d in timeline.deadlines.items()} == {
        Step.DECISION_TO_ASSESS: Status.ON_TIME,  # done before the withdrawal: stays done
        Step.NO_PLAN_NOTICE: Status.NOT_REQUIRED, Step.FINAL_PLAN: Status.NOT_REQUIRED,
    }
    assert [a.status for a in timeline.advice] == [Status.NOT_REQUIRED, Status.NOT_REQUIRED]
    assert [c.status for c in timeline.consultations] == [Status.NOT_REQUIRED]
    assert timeline.stage is Stage.WITHDRAWN and timeline.pending == []


def test_withdrawal_before_the_decision_makes_the_decision_not_required(calendar):
    events = [Received(on=RECEIVED_ON), Withdrawn(on=D("2026-03-20"))]
    timeline = timeline_for(events, calendar, as_of=D("2026-05-01"))
    assert {d.status for d in timeline.deadlines.values()} == {Status.NOT_REQUIRED}


def test_advice_already_returned_stays_done_after_withdrawal(calendar):
    events = [*assessing(RECEIVED_ON, D("2026-04-10")),
              AdviceRequested(on=D("2026-04-14"), agency=Agency.HEALTH),
              AdviceRequested(on=D("2026-04-14"), agency=Agency.SOCIAL_CARE),
              AdviceReceived(on=D("2026-05-26"), agency=Agency.HEALTH),
              Withdrawn(on=D("2026-06-01"))]
    timeline = timeline_for(events, calendar, as_of=D("2026-09-01"))
    assert {a.key: a.status for a in timeline.advice} == {"health": Status.ON_TIME,
                                                         "social_care": Status.NOT_REQUIRED}


def test_serving_the_draft_makes_the_no_plan_notice_not_required(calendar):
    events = [*assessing(RECEIVED_ON, D("2026-04-10")), DraftServed(on=D("2026-06-01"))]
    timeline = timeline_for(events, calendar, as_of=D("2026-06-02"))
    assert timeline.deadlines[Step.NO_PLAN_NOTICE].status is Status.NOT_REQUIRED
    final = timeline.deadlines[Step.FINAL_PLAN]
    assert (final.status, final.days_remaining) == (Status.OPEN, 48)  # Tue 2 Jun -> Mon 20 Jul
    assert timeline.stage is Stage.DRAFT


def test_a_no_plan_notice_makes_the_final_plan_not_required(calendar):
    events = [*assessing(RECEIVED_ON, D("2026-04-10")), NoPlanNotice(on=D("2026-06-22"))]
    timeline = timeline_for(events, calendar, as_of=D("2026-09-01"))
    assert timeline.deadlines[Step.NO_PLAN_NOTICE].status is Status.ON_TIME  # Mon 22 Jun, the due date
    assert timeline.deadlines[Step.FINAL_PLAN].status is Status.NOT_REQUIRED
    assert timeline.stage is Stage.NO_PLAN


@pytest.mark.parametrize(("issued", "status", "reason"), [
    ("2026-07-20", Status.ON_TIME, "Mon 20 Jul, the 20-week date"),
    ("2026-07-21", Status.LATE, "Tue 21 Jul, one day late"),
], ids=lambda value: value if isinstance(value, str) and " " in value else None)
def test_the_final_plan_is_on_time_up_to_and_including_week_twenty(calendar, issued, status, reason):
    events = [*assessing(RECEIVED_ON, D("2026-04-10")), DraftServed(on=D("2026-06-01")),
              FinalIssued(on=D(issued))]
    timeline = timeline_for(events, calendar, as_of=D("2026-09-01"))
    assert timeline.deadlines[Step.FINAL_PLAN].status is status
    assert timeline.stage is Stage.ISSUED


# --- the representation window: draft served Mon 1 Jun 2026, closes Mon 15 Jun ------------------

DRAFT = [*assessing(RECEIVED_ON, D("2026-04-10")), DraftServed(on=D("2026-06-01"))]


@pytest.mark.parametrize(("as_of", "status", "days_remaining", "reason"), [
    ("2026-06-01", Status.OPEN, 14, "Mon 1 Jun, day 1 of 15"),
    ("2026-06-15", Status.OPEN, 0, "Mon 15 Jun, day 15: still open"),
    ("2026-06-16", Status.CLOSED, None, "Tue 16 Jun: closed with no response, which is not a failure"),
], ids=lambda value: value if isinstance(value, str) and " " in value else None)
def test_the_representation_window_is_open_until_day_fifteen_then_closes(calendar, as_of, status, days_remaining,
                                                                          reason):
    window = timeline_for(DRAFT, calendar, as_of=D(as_of)).deadlines[Step.REPRESENTATIONS_CLOSE]
    assert (window.status, window.days_remaining) == (status, days_remaining)


@pytest.mark.parametrize(("responded", "status", "reason"), [
    ("2026-06-15", Status.ON_TIME, "Mon 15 Jun, the last day of the window"),
    ("2026-06-16", Status.LATE, "Tue 16 Jun, after the window closed"),
], ids=lambda value: value if isinstance(value, str) and " " in value else None)
def test_representations_received_by_the_close_are_on_time(calendar, responded, status, reason):
    events = [*DRAFT, RepresentationsReceived(on=D(responded))]
    window = timeline_for(events, calendar, as_of=D("2026-07-01")).deadlines[Step.REPRESENTATIONS_CLOSE]
    assert (window.status, window.done_on) == (status, D(responded))


def test_a_final_plan_before_day_sixteen_with_no_representations_is_warned_about(calendar):
    events = [*DRAFT, FinalIssued(on=D("2026-06-15"))]  # Mon, day 15: the window has not ended
    (warning,) = timeline_for(events, calendar, as_of=D("2026-07-01")).warnings
    assert "13(1)(a)" in warning and "2026-06-15" in warning


def test_the_representation_window_closes_when_the_final_plan_is_issued_inside_it(calendar):
    events = [*DRAFT, FinalIssued(on=D("2026-06-10"))]  # Wed 10 Jun, day 10 of 15
    timeline = timeline_for(events, calendar, as_of=D("2026-06-11"))
    window = timeline.deadlines[Step.REPRESENTATIONS_CLOSE]
    assert (window.status, window.days_remaining) == (Status.CLOSED, None)
    assert timeline.next_due is None


@pytest.mark.parametrize(("extra", "reason"), [
    ([FinalIssued(on=D("2026-06-16"))], "final on Tue 16 Jun, day 16: the window has closed"),
    ([RepresentationsReceived(on=D("2026-06-08")), FinalIssued(on=D("2026-06-10"))],
     "final on Wed 10 Jun after the parent responded on Mon 8 Jun"),
], ids=["final on Tue 16 Jun, day 16: the window has closed",
        "final on Wed 10 Jun after the parent responded on Mon 8 Jun"])
def test_a_final_plan_is_not_warned_about_once_the_window_closed_or_the_parent_responded(calendar, extra, reason):
    assert timeline_for([*DRAFT, *extra], calendar, as_of=D("2026-07-01")).warnings == ()


@pytest.mark.parametrize(("answered", "as_of", "status", "days_remaining", "reason"), [
    (None, "2026-06-16", Status.OPEN, 0, "unanswered on Tue 16 Jun, the target date"),
    (None, "2026-06-17", Status.OVERDUE, -1, "unanswered on Wed 17 Jun, a day past the target"),
    ("2026-06-16", "2026-06-30", Status.ON_TIME, None, "answered on Tue 16 Jun, the target date"),
    ("2026-06-19", "2026-06-30", Status.LATE, None, "answered on Fri 19 Jun, after the target"),
], ids=lambda value: value if isinstance(value, str) and " " in value else None)
def test_a_consultation_is_measured_against_its_local_target(calendar, answered, as_of, status, days_remaining,
                                                             reason):
    events = [*DRAFT, ConsultationSent(on=D("2026-06-01"), setting="Oakfield Primary")]
    if answered:
        events.append(ConsultationAnswered(on=D(answered), setting="Oakfield Primary"))
    (consultation,) = timeline_for(events, calendar, as_of=D(as_of)).consultations
    assert (consultation.target, consultation.status, consultation.days_remaining) == (
        D("2026-06-16"), status, days_remaining)

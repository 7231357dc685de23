"""The dates of a plan's review, their status and days remaining.

The rules: docs/RULES.md, "Plans in force: annual reviews and phase transfers".

A plan is reviewed within the 12-month period starting with the day it was
issued, then with the day it was last reviewed (CFA 2014 s44(1)): the period's
last day is the day before the same date a year later, and 28 February for a
period starting on 29 February. The meeting's notice and advice are due 14
days before it (Reg 20(3)-(4)), its report 14 days and the LA's decision 28
days after it (Reg 20), the amended plan 56 days after the proposals (Reg
22(3)). Weekends, bank holidays and school holidays never move a statutory
date; they only move the last working day beside it. Every expected date was
worked out by hand and checked with ``datetime``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.plan_events import (
    AdviceCirculated, AmendedPlanIssued, MeetingHeld, MeetingNoticeSent, PlanCeased, ProposalsSent,
    ReportReceived, ReviewDecision, ReviewOutcome,
)
from domain.plan_review import PlanInForce, ReviewSettings, ReviewStage, plan_timeline
from domain.review_rules import REVIEW_LIMITS, Counted, ReviewStep, add_months, twelve_month_period_last_day
from domain.timeline import Status
from domain.year_groups import DEFAULT_TRANSFER_POINTS

D = date.fromisoformat
SETTINGS = ReviewSettings(DEFAULT_TRANSFER_POINTS)
SCHOOL = "URN-100001"
REVIEW_STEP = ReviewStep.REVIEW_BY
AMEND, MAINTAIN, CEASE = ReviewOutcome.AMEND, ReviewOutcome.MAINTAIN, ReviewOutcome.CEASE


def reason(value):
    """A test's id: its row's reason, the one value that is a string with a space in it."""
    return value if isinstance(value, str) and " " in value else None


def reasons(rows):
    """Test ids from each row's last column, the weekday and the reason."""
    return [getattr(row, "values", row)[-1] for row in rows]


def a_plan(issued: str = "2026-03-03", *, last_review: str | None = None, setting: str | None = SCHOOL,
           year_group: str = "9", year_group_year: int = 2025) -> PlanInForce:
    """A plan of a child in year 9 in 2025/26: no phase transfer until 2028."""
    return PlanInForce(plan_ref="PLAN/0001", issued=D(issued), last_review=D(last_review) if last_review else None,
                       year_group=year_group, year_group_year=year_group_year, setting=setting)


def timeline_of(calendar, plan: PlanInForce, events: list, as_of: str):
    return plan_timeline(plan, events, calendar, D(as_of), SETTINGS)


def dates(deadline) -> tuple[date, date]:
    return deadline.statutory, deadline.last_working_day


# --- the rules as data --------------------------------------------------------------------------

@pytest.mark.parametrize(("step", "counted_from", "days", "in_school", "not_in_school"), [
    (ReviewStep.REVIEW_BY, Counted.LAST_REVIEW, 0, "CFA s44(1)", "CFA s44(1)"),
    (ReviewStep.MEETING_NOTICE_BY, Counted.MEETING, -14, "20(3)", "21(3)"),
    (ReviewStep.ADVICE_CIRCULATED_BY, Counted.MEETING, -14, "20(4)", "21(4)"),
    (ReviewStep.REPORT_BY, Counted.MEETING, 14, "20(8)", "21(7)"),
    (ReviewStep.DECISION_BY, Counted.MEETING, 28, "20(10)", "21(8)"),
    (ReviewStep.AMENDED_PLAN_BY, Counted.PROPOSALS, 56, "22(3)", "22(3)"),
], ids=["12-month period, s44(1)", "2 weeks' notice, Reg 20(3)", "advice 2 weeks before, Reg 20(4)",
        "report within 2 weeks, Reg 20", "decision within 4 weeks, Reg 20(10)", "amended plan in 8 weeks, Reg 22(3)"])
def test_each_review_limit_carries_its_length_and_source(step, counted_from, days, in_school, not_in_school):
    limit = REVIEW_LIMITS[step]
    assert (limit.counted_from, limit.days) == (counted_from, days)
    assert (limit.regulation_for(in_school=True), limit.regulation_for(in_school=False)) == (in_school, not_in_school)


# --- review_by: the last day of the 12-month period (CFA 2014 s44(1)) ------------------------------

REVIEW_BY = [
    # the period starts, its last day, the last working day on or before it
    ("2024-02-29", "2025-02-28", "2025-02-28", "Thu 29 Feb 2024: 2025 has no 29 Feb -> Fri 28 Feb 2025"),
    ("2023-03-01", "2024-02-29", "2024-02-29", "Wed 1 Mar 2023 -> Thu 29 Feb 2024, the leap day"),
    ("2024-03-01", "2025-02-28", "2025-02-28", "Fri 1 Mar 2024 -> Fri 28 Feb 2025, as from 29 Feb"),
    ("2023-02-28", "2024-02-27", "2024-02-27", "Tue 28 Feb 2023 -> Tue 27 Feb 2024: the leap day adds nothing"),
    ("2027-02-28", "2028-02-27", "2028-02-25", "Sun 28 Feb 2027 -> Sun 27 Feb 2028 -> Fri 25 Feb"),
    ("2025-12-31", "2026-12-30", "2026-12-30", "Wed 31 Dec 2025 -> Wed 30 Dec 2026, across the year end"),
    ("2026-01-01", "2026-12-31", "2026-12-31", "Thu 1 Jan 2026 -> Thu 31 Dec 2026, in the same year"),
    ("2025-12-26", "2026-12-25", "2026-12-24", "Fri 26 Dec 2025 -> Christmas Day 2026 -> Thu 24 Dec"),
    ("2025-12-27", "2026-12-26", "2026-12-24", "Sat 27 Dec 2025 -> Sat Boxing Day 2026 -> Thu 24 Dec"),
    ("2025-12-29", "2026-12-28", "2026-12-24", "Mon 29 Dec 2025 -> Mon 28 Dec 2026, Boxing Day observed -> Thu 24 Dec"),
    ("2026-01-02", "2027-01-01", "2026-12-31", "Fri 2 Jan 2026 -> New Year's Day 2027 -> Thu 31 Dec 2026"),
    ("2025-04-04", "2026-04-03", "2026-04-02", "Fri 4 Apr 2025 -> Good Friday 2026 -> Thu 2 Apr"),
    ("2025-09-01", "2026-08-31", "2026-08-28", "Mon 1 Sep 2025 -> late summer bank holiday 2026 -> Fri 28 Aug"),
]


@pytest.mark.parametrize("started_by", ["the plan issued", "the last review imported", "a review meeting held"])
@pytest.mark.parametrize(("start", "review_by", "last_working_day", "reason"), REVIEW_BY, ids=reasons(REVIEW_BY))
def test_review_by_is_the_last_day_of_the_12_month_period(calendar, started_by, start, review_by, last_working_day,
                                                          reason):
    events = []
    if started_by == "the plan issued":
        plan = a_plan(start)
    elif started_by == "the last review imported":
        plan = a_plan("2019-06-03", last_review=start)
    else:
        plan, events = a_plan("2019-06-03"), [MeetingHeld(on=D(start))]
    deadline = timeline_of(calendar, plan, events, start).next_review_by
    assert dates(deadline) == (D(review_by), D(last_working_day))
    assert deadline.regulation == "CFA s44(1)"
    assert twelve_month_period_last_day(D(start)) == D(review_by)


def test_the_next_period_starts_with_the_meeting_not_with_the_last_day_of_the_last_period(calendar):
    """A review held early (Mon 12 Oct 2026, in a period ending Tue 2 Mar 2027) brings the next one forward."""
    plan = a_plan("2026-03-03")
    timeline = timeline_of(calendar, plan, [MeetingHeld(on=D("2026-10-12"))], "2026-10-12")
    first, second = timeline.reviews
    assert (first.deadlines[ReviewStep.REVIEW_BY].statutory, first.deadlines[ReviewStep.REVIEW_BY].status) == (
        D("2027-03-02"), Status.ON_TIME)
    assert (second.number, second.last, timeline.next_review_by.statutory) == (2, D("2026-10-12"), D("2027-10-11"))


# --- the meeting's dates: notice and advice 2 weeks before, report 2 and decision 4 weeks after --------

MEETINGS = [
    # meeting, notice and advice by (+ last working day), report by (+ lwd), decision by (+ lwd)
    ("2026-07-20", "2026-07-06", "2026-07-06", "2026-08-03", "2026-08-03", "2026-08-17", "2026-08-17",
     "Mon 20 Jul 2026, just before the summer closure: report and decision fall in the holiday and stay there"),
    ("2026-07-21", "2026-07-07", "2026-07-07", "2026-08-04", "2026-08-04", "2026-08-18", "2026-08-18",
     "Tue 21 Jul 2026, the last day of term: the same"),
    ("2026-08-03", "2026-07-20", "2026-07-20", "2026-08-17", "2026-08-17", "2026-08-31", "2026-08-28",
     "Mon 3 Aug 2026, in the holiday: decision due on the late summer bank holiday -> Fri 28 Aug"),
    ("2026-12-11", "2026-11-27", "2026-11-27", "2026-12-25", "2026-12-24", "2027-01-08", "2027-01-08",
     "Fri 11 Dec 2026: report due on Christmas Day -> Thu 24 Dec"),
    ("2026-12-14", "2026-11-30", "2026-11-30", "2026-12-28", "2026-12-24", "2027-01-11", "2027-01-11",
     "Mon 14 Dec 2026: report due on Boxing Day observed -> Thu 24 Dec"),
    ("2026-12-18", "2026-12-04", "2026-12-04", "2027-01-01", "2026-12-31", "2027-01-15", "2027-01-15",
     "Fri 18 Dec 2026: report due on New Year's Day 2027 -> Thu 31 Dec, across the year end"),
    ("2027-01-11", "2026-12-28", "2026-12-24", "2027-01-25", "2027-01-25", "2027-02-08", "2027-02-08",
     "Mon 11 Jan 2027: notice due on Boxing Day observed 2026 -> Thu 24 Dec"),
    ("2026-03-20", "2026-03-06", "2026-03-06", "2026-04-03", "2026-04-02", "2026-04-17", "2026-04-17",
     "Fri 20 Mar 2026: report due on Good Friday -> Thu 2 Apr"),
    ("2024-03-14", "2024-02-29", "2024-02-29", "2024-03-28", "2024-03-28", "2024-04-11", "2024-04-11",
     "Thu 14 Mar 2024: notice due on Thu 29 Feb 2024"),
    ("2026-03-07", "2026-02-21", "2026-02-20", "2026-03-21", "2026-03-20", "2026-04-04", "2026-04-02",
     "Sat 7 Mar 2026: every date a Sat -> the Fri before; the decision's Sat is Easter Saturday -> Thu 2 Apr"),
]


@pytest.mark.parametrize(("meeting", "notice", "notice_lwd", "report", "report_lwd", "decision", "decision_lwd",
                          "reason"), MEETINGS, ids=reasons(MEETINGS))
def test_a_meetings_dates_count_calendar_weeks_either_side_of_it(
        calendar, meeting, notice, notice_lwd, report, report_lwd, decision, decision_lwd, reason):
    plan = a_plan("2023-06-01", last_review=(D(meeting) - timedelta(days=300)).isoformat())
    review = timeline_of(calendar, plan, [MeetingHeld(on=D(meeting))], meeting).reviews[0]
    assert {step: dates(deadline) for step, deadline in review.deadlines.items() if step is not REVIEW_STEP} == {
        ReviewStep.MEETING_NOTICE_BY: (D(notice), D(notice_lwd)),
        ReviewStep.ADVICE_CIRCULATED_BY: (D(notice), D(notice_lwd)),
        ReviewStep.REPORT_BY: (D(report), D(report_lwd)),
        ReviewStep.DECISION_BY: (D(decision), D(decision_lwd)),
    }


@pytest.mark.parametrize(("setting", "regulations"), [
    (SCHOOL, {"review_by": "CFA s44(1)", "meeting_notice_by": "20(3)", "advice_circulated_by": "20(4)",
              "report_by": "20(8)", "decision_by": "20(10)", "amended_plan_by": "22(3)"}),
    (None, {"review_by": "CFA s44(1)", "meeting_notice_by": "21(3)", "advice_circulated_by": "21(4)",
            "report_by": "21(7)", "decision_by": "21(8)", "amended_plan_by": "22(3)"}),
], ids=["at a school or other institution: Reg 20", "at none: Reg 21"])
def test_each_date_names_its_regulation_reg_21_for_a_child_at_no_school(calendar, setting, regulations):
    events = [MeetingHeld(on=D("2026-11-10")), ReviewDecision(on=D("2026-11-24"), outcome=AMEND),
              ProposalsSent(on=D("2026-11-24"))]
    review = timeline_of(calendar, a_plan(setting=setting), events, "2026-11-24").reviews[0]
    assert {step.value: deadline.regulation for step, deadline in review.deadlines.items()} == regulations


def test_a_notice_dates_the_meeting_before_it_is_held(calendar):
    """Notice given Tue 20 Oct 2026 of a meeting on Tue 10 Nov: the report and decision are counted from it."""
    events = [MeetingNoticeSent(on=D("2026-10-20"), meeting=D("2026-11-10"))]
    review = timeline_of(calendar, a_plan(), events, "2026-10-21").reviews[0]
    assert (review.meeting, review.meeting_planned) == (None, D("2026-11-10"))
    assert {step: (deadline.statutory, deadline.status) for step, deadline in review.deadlines.items()} == {
        ReviewStep.REVIEW_BY: (D("2027-03-02"), Status.OPEN),
        ReviewStep.MEETING_NOTICE_BY: (D("2026-10-27"), Status.ON_TIME),
        ReviewStep.ADVICE_CIRCULATED_BY: (D("2026-10-27"), Status.OPEN),
        ReviewStep.REPORT_BY: (D("2026-11-24"), Status.OPEN),
        ReviewStep.DECISION_BY: (D("2026-12-08"), Status.OPEN),
    }


def test_a_meeting_moved_by_a_second_notice_moves_its_dates(calendar):
    events = [MeetingNoticeSent(on=D("2026-10-20"), meeting=D("2026-11-10")),
              MeetingNoticeSent(on=D("2026-11-02"), meeting=D("2026-11-24"))]
    review = timeline_of(calendar, a_plan(), events, "2026-11-02").reviews[0]
    notice = review.deadlines[ReviewStep.MEETING_NOTICE_BY]
    assert (review.meeting_planned, notice.statutory, notice.done_on, notice.status) == (
        D("2026-11-24"), D("2026-11-10"), D("2026-11-02"), Status.ON_TIME)
    assert review.deadlines[ReviewStep.DECISION_BY].statutory == D("2026-12-22")


# --- status and days remaining ---------------------------------------------------------------------
# Plan issued Tue 3 Mar 2026: reviewed by Tue 2 Mar 2027. A meeting on Wed 3 Feb 2027: notice and advice by
# Wed 20 Jan, report by Wed 17 Feb, decision by Wed 3 Mar.

PLAN = a_plan("2026-03-03")
MEETING = MeetingHeld(on=D("2027-02-03"))


@pytest.mark.parametrize(("held", "status", "reason"), [
    ("2027-02-26", Status.ON_TIME, "Fri 26 Feb 2027, four days early"),
    ("2027-03-02", Status.ON_TIME, "Tue 2 Mar 2027, the period's last day"),
    ("2027-03-03", Status.LATE, "Wed 3 Mar 2027, one day late"),
    ("2027-06-30", Status.LATE, "Wed 30 Jun 2027, four months late"),
], ids=reason)
def test_a_review_meeting_by_the_periods_last_day_is_on_time(calendar, held, status, reason):
    review = timeline_of(calendar, PLAN, [MeetingHeld(on=D(held))], "2027-07-01").reviews[0]
    review_by = review.deadlines[ReviewStep.REVIEW_BY]
    assert (review_by.status, review_by.done_on, review_by.days_remaining) == (status, D(held), None)


@pytest.mark.parametrize(("as_of", "status", "days_remaining", "reason"), [
    ("2026-03-03", Status.OPEN, 364, "Tue 3 Mar 2026, the day issued: 364 days left"),
    ("2027-02-01", Status.OPEN, 29, "Mon 1 Feb 2027"),
    ("2027-03-02", Status.OPEN, 0, "Tue 2 Mar 2027, the last day: still open, 0 days left"),
    ("2027-03-03", Status.OVERDUE, -1, "Wed 3 Mar 2027: overdue by 1"),
    ("2027-04-01", Status.OVERDUE, -30, "Thu 1 Apr 2027: overdue by 30"),
], ids=reason)
def test_a_review_not_held_counts_calendar_days_to_the_periods_last_day(calendar, as_of, status, days_remaining,
                                                                         reason):
    timeline = timeline_of(calendar, PLAN, [], as_of)
    review_by = timeline.next_review_by
    assert (review_by.status, review_by.days_remaining) == (status, days_remaining)
    assert timeline.is_overdue is (status is Status.OVERDUE)
    assert timeline.next_due == D("2027-03-02")


@pytest.mark.parametrize(("step", "event", "status", "reason"), [
    (ReviewStep.REPORT_BY, ReportReceived(on=D("2027-02-17")), Status.ON_TIME, "report Wed 17 Feb: on the day"),
    (ReviewStep.REPORT_BY, ReportReceived(on=D("2027-02-18")), Status.LATE, "report Thu 18 Feb: a day late"),
    (ReviewStep.DECISION_BY, ReviewDecision(on=D("2027-03-03"), outcome=MAINTAIN), Status.ON_TIME,
     "decision Wed 3 Mar: on the day"),
    (ReviewStep.DECISION_BY, ReviewDecision(on=D("2027-03-04"), outcome=AMEND), Status.LATE,
     "decision Thu 4 Mar: a day late"),
], ids=reason)
def test_a_report_or_decision_by_its_statutory_date_is_on_time(calendar, step, event, status, reason):
    deadline = timeline_of(calendar, PLAN, [MEETING, event], "2027-04-01").reviews[0].deadlines[step]
    assert (deadline.status, deadline.done_on, deadline.days_remaining) == (status, event.on, None)


@pytest.mark.parametrize(("as_of", "report", "decision", "reason"), [
    ("2027-02-03", (Status.OPEN, 14), (Status.OPEN, 28), "Wed 3 Feb, the meeting day"),
    ("2027-02-17", (Status.OPEN, 0), (Status.OPEN, 14), "Wed 17 Feb, the report's last day"),
    ("2027-02-18", (Status.OVERDUE, -1), (Status.OPEN, 13), "Thu 18 Feb"),
    ("2027-03-04", (Status.OVERDUE, -15), (Status.OVERDUE, -1), "Thu 4 Mar: the decision a day overdue"),
], ids=reason)
def test_a_pending_report_and_decision_count_days_from_the_meeting(calendar, as_of, report, decision, reason):
    timeline = timeline_of(calendar, PLAN, [MEETING], as_of)
    review = timeline.reviews[0]
    assert (review.deadlines[ReviewStep.REPORT_BY].status, review.deadlines[ReviewStep.REPORT_BY].days_remaining) \
        == report
    assert (review.deadlines[ReviewStep.DECISION_BY].status,
            review.deadlines[ReviewStep.DECISION_BY].days_remaining) == decision
    assert timeline.stage is ReviewStage.AWAITING_DECISION


@pytest.mark.parametrize(("notice", "status", "reason"), [
    ("2027-01-20", Status.ON_TIME, "Wed 20 Jan: exactly two weeks"),
    ("2027-01-13", Status.ON_TIME, "Wed 13 Jan: three weeks"),
    ("2027-01-21", Status.LATE, "Thu 21 Jan: 13 days' notice is too short"),
], ids=reason)
def test_notice_of_the_meeting_is_on_time_at_least_two_weeks_before_it(calendar, notice, status, reason):
    events = [MeetingNoticeSent(on=D(notice), meeting=D("2027-02-03")), MEETING]
    deadline = timeline_of(calendar, PLAN, events, "2027-02-03").reviews[0].deadlines[ReviewStep.MEETING_NOTICE_BY]
    assert (deadline.statutory, deadline.status, deadline.done_on) == (D("2027-01-20"), status, D(notice))


@pytest.mark.parametrize(("as_of", "status", "days_remaining", "reason"), [
    ("2027-01-20", Status.OPEN, 0, "Wed 20 Jan, the last day to circulate the advice"),
    ("2027-01-21", Status.OVERDUE, -1, "Thu 21 Jan, before the meeting: overdue"),
    ("2027-02-03", Status.CLOSED, None, "Wed 3 Feb, the meeting held: past, not missing"),
], ids=reason)
def test_advice_not_recorded_is_overdue_until_the_meeting_then_closed(calendar, as_of, status, days_remaining,
                                                                       reason):
    events = [MeetingNoticeSent(on=D("2027-01-13"), meeting=D("2027-02-03")), MEETING]
    advice = timeline_of(calendar, PLAN, events, as_of).reviews[0].deadlines[ReviewStep.ADVICE_CIRCULATED_BY]
    assert (advice.status, advice.days_remaining) == (status, days_remaining)


@pytest.mark.parametrize(("circulated", "status", "reason"), [
    ("2027-01-20", Status.ON_TIME, "Wed 20 Jan: two weeks before"),
    ("2027-01-27", Status.LATE, "Wed 27 Jan: one week before"),
], ids=reason)
def test_advice_circulated_at_least_two_weeks_before_the_meeting_is_on_time(calendar, circulated, status, reason):
    events = [MeetingNoticeSent(on=D("2027-01-13"), meeting=D("2027-02-03")), AdviceCirculated(on=D(circulated)),
              MEETING]
    advice = timeline_of(calendar, PLAN, events, "2027-02-03").reviews[0].deadlines[ReviewStep.ADVICE_CIRCULATED_BY]
    assert (advice.status, advice.done_on) == (status, D(circulated))


# --- amending the plan: proposals, 15 days for representations, the amended plan within 8 weeks ---------
# Decision to amend with the proposals on Wed 3 Mar 2027 (R (L, M, P) v Devon CC): the representations' 15th day
# is Wed 17 Mar; the amended plan is due Wed 28 Apr.

AMENDING = [MEETING, ReportReceived(on=D("2027-02-10")), ReviewDecision(on=D("2027-03-03"), outcome=AMEND),
            ProposalsSent(on=D("2027-03-03"))]


@pytest.mark.parametrize(("proposals", "amended_by", "last_working_day", "reason"), [
    ("2027-03-03", "2027-04-28", "2027-04-28", "Wed 3 Mar 2027 -> Wed 28 Apr"),
    ("2026-10-30", "2026-12-25", "2026-12-24", "Fri 30 Oct 2026 -> Christmas Day -> Thu 24 Dec"),
    ("2026-11-06", "2027-01-01", "2026-12-31", "Fri 6 Nov 2026 -> New Year's Day 2027 -> Thu 31 Dec"),
    ("2026-06-05", "2026-07-31", "2026-07-31", "Fri 5 Jun 2026 -> Fri 31 Jul, in the summer holiday: unmoved"),
    ("2028-01-04", "2028-02-29", "2028-02-29", "Tue 4 Jan 2028 -> Tue 29 Feb 2028"),
], ids=reason)
def test_the_amended_plan_is_due_eight_weeks_after_the_proposals(calendar, proposals, amended_by, last_working_day,
                                                                 reason):
    sent = D(proposals)
    events = [MeetingHeld(on=sent), ReviewDecision(on=sent, outcome=AMEND), ProposalsSent(on=sent)]
    review = timeline_of(calendar, a_plan("2025-11-02"), events, proposals).reviews[0]
    amended = review.deadlines[ReviewStep.AMENDED_PLAN_BY]
    assert (amended.statutory, amended.last_working_day, amended.regulation) == (
        D(amended_by), D(last_working_day), "22(3)")


@pytest.mark.parametrize(("issued", "status", "warned", "reason"), [
    ("2027-03-17", Status.ON_TIME, True, "Wed 17 Mar, day 15: the representations' window has not ended"),
    ("2027-03-18", Status.ON_TIME, False, "Thu 18 Mar, day 16"),
    ("2027-04-28", Status.ON_TIME, False, "Wed 28 Apr, the eighth week's last day"),
    ("2027-04-29", Status.LATE, False, "Thu 29 Apr, a day late"),
], ids=reason)
def test_an_amended_plan_within_eight_weeks_is_on_time_and_one_inside_the_15_days_is_warned_about(
        calendar, issued, status, warned, reason):
    events = [*AMENDING, AmendedPlanIssued(on=D(issued))]
    timeline = timeline_of(calendar, PLAN, events, "2027-05-01")
    review = timeline.reviews[0]
    assert review.representations_close == D("2027-03-17")
    assert review.deadlines[ReviewStep.AMENDED_PLAN_BY].status is status
    assert bool(review.warnings) is warned
    if warned:
        assert "22(2)" in review.warnings[0] and "2027-03-17" in review.warnings[0]
    assert timeline.stage is ReviewStage.AWAITING_MEETING


@pytest.mark.parametrize(("as_of", "status", "days_remaining", "reason"), [
    ("2027-04-28", Status.OPEN, 0, "Wed 28 Apr, the last day"),
    ("2027-04-29", Status.OVERDUE, -1, "Thu 29 Apr"),
], ids=reason)
def test_an_amended_plan_not_issued_is_open_then_overdue(calendar, as_of, status, days_remaining, reason):
    timeline = timeline_of(calendar, PLAN, AMENDING, as_of)
    amended = timeline.reviews[0].deadlines[ReviewStep.AMENDED_PLAN_BY]
    assert (amended.status, amended.days_remaining) == (status, days_remaining)
    assert timeline.stage is ReviewStage.AMENDING
    assert timeline.is_overdue is (status is Status.OVERDUE)


def test_a_decision_to_amend_without_proposals_yet_has_no_amended_plan_date(calendar):
    events = [MEETING, ReviewDecision(on=D("2027-03-03"), outcome=AMEND)]
    timeline = timeline_of(calendar, PLAN, events, "2027-03-03")
    assert ReviewStep.AMENDED_PLAN_BY not in timeline.reviews[0].deadlines
    assert timeline.stage is ReviewStage.AMENDING


# --- pending dates across reviews -------------------------------------------------------------------

def test_pending_dates_list_every_review_earliest_first(calendar):
    timeline = timeline_of(calendar, PLAN, [MEETING], "2027-02-10")
    assert [(d.step, d.statutory) for d in timeline.pending] == [
        (ReviewStep.REPORT_BY, D("2027-02-17")), (ReviewStep.DECISION_BY, D("2027-03-03")),
        (ReviewStep.REVIEW_BY, D("2028-02-02"))]
    assert timeline.next_due == D("2027-02-17") and not timeline.is_overdue


def test_events_dated_after_as_of_are_not_yet_known(calendar):
    events = [MEETING, ReviewDecision(on=D("2027-02-20"), outcome=MAINTAIN)]
    before = timeline_of(calendar, PLAN, events, "2027-02-02")
    assert (len(before.reviews), before.next_review_by.statutory, before.stage) == (
        1, D("2027-03-02"), ReviewStage.AWAITING_MEETING)
    between = timeline_of(calendar, PLAN, events, "2027-02-19")
    assert between.stage is ReviewStage.AWAITING_DECISION
    assert between.reviews[0].deadlines[ReviewStep.DECISION_BY].status is Status.OPEN
    after = timeline_of(calendar, PLAN, events, "2027-02-20")
    assert after.stage is ReviewStage.AWAITING_MEETING
    assert after.reviews[0].deadlines[ReviewStep.DECISION_BY].status is Status.ON_TIME


def test_each_date_reads_as_the_timeline_contract(calendar):
    deadline = timeline_of(calendar, PLAN, [MEETING], "2027-02-10").reviews[0].deadlines[ReviewStep.DECISION_BY]
    assert deadline.as_contract() == {"statutory": "2027-03-03", "last_working_day": "2027-03-03",
                                      "regulation": "20(10)", "status": "open", "days_remaining": 21}


# --- ceasing: nothing more is due; a 2-month appeal window from the notice ------------------------------

@pytest.mark.parametrize(("ceased", "closes", "reason"), [
    ("2026-10-01", "2026-12-01", "Thu 1 Oct 2026 -> Tue 1 Dec"),
    ("2026-12-31", "2027-02-28", "Thu 31 Dec 2026 -> 2027 has no 31 Feb -> Sun 28 Feb"),
    ("2027-12-31", "2028-02-29", "Fri 31 Dec 2027 -> Tue 29 Feb 2028"),
    ("2026-06-30", "2026-08-30", "Tue 30 Jun 2026 -> Sun 30 Aug, in the summer holiday"),
], ids=reason)
def test_a_ceased_plan_has_a_two_month_appeal_window_from_the_notice(calendar, ceased, closes, reason):
    timeline = timeline_of(calendar, a_plan("2026-03-03"), [PlanCeased(on=D(ceased))], ceased)
    assert (timeline.ceased, timeline.appeal_window_closes) == (D(ceased), D(closes))
    assert add_months(D(ceased), 2) == D(closes)


def test_a_ceased_plan_has_nothing_due(calendar):
    events = [MEETING, ReviewDecision(on=D("2027-02-24"), outcome=CEASE), PlanCeased(on=D("2027-02-24"))]
    timeline = timeline_of(calendar, a_plan("2026-03-03", year_group="6", year_group_year=2026), events,
                           "2027-06-01")
    review = timeline.reviews[0]
    assert {step: deadline.status for step, deadline in review.deadlines.items()} == {
        ReviewStep.REVIEW_BY: Status.ON_TIME, ReviewStep.MEETING_NOTICE_BY: Status.CLOSED,
        ReviewStep.ADVICE_CIRCULATED_BY: Status.CLOSED, ReviewStep.REPORT_BY: Status.NOT_REQUIRED,
        ReviewStep.DECISION_BY: Status.ON_TIME}
    assert timeline.reviews[1].deadlines[ReviewStep.REVIEW_BY].status is Status.NOT_REQUIRED
    assert (timeline.stage, timeline.next_review_by, timeline.pending, timeline.next_due) == (
        ReviewStage.CEASED, None, [], None)
    assert (timeline.phase_transfer, timeline.targets, timeline.is_overdue) == (None, (), False)
    assert timeline.appeal_window_closes == D("2027-04-24")


# --- under-5s: a review every 3 to 6 months is guidance, a target, never a statutory date -----------------

@pytest.mark.parametrize(("year_group", "issued", "events", "target", "reason"), [
    ("N2", "2026-10-05", [], "2027-04-05", "N2, issued Mon 5 Oct 2026 -> Mon 5 Apr 2027"),
    ("R", "2026-10-05", [], "2027-04-05", "reception, issued Mon 5 Oct 2026"),
    ("N1", "2026-10-05", [MeetingHeld(on=D("2027-01-12"))], "2027-07-12", "N1, reviewed Tue 12 Jan 2027"),
    ("N2", "2026-08-31", [], "2027-02-28", "N2 in 2026/27, issued Mon 31 Aug 2026 -> Sun 28 Feb 2027"),
    ("1", "2026-10-05", [], None, "year 1: none"),
], ids=reason)
def test_a_child_under_five_has_a_six_monthly_review_target_from_guidance(calendar, year_group, issued, events,
                                                                          target, reason):
    plan = a_plan(issued, year_group=year_group, year_group_year=2026)
    timeline = timeline_of(calendar, plan, events, "2027-01-12")
    if target is None:
        assert timeline.targets == ()
        return
    (under_five,) = timeline.targets
    assert under_five.target == D(target)
    assert "guidance" in under_five.basis and "not statutory" in under_five.basis
    assert D(target) not in {deadline.statutory for deadline in timeline.pending}


def test_the_under_five_target_ends_when_the_child_reaches_year_1(calendar):
    plan = a_plan("2026-10-05", year_group="R", year_group_year=2026)
    assert len(timeline_of(calendar, plan, [], "2027-08-31").targets) == 1
    assert timeline_of(calendar, plan, [], "2027-09-01").targets == ()


def test_a_review_dated_beyond_the_years_the_bank_holiday_data_covers_says_so():
    """As a request's timeline does: the last working days of a later year may miss a one-off bank holiday."""
    from config.calendar import england_calendar
    from domain.plan_review import ReviewRecord, review_view

    view = review_view(ReviewRecord(1, date(2027, 6, 1)), england_calendar(2027), date(2027, 6, 1), True, None)
    assert view.warnings == ("bank holidays for 2028 may be incomplete: the calendar's data covers 2014-2027",)

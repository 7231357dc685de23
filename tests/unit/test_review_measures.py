"""The measures of plans in force for a period (domain/review_measures.py) against hand-worked tables of dates.

A review is due on the last day of the 12-month period starting with the plan's issue (or last review) date
(CFA 2014 s44(1); 29 February's period ends on 28 February); the decision within 4 weeks of the meeting
(meeting + 28 days, Reg 20(10)); the amended plan within 8 weeks of the proposals (+ 56 days, Reg 22(3)); a
phase transfer before 15 February (last day 14 February, Reg 18(1)(b)) or 31 March (Reg 18(1)(a)) of the
calendar year of transfer. A period includes its first and last day.
"""

from __future__ import annotations

from datetime import date

import pytest

from config.calendar import england_calendar
from domain.plan_events import AmendedPlanIssued, MeetingHeld, PlanCeased, ProposalsSent, ReviewDecision
from domain.plan_review import PlanInForce, ReviewSettings, plan_timeline
from domain.review_measures import (
    CohortProgress, PlanSeen, ReviewTally, WithinLimit, plans_in_force_measures, review_tally, reviews_contract,
)
from domain.timeliness import Period
from domain.year_groups import DEFAULT_TRANSFER_POINTS, TransferPoint

D = date.fromisoformat
CALENDAR = england_calendar(2027)
SETTINGS = ReviewSettings(DEFAULT_TRANSFER_POINTS)


def a_plan(issued: str, *, ref: str = "PLAN-1", year_group: str = "3", setting: str | None = "Oak Primary",
           last_review: str | None = None) -> PlanInForce:
    return PlanInForce(plan_ref=ref, issued=D(issued), last_review=D(last_review) if last_review else None,
                       year_group=year_group, year_group_year=2025, setting=setting)


def held(on: str) -> MeetingHeld:
    return MeetingHeld(on=D(on))


def decided(on: str, outcome: str = "maintain") -> ReviewDecision:
    return ReviewDecision(on=D(on), outcome=outcome)


def amended(decided_on: str, issued_on: str | None) -> list:
    """A decision to amend with its proposals on the same day (since Devon, they go together), and the amended
    plan when issued."""
    events = [decided(decided_on, "amend"), ProposalsSent(on=D(decided_on))]
    return events + ([AmendedPlanIssued(on=D(issued_on))] if issued_on else [])


def tally(plan: PlanInForce, events: list, start: str, end: str) -> ReviewTally:
    period = Period("test", D(start), D(end))
    return review_tally(plan, plan_timeline(plan, events, CALENDAR, period.end, SETTINGS), period)


def ids(rows):
    return [row[-1] for row in rows]


# --- reviews within the 12 months, counted in the period the review fell due in ----------------------------

REVIEWS = [
    # issued, meeting (None: not held), period, counted, within, overdue at the period's end
    ("2026-03-02", "2027-03-01", ("2027-01-01", "2027-12-31"), 1, 1, 0,
     "issued Mon 2 Mar 2026: due Mon 1 Mar 2027, held that day"),
    ("2026-03-02", "2027-03-02", ("2027-01-01", "2027-12-31"), 1, 0, 0, "held Tue 2 Mar 2027: a day late"),
    ("2026-03-02", None, ("2027-01-01", "2027-12-31"), 1, 0, 1, "never held: late, and overdue at the end"),
    ("2024-02-29", "2025-02-28", ("2025-01-01", "2025-12-31"), 1, 1, 0,
     "issued 29 Feb 2024: the period ends Fri 28 Feb 2025, held that day"),
    ("2024-02-29", "2025-03-01", ("2025-01-01", "2025-12-31"), 1, 0, 0, "issued 29 Feb 2024, held Sat 1 Mar 2025"),
    ("2025-01-01", "2026-01-02", ("2025-01-01", "2025-12-31"), 1, 0, 0,
     "due Wed 31 Dec 2025, held Fri 2 Jan 2026: late in 2025, not yet overdue at the end of its last day"),
    ("2025-01-01", "2026-01-02", ("2026-01-01", "2026-12-31"), 0, 0, 0,
     "the same in 2026: due in 2025, so not counted; the next is due Fri 1 Jan 2027"),
    ("2025-01-01", "2025-12-15", ("2025-01-01", "2025-12-31"), 1, 1, 0, "held a fortnight before the year end"),
    ("2025-01-01", None, ("2026-01-01", "2026-12-31"), 0, 0, 1,
     "due in 2025, never held: not counted in 2026, but overdue at its end"),
    ("2026-03-02", "2027-03-01", ("2027-03-02", "2027-12-31"), 0, 0, 0, "due the day before the period: not counted"),
]


@pytest.mark.parametrize(("issued", "meeting", "period", "counted", "within", "overdue", "reason"), REVIEWS,
                         ids=ids(REVIEWS))
def test_a_review_counts_in_the_period_it_fell_due_in_and_is_within_when_held_on_or_before_review_by(
        issued, meeting, period, counted, within, overdue, reason):
    found = tally(a_plan(issued), [held(meeting)] if meeting else [], *period)

    assert (found.reviews, found.reviews_overdue) == (WithinLimit(counted, within), overdue)


def test_a_review_the_plan_ceased_before_is_not_required_but_one_it_ceased_after_was_late():
    # issued Mon 2 Mar 2026: the review is due Mon 1 Mar 2027
    ceased_before = tally(a_plan("2026-03-02"), [PlanCeased(on=D("2027-02-26"))], "2027-01-01", "2027-12-31")
    ceased_after = tally(a_plan("2026-03-02"), [PlanCeased(on=D("2027-03-05"))], "2027-01-01", "2027-12-31")

    assert (ceased_before.reviews, ceased_before.reviews_overdue, ceased_before.plans_in_force) == (
        WithinLimit(), 0, 0)
    assert (ceased_after.reviews, ceased_after.reviews_overdue, ceased_after.plans_in_force) == (
        WithinLimit(1, 0), 0, 0)


def test_a_plan_imported_with_its_last_review_is_due_a_year_from_that_review():
    plan = a_plan("2019-05-10", last_review="2026-01-12")  # due Mon 11 Jan 2027

    assert tally(plan, [], "2027-01-11", "2027-01-11").reviews == WithinLimit(1, 0)
    assert tally(plan, [], "2027-01-12", "2027-01-12").reviews_overdue == 1


def test_a_plan_issued_after_the_period_is_not_counted():
    assert tally(a_plan("2027-01-04"), [], "2026-01-01", "2026-12-31") == ReviewTally()


# --- decisions within 4 weeks of the meeting --------------------------------------------------------------

DECISIONS = [
    # meeting, decision (None: not made), period, counted, within, overdue at the period's end
    ("2026-03-02", "2026-03-30", ("2026-03-01", "2026-03-31"), 1, 1, 0, "met Mon 2 Mar, decided Mon 30 Mar: day 28"),
    ("2026-03-02", "2026-03-31", ("2026-03-01", "2026-03-31"), 1, 0, 0, "decided Tue 31 Mar: day 29, late"),
    ("2026-03-02", None, ("2026-03-01", "2026-03-31"), 0, 0, 1, "none by 31 Mar: past day 28, overdue"),
    ("2026-03-02", None, ("2026-03-01", "2026-03-30"), 0, 0, 0, "none by day 28 itself: not yet overdue"),
    ("2026-03-02", "2026-04-01", ("2026-03-01", "2026-03-31"), 0, 0, 1,
     "decided 1 Apr, after the period: not counted in it, outstanding at its end"),
    ("2026-03-02", "2026-04-01", ("2026-04-01", "2026-04-30"), 1, 0, 0, "counted in April, when it was made"),
]


@pytest.mark.parametrize(("meeting", "decision", "period", "counted", "within", "overdue", "reason"), DECISIONS,
                         ids=ids(DECISIONS))
def test_a_decision_counts_in_the_period_it_was_made_and_is_within_4_weeks_on_or_before_meeting_plus_28_days(
        meeting, decision, period, counted, within, overdue, reason):
    events = [held(meeting)] + ([decided(decision)] if decision else [])

    found = tally(a_plan("2025-03-10"), events, *period)

    assert (found.decisions, found.decisions_overdue) == (WithinLimit(counted, within), overdue)


# --- amended plans within 8 weeks of the proposals -------------------------------------------------------

AMENDMENTS = [
    # proposals (with the decision), amended plan (None: not issued), period, counted, within, overdue
    ("2026-03-30", "2026-05-25", ("2026-05-01", "2026-05-31"), 1, 1, 0,
     "proposals Mon 30 Mar, amended Mon 25 May (a bank holiday): 8 weeks exactly"),
    ("2026-03-30", "2026-05-26", ("2026-05-01", "2026-05-31"), 1, 0, 0, "amended Tue 26 May: a day over 8 weeks"),
    ("2026-03-30", None, ("2026-05-01", "2026-05-31"), 0, 0, 1, "not amended by 31 May: outstanding past 8 weeks"),
    ("2026-03-30", None, ("2026-05-01", "2026-05-25"), 0, 0, 0, "not amended by day 56 itself: not yet overdue"),
]


@pytest.mark.parametrize(("proposals", "issued", "period", "counted", "within", "overdue", "reason"), AMENDMENTS,
                         ids=ids(AMENDMENTS))
def test_an_amended_plan_counts_when_issued_and_is_within_8_weeks_on_or_before_proposals_plus_56_days(
        proposals, issued, period, counted, within, overdue, reason):
    events = [held("2026-03-02"), *amended(proposals, issued)]

    found = tally(a_plan("2025-03-10"), events, *period)

    assert (found.amended_plans, found.amended_plans_overdue) == (WithinLimit(counted, within), overdue)
    assert found.decisions == WithinLimit()  # decided in March: not in May's count


def test_percentages_are_rounded_half_up_and_none_when_nothing_was_counted():
    assert (WithinLimit(3, 2).percentage, WithinLimit(8, 1).percentage, WithinLimit().percentage) == (
        66.7, 12.5, None)
    assert WithinLimit(3, 2).as_contract() == {"numerator": 2, "denominator": 3, "percentage": 66.7}


# --- the phase-transfer cohort, counted down by school ---------------------------------------------------

def seen(plan: PlanInForce, events: list, as_of: str) -> PlanSeen:
    timeline = plan_timeline(plan, events, CALENDAR, D(as_of), SETTINGS)
    return PlanSeen(plan, timeline, timeline)


# Year 6 in 2025/26: they move to secondary school in September 2026, and their plans must be amended before
# Sun 15 Feb 2026: the last day is Sat 14 Feb, the last working day Fri 13 Feb.
YEAR_6 = [
    (a_plan("2019-06-03", ref="DONE", year_group="6"),
     [held("2025-10-06"), *amended("2025-10-20", "2025-12-08")]),
    (a_plan("2019-06-03", ref="DECIDED", year_group="6"), [held("2025-12-01"), *amended("2025-12-15", None)]),
    (a_plan("2019-06-03", ref="NOTHING", year_group="6", setting="Ash Primary"), []),
    (a_plan("2019-06-03", ref="MET-IN-JULY", year_group="6", setting="Ash Primary"), [held("2025-07-07")]),
    (a_plan("2019-06-03", ref="NO-SCHOOL", year_group="6", setting=None), [held("2025-11-03")]),
    (a_plan("2019-06-03", ref="CEASED", year_group="6"), [PlanCeased(on=D("2025-11-14"))]),
    (a_plan("2019-06-03", ref="YEAR-5", year_group="5"), []),
]


def cohort(as_of: str, plans=YEAR_6, points=DEFAULT_TRANSFER_POINTS):
    measures = plans_in_force_measures((seen(plan, events, as_of) for plan, events in plans),
                                       Period("year", D("2025-02-10"), D(as_of)), D(as_of), points, CALENDAR)
    return {transfer.transfer.transfer: transfer for transfer in measures.cohorts}


def test_a_cohort_whose_15_february_is_a_sunday_is_counted_down_from_a_monday_to_saturday_and_friday():
    primary = cohort("2026-02-09")["primary_to_secondary"]  # Mon 9 Feb 2026

    assert (primary.transfer.transfer_year, primary.transfer.last_day, primary.transfer.last_working_day) == (
        2026, D("2026-02-14"), D("2026-02-13"))
    assert (primary.days_to_last_day, primary.days_to_last_working_day) == (5, 4)


def test_the_cohort_by_school_counts_meetings_decisions_and_plans_done_and_outstanding():
    primary = cohort("2026-02-09")["primary_to_secondary"]

    assert dict(primary.by_setting) == {
        # DONE: amended on 8 Dec; DECIDED: decided to amend, not yet amended
        "Oak Primary": CohortProgress(children=2, meeting_held=2, decision_made=2, done=1, outstanding=1),
        # NOTHING; MET-IN-JULY: a meeting before 1 September 2025 is not the transfer review
        "Ash Primary": CohortProgress(children=2, outstanding=2),
        None: CohortProgress(children=1, meeting_held=1, outstanding=1),  # NO-SCHOOL: no decision yet
    }
    assert [setting for setting, _ in primary.by_setting] == ["Ash Primary", "Oak Primary", None]
    assert primary.total == CohortProgress(children=5, meeting_held=3, decision_made=2, done=1, outstanding=4)


def test_after_the_last_day_the_outstanding_are_overdue_and_a_plan_amended_then_is_done_late():
    late = YEAR_6 + [(a_plan("2019-06-03", ref="LATE", year_group="6", setting="Elm Primary"),
                      [held("2026-01-12"), *amended("2026-01-19", "2026-02-16")])]

    primary = cohort("2026-02-17", late)["primary_to_secondary"]  # Tue 17 Feb 2026

    assert (primary.days_to_last_day, primary.days_to_last_working_day) == (-3, -4)
    assert dict(primary.by_setting)["Elm Primary"] == CohortProgress(
        children=1, meeting_held=1, decision_made=1, done=1, done_late=1)
    assert (primary.total.outstanding, primary.total.overdue) == (4, 4)


def test_every_configured_transfer_is_listed_in_year_group_order_even_with_no_children():
    middle = (TransferPoint("first_to_middle", "4", "5"), *DEFAULT_TRANSFER_POINTS)

    found = cohort("2026-02-09", points=middle)

    assert list(found) == ["early_years_to_school", "first_to_middle", "primary_to_secondary",
                           "secondary_to_post16"]
    assert found["secondary_to_post16"].transfer.last_day == D("2026-03-30")  # before Tue 31 Mar 2026
    assert found["secondary_to_post16"].by_setting == ()
    assert found["first_to_middle"].total == CohortProgress()  # YEAR-5 moved up from year 4 last September


def test_a_plan_issued_after_the_report_day_is_in_no_cohort():
    plans = [(a_plan("2026-03-02", ref="NEW", year_group="6"), [])]

    assert cohort("2026-02-09", plans)["primary_to_secondary"].by_setting == ()


def test_the_contract_gives_each_measure_with_numerator_denominator_and_percentage():
    plans = [(a_plan("2025-02-10", ref="DUE-IN-PERIOD"), [held("2026-02-09"), decided("2026-02-10")]), *YEAR_6]

    measures = plans_in_force_measures((seen(plan, events, "2026-02-10") for plan, events in plans),
                                       Period("year", D("2025-02-11"), D("2026-02-10")), D("2026-02-10"),
                                       DEFAULT_TRANSFER_POINTS, CALENDAR)
    data = reviews_contract(measures)

    assert data["period"] == {"from": "2025-02-11", "to": "2026-02-10"}
    # DUE-IN-PERIOD: due Mon 9 Feb 2026, held that day, decided the next. The year 6 plans' first reviews were due
    # on 2 Jun 2020, before the period; those held since start the next 12 months (none due yet).
    assert data["reviews_within_12_months"] == {"numerator": 1, "denominator": 1, "percentage": 100.0}
    assert data["reviews_overdue"] == 2  # NOTHING and YEAR-5 were never reviewed; CEASED is not in force
    # DUE-IN-PERIOD, DONE (20 Oct) and DECIDED (15 Dec), each within 28 days of its meeting
    assert data["decisions_within_4_weeks"] == {"numerator": 3, "denominator": 3, "percentage": 100.0}
    assert data["decisions_overdue"] == 2  # MET-IN-JULY and NO-SCHOOL: met, no decision after 28 days
    assert data["amended_plans_within_8_weeks"] == {"numerator": 1, "denominator": 1, "percentage": 100.0}  # DONE
    assert data["amended_plans_overdue"] == 1  # DECIDED: proposals 15 Dec, due Mon 9 Feb, not issued
    assert data["plans_in_force"] == 7  # all but CEASED
    primary = next(row for row in data["phase_transfers"] if row["transfer"] == "primary_to_secondary")
    assert {key: primary[key] for key in ("transfer_year", "regulation", "last_day", "last_working_day",
                                          "days_to_last_day", "days_to_last_working_day", "children")} == {
        "transfer_year": 2026, "regulation": "18(1)(b)", "last_day": "2026-02-14", "last_working_day": "2026-02-13",
        "days_to_last_day": 4, "days_to_last_working_day": 3, "children": 5}
    assert primary["by_setting"][-1] == {"setting": None, "children": 1, "meeting_held": 1, "decision_made": 0,
                                         "done": 0, "done_late": 0, "outstanding": 1, "overdue": 0}

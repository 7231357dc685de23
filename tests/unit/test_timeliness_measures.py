"""SEN2 timeliness measures (docs/RULES.md, "How SEN2 counts timeliness") against hand-computed tables.

Every expected figure below was worked out by hand: 20 weeks is 140 days
(Reg 13(2)), 6 weeks is 42 days (Reg 5(1), 8(1)), a period includes both its
first and last day, a year ends on the anniversary of receipt.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from config.policy import PACKAGED_POLICY, load_policy
from domain.casefile import fold
from domain.rag import Rag, rag_of
from domain.timeline import OPEN_STAGES, Stage, timeline_for
from domain.timeliness import (
    CLOSURE_DETECTED, AdviceDay, AdviceReturned, DecisionDay, DecisionMade, ExceptionDay, NoPlanNoticeGiven,
    NoticeDay, NoticeTally, OnTimeTally, OpenRequest, OpenTally, Period, PlanDay, PlanIssued, PlanTally,
    england_figure, exceptions_in, measures_for, notices_in, one_year_after, open_caseload, percentage, plans_in,
    report_periods, timeliness_contract, trend_weeks, view_open_request,
)
from ehc.demo.synthetic import synthetic_caseload

D = date.fromisoformat
POLICY = load_policy(PACKAGED_POLICY)  # RAG: red/amber within 3/10 working days; in draft 5/15


def ids(rows):
    return [row[-1] for row in rows]


# --- one plan: within 20 weeks, within a year ---------------------------------------------------------

PLANS = [
    # received, final issued, within 20 weeks, within a year
    ("2026-03-02", "2026-07-20", True, True, "Mon 2 Mar 2026 -> Mon 20 Jul: day 140, the last day within 20 weeks"),
    ("2026-03-02", "2026-07-21", False, True, "Mon 2 Mar 2026 -> Tue 21 Jul: day 141, late by one day"),
    ("2024-01-15", "2024-06-03", True, True, "Mon 15 Jan 2024 -> Mon 3 Jun: day 140 across 29 Feb 2024"),
    ("2024-01-15", "2024-06-04", False, True, "Mon 15 Jan 2024 -> Tue 4 Jun: day 141 across 29 Feb 2024"),
    ("2024-02-29", "2025-02-28", False, True, "received on leap day: its anniversary is Fri 28 Feb 2025, within a year"),
    ("2024-02-29", "2025-03-01", False, False, "received on leap day, issued Sat 1 Mar 2025: over a year"),
    ("2023-03-01", "2024-03-01", False, True, "1 Mar 2023 -> 1 Mar 2024 is 366 days but the anniversary: within a year"),
    ("2023-03-01", "2024-03-02", False, False, "1 Mar 2023 -> 2 Mar 2024: the day after the anniversary, over a year"),
    ("2025-06-02", "2025-06-02", True, True, "issued the day it was received (day 0)"),
]


@pytest.mark.parametrize(("received", "issued", "within_20", "within_year", "reason"), PLANS, ids=ids(PLANS))
def test_a_plan_is_within_20_weeks_on_or_before_received_plus_140_days_and_within_a_year_by_the_anniversary(
        received, issued, within_20, within_year, reason):
    plan = PlanIssued(D(received), D(issued))

    assert (plan.within_20_weeks, plan.within_a_year) == (within_20, within_year)


@pytest.mark.parametrize(("received", "anniversary"), [
    ("2026-03-02", "2027-03-02"), ("2024-02-29", "2025-02-28"), ("2023-02-28", "2024-02-28"),
    ("2027-02-28", "2028-02-28"),
], ids=["an ordinary date", "29 Feb 2024 -> 28 Feb 2025", "28 Feb 2023 -> 28 Feb 2024, not the leap day",
        "28 Feb 2027 -> 28 Feb 2028"])
def test_the_anniversary_of_a_leap_day_is_28_february(received, anniversary):
    assert one_year_after(D(received)) == D(anniversary)


DECISIONS = [
    ("2026-03-02", "2026-04-13", True, "Mon 2 Mar 2026 -> Mon 13 Apr: day 42, within 6 weeks"),
    ("2026-03-02", "2026-04-14", False, "Mon 2 Mar 2026 -> Tue 14 Apr: day 43, late"),
    ("2024-02-01", "2024-03-14", True, "Thu 1 Feb 2024 -> Thu 14 Mar: day 42 across 29 Feb"),
    ("2024-02-01", "2024-03-15", False, "Thu 1 Feb 2024 -> Fri 15 Mar: day 43 across 29 Feb"),
]


@pytest.mark.parametrize(("received", "decided", "within", "reason"), DECISIONS, ids=ids(DECISIONS))
def test_a_decision_is_within_6_weeks_on_or_before_received_plus_42_days(received, decided, within, reason):
    assert DecisionMade(D(received), D(decided)).within_6_weeks is within


def test_advice_is_within_6_weeks_of_its_request():
    assert AdviceReturned("health", "DCO-NORTH", D("2026-04-20"), D("2026-06-01")).within_6_weeks
    assert not AdviceReturned("health", "DCO-NORTH", D("2026-04-20"), D("2026-06-02")).within_6_weeks


# --- percentages ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("part", "whole", "expected"), [
    (0, 0, None), (3, 0, None), (0, 4, 0.0), (1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (1, 16, 6.3),
    (29895, 49519, 60.4), (31313, 53327, 58.7), (5, 5, 100.0),
], ids=["nothing counted: no figure", "no denominator: no figure", "none of 4", "1 of 3", "2 of 3", "1 of 8",
        "1 of 16 is 6.25: rounds half up", "SEN2 2019 excluding exceptions", "SEN2 2019 including exceptions",
        "all"])
def test_percentages_are_rounded_half_up_to_one_place_and_none_without_a_denominator(part, whole, expected):
    assert percentage(part, whole) == expected


# --- a period's plans: the SEN2 counts with and without exceptions ----------------------------------------

# received, final issued, exception applied, why it is in the table
PERIOD_PLANS = [
    ("2026-01-05", "2026-05-25", False, "Mon 5 Jan -> Mon 25 May: day 140, within; no exception"),
    ("2026-01-05", "2026-06-01", False, "Mon 5 Jan -> Mon 1 Jun: day 147, late; no exception"),
    ("2025-12-01", "2026-05-01", True, "1 Dec 2025 -> 1 May 2026: day 151, late; exception applied"),
    ("2026-01-12", "2026-05-01", True, "12 Jan -> 1 May: day 109, within; exception applied"),
    ("2025-05-01", "2026-05-01", False, "1 May 2025 -> 1 May 2026: the anniversary, over 20 weeks within a year"),
    ("2025-04-30", "2026-05-01", False, "30 Apr 2025 -> 1 May 2026: over a year"),
    ("2026-01-01", "2026-04-30", False, "issued the day before the period: not counted"),
    ("2026-01-01", "2026-06-02", False, "issued the day after the period: not counted"),
]
PERIOD = Period("May 2026 and 1 June", D("2026-05-01"), D("2026-06-01"))


def period_plans():
    return [PlanIssued(D(received), D(issued), excepted) for received, issued, excepted, _ in PERIOD_PLANS]


def test_plans_are_counted_by_issue_date_with_both_ends_of_the_period_included():
    tally = plans_in(PERIOD, [PlanDay(plan.issued, PlanTally.of([plan])) for plan in period_plans()])

    assert tally == PlanTally(
        plans=6, within_20_weeks=2, plans_excl_exceptions=4, within_20_weeks_excl_exceptions=1,
        days_to_issue=140 + 147 + 151 + 109 + 365 + 366, over_20_weeks_within_a_year=3, over_a_year=1,
    )
    assert (tally.pct_within_20_weeks, tally.pct_within_20_weeks_excl_exceptions) == (33.3, 25.0)
    assert tally.average_weeks_to_issue == 30.4  # 1278 days / (6 plans x 7) = 30.43 weeks


def test_with_no_plans_in_the_period_the_percentages_and_average_are_none_not_zero():
    tally = plans_in(Period("an empty week", D("2026-08-03"), D("2026-08-09")),
                     [PlanDay(plan.issued, PlanTally.of([plan])) for plan in period_plans()])

    assert tally == PlanTally()
    assert (tally.pct_within_20_weeks, tally.pct_within_20_weeks_excl_exceptions, tally.average_weeks_to_issue) == (
        None, None, None)


def test_when_every_plan_had_an_exception_only_the_excluding_figure_is_none():
    tally = PlanTally.of([PlanIssued(D("2026-01-12"), D("2026-05-01"), exceptions_apply=True)])

    assert (tally.pct_within_20_weeks, tally.pct_within_20_weeks_excl_exceptions) == (100.0, None)


def test_the_contract_object_has_exactly_the_agreed_keys_and_values():
    plans = PlanTally.of(plan for plan in period_plans() if plan.issued in PERIOD)
    decisions = OnTimeTally.of([DecisionMade(D("2026-03-02"), D("2026-04-13")),
                                DecisionMade(D("2026-03-02"), D("2026-04-14")),
                                DecisionMade(D("2026-03-20"), D("2026-05-01"))])

    assert timeliness_contract(PERIOD, plans, decisions, OpenTally(requests=7, overdue=2)) == {
        "from": "2026-05-01", "to": "2026-06-01",
        "plans_issued": 6, "plans_within_20_weeks": 2, "pct_within_20_weeks": 33.3,
        "plans_issued_excl_exceptions": 4, "plans_within_20_weeks_excl_exceptions": 1,
        "pct_within_20_weeks_excl_exceptions": 25.0,
        "decisions_made": 3, "decisions_within_6_weeks": 2, "pct_decisions_within_6_weeks": 66.7,
        "open_requests": 7, "open_overdue": 2,
        # added with the mediation/tribunal exclusion and the Reg 10(1) measure: none here
        "plans_excluded_mediation_tribunal": 0,
        "no_plan_notices": 0, "no_plan_notices_within_16_weeks": 0, "pct_no_plan_notices_within_16_weeks": None,
    }


# --- notices not to issue a plan (Reg 10(1)) and cases with mediation or a tribunal appeal --------------

NOTICES = [
    # received, notice given, mediation or tribunal on the case, counted, within 16 weeks
    ("2026-03-02", "2026-06-22", False, True, True, "Mon 2 Mar -> Mon 22 Jun: day 112, the last day within 16 weeks"),
    ("2026-03-02", "2026-06-23", False, True, False, "Mon 2 Mar -> Tue 23 Jun: day 113, late by one day"),
    ("2026-02-20", "2026-06-12", False, True, True, "Fri 20 Feb -> Fri 12 Jun: day 112"),
    ("2026-01-05", "2026-06-30", False, True, False, "Mon 5 Jan -> Tue 30 Jun: day 176, on the period's last day"),
    ("2026-03-09", "2026-06-01", True, False, False, "day 84, within, but the case went to mediation: left out"),
    ("2026-01-05", "2026-06-15", True, False, False, "day 161, late, but the case went to tribunal: left out"),
    ("2026-01-05", "2026-05-31", False, False, False, "given the day before the period: not counted"),
    ("2026-03-09", "2026-07-01", False, False, False, "given the day after the period: not counted"),
]
JUNE = Period("June 2026", D("2026-06-01"), D("2026-06-30"))


@pytest.mark.parametrize(("received", "given", "appealed", "counted", "within", "reason"), NOTICES,
                         ids=ids(NOTICES))
def test_a_notice_not_to_issue_is_within_16_weeks_on_or_before_day_112(received, given, appealed, counted, within,
                                                                        reason):
    notice = NoPlanNoticeGiven(D(received), D(given), mediation_tribunal=appealed)

    assert notice.within_16_weeks is (D(given) <= D(received) + timedelta(days=112))
    tally = notices_in(JUNE, [NoticeDay(notice.given, NoticeTally.of([notice]))])
    assert tally == NoticeTally(notices=int(counted), within_16_weeks=int(counted and within))


def test_notices_in_a_period_leave_out_the_cases_with_mediation_or_a_tribunal_and_give_a_percentage():
    notices = [NoPlanNoticeGiven(D(received), D(given), appealed) for received, given, appealed, *_ in NOTICES]

    tally = notices_in(JUNE, [NoticeDay(notice.given, NoticeTally.of([notice])) for notice in notices])

    assert tally == NoticeTally(notices=4, within_16_weeks=2)
    assert tally.pct_within_16_weeks == 50.0
    assert NoticeTally().pct_within_16_weeks is None


APPEALED_PLANS = [
    # received, final issued, exceptions apply, mediation or tribunal, why
    ("2026-01-05", "2026-05-25", False, False, "day 140, within: counted"),
    ("2026-01-05", "2026-06-01", False, False, "day 147, late: counted"),
    ("2026-01-12", "2026-05-01", False, True, "day 109, within, then mediation: left out"),
    ("2025-12-01", "2026-05-01", False, True, "day 151, late, then tribunal: left out"),
    ("2025-12-01", "2026-05-04", True, True, "day 154, late, exception and tribunal: left out of both counts"),
    ("2025-04-30", "2026-05-01", False, True, "366 days, over a year, mediation: not among the over-a-year"),
]


def test_a_plan_whose_case_had_mediation_or_a_tribunal_is_left_out_of_every_plan_measure_and_counted_apart():
    plans = [PlanIssued(D(received), D(issued), excepted, appealed)
             for received, issued, excepted, appealed, _ in APPEALED_PLANS]

    tally = plans_in(PERIOD, [PlanDay(plan.issued, PlanTally.of([plan])) for plan in plans])

    assert tally == PlanTally(plans=2, within_20_weeks=1, plans_excl_exceptions=2, within_20_weeks_excl_exceptions=1,
                              days_to_issue=140 + 147, over_20_weeks_within_a_year=1, over_a_year=0,
                              excluded_mediation_tribunal=4)
    assert (tally.pct_within_20_weeks, tally.pct_within_20_weeks_excl_exceptions) == (50.0, 50.0)
    assert tally.average_weeks_to_issue == 20.5  # 287 days / (2 plans x 7)


def test_a_decision_on_a_case_with_mediation_or_a_tribunal_is_not_counted():
    decisions = OnTimeTally.of([DecisionMade(D("2026-03-02"), D("2026-04-13")),  # day 42: within
                                DecisionMade(D("2026-03-02"), D("2026-04-14")),  # day 43: late
                                DecisionMade(D("2026-03-02"), D("2026-04-14"), mediation_tribunal=True),
                                DecisionMade(D("2026-03-02"), D("2026-04-13"), mediation_tribunal=True)])

    assert decisions == OnTimeTally(done=2, within_6_weeks=1)


def test_the_contract_adds_the_mediation_tribunal_exclusion_and_the_16_week_notices():
    plans = PlanTally.of(PlanIssued(D(received), D(issued), excepted, appealed)
                         for received, issued, excepted, appealed, _ in APPEALED_PLANS)
    notices = NoticeTally.of(NoPlanNoticeGiven(D(received), D(given), appealed)
                             for received, given, appealed, counted, *_ in NOTICES if counted)
    decisions = OnTimeTally.of([DecisionMade(D("2026-03-02"), D("2026-04-13"))])

    data = timeliness_contract(PERIOD, plans, decisions, OpenTally(requests=3, overdue=1), notices)

    assert {key: data[key] for key in ("plans_issued", "plans_within_20_weeks", "pct_within_20_weeks",
                                       "plans_excluded_mediation_tribunal", "no_plan_notices",
                                       "no_plan_notices_within_16_weeks", "pct_no_plan_notices_within_16_weeks",
                                       "decisions_made", "open_requests", "open_overdue")} == {
        "plans_issued": 2, "plans_within_20_weeks": 1, "pct_within_20_weeks": 50.0,
        "plans_excluded_mediation_tribunal": 4,
        "no_plan_notices": 4, "no_plan_notices_within_16_weeks": 2, "pct_no_plan_notices_within_16_weeks": 50.0,
        "decisions_made": 1, "open_requests": 3, "open_overdue": 1,
    }
    one_of_three = NoticeTally(notices=3, within_16_weeks=1)
    assert timeliness_contract(PERIOD, plans, decisions, OpenTally(), one_of_three)[
        "pct_no_plan_notices_within_16_weeks"] == 33.3


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        Period("backwards", D("2026-06-02"), D("2026-06-01"))


# --- the report's periods ------------------------------------------------------------------------------

REPORT_PERIODS = [
    ("2026-11-20", ("2026-11-14", "2026-11-20"), ("2026-01-01", "2026-11-20"), ("2025-11-21", "2026-11-20"),
     "Fri 20 Nov 2026"),
    ("2024-02-29", ("2024-02-23", "2024-02-29"), ("2024-01-01", "2024-02-29"), ("2023-03-01", "2024-02-29"),
     "Thu 29 Feb 2024: the 12 months start on 1 Mar 2023"),
    ("2025-02-28", ("2025-02-22", "2025-02-28"), ("2025-01-01", "2025-02-28"), ("2024-02-29", "2025-02-28"),
     "Fri 28 Feb 2025: the 12 months start on the leap day"),
    ("2026-01-01", ("2025-12-26", "2026-01-01"), ("2026-01-01", "2026-01-01"), ("2025-01-02", "2026-01-01"),
     "New Year's Day: the year to date is one day, the week spans two years"),
]


@pytest.mark.parametrize(("as_of", "week", "year", "rolling", "reason"), REPORT_PERIODS, ids=ids(REPORT_PERIODS))
def test_the_report_week_year_to_date_and_rolling_12_months_end_on_the_report_date(as_of, week, year, rolling,
                                                                                     reason):
    periods = report_periods(D(as_of))

    assert [(p.start.isoformat(), p.end.isoformat()) for p in periods] == [week, year, rolling]


def test_the_trend_is_26_consecutive_weeks_ending_on_the_report_date():
    weeks = trend_weeks(D("2026-11-20"))

    assert len(weeks) == 26
    assert (weeks[0].start, weeks[-1].end) == (D("2026-05-23"), D("2026-11-20"))
    assert all(later.start == earlier.end + timedelta(days=1) for earlier, later in zip(weeks, weeks[1:]))


# --- advice, exceptions, England --------------------------------------------------------------------------

def test_measures_add_advice_by_agency_and_contributor_and_exceptions_by_limb_within_the_period():
    week = Period("week", D("2026-06-01"), D("2026-06-07"))
    advice = [
        AdviceDay(D("2026-06-01"), "health", "DCO-NORTH", OnTimeTally(2, 1)),
        AdviceDay(D("2026-06-07"), "health", "DCO-SOUTH", OnTimeTally(1, 1)),
        AdviceDay(D("2026-06-03"), "education", None, OnTimeTally(4, 4)),
        AdviceDay(D("2026-05-31"), "health", "DCO-NORTH", OnTimeTally(9, 0)),  # the day before: not counted
        AdviceDay(D("2026-06-08"), "social_care", "CSC", OnTimeTally(9, 0)),  # the day after: not counted
    ]
    exceptions = [ExceptionDay(D("2026-06-02"), "10(4)(c)", 2), ExceptionDay(D("2026-06-02"), CLOSURE_DETECTED, 1),
                  ExceptionDay(D("2026-06-08"), "10(4)(d)", 5)]

    measures = measures_for(week, [], [DecisionDay(D("2026-06-07"), OnTimeTally(3, 2))], advice, exceptions)

    assert measures.advice_by_agency == {"education": OnTimeTally(4, 4), "health": OnTimeTally(3, 2)}
    assert measures.advice_by_contributor == {
        "DCO-NORTH": OnTimeTally(2, 1), "DCO-SOUTH": OnTimeTally(1, 1),
        "education (no named contributor)": OnTimeTally(4, 4)}
    assert measures.advice_by_agency["health"].pct_within_6_weeks == 66.7
    assert measures.exceptions_by_limb == {"10(4)(a)": 0, "10(4)(b)": 0, "10(4)(c)": 2, "10(4)(d)": 0,
                                           CLOSURE_DETECTED: 1}
    assert measures.decisions == OnTimeTally(3, 2)
    assert measures.plans == PlanTally()


def test_exceptions_by_limb_lists_every_reg_10_4_limb_even_when_unused():
    assert exceptions_in(PERIOD, []) == {"10(4)(a)": 0, "10(4)(b)": 0, "10(4)(c)": 0, "10(4)(d)": 0}


@pytest.mark.parametrize(("year", "expected"), [(2024, (2024, 46.4)), (2026, (2024, 46.4)), (2020, (2019, 60.4)),
                                                (2022, (2022, 49.2))],
                         ids=["2024: 46.4%", "later years compare with the latest published", "2020 had no figure",
                              "2022: the revised figure"])
def test_the_england_figure_is_the_latest_published_for_the_year(year, expected):
    figure = england_figure(year)

    assert (figure.year, figure.pct_within_20_weeks_excl_exceptions) == expected
    assert "DfE" in figure.source and "excluding exceptions" in figure.source


def test_there_is_no_england_figure_before_the_first_published():
    assert england_figure(2018) is None


# --- open requests -----------------------------------------------------------------------------------------

OPEN = [
    # received, decided to assess, draft served, representations, next advice due, as of,
    # -> stage, week, next due, next step, rag, overdue (contract)
    ("2026-03-02", None, None, None, None, "2026-04-13",
     "awaiting_decision", 7, "2026-04-13", "decision whether to assess", "red", False,
     "undecided on day 42: due today (within 3 working days: red), not overdue"),
    ("2026-03-02", None, None, None, None, "2026-04-14",
     "awaiting_decision", 7, "2026-04-13", "decision whether to assess", "red", True,
     "undecided on day 43: overdue"),
    ("2026-03-02", None, None, None, None, "2026-03-02",
     "awaiting_decision", 1, "2026-04-13", "decision whether to assess", "green", False,
     "received today: week 1"),
    ("2026-03-02", "2026-04-01", None, None, None, "2026-04-14",
     "assessment", 7, "2026-06-22", "notice not to issue a plan", "green", False,
     "assessing, no advice asked yet: the Reg 10(1) notice is next"),
    ("2026-03-02", "2026-04-01", None, None, "2026-05-13", "2026-05-01",
     "assessment", 9, "2026-05-13", "advice returned", "amber", False,
     "advice due in 12 days"),
    ("2026-03-02", "2026-04-01", "2026-07-01", None, None, "2026-07-10",
     "draft", 19, "2026-07-15", "representations on the draft close", "amber", False,
     "draft served 1 Jul: representations close 15 Jul; RAG from the final plan, Mon 20 Jul: 6 working days"),
    ("2026-02-23", "2026-03-20", "2026-06-01", None, None, "2026-06-10",
     "draft", 16, "2026-06-15", "representations on the draft close", "green", False,
     "representations close in 5 days, the final plan (13 Jul) 23 working days away: the window is the family's"),
    ("2026-03-02", "2026-04-01", "2026-07-01", "2026-07-05", None, "2026-07-10",
     "draft", 19, "2026-07-20", "final plan", "amber", False,
     "representations in: the final plan is next"),
    ("2026-03-02", "2026-04-01", "2026-07-01", None, None, "2026-07-21",
     "draft", 21, "2026-07-20", "final plan", "red", True,
     "day 141 with no final plan: overdue"),
    ("2026-03-02", "2026-04-01", None, None, "2026-05-13", "2026-07-20",
     "assessment", 21, "2026-05-13", "advice returned", "red", False,
     "day 140, advice long overdue: red, but not overdue as the contract counts"),
]


@pytest.mark.parametrize(("received", "decided", "draft", "representations", "advice_due", "as_of", "stage", "week",
                          "next_due", "step", "rag", "overdue", "reason"), OPEN, ids=ids(OPEN))
def test_an_open_request_shows_its_stage_week_next_statutory_date_and_rag(
        calendar, received, decided, draft, representations, advice_due, as_of, stage, week, next_due, step, rag,
        overdue, reason):
    def day(text):
        return D(text) if text else None

    view = view_open_request(OpenRequest("REF-1", D(received), day(decided), day(draft), day(representations),
                                         day(advice_due), "AO"), D(as_of), POLICY, calendar)

    assert (view.stage.value, view.week, view.next_due.isoformat(), view.next_step, view.rag.value, view.overdue) == (
        stage, week, next_due, step, rag, overdue)


def test_the_open_caseload_counts_by_stage_rag_week_and_owner(calendar):
    as_of = D("2026-04-14")
    caseload = open_caseload([
        OpenRequest("A", D("2026-03-02"), owner="AO"),  # day 43 undecided: red, overdue, week 7
        OpenRequest("B", D("2026-04-14"), owner="AO"),  # received today: green, week 1
        OpenRequest("C", D("2025-03-03"), D("2025-04-01"), owner=None),  # over a year: red, overdue, week 59
    ], as_of, POLICY, calendar)

    assert caseload.tally == OpenTally(requests=3, overdue=2)
    assert caseload.by_stage_and_rag[Stage.AWAITING_DECISION] == {Rag.RED: 1, Rag.AMBER: 0, Rag.GREEN: 1}
    assert caseload.by_stage_and_rag[Stage.ASSESSMENT] == {Rag.RED: 1, Rag.AMBER: 0, Rag.GREEN: 0}
    assert caseload.by_week_and_stage["7"][Stage.AWAITING_DECISION] == 1
    assert caseload.by_week_and_stage["53+"][Stage.ASSESSMENT] == 1
    assert caseload.by_owner == {"AO": {Rag.RED: 1, Rag.AMBER: 0, Rag.GREEN: 1},
                                 "unassigned": {Rag.RED: 1, Rag.AMBER: 0, Rag.GREEN: 0}}
    assert [case.reference for case in caseload.cases] == ["C", "A", "B"]  # soonest next statutory date first


@pytest.mark.parametrize("as_of", ["2026-03-16", "2026-07-31", "2026-11-20"])
def test_the_open_request_view_agrees_with_the_case_timeline(as_of, calendar, closures):
    """Stage, next statutory date and RAG from the report's flat row equal those of domain.timeline's full fold."""
    day = D(as_of)
    compared = 0
    for request, events in synthetic_caseload(400, D("2026-11-20"), weeks=60, seed=7):
        known = [event for event in events if event.on <= day]
        if not known or request.received > day:
            continue
        timeline = timeline_for(events, calendar, day, closures)
        if timeline.stage not in OPEN_STAGES:
            continue
        case = fold(known)
        pending_advice = [record.requested_on + timedelta(days=42) for record in case.advice.values()
                          if record.received_on is None]
        view = view_open_request(OpenRequest(
            request.reference, case.received, case.decision.on if case.decided_to_assess else None,
            case.draft_served, case.representations_received, min(pending_advice, default=None)), day, POLICY, calendar)
        assert (view.stage.value, view.next_due) == (timeline.stage.value, timeline.next_due.statutory), request
        assert view.rag is rag_of(timeline, POLICY, calendar), request
        compared += 1
    assert compared > 50


"""The plans-in-force report built from stored plans, on SQLite and PostgreSQL.

Plans are stored and reviewed through the plan repository (``work.plans.add`` / ``.record``) at a fixed time;
the report is as of Mon 9 Feb 2026, its rolling 12 months 10 Feb 2025 to 9 Feb 2026. Every figure is worked
out by hand beside the plan it comes from: a review is due on the day before the plan's (or last review's)
anniversary, the decision 28 days after the meeting, the amended plan 56 days after the proposals; year 6 must
have their plans amended before Sun 15 Feb 2026 (last day Sat 14 Feb, last working day Fri 13 Feb).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from config.policy import PACKAGED_POLICY, load_policy
from domain.plan_events import (
    AmendedPlanIssued, MeetingHeld, PlanCeased, PlanEventVoided, ProposalsSent, ReviewDecision,
)
from domain.plan_review import PlanInForce, ReviewSettings
from domain.review_measures import CohortProgress, WithinLimit
from domain.timeliness import Period
from domain.year_groups import DEFAULT_TRANSFER_POINTS
from reports.review_queries import review_measures
from reports.weekly import gather_weekly, render_html, write_workbook

D = date.fromisoformat
AS_OF = D("2026-02-09")
ROLLING = Period("rolling 12 months", D("2025-02-10"), AS_OF)
RECORDED = datetime(2026, 2, 9, 9, 30, tzinfo=timezone.utc)
SETTINGS = ReviewSettings(DEFAULT_TRANSFER_POINTS)


def amend(decided: str, issued: str | None = None) -> list:
    events = [ReviewDecision(on=D(decided), outcome="amend"), ProposalsSent(on=D(decided))]
    return events + ([AmendedPlanIssued(on=D(issued))] if issued else [])


# plan ref, issued, last review, year group (in 2025/26), setting, review events
PLANS = [
    # due Mon 9 Feb 2026, held and decided that day: within, within
    ("HELD-ON-DAY", "2025-02-10", None, "3", "Oak Primary",
     [MeetingHeld(on=D("2026-02-09")), ReviewDecision(on=D("2026-02-09"), outcome="maintain")]),
    # due Mon 5 Jan 2026, held Tue 6 Jan (late); decided Wed 4 Feb, day 29 (late)
    ("HELD-LATE", "2025-01-06", None, "8", "High School",
     [MeetingHeld(on=D("2026-01-06")), ReviewDecision(on=D("2026-02-04"), outcome="maintain")]),
    ("NOT-HELD", "2025-01-13", None, "4", "Oak Primary", []),  # due Mon 12 Jan 2026: late, overdue
    # due Mon 19 Jan 2026: its meeting was recorded, then voided as a mistake: late, overdue
    ("VOIDED", "2025-01-20", None, "4", None,
     [MeetingHeld(on=D("2026-01-19")),
      PlanEventVoided(on=D("2026-01-20"), sequence=1, voided_type="meeting_held", voided_on=D("2026-01-19"),
                      reason="recorded on the wrong plan")]),
    # due Mon 26 Jan 2026, but the plan ceased on 1 Dec 2025 without it: not counted, not in force
    ("CEASED", "2025-01-27", None, "10", "High School", [PlanCeased(on=D("2025-12-01"))]),
    # issued 29 Feb 2024: due Fri 28 Feb 2025 and held then; decided to amend on day 28 (Fri 28 Mar 2025),
    # amended on Fri 23 May 2025, 8 weeks to the day: within, within, within
    ("LEAP", "2024-02-29", None, "5", "Oak Primary", [MeetingHeld(on=D("2025-02-28")), *amend("2025-03-28",
                                                                                               "2025-05-23")]),
    # year 6, last reviewed 2 Jun 2025 (due 1 Jun 2026, after the period); the transfer review held Mon 6 Oct,
    # decided 20 Oct (within), amended 8 Dec (within the 8 weeks to 15 Dec): done
    ("YEAR6-DONE", "2019-06-03", "2025-06-02", "6", "Oak Primary",
     [MeetingHeld(on=D("2025-10-06")), *amend("2025-10-20", "2025-12-08")]),
    ("YEAR6-WAITING", "2019-06-03", "2025-06-02", "6", "Ash Primary", []),  # nothing yet: outstanding
]


@pytest.fixture
def stored_plans(case_database):
    with case_database.unit_of_work() as work:
        for ref, issued, last_review, group, setting, events in PLANS:
            work.plans.add(PlanInForce(plan_ref=ref, issued=D(issued), last_review=D(last_review) if last_review
                                       else None, year_group=group, year_group_year=2025, setting=setting),
                           "caseworker.alice", RECORDED, AS_OF)
            for event in events:
                work.plans.record(ref, event, "caseworker.alice", RECORDED, AS_OF)
    return case_database


def test_the_rolling_12_months_are_measured_from_the_stored_plans_review_histories(stored_plans, calendar):
    with stored_plans.read_connection() as connection:
        measures = review_measures(connection, ROLLING, AS_OF, calendar, SETTINGS)

    tally = measures.tally
    assert measures.plans_stored == 8
    assert tally.plans_in_force == 7  # all but CEASED
    # due in the period: HELD-ON-DAY, LEAP (within); HELD-LATE, NOT-HELD, VOIDED (late)
    assert (tally.reviews, tally.reviews.percentage, tally.reviews_overdue) == (WithinLimit(5, 2), 40.0, 2)
    # made in the period: HELD-ON-DAY, LEAP, YEAR6-DONE (within); HELD-LATE (day 29)
    assert (tally.decisions, tally.decisions.percentage, tally.decisions_overdue) == (WithinLimit(4, 3), 75.0, 0)
    assert (tally.amended_plans, tally.amended_plans_overdue) == (WithinLimit(2, 2), 0)  # LEAP, YEAR6-DONE


def test_the_phase_transfer_cohort_is_counted_down_by_school_from_the_stored_plans(stored_plans, calendar):
    with stored_plans.read_connection() as connection:
        measures = review_measures(connection, ROLLING, AS_OF, calendar, SETTINGS)

    cohorts = {cohort.transfer.transfer: cohort for cohort in measures.cohorts}
    primary = cohorts["primary_to_secondary"]
    assert (primary.transfer.last_day, primary.days_to_last_day, primary.days_to_last_working_day) == (
        D("2026-02-14"), 5, 4)
    assert dict(primary.by_setting) == {
        "Ash Primary": CohortProgress(children=1, outstanding=1),
        "Oak Primary": CohortProgress(children=1, meeting_held=1, decision_made=1, done=1),
    }
    assert cohorts["secondary_to_post16"].by_setting == ()  # HELD-LATE is in year 8, CEASED's plan ceased


def test_a_later_as_of_counts_the_cohort_down_from_then_and_leaves_the_period_as_it_stood(stored_plans,
                                                                                          calendar):
    with stored_plans.read_connection() as connection:
        later = review_measures(connection, ROLLING, D("2026-02-16"), calendar, SETTINGS)  # Mon 16 Feb

    primary = next(cohort for cohort in later.cohorts if cohort.transfer.transfer == "primary_to_secondary")
    assert (primary.days_to_last_day, primary.total.overdue) == (-2, 1)  # YEAR6-WAITING
    assert later.tally.reviews == WithinLimit(5, 2)


def test_the_weekly_report_gains_its_plans_in_force_section_and_sheet(stored_plans, calendar, tmp_path):
    with stored_plans.read_connection() as connection:
        report = gather_weekly(connection, AS_OF, "Example Borough Council", load_policy(PACKAGED_POLICY),
                               calendar, SETTINGS)

    html = render_html(report)
    write_workbook(report, tmp_path / "weekly.xlsx")
    section = html[html.index('id="plans-in-force"'):]
    assert "Reviews held within the 12 months (CFA s44(1))</th><td class=\"app-num\">2 of 5 (40.0%)</td>" in section
    assert "Decisions within 4 weeks of the review meeting (Reg 20(10))</th><td class=\"app-num\">3 of 4 (75.0%)" \
           in section
    assert ("Primary to secondary, transfer in September 2026: last day Sat 14 February 2026 (in 5 days), "
            "last working day Fri 13 February 2026 (in 4 days)") in section
    assert "YEAR6" not in html and "HELD-ON-DAY" not in html  # counts by school, no plan references
    sheet = {row[0]: row[1:] for row in load_workbook(tmp_path / "weekly.xlsx")["Plans in force"].iter_rows(
        values_only=True) if row and row[0]}
    assert sheet["reviews held within the 12 months"][:3] == (2, 5, 40)


def test_with_no_plan_stored_the_weekly_report_has_no_plans_in_force_section(case_database, calendar, tmp_path):
    with case_database.read_connection() as connection:
        report = gather_weekly(connection, AS_OF, "Example Borough Council", load_policy(PACKAGED_POLICY),
                               calendar, SETTINGS)

    write_workbook(report, tmp_path / "weekly.xlsx")
    assert report.plans_in_force is None
    assert 'id="plans-in-force"' not in render_html(report)
    assert "Plans in force" not in load_workbook(tmp_path / "weekly.xlsx").sheetnames

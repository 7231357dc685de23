"""`ehc report reviews --from D --to D [--as-of D] [--json]`: the plans in force's figures, on SQLite and PostgreSQL.

The plans are stored through the plan repository at a fixed time (the import of plans is another command's);
every figure is worked out by hand beside the plan. The period is the calendar year 2025; 2025/26's year 6
must have their plans amended before Sun 15 Feb 2026 (last day Sat 14 Feb, last working day Fri 13 Feb).
Bad dates are refused beside `ehc report timeliness`'s, in test_cli_report.py.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from domain.plan_events import AmendedPlanIssued, MeetingHeld, ProposalsSent, ReviewDecision
from domain.plan_review import PlanInForce

pytestmark = pytest.mark.usefixtures("store_url")

D = date.fromisoformat
RECORDED = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
PERIOD = ("--from", "2025-01-01", "--to", "2025-12-31")

# plan ref, issued, year group in 2025/26, setting, review events
PLANS = [
    # due Wed 31 Dec 2025, held Fri 2 Jan 2026: late in 2025 (not yet overdue at the end of its last day)
    ("ACROSS-YEAR-END", "2025-01-01", "9", "High School", [MeetingHeld(on=D("2026-01-02"))]),
    # due Tue 30 Sep 2025, held Mon 29 Sep; decided Mon 27 Oct (day 28) to amend, amended Mon 22 Dec (8 weeks)
    ("ON-TIME", "2024-10-01", "6", "Oak Primary",
     [MeetingHeld(on=D("2025-09-29")), ReviewDecision(on=D("2025-10-27"), outcome="amend"),
      ProposalsSent(on=D("2025-10-27")), AmendedPlanIssued(on=D("2025-12-22"))]),
    # due Thu 29 May 2025, never held: late, overdue at the end of 2025; year 6 with nothing done yet
    ("NEVER", "2024-05-30", "6", "Ash Primary", []),
]


@pytest.fixture
def plans(store_url):
    from ehc.bootstrap import bootstrap

    app = bootstrap()
    with app.unit_of_work() as work:
        for ref, issued, group, setting, events in PLANS:
            work.plans.add(PlanInForce(plan_ref=ref, issued=D(issued), last_review=None, year_group=group,
                                       year_group_year=2025, setting=setting), "caseworker.alice", RECORDED,
                           D("2026-01-05"))
            for event in events:
                work.plans.record(ref, event, "caseworker.alice", RECORDED, D("2026-01-05"))


@pytest.mark.usefixtures("plans")
def test_the_reviews_report_gives_each_measure_and_the_cohort_counted_down(ehc):
    data = ehc("report", "reviews", *PERIOD, "--as-of", "2026-02-09", "--json").json  # Mon 9 Feb 2026

    assert {key: data[key] for key in data if key != "phase_transfers"} == {
        "period": {"from": "2025-01-01", "to": "2025-12-31"},
        "as_of": "2026-02-09",
        "plans_in_force": 3,
        # due in 2025: all three; held by its day: ON-TIME
        "reviews_within_12_months": {"numerator": 1, "denominator": 3, "percentage": 33.3},
        "reviews_overdue": 1,  # NEVER; ACROSS-YEAR-END's was due on the period's last day
        "decisions_within_4_weeks": {"numerator": 1, "denominator": 1, "percentage": 100.0},
        "decisions_overdue": 0,
        "amended_plans_within_8_weeks": {"numerator": 1, "denominator": 1, "percentage": 100.0},
        "amended_plans_overdue": 0,
    }
    assert [row["transfer"] for row in data["phase_transfers"]] == [
        "early_years_to_school", "primary_to_secondary", "secondary_to_post16"]
    primary = data["phase_transfers"][1]
    assert primary == {
        "transfer": "primary_to_secondary", "transfer_year": 2026, "regulation": "18(1)(b)",
        "last_day": "2026-02-14", "last_working_day": "2026-02-13", "days_to_last_day": 5,
        "days_to_last_working_day": 4,
        "children": 2, "meeting_held": 1, "decision_made": 1, "done": 1, "done_late": 0, "outstanding": 1,
        "overdue": 0,
        "by_setting": [
            {"setting": "Ash Primary", "children": 1, "meeting_held": 0, "decision_made": 0, "done": 0,
             "done_late": 0, "outstanding": 1, "overdue": 0},
            {"setting": "Oak Primary", "children": 1, "meeting_held": 1, "decision_made": 1, "done": 1,
             "done_late": 0, "outstanding": 0, "overdue": 0},
        ],
    }


@pytest.mark.usefixtures("plans")
def test_without_as_of_the_cohort_is_counted_from_the_periods_last_day(ehc):
    data = ehc("report", "reviews", *PERIOD, "--json").json

    primary = data["phase_transfers"][1]
    assert (data["as_of"], primary["days_to_last_day"], primary["days_to_last_working_day"]) == (
        "2025-12-31", 45, 44)


@pytest.mark.usefixtures("plans")
def test_without_json_the_figures_are_printed_for_people(ehc):
    text = ehc("report", "reviews", *PERIOD, "--as-of", "2026-02-09").stdout

    assert "Plans in force from 2025-01-01 to 2025-12-31 (both days included)" in text
    assert "reviews held within the 12 months                   1 of 3  33.3%" in text
    assert ("primary_to_secondary (September 2026): last day 2026-02-14, 5 days; last working day 2026-02-13, "
            "4 days") in text
    assert "Ash Primary: 1 in the cohort, 0 met, 0 decided, 0 done (0 late), 1 outstanding, 0 overdue" in text


def test_on_an_empty_store_nothing_is_counted_and_no_percentage_is_given(ehc):
    data = ehc("report", "reviews", *PERIOD, "--json").json

    assert data["reviews_within_12_months"] == {"numerator": 0, "denominator": 0, "percentage": None}
    assert [row["children"] for row in data["phase_transfers"]] == [0, 0, 0]


@pytest.mark.usefixtures("plans")
def test_the_weekly_report_shows_the_plans_in_force_beside_the_requests(ehc, tmp_path):
    files = ehc("report", "weekly", "--as-of", "2026-02-09", "--out", str(tmp_path / "weekly"), "--json").json

    # the rolling 12 months, 10 Feb 2025 to 9 Feb 2026: the same three reviews fell due in it
    assert (files["plans_in_force"], files["pct_reviews_within_12_months_rolling_12_months"],
            files["pct_decisions_within_4_weeks_rolling_12_months"]) == (3, 33.3, 100.0)
    html = Path(files["html"]).read_text(encoding="utf-8")
    assert "Plans in force: annual reviews and phase transfers" in html
    assert "Timeliness by period" in html  # the requests' sections are still there
    assert load_workbook(files["xlsx"], read_only=True).sheetnames[-1] == "Plans in force"
    text = ehc("report", "weekly", "--as-of", "2026-02-09", "--out", str(tmp_path / "weekly")).stdout
    assert ("Plans in force 3; rolling 12 months: 33.3% of reviews held within the 12 months, 100.0% of "
            "decisions within 4 weeks") in text

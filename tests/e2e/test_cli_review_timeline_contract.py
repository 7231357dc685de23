"""The `ehc review timeline --json` contract: a review's statutory dates worked out by hand.

The rules are those of domain/review_rules.py. The review is due by the last day of the 12-month period
starting with --last: the day before the same date a year on, or 28 February for a period starting on
29 February (CFA 2014 s44(1)). Notice and advice are at least 2 weeks before the meeting (Reg 20(3), 20(4)),
the report within 2 weeks of it (20(8)), the decision within 4 weeks (20(10)), the amended plan within 8 weeks
of the proposals (22(3)). The last working day steps back over weekends and England bank holidays (2026:
Good Friday 3 Apr, Easter Monday 6 Apr, 31 Aug, Christmas Fri 25 Dec, Boxing Day observed Mon 28 Dec; 2027:
Christmas and Boxing Day observed Mon 27 and Tue 28 Dec).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.usefixtures("state_dir")

CONTRACT_KEYS = {"statutory", "last_working_day", "regulation", "status", "days_remaining"}
AFTER_A_MEETING = {"review_by", "meeting_notice_by", "advice_circulated_by", "report_by", "decision_by"}


def review_timeline(ehc, *args: str) -> dict:
    return ehc("review", "timeline", *args, "--json").json


def dates(data: dict, step: str) -> tuple[str, str]:
    return data["deadlines"][step]["statutory"], data["deadlines"][step]["last_working_day"]


REVIEW_BY = [
    # --last        review_by      last working day
    pytest.param("2024-02-29", "2025-02-28", "2025-02-28", id="plan-issued-29-february-ends-28-february"),
    pytest.param("2025-03-01", "2026-02-28", "2026-02-27", id="saturday-steps-back-to-friday"),
    pytest.param("2025-03-02", "2026-03-01", "2026-02-27", id="sunday-steps-back-to-friday"),
    pytest.param("2026-01-01", "2026-12-31", "2026-12-31", id="a-year-from-new-years-day"),
    pytest.param("2025-04-07", "2026-04-06", "2026-04-02", id="easter-monday-back-past-good-friday"),
    pytest.param("2025-12-26", "2026-12-25", "2026-12-24", id="christmas-day-2026"),
    pytest.param("2025-12-29", "2026-12-28", "2026-12-24", id="boxing-day-observed-mon-28-dec-2026"),
    pytest.param("2026-12-28", "2027-12-27", "2027-12-24", id="christmas-observed-mon-27-dec-2027"),
    pytest.param("2026-12-29", "2027-12-28", "2027-12-24", id="boxing-day-observed-tue-28-dec-2027"),
]


@pytest.mark.parametrize(("last", "statutory", "last_working_day"), REVIEW_BY)
def test_the_review_is_due_by_the_last_day_of_the_12_month_period_starting_with_last(
        ehc, last, statutory, last_working_day):
    data = review_timeline(ehc, "--last", last, "--as-of", last)

    assert data["last"] == last
    assert set(data["deadlines"]) == {"review_by"}
    assert set(data["deadlines"]["review_by"]) == CONTRACT_KEYS
    assert dates(data, "review_by") == (statutory, last_working_day)
    assert data["deadlines"]["review_by"]["regulation"] == "CFA s44(1)"


MEETINGS = [
    # --last, --meeting (held: as of that day), then (statutory, last working day) of the notice (= advice),
    # the report and the decision
    pytest.param("2025-09-01", "2026-07-21", ("2026-07-07", "2026-07-07"), ("2026-08-04", "2026-08-04"),
                 ("2026-08-18", "2026-08-18"), id="last-day-of-summer-term-dates-fall-in-the-holiday-unmoved"),
    pytest.param("2025-09-01", "2026-08-03", ("2026-07-20", "2026-07-20"), ("2026-08-17", "2026-08-17"),
                 ("2026-08-31", "2026-08-28"), id="decision-on-the-summer-bank-holiday"),
    pytest.param("2026-01-05", "2026-12-14", ("2026-11-30", "2026-11-30"), ("2026-12-28", "2026-12-24"),
                 ("2027-01-11", "2027-01-11"), id="across-the-year-end-report-on-boxing-day-observed"),
    pytest.param("2026-03-02", "2027-01-26", ("2027-01-12", "2027-01-12"), ("2027-02-09", "2027-02-09"),
                 ("2027-02-23", "2027-02-23"), id="a-tuesday-in-january"),
]


@pytest.mark.parametrize(("last", "meeting", "notice", "report", "decision"), MEETINGS)
def test_a_meeting_adds_the_notice_the_advice_the_report_and_the_decision(ehc, last, meeting, notice, report,
                                                                           decision):
    data = review_timeline(ehc, "--last", last, "--meeting", meeting, "--as-of", meeting)

    assert set(data["deadlines"]) == AFTER_A_MEETING
    assert all(set(entry) == CONTRACT_KEYS for entry in data["deadlines"].values())
    assert dates(data, "meeting_notice_by") == dates(data, "advice_circulated_by") == notice
    assert dates(data, "report_by") == report
    assert dates(data, "decision_by") == decision
    assert {step: entry["regulation"] for step, entry in data["deadlines"].items()} == {
        "review_by": "CFA s44(1)", "meeting_notice_by": "20(3)", "advice_circulated_by": "20(4)",
        "report_by": "20(8)", "decision_by": "20(10)"}


@pytest.mark.parametrize(("proposals", "statutory", "last_working_day"), [
    pytest.param("2026-08-14", "2026-10-09", "2026-10-09", id="a-friday"),
    pytest.param("2026-11-02", "2026-12-28", "2026-12-24", id="due-on-boxing-day-observed"),
])
def test_proposals_add_the_amended_plan_eight_weeks_later(ehc, proposals, statutory, last_working_day):
    data = review_timeline(ehc, "--last", "2025-09-01", "--meeting", "2026-07-21", "--proposals-sent", proposals,
                           "--as-of", proposals)

    assert set(data["deadlines"]) == AFTER_A_MEETING | {"amended_plan_by"}
    assert dates(data, "amended_plan_by") == (statutory, last_working_day)
    assert data["deadlines"]["amended_plan_by"]["regulation"] == "22(3)"
    # the decision to amend went with the proposals (R (L, M, P) v Devon CC)
    assert data["deadlines"]["decision_by"]["status"] == (
        "done_on_time" if proposals <= data["deadlines"]["decision_by"]["statutory"] else "done_late")


# The plan last reviewed 2025-12-29: review by Mon 2026-12-28. (status, days remaining) of each date as of a day.
STATUSES = [
    pytest.param([], "2026-11-30", {"review_by": ("open", 28)}, id="no-meeting-yet-28-days-left"),
    pytest.param([], "2026-12-28", {"review_by": ("open", 0)}, id="due-today"),
    pytest.param([], "2027-01-04", {"review_by": ("overdue", -7)}, id="a-week-overdue"),
    pytest.param(["--meeting", "2026-12-10"], "2026-11-30",
                 {"review_by": ("open", 28), "meeting_notice_by": ("overdue", -4),
                  "advice_circulated_by": ("overdue", -4), "report_by": ("open", 24), "decision_by": ("open", 38)},
                 id="meeting-planned-notice-already-late"),
    pytest.param(["--meeting", "2026-12-10"], "2026-12-20",
                 {"review_by": ("done_on_time", None), "meeting_notice_by": ("closed", None),
                  "advice_circulated_by": ("closed", None), "report_by": ("open", 4), "decision_by": ("open", 18)},
                 id="meeting-held-on-time"),
    pytest.param(["--meeting", "2027-01-05"], "2027-01-06",
                 {"review_by": ("done_late", None), "meeting_notice_by": ("closed", None),
                  "advice_circulated_by": ("closed", None), "report_by": ("open", 13), "decision_by": ("open", 27)},
                 id="meeting-held-late"),
    pytest.param(["--meeting", "2026-12-10"], "2027-01-08",
                 {"review_by": ("done_on_time", None), "meeting_notice_by": ("closed", None),
                  "advice_circulated_by": ("closed", None), "report_by": ("overdue", -15),
                  "decision_by": ("overdue", -1)},
                 id="report-and-decision-overdue"),
]


@pytest.mark.parametrize(("meeting", "as_of", "expected"), STATUSES)
def test_each_date_has_a_status_and_days_remaining_as_of_a_day(ehc, meeting, as_of, expected):
    data = review_timeline(ehc, "--last", "2025-12-29", *meeting, "--as-of", as_of)

    assert {step: (entry["status"], entry["days_remaining"]) for step, entry in data["deadlines"].items()} == expected
    assert data["as_of"] == as_of


def test_the_as_of_date_changes_status_but_never_the_statutory_dates(ehc):
    early = review_timeline(ehc, "--last", "2025-12-29", "--meeting", "2026-12-10", "--as-of", "2026-11-01")
    late = review_timeline(ehc, "--last", "2025-12-29", "--meeting", "2026-12-10", "--as-of", "2027-03-01")

    assert ({step: dates(early, step) for step in AFTER_A_MEETING}
            == {step: dates(late, step) for step in AFTER_A_MEETING})


def test_a_child_at_no_school_has_reg_21s_paragraphs(ehc):
    data = review_timeline(ehc, "--last", "2025-09-01", "--meeting", "2026-07-21", "--not-at-school")

    assert {step: entry["regulation"] for step, entry in data["deadlines"].items()} == {
        "review_by": "CFA s44(1)", "meeting_notice_by": "21(3)", "advice_circulated_by": "21(4)",
        "report_by": "21(7)", "decision_by": "21(8)"}


def test_dates_past_the_bank_holiday_data_say_so_in_the_warnings(ehc):
    assert review_timeline(ehc, "--last", "2026-03-02")["warnings"] == []
    assert review_timeline(ehc, "--last", "2027-06-01")["warnings"] == [
        "bank holidays for 2028 may be incomplete: the calendar's data covers 2014-2027"]


def test_the_text_table_lists_each_step_with_its_dates(ehc):
    out = ehc("review", "timeline", "--last", "2025-12-29", "--meeting", "2026-12-10", "--as-of", "2026-12-20").stdout

    lines = out.splitlines()
    assert lines[0] == "Plan issued or last reviewed 2025-12-29; meeting held 2026-12-10 - as of 2026-12-20"
    assert lines[2].split() == ["Plan", "reviewed", "(review", "meeting", "held)", "CFA", "s44(1)", "2026-12-28",
                                "2026-12-24", "done", "(done", "2026-12-10)"]
    assert lines[5].split()[-5:] == ["20(8)", "2026-12-24", "2026-12-24", "open", "4"]
    assert len({line.index("20(") for line in lines[3:7]}) == 1  # the columns line up


BAD_INPUT = [
    pytest.param(["--last", "2026-02-30"], "--last", "not a date on the calendar", id="last-no-such-day"),
    pytest.param(["--last", "01/03/2026"], "--last", "not a date", id="last-not-iso"),
    pytest.param(["--last", "2013-06-01"], "--last", "before 2014-09-01", id="last-before-ehc-plans"),
    pytest.param(["--last", "2026-03-02", "--meeting", "2026-03-02"], "--meeting", "not after --last",
                 id="meeting-on-the-day-of-last"),
    pytest.param(["--last", "2026-03-02", "--meeting", "2026-01-10"], "--meeting", "not after --last",
                 id="meeting-before-last"),
    pytest.param(["--last", "2026-03-02", "--meeting", "2027-13-01"], "--meeting", "not a date on the calendar",
                 id="meeting-month-13"),
    pytest.param(["--last", "2026-03-02", "--meeting", "2027-01-10", "--proposals-sent", "2027-01-09"],
                 "--proposals-sent", "before the review meeting", id="proposals-before-the-meeting"),
    pytest.param(["--last", "2026-03-02", "--proposals-sent", "2027-01-09"], "--proposals-sent", "give --meeting",
                 id="proposals-without-a-meeting"),
    pytest.param(["--last", "2026-03-02", "--as-of", "tomorrow"], "--as-of", "not a date", id="as-of-not-a-date"),
]


@pytest.mark.parametrize(("args", "option", "problem"), BAD_INPUT)
def test_bad_input_exits_2_naming_the_option(ehc, args, option, problem):
    refused = ehc("review", "timeline", *args, "--json", expect=2)

    assert refused.json["error"].startswith(f"{option}: ")
    assert problem in refused.json["error"]
    assert refused.stderr == f"error: {refused.json['error']}\n"


def test_it_stores_nothing_and_starts_without_the_store_or_prefect(tmp_path):
    script = ("import sys\nfrom ehc.cli import app\n"
              "for args in (['review', 'timeline', '--last', '2026-03-02', '--meeting', '2027-01-10', '--json'],\n"
              "             ['phase-transfer', '--year-group', '6', '--json']):\n"
              "    try:\n        app(args)\n    except SystemExit as done:\n        assert not done.code, done.code\n"
              "print(sorted(m for m in ('sqlalchemy', 'prefect', 'store.plans') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "EHC_STATE_DIR": str(tmp_path / "state"),
                               "PYTHONPATH": ":".join(sys.path)})

    assert done.returncode == 0, done.stderr
    *printed, loaded = done.stdout.splitlines()
    assert loaded == "[]"
    timeline, end = json.JSONDecoder().raw_decode("\n".join(printed))
    transfer = json.loads("\n".join(printed)[end:])
    assert (set(timeline["deadlines"]), transfer["transfer"]) == (AFTER_A_MEETING, "primary_to_secondary")

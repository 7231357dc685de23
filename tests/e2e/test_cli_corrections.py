"""Putting casework right through the `ehc` CLI (SQLite and PostgreSQL): voids, reassignments, dates after
today refused, "as of" views that ignore later events, and the statutory order (a draft before a final plan).

Today is Mon 30 Nov 2026 in London (the App's clock is stopped there). The usual request is received
Mon 2 Mar 2026: decision due Mon 13 Apr, no-plan notice Mon 22 Jun, final plan Mon 20 Jul 2026.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from tests.fakes import FixedClock

on_each_database = pytest.mark.usefixtures("store_url")

REF = "EHC/2026/101"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def today_is_30_november(monkeypatch):
    monkeypatch.setattr("ehc.bootstrap.SystemClock", lambda: FixedClock(NOW))
    monkeypatch.setattr("ehc.cli.common.today_in_london", lambda: date(2026, 11, 30))


def record(ehc, event: str, on: str, *extra: str, ref: str = REF, expect: int = 0):
    return ehc("case", "record", ref, event, "--date", on, *extra, "--json", expect=expect)


def show(ehc, ref: str = REF, *as_of: str) -> dict:
    return ehc("case", "show", ref, *(("--as-of", as_of[0]) if as_of else ()), "--json").json


def listed(ehc, *args: str) -> list[str]:
    return [row["case_ref"] for row in ehc("cases", *args, "--json").json["cases"]]


# -- a mistake put right ------------------------------------------------------------------------------


@on_each_database
def test_a_mistyped_decision_is_voided_and_the_real_decision_is_then_recorded(ehc, sql):
    ehc("request", "add", REF, "--received", "2026-03-02")
    record(ehc, "decision", "2026-11-05", "--outcome", "assess")         # meant 2026-04-10
    refused = record(ehc, "decision", "2026-04-10", "--outcome", "assess", expect=2)
    assert "a decision was already recorded" in refused.json["error"]

    voided = ehc("case", "void", REF, "--event", "2", "--reason", "year and month mistyped", "--json").json
    assert voided["stage"] == "awaiting_decision"
    record(ehc, "decision", "2026-04-10", "--outcome", "assess")

    case = show(ehc, REF, "2026-11-30")
    assert case["timeline"]["deadlines"]["decision_to_assess"]["done_on"] == "2026-04-10"
    assert [(e["sequence"], e["type"], e["date"], e.get("voided_by")) for e in case["events"]] == [
        (1, "received",     "2026-03-02", None),
        (2, "decision",     "2026-11-05", 3),
        (3, "event_voided", "2026-11-30", None),
        (4, "decision",     "2026-04-10", None),
    ]
    assert case["events"][2]["details"] == {"sequence": 2, "voided_type": "decision", "voided_on": "2026-11-05",
                                            "reason": "year and month mistyped"}
    assert case["events"][2]["actor"] == "caseworker.alice"
    text = ehc("case", "show", REF).stdout
    assert "#2 2026-11-05 decision {'outcome': 'assess'} by caseworker.alice" in text
    assert "[voided by #3]" in text
    assert "VOID of #2 (decision on 2026-11-05): year and month mistyped" in text
    with sql.connect() as connection:  # the voided row is still there, unchanged
        from sqlalchemy import text as sql_text
        rows = connection.execute(sql_text("SELECT sequence, type, event_date FROM case_events ORDER BY sequence"))
        assert [(row[0], row[1], str(row[2])) for row in rows][:2] == [(1, "received", "2026-03-02"),
                                                                     (2, "decision", "2026-11-05")]


VOID_REFUSED = [
    # event   why it is refused
    ("3",     "#3 event voided on 2026-11-30 is itself a correction and cannot be voided"),
    ("2",     "#2 decision on 2026-04-10 was already voided by #3"),
    ("1",     "the receipt (#1 received on 2026-03-02) cannot be voided while later events stand"),
    ("9",     "--event: EHC/2026/101 has no event #9"),
]


@on_each_database
@pytest.mark.parametrize("event, why", VOID_REFUSED)
def test_a_void_that_cannot_be_is_refused_with_the_reason_and_nothing_is_written(ehc, event, why):
    ehc("request", "add", REF, "--received", "2026-03-02")
    record(ehc, "decision", "2026-04-10", "--outcome", "assess")
    ehc("case", "void", REF, "--event", "2", "--reason", "wrong case")
    record(ehc, "decision", "2026-04-13", "--outcome", "assess")
    record(ehc, "draft-served", "2026-06-15")

    refused = ehc("case", "void", REF, "--event", event, "--reason", "again", "--json", expect=2)
    assert why in refused.json["error"]
    assert len(show(ehc)["events"]) == 5


@on_each_database
def test_voiding_a_decision_that_later_steps_rest_on_is_refused_naming_the_step(ehc):
    ehc("request", "add", REF, "--received", "2026-03-02")
    record(ehc, "decision", "2026-04-10", "--outcome", "assess")
    record(ehc, "draft-served", "2026-06-15")
    refused = ehc("case", "void", REF, "--event", "2", "--reason", "x", "--json", expect=2)
    assert refused.json["error"] == ("voiding #2 decision on 2026-04-10 would leave an impossible history: "
                                     "draft served on 2026-06-15 needs a decision to assess first")


@on_each_database
def test_a_case_is_reassigned_to_another_caseworker_team_and_setting_as_an_audited_event(ehc):
    ehc("request", "add", REF, "--received", "2026-03-02", "--caseworker", "A Okafor", "--team", "North")
    done = ehc("case", "reassign", REF, "--caseworker", "B Singh", "--setting", "URN-100002", "--json").json
    assert (done["caseworker"], done["team"], done["setting"]) == ("B Singh", "North", "URN-100002")

    case = show(ehc)
    assert (case["caseworker"], case["team"], case["setting"]) == ("B Singh", "North", "URN-100002")
    assert case["events"][-1]["type"] == "case_reassigned"
    assert case["events"][-1]["details"] == {"caseworker": "B Singh", "setting": "URN-100002"}
    assert listed(ehc, "--caseworker", "B Singh") == [REF]
    assert listed(ehc, "--caseworker", "A Okafor") == []
    assert "reassigned to caseworker B Singh, setting URN-100002 by caseworker.alice" in ehc(
        "case", "show", REF).stdout


@on_each_database
def test_a_reassignment_needs_at_least_one_option(ehc):
    ehc("request", "add", REF, "--received", "2026-03-02")
    refused = ehc("case", "reassign", REF, "--json", expect=2)
    assert refused.json["error"] == "give at least one of --caseworker, --team, --setting"


# -- dates after "as of" ------------------------------------------------------------------------------


@on_each_database
def test_events_dated_after_today_are_refused_naming_the_date(ehc):
    refused = ehc("request", "add", REF, "--received", "2026-12-01", "--json", expect=2)
    assert refused.json["error"] == "--received: 2026-12-01 is after today, 2026-11-30"
    ehc("request", "add", REF, "--received", "2026-11-02")
    refused = record(ehc, "decision", "2026-12-05", "--outcome", "assess", expect=2)
    assert refused.json["error"] == "--date: 2026-12-05 is after today, 2026-11-30"
    assert [e["type"] for e in show(ehc)["events"]] == ["received"]
    record(ehc, "decision", "2026-11-30", "--outcome", "assess")  # today itself is fine


@on_each_database
def test_an_import_with_dates_after_today_names_every_such_cell_by_line(ehc, tmp_path: Path):
    path = tmp_path / "caseload.csv"
    path.write_text("case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception,draft_served\n"
                    "EHC-1,2026-03-02,assess,2026-04-10,,,,\n"
                    "EHC-2,2026-03-02,assess,2026-12-05,2027-01-04,,,2026-12-20\n"
                    "EHC-3,2026-12-01,,,,,,\n")
    refused = ehc("import", "caseload", str(path), "--no-hand-over", "--json", expect=2).json["error"]
    assert ("line 3: decision_date: 2026-12-05 is after today, 2026-11-30; draft_served: 2026-12-20 is after "
            "today, 2026-11-30; final_issued: 2027-01-04 is after today, 2026-11-30") in refused
    assert "line 4: received: 2026-12-01 is after today, 2026-11-30" in refused
    assert listed(ehc, "--all") == []


@on_each_database
def test_cases_as_of_a_day_list_what_was_open_that_day_and_not_what_came_later(ehc):
    """EHC-A: received Mon 12 Jan, final plan due Mon 1 Jun, issued Tue 30 Jun: open (draft) and overdue on
    Mon 29 Jun. EHC-B: received Mon 12 Oct, so not yet a case on 29 Jun."""
    ehc("request", "add", "EHC-A", "--received", "2026-01-12")
    record(ehc, "decision", "2026-02-20", "--outcome", "assess", ref="EHC-A")
    record(ehc, "draft-served", "2026-05-11", ref="EHC-A")
    record(ehc, "final-issued", "2026-06-30", ref="EHC-A")
    ehc("request", "add", "EHC-B", "--received", "2026-10-12")

    assert listed(ehc, "--as-of", "2026-06-29") == ["EHC-A"]
    assert listed(ehc, "--as-of", "2026-06-29", "--overdue") == ["EHC-A"]
    assert listed(ehc, "--as-of", "2026-06-29", "--stage", "draft") == ["EHC-A"]
    assert listed(ehc, "--as-of", "2026-06-29", "--stage", "issued") == []
    assert listed(ehc) == ["EHC-B"]
    on_29_june = show(ehc, "EHC-A", "2026-06-29")["timeline"]
    assert (on_29_june["stage"], on_29_june["deadlines"]["final_plan"]["status"]) == ("draft", "overdue")


# -- the calculator -----------------------------------------------------------------------------------


TIMELINE_REFUSED = [
    (("--received", "2026-03-02", "--advice-requested", "2026-02-27"),
     "--advice-requested: advice requested on 2026-02-27 is before the request was received on 2026-03-02"),
    (("--received", "2026-03-02", "--draft-served", "2026-03-01"),
     "--draft-served: draft served on 2026-03-01 is before the request was received on 2026-03-02"),
    (("--received", "2014-08-29"),
     "--received: 2014-08-29 is before 2014-09-01, when EHC needs assessments began"),
]


@pytest.mark.parametrize("options, why", TIMELINE_REFUSED)
def test_the_calculator_refuses_dates_out_of_order_naming_the_option(ehc, state_dir, options, why):
    refused = ehc("timeline", *options, "--json", expect=2)
    assert refused.json["error"].startswith(why)


def test_the_calculator_takes_future_dates_and_as_of_earlier_shows_the_draft_not_yet_served(ehc, state_dir):
    future = ehc("timeline", "--received", "2027-03-01", "--draft-served", "2027-06-14", "--json").json
    assert future["deadlines"]["representations_close"]["statutory"] == "2027-06-28"
    earlier = ehc("timeline", "--received", "2026-03-02", "--draft-served", "2026-12-14",
                  "--as-of", "2026-11-30", "--json").json
    assert "representations_close" not in earlier["deadlines"]
    assert (earlier["stage"], earlier["deadlines"]["no_plan_notice"]["status"]) == ("awaiting_decision", "overdue")


# -- the statutory order ------------------------------------------------------------------------------


@on_each_database
def test_a_final_plan_with_no_draft_served_is_refused_naming_reg_13(ehc):
    ehc("request", "add", REF, "--received", "2026-03-02")
    record(ehc, "decision", "2026-04-10", "--outcome", "assess")
    refused = record(ehc, "final-issued", "2026-07-17", expect=2)
    assert refused.json["error"] == ("final plan on 2026-07-17 needs a draft plan served first (Reg 13): "
                                     "record draft-served before final-issued")
    assert show(ehc)["timeline"]["stage"] == "assessment"


@on_each_database
def test_a_legacy_caseload_with_a_final_plan_and_no_draft_column_imports_and_says_draft_date_not_recorded(
        ehc, tmp_path: Path):
    path = tmp_path / "legacy.csv"
    path.write_text("case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception\n"
                    "EHC-L1,2026-03-02,assess,2026-04-10,2026-07-17,,\n")
    ehc("import", "caseload", str(path), "--no-hand-over")

    case = show(ehc, "EHC-L1", "2026-11-30")
    assert case["timeline"]["stage"] == "issued"
    assert "representations_close" not in case["timeline"]["deadlines"]
    assert case["timeline"]["warnings"] == [
        "draft date not recorded: the final plan was issued on 2026-07-17 and no draft served is recorded "
        "(a caseload imported without draft dates)"]
    assert "draft date not recorded" in ehc("case", "show", "EHC-L1").stdout

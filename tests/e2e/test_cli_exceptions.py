"""Exceptions through the `ehc` CLI (SQLite and PostgreSQL): which qualify, which steps each excuses, and how
the SEN2 counts follow.

The usual case is received Mon 2 Mar 2026 and decided Fri 10 Apr: the notice not to issue is due Mon 22 Jun
and the final plan Mon 20 Jul 2026. An absence from the area (10(4)(d)) must last 4 weeks, 28 days with both
ends counted.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.usefixtures("store_url")

REF = "EHC-EXC-1"
ONE_DAY = ("exception 10(4)(d) lasted 1 day (2026-03-10 to 2026-03-10): an absence must last at least 4 weeks "
           "(28 days) to qualify, so it excuses nothing")


def record(ehc, ref: str, event: str, on: str, *extra: str, expect: int = 0):
    return ehc("case", "record", ref, event, "--date", on, *extra, "--json", expect=expect)


def decided_case(ehc, ref: str = REF, *extra: str) -> None:
    ehc("request", "add", ref, "--received", "2026-03-02", *extra, "--json")
    record(ehc, ref, "decision", "2026-04-10", "--outcome", "assess")


def show(ehc, ref: str = REF, as_of: str = "2026-08-31") -> dict:
    return ehc("case", "show", ref, "--as-of", as_of, "--json").json


def test_a_one_day_absence_is_recorded_with_a_warning_and_shown_as_not_qualifying(ehc):
    decided_case(ehc)
    record(ehc, REF, "exception-started", "2026-03-10", "--limb", "10(4)(d)", "--evidence", "family abroad")

    ended = record(ehc, REF, "exception-ended", "2026-03-10", "--limb", "10(4)(d)").json
    case = show(ehc)
    shown = ehc("case", "show", REF, "--as-of", "2026-08-31").stdout

    assert ended["warnings"] == [ONE_DAY]
    assert ended["exceptions_apply"] is False
    (absence,) = case["timeline"]["exceptions"]
    assert (absence["end"], absence["qualifies"], absence["not_qualifying_because"], absence["steps"]) == (
        "2026-03-10", False, ONE_DAY, [])
    assert case["timeline"]["exceptions_apply"] is False
    assert case["timeline"]["non_statutory_adjusted_targets"] == {}
    assert f"Exception 10(4)(d) from 2026-03-10 to 2026-03-10 (recorded): does not qualify - {ONE_DAY}" in shown


def test_the_warning_is_printed_for_people_too(ehc):
    decided_case(ehc)
    record(ehc, REF, "exception-started", "2026-03-10", "--limb", "10(4)(d)")

    out = ehc("case", "record", REF, "exception-ended", "--date", "2026-03-10", "--limb", "10(4)(d)").stdout

    assert f"Warning: {ONE_DAY}" in out.splitlines()


def test_record_output_has_an_empty_warnings_list_when_all_is_well(ehc):
    decided_case(ehc)
    record(ehc, REF, "exception-started", "2026-03-10", "--limb", "10(4)(d)")

    assert record(ehc, REF, "exception-ended", "2026-04-06", "--limb", "10(4)(d)").json["warnings"] == []


EXCUSED = [
    ("2026-05-01", "2026-05-14", ["no_plan_notice", "final_plan"], "covers: no plan notice, final plan",
     "Fri 1 May to Thu 14 May: the notice's and the final plan's periods"),
    ("2026-06-23", "2026-07-06", ["final_plan"], "covers: final plan", "from Tue 23 Jun, after the notice's date"),
    ("2026-08-10", "2026-08-23", [], "covers: no step", "from Mon 10 Aug, after the final plan's date of 20 Jul"),
]


@pytest.mark.parametrize(("first", "last", "steps", "covers", "reason"), EXCUSED, ids=[row[-1] for row in EXCUSED])
def test_case_show_says_which_steps_each_exception_excuses(ehc, first, last, steps, covers, reason):
    decided_case(ehc)
    record(ehc, REF, "exception-started", first, "--limb", "10(4)(c)", "--evidence", "hospital stay")
    record(ehc, REF, "exception-ended", last, "--limb", "10(4)(c)")

    timeline = show(ehc)["timeline"]
    shown = ehc("case", "show", REF, "--as-of", "2026-08-31").stdout

    (exception,) = timeline["exceptions"]
    assert exception["steps"] == steps
    assert list(timeline["non_statutory_adjusted_targets"]) == steps
    assert timeline["exceptions_apply"] is bool(steps)
    assert f"Exception 10(4)(c) from {first} to {last} (recorded): {covers}" in shown


# Eight plans issued in May 2026, five within 20 weeks (received + 140 days).
HEADER = "case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception"
PLANS = [
    "P1,2026-01-05,assess,2026-02-10,2026-05-25,,",  # day 140: within
    "P2,2026-01-05,assess,2026-02-10,2026-05-04,,",  # day 119: within
    "P3,2026-01-12,assess,2026-02-16,2026-05-11,,",  # day 119: within
    "P4,2026-02-02,assess,2026-03-10,2026-05-29,,",  # day 116: within
    "P5,2026-01-19,assess,2026-02-20,2026-05-18,,",  # day 119: within
    "P6,2025-12-01,assess,2026-01-09,2026-05-05,,",  # day 155: late
    "P7,2025-12-08,assess,2026-01-16,2026-05-12,,",  # day 155: late
    "P8,2025-12-15,assess,2026-01-23,2026-05-19,,",  # day 155: late
]


def timeliness(ehc) -> tuple[int, int, int, int]:
    data = ehc("report", "timeliness", "--from", "2026-05-01", "--to", "2026-05-31", "--json").json
    return (data["plans_within_20_weeks"], data["plans_issued"],
            data["plans_within_20_weeks_excl_exceptions"], data["plans_issued_excl_exceptions"])


@pytest.fixture
def eight_plans(ehc, tmp_path, store_url):
    path = tmp_path / "caseload.csv"
    path.write_text("\n".join([HEADER, *PLANS]) + "\n", encoding="utf-8")
    ehc("import", "caseload", str(path))


@pytest.mark.usefixtures("eight_plans")
def test_a_one_day_absence_leaves_the_sen2_count_excluding_exceptions_at_5_of_8(ehc, sql):
    record(ehc, "P2", "exception-started", "2026-03-10", "--limb", "10(4)(d)")
    record(ehc, "P2", "exception-ended", "2026-03-10", "--limb", "10(4)(d)")

    assert timeliness(ehc) == (5, 8, 5, 8)
    with sql.connect() as connection:
        flag = connection.execute(text("SELECT exceptions_apply FROM cases WHERE reference = 'P2'")).scalar_one()
    assert bool(flag) is False


@pytest.mark.usefixtures("eight_plans")
def test_a_four_week_absence_takes_its_plan_out_of_the_count_excluding_exceptions(ehc):
    record(ehc, "P2", "exception-started", "2026-03-10", "--limb", "10(4)(d)")
    record(ehc, "P2", "exception-ended", "2026-04-06", "--limb", "10(4)(d)")

    assert timeliness(ehc) == (5, 8, 4, 7)


def test_advice_asked_of_a_school_contributor_without_an_agency_finds_the_summer_closure(ehc):
    # The LA's summer 2026: closed Wed 22 Jul, back Wed 2 Sep; its window is Wed 15 Jul to Wed 26 Aug.
    ehc("contributors", "add", "SCH1", "--name", "Oakfield Primary SENCo", "--agency", "education")
    decided_case(ehc, REF, "--setting", "URN-100001")

    record(ehc, REF, "advice-requested", "2026-07-20", "--contributor", "SCH1")

    timeline = show(ehc)["timeline"]
    assert [(a["key"], a["agency"]) for a in timeline["advice"]] == [("SCH1", "education")]
    assert [(e["limb"], e["start"], e["end"], e["steps"]) for e in timeline["exceptions"]] == [
        ("10(4)(a)", "2026-07-15", "2026-08-26", ["final_plan"])]
    assert timeline["exceptions_apply"] is True


def test_an_agency_that_contradicts_the_contributors_is_refused_naming_both(ehc, dump_tables):
    ehc("contributors", "add", "SCH1", "--name", "Oakfield Primary SENCo", "--agency", "education")
    decided_case(ehc)
    before = dump_tables()

    ran = record(ehc, REF, "advice-requested", "2026-04-13", "--contributor", "SCH1", "--agency", "health", expect=2)

    assert ran.json["error"] == ("--agency: health contradicts the agency of contributor SCH1, education "
                                 "(in the contributor directory)")
    assert dump_tables() == before


REFUSED_ENDS = [
    (["exception-started", "2026-05-10", "--limb", "10(4)(d)"], ["exception-ended", "2026-05-05", "--limb", "10(4)(d)"],
     "exception 10(4)(d) cannot end on 2026-05-05: that is before it started on 2026-05-10", "end before the start"),
    (["exception-started", "2026-05-05", "--limb", "8(2)(c)", "--advice", "health"],
     ["exception-ended", "2026-05-20", "--limb", "8(2)(c)"],
     "exception 8(2)(c) is open for advice request health: name the one it ends for with --advice KEY",
     "8(2)(c) ended without --advice"),
]


@pytest.mark.parametrize(("start", "end", "message", "reason"), REFUSED_ENDS, ids=[row[-1] for row in REFUSED_ENDS])
def test_an_exception_end_that_ends_nothing_is_refused_naming_the_conflict(ehc, dump_tables, start, end, message,
                                                                           reason):
    decided_case(ehc)
    record(ehc, REF, "advice-requested", "2026-04-13", "--agency", "health")
    record(ehc, REF, start[0], start[1], *start[2:])
    before = dump_tables()

    ran = record(ehc, REF, end[0], end[1], *end[2:], expect=2)

    assert ran.json["error"] == message
    assert dump_tables() == before

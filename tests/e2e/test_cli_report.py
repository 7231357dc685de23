"""`ehc report timeliness --json` (the stable contract) and `ehc report weekly`, on SQLite and PostgreSQL.

The caseload is imported through `ehc import caseload`; every expected figure is worked out by hand in the
comments beside the rows (20 weeks = received + 140 days, 6 weeks = received + 42 days, both period ends
included).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.usefixtures("store_url")

HEADER = ("case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception,caseworker,"
          "child_given_name,child_family_name,withdrawn")
# The period is Fri 1 May to Mon 1 Jun 2026.
CASELOAD = [
    "ON-DAY-140,2026-01-05,assess,2026-02-10,2026-05-25,,,A Okafor,Ada,Lovelace,",  # day 140: within
    "DAY-147,2026-01-05,assess,2026-02-16,2026-06-01,,,A Okafor,Alan,Turing,",  # day 147, on the last day: late
    "EXC-LATE,2025-12-01,assess,2026-01-05,2026-05-01,,10(4)(c),B Hughes,Grace,Hopper,",  # day 151, excepted
    "EXC-WITHIN,2026-01-12,assess,2026-02-20,2026-05-01,,10(4)(d),B Hughes,Edsger,Dijkstra,",  # day 109, excepted
    "ON-FIRST-DAY,2026-03-02,assess,2026-04-01,2026-05-01,,,B Hughes,Barbara,Liskov,",  # day 60, first day: within
    "BEFORE,2026-01-01,assess,2026-02-01,2026-04-30,,,C Patel,Tim,Berners-Lee,",  # the day before: not counted
    "AFTER,2026-01-01,assess,2026-02-01,2026-06-02,,,C Patel,Donald,Knuth,",  # the day after; open, past 140 days
    "DEC-42,2026-03-20,assess,2026-05-01,,,,C Patel,Frances,Allen,",  # decided on day 42; open, not overdue
    "DEC-43-NOT,2026-03-19,not_assess,2026-05-01,,,,C Patel,Ken,Thompson,",  # decided on day 43; closed
    "UNDECIDED-43,2026-04-19,,,,,,A Okafor,Radia,Perlman,",  # undecided on day 43 at the end of 1 Jun: overdue
    "UNDECIDED-42,2026-04-20,,,,,,A Okafor,Katherine,Johnson,",  # undecided on day 42: open, not overdue
    "WITHDRAWN,2026-04-01,,,,,,A Okafor,Dennis,Ritchie,2026-05-15",  # closed
    "RECEIVED-AFTER,2026-06-02,,,,,,A Okafor,Linus,Torvalds,",  # not yet received
]
CHILD_NAMES = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Perlman", "Ada", "Grace")


@pytest.fixture
def caseload(ehc, tmp_path, store_url):
    path = tmp_path / "caseload.csv"
    path.write_text("\n".join([HEADER, *CASELOAD]) + "\n", encoding="utf-8")
    ehc("import", "caseload", str(path))


@pytest.mark.usefixtures("caseload")
def test_the_timeliness_contract_counts_plans_decisions_and_open_requests_as_sen2_does(ehc):
    ran = ehc("report", "timeliness", "--from", "2026-05-01", "--to", "2026-06-01", "--json")

    assert ran.json == {
        "from": "2026-05-01", "to": "2026-06-01",
        # ON-DAY-140, DAY-147, EXC-LATE, EXC-WITHIN, ON-FIRST-DAY; within: ON-DAY-140, EXC-WITHIN, ON-FIRST-DAY
        "plans_issued": 5, "plans_within_20_weeks": 3, "pct_within_20_weeks": 60.0,
        # without EXC-LATE and EXC-WITHIN: 2 of ON-DAY-140, DAY-147, ON-FIRST-DAY
        "plans_issued_excl_exceptions": 3, "plans_within_20_weeks_excl_exceptions": 2,
        "pct_within_20_weeks_excl_exceptions": 66.7,
        # DEC-42 (day 42) and DEC-43-NOT (day 43), both on 1 May
        "decisions_made": 2, "decisions_within_6_weeks": 1, "pct_decisions_within_6_weeks": 50.0,
        # AFTER (overdue), DEC-42, UNDECIDED-43 (overdue), UNDECIDED-42
        "open_requests": 4, "open_overdue": 2,
    }


@pytest.mark.usefixtures("caseload")
def test_a_period_with_nothing_issued_or_decided_has_null_percentages(ehc):
    ran = ehc("report", "timeliness", "--from", "2027-01-04", "--to", "2027-01-04", "--json")

    assert ran.json == {
        "from": "2027-01-04", "to": "2027-01-04",
        "plans_issued": 0, "plans_within_20_weeks": 0, "pct_within_20_weeks": None,
        "plans_issued_excl_exceptions": 0, "plans_within_20_weeks_excl_exceptions": 0,
        "pct_within_20_weeks_excl_exceptions": None,
        "decisions_made": 0, "decisions_within_6_weeks": 0, "pct_decisions_within_6_weeks": None,
        # DEC-42 is past its 20 weeks; UNDECIDED-42 and -43 are long past 6 weeks
        "open_requests": 4, "open_overdue": 4,
    }


def test_on_an_empty_store_everything_is_zero_and_no_percentage_is_given(ehc):
    data = ehc("report", "timeliness", "--from", "2026-01-01", "--to", "2026-12-31", "--json").json

    assert [data[key] for key in ("plans_issued", "decisions_made", "open_requests", "open_overdue")] == [0, 0, 0, 0]
    assert [data[key] for key in data if key.startswith("pct_")] == [None, None, None]


@pytest.mark.usefixtures("caseload")
def test_without_json_the_figures_are_printed_for_people(ehc):
    text = ehc("report", "timeliness", "--from", "2026-05-01", "--to", "2026-06-01").stdout

    assert "Timeliness from 2026-05-01 to 2026-06-01" in text
    assert "60.0%" in text and "66.7%" in text and "50.0%" in text


@pytest.mark.parametrize(("args", "option"), [
    (("--from", "2026-13-01", "--to", "2026-12-31"), "--from"),
    (("--from", "2026-01-01", "--to", "31/12/2026"), "--to"),
    (("--from", "2026-06-02", "--to", "2026-06-01"), "--from"),
], ids=["month 13", "not ISO", "from after to"])
def test_bad_dates_are_refused_with_exit_2_naming_the_option(ehc, args, option, dump_tables):
    before = dump_tables()

    ran = ehc("report", "timeliness", *args, "--json", expect=2)

    assert ran.json["error"].startswith(f"{option}:")
    assert ran.stderr.startswith(f"error: {option}:")
    assert dump_tables() == before


@pytest.mark.usefixtures("caseload")
def test_the_weekly_report_writes_html_csv_and_xlsx_naming_no_child(ehc, tmp_path, dump_tables):
    before = dump_tables()
    out = tmp_path / "weekly"

    files = ehc("report", "weekly", "--as-of", "2026-06-01", "--out", str(out), "--json").json

    assert dump_tables() == before
    assert (files["open_requests"], files["open_overdue"]) == (4, 2)
    assert files["plans_issued_rolling_12_months"] == 6  # the five of the period and BEFORE
    html = Path(files["html"]).read_text(encoding="utf-8")
    assert "week ending 1 June 2026" in html
    assert 'id="quality-review"' not in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html
    with Path(files["csv"]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["case_ref"] for row in rows] == ["AFTER", "UNDECIDED-43", "UNDECIDED-42", "DEC-42"]
    assert {row["case_ref"]: (row["owner"], row["next_due"], row["overdue"]) for row in rows} == {
        "UNDECIDED-43": ("AO", "2026-05-31", "yes"),  # decision due 31 May
        "UNDECIDED-42": ("AO", "2026-06-01", "no"),  # decision due today
        "AFTER": ("CP", "2026-04-23", "yes"),  # no draft: the notice not to issue was due 23 Apr (received + 112)
        "DEC-42": ("CP", "2026-07-10", "no"),  # notice not to issue due 10 Jul (received + 112)
    }
    workbook = load_workbook(files["xlsx"], read_only=True)
    assert workbook.sheetnames == ["Measures", "Trend", "Advice", "Open by stage", "Open by owner", "Open cases"]
    open_cases = [row for row in workbook["Open cases"].iter_rows(values_only=True)]
    assert [row[0] for row in open_cases[1:]] == [row["case_ref"] for row in rows]
    everything = html + Path(files["csv"]).read_text(encoding="utf-8") + repr(
        [list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets])
    assert not [name for name in CHILD_NAMES if name in everything]
    assert "Okafor" not in everything  # caseworkers by initials only


def test_the_weekly_report_refuses_a_file_given_as_its_folder(ehc, tmp_path):
    not_a_folder = tmp_path / "report.txt"
    not_a_folder.write_text("x")

    ran = ehc("report", "weekly", "--as-of", "2026-06-01", "--out", str(not_a_folder), expect=2)

    assert ran.stderr.startswith("error: --out:")


def test_the_weekly_report_refuses_a_bad_as_of(ehc, tmp_path):
    ran = ehc("report", "weekly", "--as-of", "2026-02-30", "--out", str(tmp_path / "x"), expect=2)

    assert ran.stderr.startswith("error: --as-of:")
    assert not (tmp_path / "x").exists()

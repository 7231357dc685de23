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
        # fields added later: no mediation, tribunal or notice not to issue in this caseload
        "plans_excluded_mediation_tribunal": 0,
        "no_plan_notices": 0, "no_plan_notices_within_16_weeks": 0, "pct_no_plan_notices_within_16_weeks": None,
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
        "plans_excluded_mediation_tribunal": 0,
        "no_plan_notices": 0, "no_plan_notices_within_16_weeks": 0, "pct_no_plan_notices_within_16_weeks": None,
    }


def test_on_an_empty_store_everything_is_zero_and_no_percentage_is_given(ehc):
    data = ehc("report", "timeliness", "--from", "2026-01-01", "--to", "2026-12-31", "--json").json

    assert [data[key] for key in ("plans_issued", "decisions_made", "open_requests", "open_overdue")] == [0, 0, 0, 0]
    assert [data[key] for key in data if key.startswith("pct_")] == [None, None, None, None]
    assert (data["plans_excluded_mediation_tribunal"], data["no_plan_notices"]) == (0, 0)


@pytest.mark.usefixtures("caseload")
def test_without_json_the_figures_are_printed_for_people(ehc):
    text = ehc("report", "timeliness", "--from", "2026-05-01", "--to", "2026-06-01").stdout

    assert "Timeliness from 2026-05-01 to 2026-06-01" in text
    assert "60.0%" in text and "66.7%" in text and "50.0%" in text


@pytest.mark.parametrize(("command", "args", "option"), [
    ("timeliness", ("--from", "2026-13-01", "--to", "2026-12-31"), "--from"),
    ("timeliness", ("--from", "2026-01-01", "--to", "31/12/2026"), "--to"),
    ("timeliness", ("--from", "2026-06-02", "--to", "2026-06-01"), "--from"),
    ("reviews", ("--from", "2025-13-01", "--to", "2025-12-31"), "--from"),
    ("reviews", ("--from", "2025-01-01", "--to", "31/12/2025"), "--to"),
    ("reviews", ("--from", "2026-01-01", "--to", "2025-12-31"), "--from"),
    ("reviews", ("--from", "2025-01-01", "--to", "2025-12-31", "--as-of", "2026-02-30"), "--as-of"),
], ids=["month 13", "not ISO", "from after to", "reviews: month 13", "reviews: not ISO", "reviews: from after to",
        "reviews: 30 February"])
def test_bad_dates_are_refused_with_exit_2_naming_the_option(ehc, command, args, option, dump_tables):
    before = dump_tables()

    ran = ehc("report", command, *args, "--json", expect=2)

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


# --- mediation and tribunal, notices not to issue (Reg 10(1)) --------------------------------------------

APPEAL_HEADER = "case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception,mediation,tribunal"
# The period is Fri 1 May to Mon 1 Jun 2026, as above.
APPEAL_CASELOAD = [
    "M-ON-DAY-140,2026-01-05,assess,2026-02-10,2026-05-25,,,,",  # day 140: within, counted
    "M-DAY-147,2026-01-05,assess,2026-02-16,2026-06-01,,,no,",  # day 147: late, counted
    "M-MEDIATION,2026-01-12,assess,2026-02-20,2026-05-01,,,yes,",  # day 109, within: left out
    "M-TRIBUNAL,2025-12-01,assess,2026-01-05,2026-05-01,,10(4)(c),,yes",  # day 151, excepted: left out of both
    "M-DEC-42,2026-03-20,assess,2026-05-01,,,,,",  # decided on day 42: counted
    "M-DEC-43-TRIB,2026-03-19,not_assess,2026-05-01,,,,,yes",  # day 43: left out (tribunal)
    "M-NOTICE-112,2026-02-09,assess,2026-03-10,,2026-06-01,,,",  # notice on day 112: within 16 weeks
    "M-NOTICE-113,2026-02-08,assess,2026-03-10,,2026-06-01,,,",  # day 113: late
    "M-NOTICE-MED,2026-01-05,assess,2026-02-10,,2026-05-04,,yes,no",  # day 119, mediation: left out
    "M-OPEN-MED,2025-12-01,assess,2026-01-05,,,,yes,",  # open past 140 days, with mediation: open and overdue
]


@pytest.fixture
def appeal_caseload(ehc, tmp_path, store_url):
    path = tmp_path / "appeals.csv"
    path.write_text("\n".join([APPEAL_HEADER, *APPEAL_CASELOAD]) + "\n", encoding="utf-8")
    ehc("import", "caseload", str(path))


@pytest.mark.usefixtures("appeal_caseload")
def test_cases_with_mediation_or_tribunal_are_left_out_of_the_timeliness_figures_but_not_of_the_open_requests(ehc):
    data = ehc("report", "timeliness", "--from", "2026-05-01", "--to", "2026-06-01", "--json").json

    assert data == {
        "from": "2026-05-01", "to": "2026-06-01",
        "plans_issued": 2, "plans_within_20_weeks": 1, "pct_within_20_weeks": 50.0,  # M-ON-DAY-140, M-DAY-147
        "plans_issued_excl_exceptions": 2, "plans_within_20_weeks_excl_exceptions": 1,
        "pct_within_20_weeks_excl_exceptions": 50.0,
        "decisions_made": 1, "decisions_within_6_weeks": 1, "pct_decisions_within_6_weeks": 100.0,  # M-DEC-42
        "open_requests": 2, "open_overdue": 1,  # M-DEC-42; M-OPEN-MED (overdue)
        "plans_excluded_mediation_tribunal": 2,  # M-MEDIATION, M-TRIBUNAL
        "no_plan_notices": 2, "no_plan_notices_within_16_weeks": 1, "pct_no_plan_notices_within_16_weeks": 50.0,
    }
    text = ehc("report", "timeliness", "--from", "2026-05-01", "--to", "2026-06-01").stdout
    assert "notices within 16 weeks                     1  50.0%" in text
    assert "plans left out: mediation or tribunal       2" in text


@pytest.mark.usefixtures("appeal_caseload")
def test_mediation_and_tribunal_recorded_on_a_closed_case_take_its_plan_out_of_the_count(ehc):
    period = ("--from", "2026-05-01", "--to", "2026-06-01", "--json")

    shown = ehc("case", "record", "M-ON-DAY-140", "tribunal", "--date", "2026-09-14", "--json").json
    ehc("case", "record", "M-DAY-147", "mediation", "--date", "2026-06-10", "--json")
    data = ehc("report", "timeliness", *period).json

    assert shown["stage"] == "issued"
    assert (data["plans_issued"], data["pct_within_20_weeks"], data["plans_excluded_mediation_tribunal"]) == (
        0, None, 4)
    events = ehc("case", "show", "M-ON-DAY-140", "--as-of", "2026-09-14", "--json").json["events"]
    assert [(event["type"], event["date"]) for event in events][-1] == ("tribunal", "2026-09-14")


def test_mediation_before_the_request_was_received_is_refused(ehc, appeal_caseload):
    ran = ehc("case", "record", "M-MEDIATION", "mediation", "--date", "2026-01-11", "--json", expect=2)

    assert "mediation on 2026-01-11 is before the request was received on 2026-01-12" in ran.json["error"]


@pytest.mark.usefixtures("appeal_caseload")
def test_the_weekly_report_shows_the_16_week_notices_and_the_plans_left_out_for_mediation_or_tribunal(ehc,
                                                                                                     tmp_path):
    files = ehc("report", "weekly", "--as-of", "2026-06-01", "--out", str(tmp_path / "weekly"), "--json").json

    html = Path(files["html"]).read_text(encoding="utf-8")
    assert "Notices not to issue within 16 weeks" in html
    assert "Plans left out: mediation or tribunal" in html
    workbook = load_workbook(files["xlsx"], read_only=True)
    measures = {row[0]: row[1:] for row in workbook["Measures"].iter_rows(values_only=True)}
    # report week (26 May - 1 Jun), calendar year to date, rolling 12 months
    assert measures["notices not to issue a plan"] == (2, 2, 2)  # the two on 1 June; M-NOTICE-MED left out
    assert measures["notices within 16 weeks"] == (1, 1, 1)
    assert measures["% notices within 16 weeks"] == (50.0, 50.0, 50.0)
    assert measures["plans left out: mediation or tribunal"] == (0, 2, 2)  # both issued on 1 May
    assert measures["plans issued"] == (1, 2, 2)  # the week: M-DAY-147 on 1 June


def test_the_weekly_report_refuses_a_file_given_as_its_folder(ehc, tmp_path):
    not_a_folder = tmp_path / "report.txt"
    not_a_folder.write_text("x")

    ran = ehc("report", "weekly", "--as-of", "2026-06-01", "--out", str(not_a_folder), expect=2)

    assert ran.stderr.startswith("error: --out:")


def test_the_weekly_report_refuses_a_bad_as_of(ehc, tmp_path):
    ran = ehc("report", "weekly", "--as-of", "2026-02-30", "--out", str(tmp_path / "x"), expect=2)

    assert ran.stderr.startswith("error: --as-of:")
    assert not (tmp_path / "x").exists()


# --- the open cases' files: whether an exception applies, and caseworkers named like formulas --------------

OPEN_HEADER = "case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception,exception_start,caseworker"
OPEN_CASELOAD = [
    "OPEN-EXCEPTED,2026-03-02,assess,2026-04-01,,,10(4)(c),2026-04-20,A Okafor",
    "OPEN-PLAIN,2026-03-09,assess,2026-04-08,,,,,A Okafor",
    "OPEN-MINUS,2026-03-16,,,,,,,-2+3",
    'OPEN-LINK,2026-03-23,,,,,,,"=HYPERLINK(""http://x"",""y"")"',
    "OPEN-NOBODY,2026-03-30,,,,,,,",
]


@pytest.fixture
def open_case_files(ehc, tmp_path):
    """The weekly report's open cases of OPEN_CASELOAD: the CSV's rows by reference, and the workbook."""
    path = tmp_path / "caseload.csv"
    path.write_text("\n".join([OPEN_HEADER, *OPEN_CASELOAD]) + "\n", encoding="utf-8")
    ehc("import", "caseload", str(path), "--no-hand-over")
    files = ehc("report", "weekly", "--as-of", "2026-06-01", "--out", str(tmp_path / "out"), "--json").json
    with Path(files["csv"]).open(encoding="utf-8", newline="") as handle:
        rows = {row["case_ref"]: row for row in csv.DictReader(handle)}
    book = load_workbook(files["xlsx"])
    header, *cells = list(book["Open cases"].iter_rows())
    columns = [cell.value for cell in header]
    sheet = {row[0].value: dict(zip(columns, row)) for row in cells}
    return rows, sheet, book


def test_the_open_cases_csv_and_workbook_say_whether_an_exception_applies(open_case_files):
    rows, sheet, _ = open_case_files
    applies = {"OPEN-EXCEPTED": "yes", "OPEN-PLAIN": "no", "OPEN-MINUS": "no", "OPEN-LINK": "no", "OPEN-NOBODY": "no"}
    assert {ref: row["exceptions_apply"] for ref, row in rows.items()} == applies
    assert {ref: row["exceptions_apply"].value for ref, row in sheet.items()} == applies


def test_a_caseworker_named_like_a_formula_is_shown_harmlessly_never_as_unassigned(open_case_files):
    """`-2+3` has no initials to take: it is shown as typed, behind a quote in the CSV and as a string cell in
    the workbook, never as "-" or "unassigned" like a case with no caseworker."""
    rows, sheet, book = open_case_files
    assert {ref: row["owner"] for ref, row in rows.items()} == {
        "OPEN-EXCEPTED": "AO", "OPEN-PLAIN": "AO", "OPEN-MINUS": "'-2+3",
        "OPEN-LINK": "'=HYPERLINK(\"http://x\",\"y\")", "OPEN-NOBODY": ""}
    assert {ref: row["owner"].value for ref, row in sheet.items()} == {
        "OPEN-EXCEPTED": "AO", "OPEN-PLAIN": "AO", "OPEN-MINUS": "-2+3",
        "OPEN-LINK": '=HYPERLINK("http://x","y")', "OPEN-NOBODY": None}
    for reference in ("OPEN-MINUS", "OPEN-LINK"):  # text, never a formula, and typed over it stays text
        owner = sheet[reference]["owner"]
        assert (owner.data_type, owner.quotePrefix) == ("s", True)
    owners = {row[0] for row in book["Open by owner"].iter_rows(min_row=2, values_only=True)}
    assert owners == {"AO", "-2+3", '=HYPERLINK("http://x","y")', "unassigned"}

"""What the plans CSV reader says is wrong with a file: its header first, then every problem of a bad row.

The header is line 1. A row's problems are all listed on its line, each led by the column it concerns, so a
caseworker fixes the row once. What needs the store (a reference taken, a request not stored) is the
service's: tests/e2e/test_cli_import_plans.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.plan_review import PlanInForce
from ehc.imports.plans_csv import ImportDay, PlansRejected, parse_plan_row, plan_rows

HEADER = ["plan_ref", "case_ref", "issued", "last_review", "year_group", "setting", "caseworker", "team",
          "post16_transfer"]
TODAY = ImportDay(as_of=date(2026, 11, 30), today=date(2026, 11, 30))
LAST_TERM = ImportDay(as_of=date(2026, 7, 1), today=date(2026, 11, 30))


def refusal(tmp_path: Path, content: bytes) -> list[str]:
    path = tmp_path / "plans.csv"
    path.write_bytes(content)
    with pytest.raises(PlansRejected) as refused:
        list(plan_rows(path).rows)
    return [problem.replace(str(path), "FILE") for problem in refused.value.problems]


FILES = [
    # the file's bytes -> the one problem
    (b"", "line 1: missing column(s): plan_ref, case_ref, issued, last_review, year_group, setting"),
    (b"\n\n", "line 1: missing column(s): plan_ref, case_ref, issued, last_review, year_group, setting"),
    (b"plan_ref,case_ref,issued,last_review,year_group\nP-1,,2025-01-06,,6\n",
     "line 1: missing column(s): setting"),
    (b"plan_ref,issued,year_group\nP-1,2025-01-06,6\n",
     "line 1: missing column(s): case_ref, last_review, setting"),
    (b"plan_ref;case_ref;issued;last_review;year_group;setting\nP-1;;2025-01-06;;6;\n",
     "line 1: the separator looks like ';', not a comma: save the file as comma-separated values (CSV UTF-8)"),
    (b"plan_ref,case_ref,issued,last_review,year_group,setting,issued\nP-1,,2025-01-06,,6,,\n",
     "line 1: column 'issued' appears twice in the header; keep one"),
    (b"plan_ref,case_ref,issued,last_review,year_group,setting\nP-1,,2025-01-06,,6,Ecole \xe9\n",
     "line 2: not UTF-8 text (byte 81 of FILE is 0xe9); save the spreadsheet as 'CSV UTF-8'"),
    (b"plan_ref,case_ref,issued,last_review,year_group,setting\nP-1,,2025-01-06,,6,\nP-2,,2025-01-06,,6,"
     + b"x" * 200_000 + b"\n", "line 3: not readable as CSV (field larger than field limit (131072))"),
]


@pytest.mark.parametrize(("content", "problem"), FILES, ids=[
    "empty", "blank lines", "a column missing", "three missing", "semicolons", "issued twice",
    "latin-1", "a cell too large"])
def test_a_file_the_import_cannot_read_is_refused_saying_why(tmp_path, content, problem):
    assert refusal(tmp_path, content) == [problem]


def test_a_good_file_gives_its_rows_with_their_line_numbers_and_the_columns_it_ignores(tmp_path):
    path = tmp_path / "plans.csv"
    path.write_bytes(b"\xef\xbb\xbfplan_ref,case_ref,issued,last_review,year_group,setting,upn\n"
                     b"P-1,,2025-01-06,,6,URN-1,X\n\nP-2,,2025-01-07,,7,,Y\n")

    read = plan_rows(path)

    assert (read.ignored_columns, list(read.rows)) == (["upn"], [(2, ["P-1", "", "2025-01-06", "", "6", "URN-1", "X"]),
                                                          (4, ["P-2", "", "2025-01-07", "", "7", "", "Y"])])


def test_a_good_row_is_a_plan_whose_year_group_is_held_in_the_import_days_academic_year():
    cells = [" p-1 ", "ehc-9", "2024-02-29", "2026-02-20", "y11", "URN-1", "alice", "North", ""]

    assert parse_plan_row(2, cells, HEADER, TODAY) == PlanInForce(
        plan_ref="P-1", issued=date(2024, 2, 29), last_review=date(2026, 2, 20), year_group="11",
        year_group_year=2026, setting="URN-1", case_ref="EHC-9", caseworker="alice", team="North")
    assert parse_plan_row(2, cells, HEADER, LAST_TERM).year_group_year == 2025


def test_empty_optional_cells_are_none_and_a_post16_move_is_kept():
    plan = parse_plan_row(2, ["P-1", "", "2024-09-02", "", "12", "", "", "", "2027-01-04"], HEADER, TODAY)

    assert (plan.case_ref, plan.last_review, plan.setting, plan.caseworker, plan.team) == (None,) * 5
    assert plan.planned_post16_transfer == date(2027, 1, 4)


ROWS = [
    # plan_ref, case_ref, issued, last_review, year_group, setting, caseworker, team, post16_transfer
    #   -> every problem on the line, in the order of the columns the reader checks
    (("", "", "", "", "", "", "", "", ""), TODAY,
     "line 7: plan_ref: required; issued: required; year_group: required"),
    (("P 1", "EHC 1", "2026-02-30", "01/03/2026", "14", "", "", "", ""), TODAY,
     "line 7: plan_ref: 'P 1' is not a plan reference (letters, digits and / _ . -, up to 40, starting with a "
     "letter or digit); case_ref: 'EHC 1' is not a case reference (letters, digits and / _ . -, up to 40, "
     "starting with a letter or digit); issued: '2026-02-30' is not a date on the calendar (expected YYYY-MM-DD); "
     "last_review: '01/03/2026' is not a date (expected YYYY-MM-DD); year_group: '14' is not a year group: one of "
     "N1, N2, R, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13"),
    (("P-1", "", "2026-12-01", "2026-12-02", "6", "", "", "", ""), TODAY,
     "line 7: issued: 2026-12-01 is after today, 2026-11-30; last_review: 2026-12-02 is after today, 2026-11-30"),
    (("P-1", "", "2026-07-02", "", "6", "", "", "", ""), LAST_TERM,
     "line 7: issued: 2026-07-02 is after the day the import is as of, 2026-07-01"),
    (("P-1", "", "2025-06-01", "2025-05-31", "6", "", "", "", ""), TODAY,
     "line 7: last_review: 2025-05-31 is before the plan was issued on 2025-06-01"),
    (("P-1", "", "2013-06-01", "", "6", "", "", "", ""), TODAY,
     "line 7: issued: 2013-06-01 is before 2014-09-01, when EHC needs assessments began (Children and Families "
     "Act 2014, Part 3)"),
    (("P-1", "", "2025-06-01", "", "6", "URN\x1b[31m", "x" * 121, "North\u202e", ""), TODAY,
     "line 7: setting: contains the control character U+001B at position 4; type plain text; caseworker: String "
     "should have at most 120 characters; team: contains the control character U+202E at position 6; type plain "
     "text"),
    (("P-1", "", "2025-06-01", "", "6", "", "", "", "2027-09-06"), TODAY,
     "line 7: post16_transfer: a move between post-16 institutions (Reg 18(2)) is for a young person in year 12 "
     "or 13, not year 6"),
    (("P-1", "", "2025-06-01", "", "13", "", "", "", "2025-01-06"), TODAY,
     "line 7: post16_transfer: 2025-01-06 is before the plan was issued on 2025-06-01"),
]


@pytest.mark.parametrize(("cells", "day", "problems"), ROWS, ids=[
    "all empty", "five bad cells", "dates after today", "issued after the as-of day", "reviewed before issued",
    "before EHC plans", "control characters and a long name", "post-16 move in year 6", "post-16 move before issue"])
def test_every_problem_in_a_bad_row_is_listed_on_its_line(cells, day, problems):
    assert parse_plan_row(7, list(cells), HEADER, day) == problems


@pytest.mark.parametrize("group", ["\u00b2", "\uff16", "Y\u00b2", "0", "14", "Year 6"])
def test_a_year_group_in_other_digits_or_out_of_range_is_refused_not_a_traceback(group):
    problems = parse_plan_row(3, ["P-1", "", "2025-06-01", "", group, "", "", "", ""], HEADER, TODAY)

    assert problems == f"line 3: year_group: {group!r} is not a year group: one of N1, N2, R, 1, 2, 3, 4, 5, 6, 7, " \
                       f"8, 9, 10, 11, 12, 13"


def test_a_line_break_in_a_cell_is_the_space_it_looks_like():
    plan = parse_plan_row(2, ["P-1", "", "2025-06-01", "", "6", "St Mary's\nPrimary", "", "", ""], HEADER, TODAY)

    assert plan.setting == "St Mary's Primary"


def test_a_row_with_more_cells_than_the_header_is_refused_as_misaligned():
    cells = ["P-1", "", "2025-06-01", "", "6", "", "", "", "", "extra"]

    assert parse_plan_row(5, cells, HEADER, TODAY) == "line 5: the row has more cells than the header has columns"


def test_a_short_row_reads_its_missing_cells_as_empty():
    assert parse_plan_row(5, ["P-1", "", "2025-06-01", "", "R"], HEADER, TODAY).setting is None

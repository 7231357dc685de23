"""What the caseload CSV reader says is wrong with a file: its header first, then every problem of a bad row.

The header is line 1. A row's problems are all listed on its line, each led by the column it concerns, so a
caseworker fixes the row once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ehc.imports.caseload_csv import CaseloadRejected, caseload_rows, parse_case_row

HEADER = ["case_ref", "received", "decision", "decision_date", "final_issued", "no_plan_notice", "exception",
          "caseworker", "child_date_of_birth", "mediation"]
TODAY = date(2026, 11, 30)


def header_refusal(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "caseload.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseloadRejected) as refused:
        caseload_rows(path)
    return refused.value.problems


HEADERS = [
    # header row                                                                           -> the one problem
    ("case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception,received",
     "line 1: column 'received' appears twice in the header; keep one"),
    ("case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception,team,team,team",
     "line 1: column 'team' appears three times in the header; keep one"),
    ("case_ref;received;decision;decision_date;final_issued;no_plan_notice;exception",
     "line 1: the separator looks like ';', not a comma: save the file as comma-separated values (CSV UTF-8)"),
    ("case_ref\treceived\tdecision\tdecision_date\tfinal_issued\tno_plan_notice\texception",
     "line 1: the separator looks like a tab, not a comma: save the file as comma-separated values (CSV UTF-8)"),
    ("case_ref,received,decision,decision_date,final_issued,no_plan_notice",
     "line 1: missing column(s): exception"),
]


@pytest.mark.parametrize(("header", "problem"), HEADERS, ids=["received twice", "team three times", "semicolons",
                                                              "tabs", "a column missing"])
def test_a_header_the_import_cannot_read_by_is_refused_saying_why(tmp_path, header, problem):
    assert header_refusal(tmp_path, header + "\nC-1,2026-03-02,,,,,,,,\n") == [problem]


def test_a_repeated_column_the_import_does_not_read_is_only_ignored(tmp_path):
    path = tmp_path / "caseload.csv"
    path.write_text(",".join(HEADER[:7]) + ",notes,notes\nC-1,2026-03-02,,,,,,a,b\n", encoding="utf-8")

    assert caseload_rows(path).ignored_columns == ["notes", "notes"]


ROWS = [
    # case_ref, received,   decision, decision_date, final,  notice, exception, caseworker, born, mediation
    #   -> every problem on the line, in the order of the columns the reader checks
    (("C-1", "2026-02-30", "", "", "", "", "", "A" * 121, "", ""),
     "line 4: received: '2026-02-30' is not a date on the calendar (expected YYYY-MM-DD); "
     "caseworker: String should have at most 120 characters"),
    (("C 1", "", "maybe", "2026-13-01", "", "", "10(4)(z)", "", "", "perhaps"),
     "line 4: received: required; case_ref: is not a case reference (letters, digits and / _ . -, up to 40, "
     "starting with a letter or digit); decision_date: '2026-13-01' is not a date on the calendar (expected "
     "YYYY-MM-DD); decision: 'maybe' is not assess, not_assess or empty; exception: '10(4)(z)' is not a Reg 10(4) "
     "limb (10(4)(a), 10(4)(b), 10(4)(c), 10(4)(d)); mediation: 'perhaps' is not yes, no or empty"),
    (("C-1", "2026-03-02", "assess", "", "2027-01-04", "", "", "", "2026-05-01", ""),
     "line 4: final_issued: 2027-01-04 is after today, 2026-11-30; child_date_of_birth: 2026-05-01 is after the "
     "request was received (2026-03-02); decision_date: required when decision is given"),
]


@pytest.mark.parametrize(("cells", "problems"), ROWS, ids=["bad date and long name", "six bad cells",
                                                           "future plan, late birth, no decision date"])
def test_every_problem_in_a_bad_row_is_listed_on_its_line(cells, problems):
    assert parse_case_row(4, list(cells), HEADER, TODAY) == problems


def test_a_row_with_more_cells_than_the_header_is_refused_as_misaligned():
    cells = ["C-1", "2026-03-02", "", "", "", "", "", "", "", "", "extra"]

    assert parse_case_row(5, cells, HEADER, TODAY) == "line 5: the row has more cells than the header has columns"

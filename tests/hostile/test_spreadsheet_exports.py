"""Formula-like text in the weekly report's CSV and XLSX is shown, never run (OWASP "CSV Injection").

Read back with the csv module and openpyxl: no cell is a formula, and the
text a person typed is still there to read (behind a leading ' in CSV; as a
string cell with Excel's quote prefix in XLSX).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from config.calendar import england_calendar
from config.policy import PACKAGED_POLICY, load_policy
from domain.timeliness import AdviceDay, OnTimeTally, OpenRequest, measures_for, open_caseload, report_periods
from hostile.conftest import FUZZ
from hostile.strategies import FORMULA_LEADS, FORMULAS
from reports.spreadsheet_safety import csv_cell, csv_row, looks_like_formula, xlsx_cell, xlsx_text
from reports.weekly import QualityReviewSection, QualityTable, WeeklyReport, write_csv, write_workbook

AS_OF = date(2026, 6, 5)
POLICY, CALENDAR = load_policy(PACKAGED_POLICY), england_calendar(2027)


# -- the one function every export uses ------------------------------------------------------------------

@pytest.mark.parametrize("text", FORMULAS + ("=", "+44 20 7946 0000", "-", "@home", "\ttab", "\rcr", "\uff1d1+1"))
def test_text_starting_like_a_formula_gets_a_leading_quote_in_csv(text):
    assert looks_like_formula(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["A Okafor", "URN-100001", "2026-06-05", " =1+1", "", "caf\u00e9", "'quoted", None,
                                   -12, 0, 3.5, -0.5])
def test_plain_text_and_numbers_are_left_as_they_are(value):
    """Numbers stay numbers, so a negative figure keeps its sign; a leading space is already text."""
    assert not looks_like_formula(value)
    assert csv_cell(value) == value
    assert csv_row([value, 1]) == [value, 1]


def test_an_xlsx_text_cell_is_a_string_never_a_formula(tmp_path):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append([xlsx_cell(sheet, '=HYPERLINK("http://x","y")'), xlsx_cell(sheet, "plain"), xlsx_cell(sheet, -3)])
    book.save(tmp_path / "s.xlsx")

    a, b, c = load_workbook(tmp_path / "s.xlsx")["s"][1]
    assert (a.value, a.data_type, a.quotePrefix) == ('=HYPERLINK("http://x","y")', "s", True)
    assert (b.value, b.data_type, b.quotePrefix) == ("plain", "s", False)
    assert (c.value, c.data_type) == (-3, "n")


# -- the report's writers, fed hostile text in every text field ----------------------------------------

def hostile_report(text: str) -> tuple[WeeklyReport, QualityReviewSection]:
    """A report whose every free-text field is ``text``: case reference, owner, contributor, quality tables."""
    advice = [AdviceDay(date(2026, 6, 1), "health", text, OnTimeTally(2, 1)),
              AdviceDay(date(2026, 6, 2), text, None, OnTimeTally(1, 1))]
    periods = tuple(measures_for(period, [], [], advice, []) for period in report_periods(AS_OF))
    caseload = open_caseload([OpenRequest(reference=text, received=date(2026, 3, 2), owner=text),
                              OpenRequest(reference="PLAIN-1", received=date(2026, 4, 1), owner="AO",
                                          decided_to_assess=date(2026, 5, 1))],
                             AS_OF, POLICY, CALENDAR)
    quality = QualityReviewSection(summary=(text,), columns=("criterion", "plans"), rows=((text, 3),),
                                   tables=(QualityTable(caption=text, columns=(text,), rows=((text,),)),))
    return WeeklyReport("Hostile LA", AS_OF, periods, (), caseload, None), quality


def runnable(cell: str) -> bool:
    """Would a spreadsheet run this CSV cell? Formula-like text would; a number such as -5 is just a number."""
    try:
        float(cell)
        return False
    except ValueError:
        return looks_like_formula(cell)


def csv_cells(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def xlsx_cells(path: Path) -> list:
    book = load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


FORMULA_TEXT = st.tuples(st.sampled_from(FORMULA_LEADS), st.text(max_size=40)).map("".join) | st.sampled_from(FORMULAS)


@FUZZ  # a workbook per example: the store-property count is plenty
@given(text=FORMULA_TEXT)
def test_the_weekly_csv_and_workbook_show_formula_like_text_and_never_run_it(tmp_path_factory, text):
    report, quality = hostile_report(text)
    folder = tmp_path_factory.mktemp("report")
    write_csv(report, folder / "open.csv")
    write_workbook(report, folder / "book.xlsx", quality)

    rows = csv_cells(folder / "open.csv")
    hostile_row = next(row for row in rows[1:] if row[0] != "PLAIN-1")
    assert hostile_row[0] == hostile_row[1] == "'" + text  # reference and owner: visible, behind a quote
    assert not any(runnable(cell) for row in rows for cell in row)
    cells = xlsx_cells(folder / "book.xlsx")
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    shown = [cell for cell in cells if cell.value == xlsx_text(text)]  # control characters show as U+FFFD
    # open cases (reference, owner), advice (contributor, agency), owners, quality summary/caption/header/rows
    assert len(shown) >= 8, [c.value for c in cells if isinstance(c.value, str)]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in shown)


# -- end to end: what people type, through the store, into `ehc report weekly` ------------------------

def test_formula_text_typed_at_intake_reaches_the_report_files_only_as_text(ehc, tmp_path):
    """Names, team, setting and caseworker hold formulas; the report holds them harmlessly.

    References and contributor codes have a strict pattern, so a formula there is refused when it is typed
    (see test_intake); names, caseworker, team and setting are free text: stored as typed, neutralised on export.
    """
    for number, formula in enumerate(FORMULAS):
        refused = ehc("contributors", "add", "--json", "--name", "x", "--agency", "health", "--", formula, expect=2)
        assert "is not a contributor code" in refused.stderr
        code, ref = f"F-{number}", f"FORMULA-{number}"
        ehc("contributors", "add", code, "--name", formula, "--agency", "health", "--team", formula)
        ehc("request", "add", ref, "--received", "2026-03-02", "--child-given-name", formula,
            "--child-family-name", formula, "--caseworker", formula, "--team", formula, "--setting", formula)
        ehc("case", "record", ref, "decision", "--date", "2026-04-01", "--outcome", "assess")
        ehc("case", "record", ref, "advice-requested", "--date", "2026-04-02", "--contributor", code)
        ehc("case", "record", ref, "advice-received", "--date", "2026-05-01", "--contributor", code)

    done = ehc("report", "weekly", "--as-of", "2026-06-05", "--out", str(tmp_path / "out"), "--json").json

    rows = csv_cells(Path(done["csv"]))
    assert len(rows) == 1 + len(FORMULAS)
    assert not any(runnable(cell) for row in rows for cell in row)
    cells = xlsx_cells(Path(done["xlsx"]))
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]

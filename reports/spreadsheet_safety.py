"""Cells a spreadsheet shows, never runs: the one place exports neutralise formula-like text.

Text in the exports comes partly from people (contributor codes, rubric
titles, and anything a future column adds). Opened in Excel, LibreOffice or
Google Sheets, a cell starting with ``=`` is a formula (``=HYPERLINK(...)``
can carry the sheet's data to another server), and ``+``, ``-``, ``@``, a
tab or a carriage return start one in some of them (OWASP, "CSV Injection").

- CSV has no cell types, so such text gets a leading ``'``: the spreadsheet
  shows it as text, and a person can still read what was typed.
- XLSX has cell types: every text cell is written as a string (openpyxl
  would otherwise store a str starting with ``=`` as a formula), and
  formula-like text also carries Excel's "quote prefix" style, so editing the
  cell does not turn it into a formula either. The text itself is unchanged.

Numbers stay numbers in both, so a negative figure keeps its sign.
"""

from __future__ import annotations

from typing import Any, Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# OWASP's list, plus a line feed and the full-width forms some locales also accept as a formula start.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def csv_cell(value: Any) -> Any:
    """The value as it may go into a CSV cell: formula-like text behind a leading quote, all else as is."""
    return "'" + value if looks_like_formula(value) else value


def csv_row(row: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in row]


def xlsx_text(value: Any) -> Any:
    """Text XLSX can hold: a control character openpyxl refuses (and would abort the whole workbook on,
    e.g. from a record stored before intake refused them) is shown as U+FFFD instead."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def xlsx_cell(sheet, value: Any) -> WriteOnlyCell:
    """A write-only cell holding ``value``; text is always a string cell, never a formula."""
    cell = WriteOnlyCell(sheet, value=xlsx_text(value))
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def xlsx_row(sheet, row: Iterable[Any]) -> list[Any]:
    """A row for ``sheet.append``: formula-like text as a safe cell, everything else as is.

    openpyxl stores any other str as a string already, and a plain value is
    far cheaper to append than a cell object (the report's open-cases sheet
    can run to tens of thousands of rows).
    """
    return [xlsx_cell(sheet, value) if looks_like_formula(value) else xlsx_text(value) for value in row]

"""Crashes the fuzzing found, each kept as a plain example (SQLite and PostgreSQL).

Before the fixes each of these ended in a traceback (psycopg DataError,
OverflowError, csv.Error, openpyxl IllegalCharacterError) or stored a NUL
byte; now each is refused with a message naming the field and the store is
unchanged. The CSV-reader ones are in test_caseload_import.
"""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from config.calendar import england_calendar
from config.policy import PACKAGED_POLICY, load_policy
from domain.timeliness import AdviceDay, OnTimeTally, measures_for, open_caseload, report_periods
from reports.weekly import WeeklyReport, write_workbook


@pytest.fixture
def baseline(ehc, snapshot) -> dict:
    ehc("contributors", "add", "EP-1", "--name", "Educational psychology", "--agency", "educational_psychology")
    ehc("request", "add", "BUG-1", "--received", "2026-03-02")
    ehc("case", "record", "BUG-1", "decision", "--date", "2026-04-01", "--outcome", "assess")
    return snapshot()


@pytest.mark.parametrize(("args", "message"), [
    # PostgreSQL: "text fields cannot contain NUL (0x00) bytes" (DataError) on INSERT or on the lookup
    (("request", "add", "BUG-2", "--received", "2026-03-02", "--child-given-name", "a\x00b"),
     "--child-given-name: contains the control character U+0000 at position 2; type plain text"),
    (("case", "show", "BUG\x00"),
     "REFERENCE: 'BUG\\x00' is not a case reference (letters, digits and / _ . -, up to 40, starting with a "
     "letter or digit)"),
    (("case", "record", "BUG-1", "advice-requested", "--date", "2026-04-02", "--contributor", "EP\x00"),
     "--contributor: 'EP\\x00' is not a contributor code (letters, digits and / _ . -, up to 40, starting with a "
     "letter or digit)"),
    (("contributors", "add", "EP\x00", "--name", "x", "--agency", "health"),
     "CODE: is not a contributor code (letters, digits and / _ . -, up to 40, starting with a letter or digit)"),
    # stored a NUL inside the event's JSON payload on both databases
    (("case", "record", "BUG-1", "consultation-sent", "--date", "2026-04-02", "--setting", "URN\x00"),
     "--setting: contains the control character U+0000 at position 4; type plain text"),
    # PostgreSQL: "value too long for type character varying(120)" / (200) (DataError)
    (("request", "add", "BUG-2", "--received", "2026-03-02", "--actor", "x" * 500),
     "--actor (or EHC_ACTOR): 500 characters, at most 120"),
    (("contributors", "add", "LONG-1", "--name", "x" * 10_000, "--agency", "health"),
     "--name: String should have at most 200 characters"),
    # OverflowError: date value out of range (received + 20 weeks past 9999-12-31)
    (("request", "add", "BUG-2", "--received", "9999-12-30"),
     "--received: '9999-12-30' is outside the years 1900 to 2099"),
    (("case", "record", "BUG-1", "draft-served", "--date", "9999-12-31"),
     "--date: '9999-12-31' is outside the years 1900 to 2099"),
], ids=["nul-name", "nul-reference", "nul-contributor", "nul-code", "nul-in-payload", "long-actor", "long-name",
        "overflow-received", "overflow-event"])
def test_a_value_that_used_to_crash_or_be_stored_is_refused(refused, baseline, args, message):
    assert refused(*args, before=baseline) == message


def test_a_control_character_already_stored_does_not_stop_the_workbook(tmp_path):
    """openpyxl refuses control characters (IllegalCharacterError) and the whole report failed; a contributor code
    stored before intake refused them is now shown with U+FFFD instead."""
    as_of = date(2026, 6, 5)
    advice = [AdviceDay(date(2026, 6, 1), "health", "EP\x1b[31m", OnTimeTally(1, 1))]
    periods = tuple(measures_for(period, [], [], advice, []) for period in report_periods(as_of))
    caseload = open_caseload([], as_of, load_policy(PACKAGED_POLICY), england_calendar(2027))
    report = WeeklyReport("LA", as_of, periods, (), caseload, None)

    write_workbook(report, tmp_path / "book.xlsx")

    values = [cell.value for row in load_workbook(tmp_path / "book.xlsx")["Advice"].iter_rows() for cell in row]
    assert "EP\ufffd[31m" in values

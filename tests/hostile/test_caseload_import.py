"""`ehc import caseload FILE` under hostile files: refused with the line and the problem, nothing imported.

On SQLite and PostgreSQL. Files are written with the csv module, so a value
with a comma or a quote is one cell, as a spreadsheet would save it.
"""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehc.imports.csv_header import MAX_FILE_BYTES, PROBLEMS_SHOWN
from hostile.conftest import FUZZ
from hostile.strategies import FORMULAS, bad_case_dates, days, too_long, with_control_character

COLUMNS = ("case_ref", "received", "decision", "decision_date", "draft_served", "final_issued", "no_plan_notice",
           "withdrawn", "exception", "exception_start", "exception_end", "caseworker", "team", "setting",
           "child_given_name", "child_family_name", "child_date_of_birth")
DATE_COLUMNS = ("received", "decision_date", "draft_served", "final_issued", "no_plan_notice", "withdrawn",
                "exception_start", "exception_end", "child_date_of_birth")
TEXT_LIMITS = {"child_given_name": 200, "child_family_name": 200, "caseworker": 120, "team": 120, "setting": 120}
GOOD_ROWS = [
    dict(case_ref="IMP-AWAIT", received="2026-05-04", caseworker="alice", team="North", setting="URN-100001",
         child_given_name="Ada", child_family_name="Lovelace", child_date_of_birth="2016-01-02"),
    dict(case_ref="IMP-ASSESS", received="2026-03-02", decision="assess", decision_date="2026-04-10"),
    dict(case_ref="IMP-DRAFT", received="2026-02-02", decision="assess", decision_date="2026-03-01",
         draft_served="2026-05-20"),
    dict(case_ref="IMP-ISSUED", received="2026-01-05", decision="assess", decision_date="2026-02-10",
         draft_served="2026-05-01", final_issued="2026-05-29"),
    dict(case_ref="IMP-EXCEPT", received="2026-03-02", decision="assess", decision_date="2026-04-10",
         exception="10(4)(d)", exception_start="2026-04-15", exception_end="2026-05-20"),
]
# The row the hostile value goes into: assessed, draft served, so every date column has a meaning.
HOST_ROW = dict(case_ref="IMP-HOST", received="2026-01-05", decision="assess", decision_date="2026-02-10",
                draft_served="2026-05-01", caseworker="bob")


def csv_bytes(rows: list[dict], encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def one_line(text: str) -> bool:
    return "\n" not in text and "\r" not in text


_D = date.fromisoformat
HOSTILE_CHANGES = st.one_of(
    # a date that is not a date, or not one the service can take, in any date column
    st.tuples(st.sampled_from(DATE_COLUMNS), bad_case_dates().filter(lambda t: t.strip() and one_line(t))).map(
        lambda p: ({p[0]: p[1]}, p[0])),
    # dates out of order with each other
    days(_D("2026-01-05"), -400, -1).map(lambda d: ({"decision_date": str(d)}, "before the request was received")),
    days(_D("2026-01-05"), -400, -1).map(lambda d: ({"withdrawn": str(d), "decision": "", "decision_date": "",
                                                     "draft_served": ""}, "before the request was received")),
    days(_D("2026-02-10"), 0, 79).map(lambda d: ({"final_issued": str(d)}, str(d))),  # final before the draft
    days(_D("2026-01-05"), 0, 35).map(lambda d: ({"draft_served": str(d)}, "needs a decision to assess first")),
    days(_D("2026-01-06"), 0, 300).map(lambda d: ({"child_date_of_birth": str(d)}, "child_date_of_birth")),
    st.tuples(days(_D("2026-02-12"), 0, 60), st.integers(1, 30)).map(
        lambda p: ({"exception": "10(4)(c)", "exception_start": str(p[0]),
                    "exception_end": str(p[0] - timedelta(days=p[1]))}, "exception")),
    # free text too long or with control characters; references that break the pattern
    st.sampled_from(sorted(TEXT_LIMITS)).flatmap(lambda column: st.one_of(
        too_long(TEXT_LIMITS[column]), with_control_character()).map(lambda v: ({column: v}, column))),
    st.sampled_from(FORMULAS + ("", "A" * 41, "A B", "Zoë-1")).filter(one_line).map(
        lambda v: ({"case_ref": v}, "case_ref")),
    # values outside their lists, and a duplicate reference
    st.text(min_size=1, max_size=20).filter(lambda t: t.strip() not in ("", "assess", "not_assess") and one_line(t))
    .map(lambda v: ({"decision": v}, "decision")),
    st.text(min_size=1, max_size=20).filter(lambda t: t.strip() and one_line(t) and "10(4)" not in t)
    .map(lambda v: ({"exception": v}, "exception")),
    st.just(({"case_ref": "IMP-ASSESS"}, "also on line")),
)


@pytest.fixture
def baseline(ehc, snapshot, tmp_path) -> dict:
    """A store already holding one case (IMP-OLD), as it stands before any hostile import."""
    path = tmp_path / "old.csv"
    path.write_bytes(csv_bytes([dict(case_ref="IMP-OLD", received="2026-01-05")]))
    ehc("import", "caseload", str(path), "--no-hand-over")
    return snapshot()


@FUZZ
@given(change=HOSTILE_CHANGES, position=st.integers(0, len(GOOD_ROWS)))
def test_one_hostile_row_among_good_ones_refuses_the_whole_file_naming_its_line(
        refused, baseline, tmp_path, change, position):
    values, named = change
    rows = list(GOOD_ROWS)
    rows.insert(position, {**HOST_ROW, **values})
    path = tmp_path / "caseload.csv"
    path.write_bytes(csv_bytes(rows))

    message = refused("import", "caseload", str(path), "--no-hand-over", before=baseline)

    line = position + 2  # the header is line 1
    assert message.startswith("caseload rejected, nothing imported"), message
    problems = message.splitlines()[1:]
    # A repeated reference is reported on the later of the two lines, naming the earlier one.
    assert any(p.startswith(f"line {line}: ") and named in p or p.endswith(f"is also on line {line}")
               for p in problems), (line, named, message)
    assert len(message) < 2000


@FUZZ
@given(name=st.text(st.characters(min_codepoint=0xA0, max_codepoint=0xFF), min_size=1, max_size=12),
       encoding=st.sampled_from(["cp1252", "latin-1"]), position=st.integers(0, len(GOOD_ROWS)))
def test_a_file_saved_in_a_windows_code_page_is_refused_naming_the_line(
        refused, baseline, tmp_path, name, encoding, position):
    rows = list(GOOD_ROWS)
    rows.insert(position, {**HOST_ROW, "child_given_name": "Zo" + name})
    raw = csv_bytes(rows, encoding)
    path = tmp_path / "caseload.csv"
    path.write_bytes(raw)

    message = refused("import", "caseload", str(path), "--no-hand-over", before=baseline)

    assert f"line {position + 2}: not UTF-8 text" in message
    assert "save the spreadsheet as 'CSV UTF-8'" in message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(refused, baseline, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # sparse: one byte past the limit, no disk or time spent on the rest
        handle.write(csv_bytes(GOOD_ROWS))
        handle.truncate(MAX_FILE_BYTES + 1)
    started = time.monotonic()

    message = refused("import", "caseload", str(path), "--no-hand-over", before=baseline)

    assert time.monotonic() - started < 5
    assert f"{MAX_FILE_BYTES + 1} bytes is larger than the {MAX_FILE_BYTES} byte limit; split it" in message


def test_a_big_file_of_bad_rows_gets_a_readable_list_of_its_first_problems(refused, baseline, tmp_path):
    bad = [{**HOST_ROW, "case_ref": f"BAD-{n:05d}", "received": "31/04/2026"} for n in range(20_000)]
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(bad))

    message = refused("import", "caseload", str(path), "--no-hand-over", before=baseline)

    lines = message.splitlines()
    assert lines[0] == "caseload rejected, nothing imported (20000 problem(s)):"
    assert lines[1] == "line 2: received: '31/04/2026' is not a date (expected YYYY-MM-DD)"
    assert len(lines) == 1 + PROBLEMS_SHOWN + 1
    assert lines[-1] == f"... and {20_000 - PROBLEMS_SHOWN} more problem(s) not shown"


def test_a_cell_past_the_csv_field_limit_is_refused_not_a_traceback(refused, baseline, tmp_path):
    """Found by this suite: csv.Error ("field larger than field limit") escaped as a traceback."""
    path = tmp_path / "wide.csv"
    path.write_bytes(csv_bytes([*GOOD_ROWS, {**HOST_ROW, "team": "x" * 200_000}]))

    message = refused("import", "caseload", str(path), "--no-hand-over", before=baseline)

    assert "line 7: not readable as CSV (field larger than field limit (131072))" in message


def test_nul_bytes_in_a_cell_are_refused_not_stored(refused, baseline, tmp_path):
    """Found by this suite: a NUL inside a name was imported on SQLite (and PostgreSQL cannot store it)."""
    path = tmp_path / "nul.csv"
    path.write_bytes(csv_bytes([*GOOD_ROWS, {**HOST_ROW, "child_family_name": "Smi\x00th"}]))

    message = refused("import", "caseload", str(path), "--no-hand-over", before=baseline)

    assert "line 7: child_family_name: contains the control character U+0000 at position 4" in message


def test_a_binary_file_is_refused(refused, baseline, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 64)

    message = refused("import", "caseload", str(path), "--no-hand-over", before=baseline)

    assert "not UTF-8 text" in message or "missing column" in message


def test_an_empty_file_and_a_missing_file_are_refused(refused, baseline, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    assert refused("import", "caseload", str(empty), "--no-hand-over", before=baseline).endswith(
        "line 1: missing column(s): case_ref, received, decision, decision_date, final_issued, no_plan_notice, "
        "exception")
    assert "No such file or directory" in refused("import", "caseload", str(tmp_path / "nowhere.csv"),
                                                  "--no-hand-over", before=baseline)


def test_the_test_files_are_importable_when_nothing_is_wrong(ehc, tmp_path, count_rows):
    """The property above means something only if the same file without the hostile value imports."""
    path = tmp_path / "good.csv"
    path.write_bytes(csv_bytes([*GOOD_ROWS, HOST_ROW]))

    assert ehc("import", "caseload", str(path), "--no-hand-over", "--json").json["imported"] == 6
    assert count_rows("cases") == 6
    assert not os.environ.get("PREFECT_API_URL")

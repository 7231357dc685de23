"""`ehc import plans FILE` under hostile files: refused with the line and the column, nothing imported.

On SQLite and PostgreSQL. Files are written with the csv module, so a value with a comma or a quote is one
cell, as a spreadsheet would save it. The import is as of the fixed clock's day (hostile/conftest.py).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.year_groups import YEAR_GROUPS
from hostile.conftest import FUZZ, HOSTILE_NOW
from hostile.strategies import FORMULAS, bad_case_dates, days, too_long, with_control_character

COLUMNS = ("plan_ref", "case_ref", "issued", "last_review", "year_group", "setting", "caseworker", "team",
           "post16_transfer")
TEXT_LIMITS = {"setting": 120, "caseworker": 120, "team": 120}
AS_OF = HOSTILE_NOW.date().isoformat()
GOOD_ROWS = [
    dict(plan_ref="PLN-LEAP", issued="2024-02-29", year_group="6", setting="URN-100001", caseworker="alice"),
    dict(plan_ref="PLN-REVIEWED", issued="2021-03-01", last_review="2026-01-12", year_group="9", team="South"),
    dict(plan_ref="PLN-NURSERY", issued="2026-06-01", year_group="N2"),
]
# The row the hostile value goes into: a sixth-former with a planned move, so every column has a meaning.
HOST_ROW = dict(plan_ref="PLN-HOST", issued="2025-01-06", last_review="2026-01-05", year_group="12",
                setting="URN-9", caseworker="bob", team="North", post16_transfer="2028-03-01")


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def one_line(text: str) -> bool:
    return "\n" not in text and "\r" not in text


def is_a_year_group(text: str) -> bool:
    """As a person spells one: N1, N2, R or Reception, 1 to 13 in ASCII digits, with a Y or leading zeros."""
    cleaned = text.strip().upper().removeprefix("Y")
    return cleaned in ("N1", "N2", "R", "RECEPTION") or (
        cleaned.isascii() and cleaned.isdigit() and 1 <= int(cleaned) <= 13)


_D = date.fromisoformat
HOSTILE_CHANGES = st.one_of(
    # a date that is not a date, or not one the service can take
    st.tuples(st.sampled_from(("issued", "last_review", "post16_transfer")),
              bad_case_dates().filter(lambda t: t.strip() and one_line(t))).map(lambda p: ({p[0]: p[1]}, p[0])),
    # dates out of order, or after the day of the import
    days(_D("2025-01-06"), -3000, -1).map(lambda d: ({"last_review": str(d)}, "last_review")),
    days(_D("2025-01-06"), -3000, -1).map(lambda d: ({"post16_transfer": str(d)}, "post16_transfer")),
    days(HOSTILE_NOW.date(), 1, 5000).map(lambda d: ({"issued": str(d), "last_review": ""}, "issued")),
    days(HOSTILE_NOW.date(), 1, 5000).map(lambda d: ({"last_review": str(d)}, "last_review")),
    # a year group that is none, or a post-16 move for a child still at school
    st.text(min_size=1, max_size=12).filter(lambda t: one_line(t) and t.strip() and not is_a_year_group(t))
    .map(lambda v: ({"year_group": v}, "year_group")),
    st.sampled_from(YEAR_GROUPS[:-2]).map(lambda g: ({"year_group": g}, "post16_transfer")),
    # free text too long or with control characters; references that break the pattern
    st.sampled_from(sorted(TEXT_LIMITS)).flatmap(lambda column: st.one_of(
        too_long(TEXT_LIMITS[column]), with_control_character()).map(lambda v: ({column: v}, column))),
    st.sampled_from(FORMULAS + ("", "A" * 41, "A B", "Zoë-1")).filter(one_line).map(
        lambda v: ({"plan_ref": v}, "plan_ref")),
    st.sampled_from(FORMULAS + ("A" * 41, "A B", "Zoë-1")).filter(lambda v: one_line(v) and v.strip()).map(
        lambda v: ({"case_ref": v}, "case_ref")),
    # a request that is not stored; a reference in the file twice, or already stored
    st.from_regex(r"EHC-[0-9]{1,6}", fullmatch=True).map(lambda v: ({"case_ref": v}, "no request")),
    st.just(({"plan_ref": "pln-reviewed"}, "also on line")),
    st.just(({"plan_ref": "pln-old"}, "already exists")),
)


@pytest.fixture
def baseline(ehc, snapshot, tmp_path) -> dict:
    """A store already holding one plan (PLN-OLD), as it stands before any hostile import."""
    path = tmp_path / "old.csv"
    path.write_bytes(csv_bytes([dict(plan_ref="PLN-OLD", issued="2025-01-06", year_group="3")]))
    ehc("import", "plans", str(path), "--as-of", AS_OF, "--no-hand-over")
    return snapshot()


@FUZZ
@given(change=HOSTILE_CHANGES, position=st.integers(0, len(GOOD_ROWS)))
def test_one_hostile_row_among_good_ones_refuses_the_whole_file_naming_its_line(
        refused, baseline, tmp_path, change, position):
    values, named = change
    path = tmp_path / "plans.csv"
    path.write_bytes(csv_bytes([*GOOD_ROWS[:position], {**HOST_ROW, **values}, *GOOD_ROWS[position:]]))

    message = refused("import", "plans", str(path), "--as-of", AS_OF, "--no-hand-over", before=baseline)

    first, *problems = message.splitlines()
    line = position + 2  # the header is line 1; a repeated reference is named on the later of its two lines
    assert first.startswith("plans rejected, nothing imported ("), message
    assert [problem for problem in problems if problem.startswith(f"line {line}: ") and named in problem
            or problem.endswith(f"is also on line {line}")], (line, named, message)
    assert len(message) < 2000


def test_the_test_files_are_importable_when_nothing_is_wrong(ehc, tmp_path, count_rows):
    path = tmp_path / "plans.csv"
    path.write_bytes(csv_bytes([*GOOD_ROWS, HOST_ROW]))

    done = ehc("import", "plans", str(path), "--as-of", AS_OF, "--no-hand-over", "--json").json

    assert done["imported"] == count_rows("plans") == 4

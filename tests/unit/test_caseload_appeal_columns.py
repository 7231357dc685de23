"""The caseload CSV's `mediation` and `tribunal` columns: `yes`, `no` or empty.

The file says that a mediation or a tribunal appeal took place, not when. A `yes` is recorded on the latest date
the row gives, marked `date_from_row`, so that it is never read as the day it happened (docs/RULES.md).
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.events import Mediation, Tribunal
from ehc.imports.caseload_csv import parse_case_row

D = date.fromisoformat
HEADER = ["case_ref", "received", "decision", "decision_date", "final_issued", "no_plan_notice", "exception",
          "withdrawn", "exception_start", "exception_end", "mediation", "tribunal"]

ROWS = [
    # received, decision, decided, final, notice, withdrawn, exception start/end, mediation, tribunal -> recorded, why
    (("2026-01-05", "assess", "2026-02-10", "2026-05-25", "", "", "", "", "yes", ""),
     [("mediation", "2026-05-25")], "mediation after the plan: dated the plan, the row's latest date"),
    (("2026-01-05", "not_assess", "2026-02-10", "", "", "", "", "", "no", "yes"),
     [("tribunal", "2026-02-10")], "tribunal after a refusal: dated the decision"),
    (("2026-01-05", "assess", "2026-02-10", "", "2026-04-20", "", "", "", "YES", "Yes"),
     [("mediation", "2026-04-20"), ("tribunal", "2026-04-20")], "both, any case of yes: dated the notice"),
    (("2026-01-05", "assess", "2026-02-10", "", "", "", "2026-02-01", "2026-06-30", "yes", ""),
     [("mediation", "2026-06-30")], "an exception's end is the row's latest date"),
    (("2026-01-05", "", "", "", "", "", "", "", "", "yes"),
     [("tribunal", "2026-01-05")], "only a receipt: dated the receipt, the one date the row gives"),
    (("2026-01-05", "assess", "2026-02-10", "2026-05-25", "", "", "", "", "no", ""),
     [], "no and empty record nothing"),
]


def row(values, exception=""):
    received, decision, decided, final, notice, withdrawn, start, end, mediation, tribunal = values
    return ["C-1", received, decision, decided, final, notice, "10(4)(c)" if start else exception, withdrawn,
            start, end, mediation, tribunal]


@pytest.mark.parametrize(("values", "recorded", "reason"), ROWS, ids=[r[-1] for r in ROWS])
def test_a_yes_records_the_event_on_the_rows_latest_date_marked_as_not_the_day_it_happened(values, recorded, reason):
    parsed = parse_case_row(2, row(values), HEADER)

    assert not isinstance(parsed, str), parsed
    _, events, case = parsed
    appeals = [event for event in events if isinstance(event, (Mediation, Tribunal))]
    assert [(event.type, event.on.isoformat()) for event in appeals] == recorded
    assert all(event.date_from_row for event in appeals)
    assert case.mediation_or_tribunal is bool(recorded)


@pytest.mark.parametrize("column", ["mediation", "tribunal"])
def test_a_value_other_than_yes_no_or_empty_is_refused_naming_the_column_and_the_line(column):
    values = list(ROWS[0][0][:8]) + ["", ""]
    values[8 if column == "mediation" else 9] = "maybe"

    assert parse_case_row(7, row(tuple(values)), HEADER) == f"line 7: {column}: 'maybe' is not yes, no or empty"


def test_a_file_without_the_columns_imports_as_before():
    header = HEADER[:7]
    parsed = parse_case_row(2, ["C-1", "2026-01-05", "assess", "2026-02-10", "2026-05-25", "", ""], header)

    assert not isinstance(parsed, str)
    assert not parsed[2].mediation_or_tribunal

"""Reading a caseload CSV and writing it through CaseStore, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from domain.events import Decision, DecisionOutcome, ExceptionStarted, FinalIssued, NoPlanNotice
from domain.intake import NewRequest
from domain.rules import Limb
from ehc.caseload_csv import CaseloadRejected, read_caseload
from ehc.render import timeline_json
from store.cases import DuplicateReference

ACTOR = "integration.tester"
RECORDED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=timezone.utc)
HEADER = "case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception"


def write_csv(tmp_path: Path, *lines: str, name: str = "caseload.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_file(unit_of_work, path: Path) -> int:
    with unit_of_work() as store:
        caseload = read_caseload(path, store.stored_references)
        return store.import_caseload(caseload.cases, ACTOR, RECORDED_AT)


def stored_view(unit_of_work, reference: str, as_of: date) -> dict:
    with unit_of_work() as store:
        record = store.get(reference)
        timeline = timeline_json(store.timeline(record.events, as_of))
        case = store.session.execute(
            text("SELECT stage, next_due, exceptions_apply FROM cases WHERE reference = :r"), {"r": reference}).one()
    return {"stage": case[0], "next_due": str(case[1]) if case[1] else None, "exceptions_apply": bool(case[2]),
            "timeline": timeline, "events": [(e.type, e.on) for e in record.events]}


@pytest.mark.parametrize(("row", "events"), [
    pytest.param("SAME,2026-01-05,assess,2026-02-10,2026-05-29,,", [
        Decision(on=date(2026, 2, 10), outcome=DecisionOutcome.ASSESS), FinalIssued(on=date(2026, 5, 29))],
        id="issued-late"),
    pytest.param("SAME,2026-01-05,assess,2026-02-10,,2026-04-20,", [
        Decision(on=date(2026, 2, 10), outcome=DecisionOutcome.ASSESS), NoPlanNotice(on=date(2026, 4, 20))],
        id="no-plan-notice"),
    pytest.param("SAME,2026-03-02,assess,2026-04-10,,,10(4)(c)", [
        ExceptionStarted(on=date(2026, 3, 2), limb=Limb.PERSONAL_CIRCUMSTANCES),
        Decision(on=date(2026, 4, 10), outcome=DecisionOutcome.ASSESS)],
        id="exception-without-dates-runs-from-receipt"),
    pytest.param("SAME,2026-03-02,,,,,", [], id="awaiting-decision"),
])
def test_an_imported_case_is_stored_exactly_as_if_its_events_had_been_recorded_one_by_one(
        unit_of_work, tmp_path, row, events):
    import_file(unit_of_work, write_csv(tmp_path, HEADER, row))
    received = date.fromisoformat(row.split(",")[1])
    with unit_of_work() as store:
        store.add_request(NewRequest(reference="BYHAND", received=received), ACTOR, RECORDED_AT)
    for event in events:
        with unit_of_work() as store:
            store.record("BYHAND", event, ACTOR, RECORDED_AT)

    as_of = date(2026, 6, 1)
    assert stored_view(unit_of_work, "SAME", as_of) == stored_view(unit_of_work, "BYHAND", as_of)


def test_imported_events_are_numbered_in_date_order_with_received_first(unit_of_work, tmp_path, engine):
    path = write_csv(tmp_path, HEADER + ",draft_served,exception_start",
                     "ORD-1,2026-03-02,assess,2026-04-10,2026-07-01,,10(4)(d),2026-05-01,2026-03-02")
    import_file(unit_of_work, path)

    with unit_of_work() as store:
        audit = store.get("ORD-1").audit

    assert [(a["sequence"], a["type"], a["date"]) for a in audit] == [
        (1, "received", "2026-03-02"), (2, "exception_started", "2026-03-02"), (3, "decision", "2026-04-10"),
        (4, "draft_served", "2026-05-01"), (5, "final_issued", "2026-07-01")]
    assert {a["actor"] for a in audit} == {ACTOR}


def test_stored_references_are_reported_with_the_other_bad_rows_in_line_order(unit_of_work, tmp_path, dump_tables):
    import_file(unit_of_work, write_csv(tmp_path, HEADER, "OLD-1,2026-01-05,,,,,", "OLD-2,2026-01-05,,,,,",
                                        name="first.csv"))
    before = dump_tables()
    path = write_csv(tmp_path, HEADER,
                     "OLD-2,2026-01-05,,,,,",       # line 2: stored
                     "NEW-1,2026-13-05,,,,,",       # line 3: bad date
                     "NEW-2,2026-01-05,,,,,",       # line 4: fine
                     "OLD-1,2026-01-05,,,,,",       # line 5: stored
                     "NEW-2,2026-01-06,,,,,",       # line 6: duplicate of line 4
                     name="second.csv")

    with unit_of_work() as store:
        with pytest.raises(CaseloadRejected) as rejected:
            read_caseload(path, store.stored_references)

    assert [problem.split(":")[0] for problem in rejected.value.problems] == [
        "line 2", "line 3", "line 5", "line 6"]
    assert "OLD-2" in rejected.value.problems[0] and "already exists" in rejected.value.problems[0]
    assert "also on line 4" in rejected.value.problems[3]
    assert dump_tables() == before


def test_a_reference_stored_after_the_file_was_read_is_still_refused_and_nothing_written(
        unit_of_work, tmp_path, dump_tables):
    caseload = read_caseload(write_csv(tmp_path, HEADER, "RACE-1,2026-03-02,,,,,", "RACE-2,2026-03-02,,,,,"))
    with unit_of_work() as store:  # someone else adds RACE-2 in between
        store.add_request(NewRequest(reference="RACE-2", received=date(2026, 3, 3)), "other", RECORDED_AT)
    before = dump_tables()

    with pytest.raises(DuplicateReference, match="RACE-2"):
        with unit_of_work() as store:
            store.import_caseload(caseload.cases, ACTOR, RECORDED_AT)

    assert dump_tables() == before


def test_a_large_file_is_checked_against_the_store_beyond_the_first_batch(unit_of_work, tmp_path, count_rows):
    received = date(2026, 1, 5)
    rows = [f"BULK-{n:05d},{received + timedelta(days=n % 60)},,,,," for n in range(1, 1201)]
    assert import_file(unit_of_work, write_csv(tmp_path, HEADER, *rows, name="bulk.csv")) == 1200
    assert (count_rows("cases"), count_rows("case_events")) == (1200, 1200)

    again = write_csv(tmp_path, HEADER, "FRESH-1,2026-03-02,,,,,", rows[1149], name="again.csv")
    with unit_of_work() as store:
        with pytest.raises(CaseloadRejected) as rejected:
            read_caseload(again, store.stored_references)
        listed = store.find(date(2026, 3, 1), stages=())

    assert rejected.value.problems == ["line 3: case_ref: a case BULK-01150 already exists in the case store"]
    assert len(listed) == 1200


def test_a_bad_row_after_a_quoted_line_break_is_reported_at_its_own_line_in_the_file(tmp_path):
    path = write_csv(tmp_path, HEADER + ",team",
                     'Q-1,2026-03-02,,,,,,"North',         # line 2 ...
                     'and East"',                           # ... line 3: one record over two lines
                     "Q-2,2026-03-32,,,,,,South")           # line 4: bad date

    with pytest.raises(CaseloadRejected) as rejected:
        read_caseload(path)

    assert len(rejected.value.problems) == 1
    assert rejected.value.problems[0].startswith("line 4: received")


def test_a_good_file_is_parsed_into_requests_and_events_with_ignored_columns_listed(tmp_path):
    path = write_csv(tmp_path, HEADER + ",caseworker,nhs_number,child_given_name",
                     "P-1,2026-03-02,assess,2026-04-10,,,,alice,999,Ada")

    caseload = read_caseload(path)

    assert caseload.ignored_columns == ["nhs_number"]
    [(request, events)] = caseload.cases
    assert (request.reference, request.received, request.caseworker, request.child_given_name) == (
        "P-1", date(2026, 3, 2), "alice", "Ada")
    assert [e.type for e in events] == ["received", "decision"]

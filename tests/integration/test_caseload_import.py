"""`ehc import caseload`: a CSV read and written in one transaction, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from domain.events import Decision, DecisionOutcome, DraftServed, ExceptionStarted, FinalIssued, NoPlanNotice
from domain.intake import NewRequest
from domain.rules import Limb
from config.settings import Settings
from ehc.imports import caseload as caseload_import
from ehc.bootstrap import App
from ehc.imports.caseload_csv import CaseloadRejected
from ehc.imports.caseload import import_caseload_file
from ehc.case_views import timeline_json
from store.cases import CaseStore, ReferenceTakenMeanwhile
from store.db import upgrade

ACTOR = "integration.tester"
RECORDED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=timezone.utc)
HEADER = "case_ref,received,decision,decision_date,final_issued,no_plan_notice,exception"


def write_csv(tmp_path: Path, *lines: str, name: str = "caseload.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def app(database_url, tmp_path) -> App:
    return App(Settings(database_url=database_url, state_dir=tmp_path / "state"))


def import_file(app: App, path: Path, workers: int | None = None) -> int:
    return import_caseload_file(app, path, ACTOR, workers).imported


def stored_view(unit_of_work, engine, reference: str, as_of: date) -> dict:
    """The case as the repository reads it, and the projection columns beside it as the tables hold them."""
    with unit_of_work() as store:
        record = store.get(reference)
        timeline = timeline_json(store.timeline(record.events, as_of))
    with engine.connect() as connection:
        case = connection.execute(
            text("SELECT stage, next_due, exceptions_apply FROM cases WHERE reference = :r"), {"r": reference}).one()
    return {"stage": case[0], "next_due": str(case[1]) if case[1] else None, "exceptions_apply": bool(case[2]),
            "timeline": timeline, "events": [(e.type, e.on) for e in record.events]}


@pytest.mark.parametrize(("row", "events"), [
    pytest.param("SAME,2026-01-05,assess,2026-02-10,2026-05-29,,,2026-05-01", [  # a draft first (Reg 13)
        Decision(on=date(2026, 2, 10), outcome=DecisionOutcome.ASSESS), DraftServed(on=date(2026, 5, 1)),
        FinalIssued(on=date(2026, 5, 29))],
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
        app, unit_of_work, engine, tmp_path, row, events):
    import_file(app, write_csv(tmp_path, HEADER + ",draft_served", row))
    received = date.fromisoformat(row.split(",")[1])
    with unit_of_work() as store:
        store.add_request(NewRequest(reference="BYHAND", received=received), ACTOR, RECORDED_AT)
    for event in events:
        with unit_of_work() as store:
            store.record("BYHAND", event, ACTOR, RECORDED_AT)

    as_of = date(2026, 6, 1)
    assert stored_view(unit_of_work, engine, "SAME", as_of) == stored_view(unit_of_work, engine, "BYHAND", as_of)


def test_imported_events_are_numbered_in_date_order_with_received_first(app, unit_of_work, tmp_path):
    path = write_csv(tmp_path, HEADER + ",draft_served,exception_start",
                     "ORD-1,2026-03-02,assess,2026-04-10,2026-07-01,,10(4)(d),2026-05-01,2026-03-02")
    import_file(app, path)

    with unit_of_work() as store:
        audit = store.get("ORD-1").audit

    assert [(a["sequence"], a["type"], a["date"]) for a in audit] == [
        (1, "received", "2026-03-02"), (2, "exception_started", "2026-03-02"), (3, "decision", "2026-04-10"),
        (4, "draft_served", "2026-05-01"), (5, "final_issued", "2026-07-01")]
    assert {a["actor"] for a in audit} == {ACTOR}


def test_stored_references_are_reported_with_the_other_bad_rows_in_line_order(app, tmp_path, dump_tables):
    import_file(app, write_csv(tmp_path, HEADER, "OLD-1,2026-01-05,,,,,", "OLD-2,2026-01-05,,,,,",
                                        name="first.csv"))
    before = dump_tables()
    path = write_csv(tmp_path, HEADER,
                     "OLD-2,2026-01-05,,,,,",       # line 2: stored
                     "NEW-1,2026-13-05,,,,,",       # line 3: bad date
                     "NEW-2,2026-01-05,,,,,",       # line 4: fine
                     "OLD-1,2026-01-05,,,,,",       # line 5: stored
                     "NEW-2,2026-01-06,,,,,",       # line 6: duplicate of line 4
                     name="second.csv")

    with pytest.raises(CaseloadRejected) as rejected:
        import_file(app, path)

    assert [problem.split(":")[0] for problem in rejected.value.problems] == [
        "line 2", "line 3", "line 5", "line 6"]
    assert "OLD-2" in rejected.value.problems[0] and "already exists" in rejected.value.problems[0]
    assert "also on line 4" in rejected.value.problems[3]
    assert dump_tables() == before


def test_a_reference_stored_by_someone_else_during_the_import_rolls_the_whole_import_back(
        app, database_url, tmp_path, monkeypatch, dump_tables):
    """The race the unique index settles: RACE-2 is stored by another writer after the import checked it."""
    path = write_csv(tmp_path, HEADER, "RACE-1,2026-03-02,,,,,", "RACE-2,2026-03-02,,,,,")
    someone_else = App(Settings(database_url=database_url, state_dir=tmp_path / "other"))
    checked = CaseStore.stored_references
    raced = []

    def checked_then_taken(store, references):
        found = checked(store, references)  # what the import sees: neither is stored yet
        if not raced:  # the other writer's own intake checks references too
            raced.append("RACE-2")
            with someone_else.unit_of_work() as other:
                other.cases.add_request(NewRequest(reference="RACE-2", received=date(2026, 3, 3)), "other", RECORDED_AT)
        return found

    monkeypatch.setattr(CaseStore, "stored_references", checked_then_taken)
    before_race = dump_tables()

    with pytest.raises(ReferenceTakenMeanwhile, match="stored by someone else during the import"):
        import_file(app, path)

    after = dump_tables()
    assert [row for row in after["cases"] if "RACE-1" in row[1]] == []  # nothing of the import is kept
    assert len(after["cases"]) == len(before_race["cases"]) + 1  # only the other writer's RACE-2


def test_a_large_file_is_checked_against_the_store_beyond_the_first_batch(app, unit_of_work, tmp_path, count_rows):
    received = date(2026, 1, 5)
    rows = [f"BULK-{n:05d},{received + timedelta(days=n % 60)},,,,," for n in range(1, 1201)]
    assert import_file(app, write_csv(tmp_path, HEADER, *rows, name="bulk.csv")) == 1200
    assert (count_rows("cases"), count_rows("case_events")) == (1200, 1200)

    again = write_csv(tmp_path, HEADER, "FRESH-1,2026-03-02,,,,,", rows[1149], name="again.csv")
    with pytest.raises(CaseloadRejected) as rejected:
        import_file(app, again)
    with unit_of_work() as store:
        listed = store.find(date(2026, 3, 5), stages=())  # the last of them was received on 5 Mar

    assert rejected.value.problems == ["line 3: case_ref: a case BULK-01150 already exists in the case store"]
    assert len(listed) == 1200


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 40 rows, so a file of a few hundred is shared between worker processes."""
    monkeypatch.setattr(caseload_import, "CHUNK_ROWS", 40)


def test_a_file_shared_between_worker_processes_stores_what_one_process_would(
        app, small_chunks, tmp_path, database_url):
    rows = [f"PAR-{n:04d},{date(2026, 1, 5) + timedelta(days=n % 90)},"
            + ("assess,2026-05-01,,," if n % 3 else ",,,,") + ("10(4)(c)" if n % 7 == 0 else "")
            for n in range(1, 301)]
    path = write_csv(tmp_path, HEADER, *rows)
    serial = App(Settings(database_url=f"sqlite:///{tmp_path / 'serial.sqlite3'}", state_dir=tmp_path / "s"))
    upgrade(serial.engine)

    assert import_file(app, path, workers=2) == import_file(serial, path, workers=1) == 300

    def view(of: App) -> list:
        with of.unit_of_work() as work:
            return [(record.reference, record.stage, [(e.type, e.on) for e in record.events],
                     timeline.next_due.statutory if timeline.next_due else None)
                    for record, timeline in work.cases.find(date(2026, 6, 1), stages=())]
    assert view(app) == view(serial)


def test_bad_lines_in_later_chunks_are_all_listed_and_nothing_is_written(app, small_chunks, tmp_path, dump_tables):
    rows = [f"BIG-{n:04d},2026-02-02,,,,," for n in range(1, 301)]
    rows[9] = "BIG-0010,2026-02-30,,,,,"        # line 11, first chunk
    rows[250] = "BIG-0251,2026-02-02,maybe,,,,"  # line 252, a later chunk
    rows[299] = "BIG-0001,2026-02-02,,,,,"       # line 301: repeats line 2
    before = dump_tables()

    with pytest.raises(CaseloadRejected) as rejected:
        import_file(app, write_csv(tmp_path, HEADER, *rows), workers=2)

    assert [problem.split(":")[0] for problem in rejected.value.problems] == ["line 11", "line 252", "line 301"]
    assert dump_tables() == before


def test_a_bad_row_after_a_quoted_line_break_is_reported_at_its_own_line_in_the_file(app, tmp_path):
    path = write_csv(tmp_path, HEADER + ",team",
                     'Q-1,2026-03-02,,,,,,"North',         # line 2 ...
                     'and East"',                           # ... line 3: one record over two lines
                     "Q-2,2026-03-32,,,,,,South")           # line 4: bad date

    with pytest.raises(CaseloadRejected) as rejected:
        import_file(app, path)

    assert len(rejected.value.problems) == 1
    assert rejected.value.problems[0].startswith("line 4: received")


def test_a_good_file_is_stored_with_its_requests_events_and_ignored_columns_listed(app, unit_of_work, tmp_path):
    path = write_csv(tmp_path, HEADER + ",caseworker,nhs_number,child_given_name",
                     "P-1,2026-03-02,assess,2026-04-10,,,,alice,999,Ada")

    imported = import_caseload_file(app, path, ACTOR)

    assert (imported.imported, imported.ignored_columns, imported.open_references) == (1, ["nhs_number"], ["P-1"])
    with unit_of_work() as store:
        record = store.get("P-1")
    assert (record.received, record.caseworker, record.child_given_name) == (date(2026, 3, 2), "alice", "Ada")
    assert [e.type for e in record.events] == ["received", "decision"]

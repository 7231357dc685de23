"""CaseStore on a real database: every test runs on SQLite and on PostgreSQL (`database_url`)."""

from __future__ import annotations

import json
import threading
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from domain.casefile import EventRejected
from domain.events import (
    AdviceReceived, AdviceRequested, Agency, Decision, DecisionOutcome, DraftServed,
    ExceptionEnded, ExceptionStarted, FinalIssued, NoPlanNotice, Received, Withdrawn, parse_event,
)
from domain.intake import NewRequest
from domain.rules import Limb
from domain.timeline import Stage
from store.cases import CaseNotFound, DuplicateReference
from store.db import session_factory
from store.models import CaseEvent as EventRow
from store.unit_of_work import CaseDatabase

ACTOR = "integration.tester"
RECORDED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=timezone.utc)
REF = "EHC/2026/042"
RECEIVED = date(2026, 3, 2)  # Mon: decision due Mon 13 Apr, no-plan notice Mon 22 Jun, final plan Mon 20 Jul


def d(text_: str) -> date:
    return date.fromisoformat(text_)


def new_case(unit_of_work, reference: str = REF, received: date = RECEIVED, **details) -> None:
    with unit_of_work() as store:
        store.add_request(NewRequest(reference=reference, received=received, **details), ACTOR, RECORDED_AT)


def record(unit_of_work, *events, reference: str = REF, actor: str = ACTOR) -> None:
    for event in events:
        with unit_of_work() as store:
            store.record(reference, event, actor, RECORDED_AT)


def case_row(engine, reference: str = REF) -> dict:
    with engine.connect() as connection:
        return dict(connection.execute(
            text("SELECT id, stage, next_due, exceptions_apply FROM cases WHERE reference = :r"),
            {"r": reference}).mappings().one())


def advice_rows(engine, reference: str = REF) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT a.key, a.agency, c.code, a.requested_on, a.due_on, a.received_on "
            "FROM advice_requests a JOIN cases k ON k.id = a.case_id LEFT JOIN contributors c ON c.id = a.contributor_id "
            "WHERE k.reference = :r ORDER BY a.key"), {"r": reference})]


def event_rows(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT case_id, sequence, type, event_date, actor FROM case_events ORDER BY case_id, sequence"))]


def as_date(value) -> date | None:
    """SQLite hands dates back from raw SQL as text; PostgreSQL as dates."""
    return date.fromisoformat(value) if isinstance(value, str) else value


# -- intake and reading back -------------------------------------------------------------------------


def test_a_new_request_is_stored_with_its_received_event_and_first_due_date(unit_of_work, engine):
    with unit_of_work() as store:
        record_ = store.add_request(NewRequest(
            reference=REF, received=RECEIVED, child_given_name="Ada", child_family_name="Lovelace",
            child_date_of_birth=d("2016-01-02"), caseworker="alice", team="North", setting="URN-100001"),
            ACTOR, RECORDED_AT)

    assert record_.stage is Stage.AWAITING_DECISION
    assert record_.events == (Received(on=RECEIVED),)
    row = case_row(engine)
    assert (row["stage"], as_date(row["next_due"]), bool(row["exceptions_apply"])) == (
        "awaiting_decision", d("2026-04-13"), False)
    assert [(case_id, seq, type_, as_date(on), actor) for case_id, seq, type_, on, actor in event_rows(engine)] == [
        (row["id"], 1, "received", RECEIVED, ACTOR)]
    with unit_of_work() as store:
        again = store.get(REF)
    assert (again.child_given_name, again.child_family_name, again.child_date_of_birth) == (
        "Ada", "Lovelace", d("2016-01-02"))
    assert (again.caseworker, again.team, again.setting, again.child_initials) == ("alice", "North", "URN-100001", "AL")


def test_the_audit_trail_keeps_actor_and_a_utc_recorded_at_on_every_database(unit_of_work):
    new_case(unit_of_work)
    later = RECORDED_AT + timedelta(days=3, hours=5)
    with unit_of_work() as store:
        store.record(REF, Decision(on=d("2026-04-01"), outcome=DecisionOutcome.ASSESS), "team.manager", later)

    with unit_of_work() as store:
        audit = store.get(REF).audit

    assert [(a["sequence"], a["type"], a["date"], a["actor"]) for a in audit] == [
        (1, "received", "2026-03-02", ACTOR), (2, "decision", "2026-04-01", "team.manager")]
    assert [datetime.fromisoformat(a["recorded_at"]) for a in audit] == [RECORDED_AT, later]
    assert all(datetime.fromisoformat(a["recorded_at"]).utcoffset() == timedelta(0) for a in audit)
    assert audit[1]["details"] == {"outcome": "assess"}


def test_recorded_at_is_shown_in_utc_whatever_the_database_sessions_time_zone(database_url, engine, calendar,
                                                                            closures, unit_of_work):
    new_case(unit_of_work)
    if engine.dialect.name == "postgresql":  # a server or role configured for New York must not change the audit
        reader = create_engine(database_url, connect_args={"options": "-c timezone=America/New_York"})
    else:
        reader = create_engine(database_url)
    try:
        with CaseDatabase(reader, calendar, closures).unit_of_work() as work:
            [entry] = work.cases.get(REF).audit
    finally:
        reader.dispose()

    assert entry["recorded_at"] == "2026-06-01T09:30:00+00:00"


def test_a_second_request_with_the_same_reference_is_refused_and_nothing_is_written(unit_of_work, dump_tables):
    new_case(unit_of_work)
    before = dump_tables()

    with pytest.raises(DuplicateReference, match="EHC/2026/042"):
        new_case(unit_of_work, received=d("2026-05-01"))

    assert dump_tables() == before


def test_an_unknown_reference_is_case_not_found(unit_of_work):
    with unit_of_work() as store:
        with pytest.raises(CaseNotFound, match="NOPE"):
            store.get("NOPE")
        with pytest.raises(CaseNotFound, match="NOPE"):
            store.record("NOPE", Withdrawn(on=RECEIVED), ACTOR, RECORDED_AT)


# -- append-only ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("statement", [
    pytest.param("UPDATE case_events SET type = 'withdrawn' WHERE sequence = 2", id="update-type"),
    pytest.param("UPDATE case_events SET actor = 'someone.else'", id="update-actor-everywhere"),
    pytest.param("UPDATE case_events SET event_date = event_date", id="update-to-the-same-value"),
    pytest.param("DELETE FROM case_events WHERE sequence = 2", id="delete-one"),
    pytest.param("DELETE FROM case_events", id="delete-all"),
])
def test_case_events_refuse_update_and_delete_at_the_database(unit_of_work, engine, dump_tables, statement):
    new_case(unit_of_work)
    record(unit_of_work, Decision(on=d("2026-04-01"), outcome=DecisionOutcome.ASSESS))
    before = dump_tables()

    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text(statement))

    assert dump_tables() == before


def test_changing_an_event_through_the_orm_is_refused_too(engine, unit_of_work, dump_tables):
    new_case(unit_of_work)
    before = dump_tables()

    with pytest.raises(DBAPIError, match="append-only"):
        with session_factory(engine).begin() as session:
            row = session.scalars(select(EventRow)).one()
            row.actor = "rewritten"

    with pytest.raises(DBAPIError, match="append-only"):
        with session_factory(engine).begin() as session:
            session.execute(update(EventRow).values(payload={"forged": True}))

    assert dump_tables() == before


def test_a_case_with_history_cannot_be_deleted_from_under_its_events(engine, unit_of_work, dump_tables):
    new_case(unit_of_work)
    before = dump_tables()

    with pytest.raises(IntegrityError):
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM cases"))

    assert dump_tables() == before


# -- refusals write nothing -----------------------------------------------------------------------------

ASSESS = Decision(on=d("2026-04-01"), outcome=DecisionOutcome.ASSESS)


@pytest.mark.parametrize(("history", "event", "message"), [
    pytest.param([], Decision(on=d("2026-02-27"), outcome=DecisionOutcome.ASSESS), "before the request was received",
                 id="decision-before-received"),
    pytest.param([], DraftServed(on=d("2026-04-01")), "decision to assess", id="draft-without-decision"),
    pytest.param([ASSESS], Decision(on=d("2026-04-02"), outcome=DecisionOutcome.NOT_ASSESS), "already recorded",
                 id="second-decision"),
    pytest.param([ASSESS], AdviceReceived(on=d("2026-05-01"), agency=Agency.HEALTH), "no advice was requested",
                 id="advice-never-requested"),
    pytest.param([ASSESS, AdviceRequested(on=d("2026-04-13"), agency=Agency.HEALTH)],
                 AdviceReceived(on=d("2026-04-10"), agency=Agency.HEALTH), "no advice was requested from health on or before",
                 id="back-dated-advice-before-its-request"),
    pytest.param([ASSESS], AdviceRequested(on=d("2026-04-13"), agency=Agency.HEALTH, contributor="GHOST"),
                 "GHOST", id="unknown-contributor"),
    pytest.param([Decision(on=d("2026-03-20"), outcome=DecisionOutcome.NOT_ASSESS)],
                 AdviceRequested(on=d("2026-04-13"), agency=Agency.HEALTH), "after the case closed",
                 id="event-after-case-closed"),
    pytest.param([ASSESS, DraftServed(on=d("2026-05-15")), FinalIssued(on=d("2026-07-01"))],
                 NoPlanNotice(on=d("2026-06-01")),
                 "after the case closed", id="back-dated-notice-still-after-final-in-date-order"),
    pytest.param([], Received(on=d("2026-03-05")), "already received", id="second-received"),
    pytest.param([], ExceptionEnded(on=d("2026-04-01"), limb=Limb.PERSONAL_CIRCUMSTANCES), "no open exception",
                 id="end-of-an-exception-never-started"),
])
def test_a_rejected_event_leaves_nothing_written_even_when_the_caller_commits(
        unit_of_work, dump_tables, history, event, message):
    new_case(unit_of_work)
    record(unit_of_work, *history)
    before = dump_tables()

    with unit_of_work() as store:  # the transaction is committed: the refusal itself must have written nothing
        with pytest.raises(EventRejected, match=message):
            store.record(REF, event, ACTOR, RECORDED_AT)

    assert dump_tables() == before


# -- projections ----------------------------------------------------------------------------------------


def test_projections_follow_each_event_through_a_whole_case(unit_of_work, engine):
    with unit_of_work() as store:
        store.add_contributor("DCO-N", "North designated clinical officer", "health")
    new_case(unit_of_work)
    # (event, stage, next_due, exceptions_apply, advice rows: key, agency, contributor, requested, due, received)
    health = ("DCO-N", "health", "DCO-N", d("2026-04-13"), d("2026-05-25"))
    psych = ("educational_psychology", "educational_psychology", None, d("2026-04-20"), d("2026-06-01"))
    steps = [
        (Decision(on=d("2026-04-10"), outcome=DecisionOutcome.ASSESS), "assessment", "2026-06-22", False, []),
        (AdviceRequested(on=d("2026-04-13"), agency=Agency.HEALTH, contributor="DCO-N"), "assessment",
         "2026-05-25", False, [(*health, None)]),
        (AdviceRequested(on=d("2026-04-20"), agency=Agency.EDUCATIONAL_PSYCHOLOGY), "assessment", "2026-05-25",
         False, [(*health, None), (*psych, None)]),
        (AdviceReceived(on=d("2026-05-20"), contributor="DCO-N"), "assessment", "2026-06-01", False,
         [(*health, d("2026-05-20")), (*psych, None)]),
        (AdviceReceived(on=d("2026-06-03"), agency=Agency.EDUCATIONAL_PSYCHOLOGY), "assessment", "2026-06-22", False,
         [(*health, d("2026-05-20")), (*psych, d("2026-06-03"))]),
        (ExceptionStarted(on=d("2026-06-05"), limb=Limb.PERSONAL_CIRCUMSTANCES, evidence="hospital stay"),
         "assessment", "2026-06-22", True, [(*health, d("2026-05-20")), (*psych, d("2026-06-03"))]),
        (DraftServed(on=d("2026-06-10")), "draft", "2026-06-24", True,
         [(*health, d("2026-05-20")), (*psych, d("2026-06-03"))]),
        (FinalIssued(on=d("2026-07-24")), "issued", None, True,
         [(*health, d("2026-05-20")), (*psych, d("2026-06-03"))]),
    ]
    for event, stage, next_due, exceptions_apply, advice in steps:
        record(unit_of_work, event)

        row = case_row(engine)
        assert row["stage"] == stage, event
        assert as_date(row["next_due"]) == (d(next_due) if next_due else None), event
        assert bool(row["exceptions_apply"]) is exceptions_apply, event
        stored = [(k, a, c, as_date(r), as_date(due), as_date(rec)) for k, a, c, r, due, rec in advice_rows(engine)]
        assert stored == sorted(advice), event
        for *_, requested, due, _received in stored:
            assert due == requested + timedelta(days=42)

    assert [row[1] for row in event_rows(engine)] == list(range(1, len(steps) + 2))


def test_a_back_dated_event_is_folded_in_date_order_into_the_projection(unit_of_work, engine):
    new_case(unit_of_work)
    record(unit_of_work, Decision(on=d("2026-04-10"), outcome=DecisionOutcome.ASSESS),
           AdviceRequested(on=d("2026-04-20"), agency=Agency.HEALTH))
    assert as_date(case_row(engine)["next_due"]) == d("2026-06-01")

    # recorded later, happened earlier: another advice request on 13 Apr, due 25 May
    record(unit_of_work, AdviceRequested(on=d("2026-04-13"), agency=Agency.SOCIAL_CARE))

    assert as_date(case_row(engine)["next_due"]) == d("2026-05-25")
    with unit_of_work() as store:
        events = store.get(REF).events
    assert [e.type for e in events] == ["received", "decision", "advice_requested", "advice_requested"]
    assert [row[1] for row in event_rows(engine)] == [1, 2, 3, 4]


def test_advice_asked_of_a_school_in_the_summer_closure_window_makes_the_exception_apply(unit_of_work, engine):
    new_case(unit_of_work, received=d("2026-06-01"), setting="URN-100001")
    record(unit_of_work, Decision(on=d("2026-07-01"), outcome=DecisionOutcome.ASSESS))
    assert bool(case_row(engine)["exceptions_apply"]) is False

    record(unit_of_work, AdviceRequested(on=d("2026-07-16"), agency=Agency.EDUCATION, setting="URN-100001",
                                         setting_kind="school"))

    assert bool(case_row(engine)["exceptions_apply"]) is True


def test_a_withdrawn_request_has_nothing_due(unit_of_work, engine):
    new_case(unit_of_work)
    record(unit_of_work, Withdrawn(on=d("2026-03-20")))

    row = case_row(engine)
    assert (row["stage"], row["next_due"]) == ("withdrawn", None)


# -- reading the caseload -------------------------------------------------------------------------------


def test_find_lists_the_earliest_statutory_date_first_and_cases_with_nothing_due_last(unit_of_work):
    new_case(unit_of_work, "A-CLOSED", d("2026-01-05"))
    record(unit_of_work, Decision(on=d("2026-01-20"), outcome=DecisionOutcome.NOT_ASSESS), reference="A-CLOSED")
    new_case(unit_of_work, "B-LATER", d("2026-05-18"), caseworker="alice")
    new_case(unit_of_work, "C-SOONER", d("2026-04-27"), caseworker="bob")

    with unit_of_work() as store:
        everything = [record_.reference for record_, _ in store.find(d("2026-06-01"))]
        open_only = [r.reference for r, _ in store.find(d("2026-06-01"), stages=[Stage.AWAITING_DECISION])]
        alice = [r.reference for r, _ in store.find(d("2026-06-01"), caseworker="alice")]
        due_soon = [r.reference for r, _ in store.find(d("2026-06-01"), due_within=7)]
        overdue = [r.reference for r, _ in store.find(d("2026-06-09"), overdue=True)]

    assert everything == ["C-SOONER", "B-LATER", "A-CLOSED"]
    assert open_only == ["C-SOONER", "B-LATER"]
    assert alice == ["B-LATER"]
    assert due_soon == ["C-SOONER"]  # decision due 8 Jun, 7 days after 1 Jun
    assert overdue == ["C-SOONER"]


# -- concurrent writers ---------------------------------------------------------------------------------


def assert_history_intact(engine, expected_types_by_case: dict[int, list[str]] | None = None) -> list[tuple]:
    """No duplicate (case_id, sequence); sequences run 1..n per case; every stored event parses."""
    with engine.connect() as connection:
        duplicates = connection.execute(text(
            "SELECT case_id, sequence FROM case_events GROUP BY case_id, sequence HAVING count(*) > 1")).all()
        rows = connection.execute(text(
            "SELECT case_id, sequence, type, event_date, payload FROM case_events ORDER BY case_id, sequence")).all()
    assert duplicates == []
    by_case: dict[int, list[int]] = {}
    rows = [(case_id, sequence, type_, event_date, json.loads(payload) if isinstance(payload, str) else payload)
            for case_id, sequence, type_, event_date, payload in rows]  # SQLite hands raw JSON back as text
    for case_id, sequence, type_, event_date, payload in rows:
        by_case.setdefault(case_id, []).append(sequence)
        parse_event(type_, as_date(event_date), payload)
    for sequences in by_case.values():
        assert sequences == list(range(1, len(sequences) + 1))
    return rows


def advice_keys_projected(engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(text("SELECT key FROM advice_requests")).scalars())


def test_two_sessions_recording_on_one_case_never_duplicate_a_sequence_number(engine, unit_of_work):
    new_case(unit_of_work)
    outcome: dict[str, object] = {}

    def second_writer() -> None:
        try:
            with unit_of_work() as store:
                store.record(REF, AdviceRequested(on=d("2026-03-11"), agency=Agency.SOCIAL_CARE), "second",
                             RECORDED_AT)
            outcome["second"] = "committed"
        except (IntegrityError, OperationalError) as error:  # losing the race is allowed; corrupting it is not
            outcome["second"] = error

    thread = threading.Thread(target=second_writer)
    with unit_of_work() as first:
        # record() flushes: first now holds the case (PostgreSQL: row lock; SQLite: the write lock)
        first.record(REF, AdviceRequested(on=d("2026-03-10"), agency=Agency.HEALTH), "first", RECORDED_AT)
        thread.start()
        time.sleep(0.5)  # let the second writer reach the point where it must wait for the first
    thread.join(timeout=60)
    assert not thread.is_alive(), "the second writer never finished"

    rows = assert_history_intact(engine)
    assert [(r[1], r[2]) for r in rows][:2] == [(1, "received"), (2, "advice_requested")]
    if outcome["second"] == "committed":
        assert [(r[1], r[2]) for r in rows] == [(1, "received"), (2, "advice_requested"), (3, "advice_requested")]
        assert advice_keys_projected(engine) == {"health", "social_care"}
    else:
        assert isinstance(outcome["second"], (IntegrityError, OperationalError)), outcome
        assert len(rows) == 2
        assert advice_keys_projected(engine) == {"health"}


def test_many_racing_writers_leave_an_intact_history_with_projections_matching_it(engine, unit_of_work):
    new_case(unit_of_work)
    agencies = [Agency.HEALTH, Agency.SOCIAL_CARE, Agency.EDUCATIONAL_PSYCHOLOGY, Agency.OTHER]
    start = threading.Barrier(len(agencies))
    results: dict[str, object] = {}

    def writer(agency: Agency) -> None:
        start.wait()
        try:
            with unit_of_work() as store:
                store.record(REF, AdviceRequested(on=d("2026-03-10"), agency=agency), agency.value, RECORDED_AT)
            results[agency.value] = "committed"
        except (IntegrityError, OperationalError) as error:
            results[agency.value] = error

    threads = [threading.Thread(target=writer, args=(agency,)) for agency in agencies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads)

    rows = assert_history_intact(engine)
    committed = {key for key, result in results.items() if result == "committed"}
    assert committed, results  # someone must win
    assert {payload["agency"] for *_, payload in rows[1:]} == committed
    assert advice_keys_projected(engine) == committed

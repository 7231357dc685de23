"""PlanStore on a real database: every test runs on SQLite and on PostgreSQL (`database_url`).

The plan: issued Tue 3 Mar 2026, a child in year 6 in 2026/27 at Oak Primary, so its first review is due by
Tue 2 Mar 2027 and its transfer to secondary school needs the amended plan by Sun 14 Feb 2027.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from domain.casefile import EventRejected
from domain.events import Decision, DecisionOutcome, DraftServed, EventVoided, FinalIssued
from domain.intake import NewRequest
from domain.plan_events import (
    MeetingHeld, MeetingNoticeSent, PlanCeased, ProposalsSent, ReportReceived, ReviewDecision, ReviewOutcome,
)
from domain.plan_review import PlanInForce, ReviewStage
from store import plans as plans_module
from store.db import session_factory
from store.models import PlanEventRow
from store.plans import DuplicatePlan, PlanNotFound

ACTOR = "integration.tester"
RECORDED_AT = datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc)
TODAY = date(2026, 10, 1)
REF = "EHC/2026/042"  # a request received Mon 2 Mar 2026 whose final plan was issued Mon 20 Jul 2026
PLAN = PlanInForce(plan_ref="PLAN/0001", issued=date(2026, 3, 3), last_review=None, year_group="6",
                   year_group_year=2026, setting="Oak Primary", caseworker="alice", team="North")
HELD = MeetingHeld(on=date(2026, 9, 22))


def d(text_: str) -> date:
    return date.fromisoformat(text_)


def a_plan(plan_ref: str, **changes) -> PlanInForce:
    return replace(PLAN, plan_ref=plan_ref, **changes)


@pytest.fixture
def plan_store(case_database):
    """``with plan_store() as plans:`` one unit of work's plan repository, committed at the end."""

    @contextmanager
    def open_store():
        with case_database.unit_of_work() as work:
            yield work.plans

    return open_store


def add(plan_store, *plans: PlanInForce) -> None:
    for plan in plans:
        with plan_store() as store:
            store.add(plan, ACTOR, RECORDED_AT, TODAY)


def record(plan_store, *events, plan_ref: str = PLAN.plan_ref) -> None:
    for event in events:
        with plan_store() as store:
            store.record(plan_ref, event, ACTOR, RECORDED_AT, max(TODAY, event.on))


def issued_request(unit_of_work, final: date = d("2026-07-20")) -> None:
    """The request the product carried to its final plan."""
    with unit_of_work() as cases:
        cases.add_request(NewRequest(reference=REF, received=d("2026-03-02"), child_given_name="Ada",
                                     child_family_name="Lovelace"), ACTOR, RECORDED_AT)
    for event in (Decision(on=d("2026-04-01"), outcome=DecisionOutcome.ASSESS), DraftServed(on=d("2026-06-01")),
                  FinalIssued(on=final)):
        with unit_of_work() as cases:
            cases.record(REF, event, ACTOR, RECORDED_AT)


def plan_row(engine, plan_ref: str = PLAN.plan_ref) -> dict:
    with engine.connect() as connection:
        row = connection.execute(text("SELECT stage, next_due, next_review_by, events_acted_on FROM plans "
                                      "WHERE plan_ref = :r"), {"r": plan_ref}).mappings().one()
    return {name: d(value) if isinstance(value, str) and name != "stage" else value for name, value in row.items()}


def stored_refs(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT plan_ref FROM plans ORDER BY plan_ref")).scalars())


# -- adding and reading back ------------------------------------------------------------------------------


def test_a_plan_added_reads_back_with_its_projections(plan_store, engine):
    add(plan_store, PLAN)

    with plan_store() as store:
        stored = store.get(PLAN.plan_ref)
    assert (stored.plan, stored.events, stored.audit, stored.child_initials, stored.events_acted_on) == (
        PLAN, (), (), None, 0)
    assert (stored.added_by, stored.added_at) == (ACTOR, RECORDED_AT)
    assert plan_row(engine) == {"stage": "awaiting_meeting", "next_due": d("2027-02-14"),
                                "next_review_by": d("2027-03-02"), "events_acted_on": 0}


def test_a_plan_of_a_stored_request_carries_its_initials_and_is_found_by_the_request(plan_store, unit_of_work):
    issued_request(unit_of_work)
    add(plan_store, a_plan("PLAN/0002", issued=d("2026-07-20"), case_ref=REF))

    with plan_store() as store:
        stored = store.get("PLAN/0002")
        found = store.plan_for_case(REF)
    assert (stored.plan.case_ref, stored.child_initials, found) == (REF, "AL", "PLAN/0002")


def test_an_unknown_plan_is_plan_not_found(plan_store):
    with plan_store() as store:
        with pytest.raises(PlanNotFound, match="PLAN/9999"):
            store.get("PLAN/9999")
        with pytest.raises(PlanNotFound, match="PLAN/9999"):
            store.record("PLAN/9999", HELD, ACTOR, RECORDED_AT, TODAY)
        assert store.plan_for_case("EHC/NONE") is None


@pytest.mark.parametrize(("plan", "error", "message"), [
    pytest.param(PLAN, DuplicatePlan, "a plan 'PLAN/0001' already exists", id="a reference taken"),
    pytest.param(a_plan("PLAN/0002", case_ref="EHC/2026/999"), EventRejected,
                 "plan PLAN/0002: no request 'EHC/2026/999' is stored", id="a request not stored"),
    pytest.param(a_plan("PLAN/0002", issued=d("2026-07-21"), case_ref=REF), EventRejected,
                 "plan PLAN/0002: issued 2026-07-21, but request EHC/2026/042's final plan was issued on 2026-07-20",
                 id="a request whose final plan is another day's"),
    pytest.param(a_plan("PLAN/0002", last_review=d("2026-03-02")), EventRejected,
                 "plan PLAN/0002: last reviewed on 2026-03-02, before it was issued on 2026-03-03",
                 id="last reviewed before it was issued"),
])
def test_a_plan_that_cannot_be_stored_is_refused_and_nothing_is_written(plan_store, unit_of_work, dump_tables, plan,
                                                                        error, message):
    issued_request(unit_of_work)
    add(plan_store, PLAN)
    before = dump_tables()

    with pytest.raises(error, match=message):
        add(plan_store, plan)

    assert dump_tables() == before


def test_a_request_with_no_final_plan_cannot_have_made_the_plan(plan_store, unit_of_work, dump_tables):
    with unit_of_work() as cases:
        cases.add_request(NewRequest(reference=REF, received=d("2026-03-02")), ACTOR, RECORDED_AT)
    before = dump_tables()

    with pytest.raises(EventRejected, match="request EHC/2026/042 has no final plan issued"):
        add(plan_store, a_plan("PLAN/0002", case_ref=REF))

    assert dump_tables() == before


def test_the_final_plan_of_a_request_is_its_standing_one_not_one_voided(plan_store, unit_of_work):
    """Final plan recorded for Tue 21 Jul by mistake, voided, and recorded again for Mon 20 Jul."""
    issued_request(unit_of_work, final=d("2026-07-21"))
    with unit_of_work() as cases:
        cases.record(REF, EventVoided(on=d("2026-07-22"), sequence=4, voided_type="final_issued",
                                      voided_on=d("2026-07-21"), reason="the letter was dated the 20th"),
                     ACTOR, RECORDED_AT)
        cases.record(REF, FinalIssued(on=d("2026-07-20")), ACTOR, RECORDED_AT)

    with pytest.raises(EventRejected, match="final plan was issued on 2026-07-20"):
        add(plan_store, a_plan("PLAN/0002", issued=d("2026-07-21"), case_ref=REF))
    add(plan_store, a_plan("PLAN/0002", issued=d("2026-07-20"), case_ref=REF))
    with pytest.raises(EventRejected, match="request EHC/2026/042's plan is already stored, as PLAN/0002"):
        add(plan_store, a_plan("PLAN/0003", issued=d("2026-07-20"), case_ref=REF))


# -- recording review events ------------------------------------------------------------------------------


def test_each_review_event_is_appended_with_its_audit_and_the_projections_follow(plan_store, engine):
    add(plan_store, PLAN)
    later = RECORDED_AT + timedelta(days=1, hours=2)
    with plan_store() as store:
        store.record(PLAN.plan_ref, MeetingNoticeSent(on=d("2026-09-01"), meeting=d("2026-09-22")), "school.senco",
                     RECORDED_AT, TODAY)
        store.record(PLAN.plan_ref, HELD, ACTOR, later, TODAY)
    assert plan_row(engine) == {"stage": "awaiting_decision", "next_due": d("2026-10-06"),
                                "next_review_by": d("2027-09-21"), "events_acted_on": 0}

    record(plan_store, ReportReceived(on=d("2026-10-02")), ReviewDecision(on=d("2026-10-20"), outcome="amend"),
           ProposalsSent(on=d("2026-10-20")))
    assert plan_row(engine) == {"stage": "amending", "next_due": d("2026-12-15"),
                                "next_review_by": d("2027-09-21"), "events_acted_on": 0}

    with plan_store() as store:
        stored = store.get(PLAN.plan_ref)
    assert [(a["sequence"], a["type"], a["date"], a["actor"]) for a in stored.audit] == [
        (1, "meeting_notice_sent", "2026-09-01", "school.senco"), (2, "meeting_held", "2026-09-22", ACTOR),
        (3, "report_received", "2026-10-02", ACTOR), (4, "decision", "2026-10-20", ACTOR),
        (5, "proposals_sent", "2026-10-20", ACTOR)]
    assert [datetime.fromisoformat(a["recorded_at"]) for a in stored.audit[:2]] == [RECORDED_AT, later]
    assert (stored.audit[0]["details"], stored.audit[3]["details"]) == ({"meeting": "2026-09-22"},
                                                                        {"outcome": "amend"})
    assert stored.events[3] == ReviewDecision(on=d("2026-10-20"), outcome=ReviewOutcome.AMEND)


def test_a_ceased_plan_has_nothing_due_and_leaves_the_plans_in_force(plan_store, engine):
    add(plan_store, PLAN)
    record(plan_store, HELD, ReviewDecision(on=d("2026-09-29"), outcome="cease"), PlanCeased(on=d("2026-09-29")))
    assert plan_row(engine) == {"stage": ReviewStage.CEASED.value, "next_due": None, "next_review_by": None,
                                "events_acted_on": 0}
    with plan_store() as store:
        assert list(store.batches()) == []
        assert [[r.plan_ref for r in batch] for batch in store.batches(in_force_only=False)] == [[PLAN.plan_ref]]


@pytest.mark.parametrize(("history", "event", "message"), [
    pytest.param([], MeetingHeld(on=d("2026-03-03")), "is not after the start of the review period",
                 id="meeting on the day issued"),
    pytest.param([], ReportReceived(on=d("2026-09-29")), "needs a review meeting first", id="report, no meeting"),
    pytest.param([HELD], ProposalsSent(on=d("2026-09-29")), "follow a decision to amend", id="proposals, no decision"),
    pytest.param([HELD, ReviewDecision(on=d("2026-09-29"), outcome="maintain")],
                 ReviewDecision(on=d("2026-09-30"), outcome="amend"), "already recorded", id="second decision"),
    pytest.param([PlanCeased(on=d("2026-09-01"))], HELD, "the plan ceased on 2026-09-01", id="after ceasing"),
    pytest.param([HELD], PlanCeased(on=d("2026-09-21")), "is before the meeting held on 2026-09-22",
                 id="ceased before the meeting on file"),
])
def test_a_refused_event_writes_nothing_even_when_the_caller_commits(plan_store, dump_tables, history, event,
                                                                     message):
    add(plan_store, PLAN)
    record(plan_store, *history)
    before = dump_tables()

    with plan_store() as store:  # committed: the refusal itself must have written nothing
        with pytest.raises(EventRejected, match=message):
            store.record(PLAN.plan_ref, event, ACTOR, RECORDED_AT, TODAY)

    assert dump_tables() == before


# -- append-only --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("statement", [
    pytest.param("UPDATE plan_events SET type = 'plan_ceased' WHERE sequence = 2", id="update-type"),
    pytest.param("UPDATE plan_events SET actor = 'someone.else'", id="update-actor-everywhere"),
    pytest.param("UPDATE plan_events SET event_date = event_date", id="update-to-the-same-value"),
    pytest.param("DELETE FROM plan_events WHERE sequence = 2", id="delete-one"),
    pytest.param("DELETE FROM plan_events", id="delete-all"),
])
def test_plan_events_refuse_update_and_delete_at_the_database(plan_store, engine, dump_tables, statement):
    add(plan_store, PLAN)
    record(plan_store, HELD, ReportReceived(on=d("2026-09-29")))
    before = dump_tables()

    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text(statement))

    assert dump_tables() == before


def test_changing_a_plan_event_through_the_orm_is_refused_too(plan_store, engine, dump_tables):
    add(plan_store, PLAN)
    record(plan_store, HELD)
    before = dump_tables()

    with pytest.raises(DBAPIError, match="append-only"):
        with session_factory(engine).begin() as session:
            session.scalars(select(PlanEventRow)).one().actor = "rewritten"
    with pytest.raises(DBAPIError, match="append-only"):
        with session_factory(engine).begin() as session:
            session.execute(update(PlanEventRow).values(payload={"forged": True}))

    assert dump_tables() == before


# -- the import: all or nothing --------------------------------------------------------------------------------


def test_an_import_stores_every_plan_with_its_projections(plan_store, unit_of_work, engine):
    issued_request(unit_of_work)
    plans = [a_plan("PLAN/0001"), a_plan("PLAN/0002", issued=d("2026-07-20"), case_ref=REF),
             a_plan("PLAN/0003", issued=d("2019-05-01"), last_review=d("2025-12-31"), year_group="11",
                    year_group_year=2026, setting=None)]
    with plan_store() as store:
        assert store.import_plans(plans, ACTOR, RECORDED_AT, TODAY) == 3

    assert stored_refs(engine) == ["PLAN/0001", "PLAN/0002", "PLAN/0003"]
    assert plan_row(engine, "PLAN/0003") == {"stage": "awaiting_meeting", "next_due": d("2026-12-30"),
                                             "next_review_by": d("2026-12-30"), "events_acted_on": 0}
    with plan_store() as store:
        assert store.get("PLAN/0002").child_initials == "AL"


@pytest.mark.parametrize(("bad", "error", "message"), [
    pytest.param(a_plan("PLAN/0001"), DuplicatePlan, "a plan 'PLAN/0001' already exists", id="a reference stored"),
    pytest.param(a_plan("PLAN/0011"), EventRejected, "PLAN/0011.* twice", id="a reference given twice"),
    pytest.param(a_plan("PLAN/0015", case_ref="EHC/2026/999"), EventRejected, "no request 'EHC/2026/999' is stored",
                 id="a request not stored"),
    pytest.param(a_plan("PLAN/0015", issued=d("2026-07-21"), case_ref=REF), EventRejected,
                 "final plan was issued on 2026-07-20", id="a request whose final plan is another day's"),
    pytest.param(a_plan("PLAN/0015", last_review=d("2025-12-31")), EventRejected,
                 "last reviewed on 2025-12-31, before it was issued", id="last reviewed before it was issued"),
])
def test_an_import_with_one_bad_plan_stores_none_across_its_chunks(plan_store, unit_of_work, engine, dump_tables,
                                                                  monkeypatch, bad, error, message):
    issued_request(unit_of_work)
    add(plan_store, PLAN)
    monkeypatch.setattr(plans_module, "IMPORT_CHUNK", 2)  # five plans: three chunks, the bad one in the last
    plans = [a_plan(f"PLAN/001{n}") for n in range(4)] + [bad]
    before = dump_tables()

    with pytest.raises(error, match=message):
        with plan_store() as store:
            store.import_plans(plans, ACTOR, RECORDED_AT, TODAY)

    assert dump_tables() == before


# -- orchestration's progress ---------------------------------------------------------------------------------


def test_a_plan_is_behind_until_its_arrival_and_each_event_are_acted_on_and_acted_on_never_moves_back(plan_store):
    add(plan_store, PLAN, a_plan("PLAN/0002"))
    at = RECORDED_AT + timedelta(minutes=5)
    with plan_store() as store:
        assert store.plans_behind() == ["PLAN/0001", "PLAN/0002"]  # their arrival, event 1, not yet acted on
        store.acted_on("PLAN/0001", 1, at)
        assert store.plans_behind() == ["PLAN/0002"]

    record(plan_store, HELD)
    with plan_store() as store:
        assert store.plans_behind() == ["PLAN/0001", "PLAN/0002"]
        store.acted_on("PLAN/0001", 2, at)
        store.acted_on("PLAN/0001", 1, at)  # a pass that read the plan earlier finishing late
        assert store.get("PLAN/0001").events_acted_on == 2
        assert store.plans_behind() == ["PLAN/0002"]


# -- reading in batches -----------------------------------------------------------------------------------------


@pytest.fixture
def five_plans(plan_store):
    add(plan_store,
        a_plan("PLAN/A", setting="Oak Primary", caseworker="alice", team="North"),
        a_plan("PLAN/B", setting="OAK PRIMARY", caseworker="Bob", team="South"),
        a_plan("PLAN/C", setting="Elm Academy", caseworker="ALICE", team="North"),
        a_plan("PLAN/D", setting=None, caseworker=None, team=None),
        a_plan("PLAN/E", setting="Oak Primary", caseworker="carol", team="East"))
    record(plan_store, HELD, ReviewDecision(on=d("2026-09-29"), outcome="cease"), PlanCeased(on=d("2026-09-29")),
           plan_ref="PLAN/E")


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, ["PLAN/A", "PLAN/B", "PLAN/C", "PLAN/D"]),
    ({"setting": "oak primary"}, ["PLAN/A", "PLAN/B"]),
    ({"caseworker": "Alice"}, ["PLAN/A", "PLAN/C"]),
    ({"teams": ["North", "South"]}, ["PLAN/A", "PLAN/B", "PLAN/C"]),
    ({"teams": []}, []),
    ({"setting": "Oak Primary", "teams": ["South"]}, ["PLAN/B"]),
    ({"plan_refs": ["PLAN/B", "PLAN/D", "PLAN/E"]}, ["PLAN/B", "PLAN/D"]),
    ({"in_force_only": False, "setting": "oak primary"}, ["PLAN/A", "PLAN/B", "PLAN/E"]),
], ids=["in force", "setting, any case", "caseworker, any case", "teams", "no teams: none", "setting and team",
        "by reference", "ceased too"])
def test_batches_filter_the_plans_in_force(plan_store, five_plans, filters, expected):
    with plan_store() as store:
        assert [record.plan_ref for batch in store.batches(**filters) for record in batch] == expected


def test_batches_come_size_at_a_time_in_id_order_with_their_events(plan_store, five_plans):
    with plan_store() as store:
        batches = list(store.batches(size=3, in_force_only=False))
    assert [[record.plan_ref for record in batch] for batch in batches] == [
        ["PLAN/A", "PLAN/B", "PLAN/C"], ["PLAN/D", "PLAN/E"]]
    assert [len(record.events) for batch in batches for record in batch] == [0, 0, 0, 0, 3]
    assert all(record.audit == () for batch in batches for record in batch)  # the lists need no audit trail

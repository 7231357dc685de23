"""Orchestration's passes over a case (ehc/services/orchestration.py) and the hand-over (ehc/services/hand_over.py),
on the fakes: the in-memory store, and a recording orchestrator standing in for Prefect's task workers.

A pass acts on the casework events stored since the last one and records how many it has acted on; a case
is level when that is every casework event it has. The messages a pass queues go to the outbox, which is
SQL: that part is tested on SQLite and PostgreSQL in tests/integration/test_orchestration_passes.py.

The usual request is received Mon 2 Mar 2026; the clock stands at noon on Mon 30 Nov 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.events import Decision, DraftServed, FinalIssued, NotificationSent
from domain.intake import NewRequest
from ehc.orchestration.orchestrator import NoOrchestration
from ehc.services import casework
from ehc.services.hand_over import hand_over
from ehc.services.orchestration import advance_case, catch_up
from store.cases import CaseNotFound
from tests.services.conftest import RECEIVED

REF = "EHC/2026/042"
ACTOR = "alice"


def d(text: str) -> date:
    return date.fromisoformat(text)


ASSESS = Decision(on=d("2026-04-10"), outcome="assess")
NOT_ASSESSED = Decision(on=d("2026-04-10"), outcome="not_assess")


def intake(app, reference: str = REF) -> None:
    casework.add_request(app, NewRequest(reference=reference, received=RECEIVED), ACTOR)


def record(app, *events, reference: str = REF) -> None:
    for event in events:
        casework.record_event(app, reference, event, ACTOR)


def level_of(app, reference: str = REF) -> casework.OrchestrationLevel | None:
    stored, _ = casework.show_case(app, reference, RECEIVED)
    return casework.orchestration_level(app, stored)


def reviews_started(orchestrator) -> list[tuple]:
    return [call[1:] for call in orchestrator.calls if call[0] == "start_quality_review"]


def given_cases(app, cases: dict[str, tuple]) -> None:
    """Cases written straight into the store, handed to nobody: reference -> events after receipt."""
    with app.unit_of_work() as work:
        for reference, events in cases.items():
            work.cases.add_request(NewRequest(reference=reference, received=RECEIVED), ACTOR, app.clock.now())
            for event in events:
                work.cases.record(reference, event, ACTOR, app.clock.now())


# -- one pass -------------------------------------------------------------------------------------


def test_a_pass_acts_on_every_stored_event_and_makes_the_case_level(app, orchestrator):
    intake(app)
    record(app, ASSESS)
    assert (level_of(app).events_acted_on, level_of(app).level) == (0, False)

    outcome = advance_case(app, REF)

    assert (outcome.acted_before, outcome.events_acted_on) == (0, 2)
    assert outcome.describe() == (f"{REF}: acted on events 1 to 2 (0 message(s) queued); "
                                  "waiting for draft plan")
    assert (level_of(app).events_acted_on, level_of(app).level) == (2, True)


def test_a_second_pass_with_nothing_new_does_nothing(app, orchestrator, database):
    intake(app)
    database.attach_plan(REF, "draft")
    record(app, ASSESS, DraftServed(on=d("2026-06-15")))
    advance_case(app, REF)
    calls = list(orchestrator.calls)

    again = advance_case(app, REF)

    assert (again.acted_before, again.events_acted_on, again.reviews_started) == (3, 3, ())
    assert again.describe().startswith(f"{REF}: nothing new since event 3; ")
    assert orchestrator.calls == calls  # no second quality review
    assert reviews_started(orchestrator) == [(REF, "draft", d("2026-06-15"))]


PLANS = [
    # recorded since the last pass                            quality reviews the pass starts
    ([ASSESS],                                                []),
    ([DraftServed(on=d("2026-06-15"))],                       [(REF, "draft", d("2026-06-15"))]),
    ([],                                                      []),
    ([FinalIssued(on=d("2026-07-17"))],                       [(REF, "final", d("2026-07-17"))]),
    ([],                                                      []),
]


def test_a_plan_served_or_issued_starts_its_quality_review_once(app, orchestrator, database):
    intake(app)
    database.attach_plan(REF, "draft")
    database.attach_plan(REF, "final")
    for events, started in PLANS:
        before = len(reviews_started(orchestrator))
        record(app, *events)
        advance_case(app, REF)
        assert reviews_started(orchestrator)[before:] == started, events


def test_a_plan_recorded_with_no_document_attached_starts_no_review(app, orchestrator, database):
    """A review scores the attached document; with none it would be a flow run that does nothing (`ehc qa
    attach` reviews a plan attached later). An imported caseload's drafts start none."""
    intake(app)
    database.attach_plan(REF, "final")  # the final's document only

    record(app, ASSESS, DraftServed(on=d("2026-06-15")), FinalIssued(on=d("2026-07-17")))

    outcome = advance_case(app, REF)

    assert outcome.reviews_started == ("final",)
    assert reviews_started(orchestrator) == [(REF, "final", d("2026-07-17"))]


def test_a_draft_and_final_plan_recorded_before_one_pass_start_both_reviews(app, orchestrator, database):
    intake(app)
    database.attach_plan(REF, "draft")
    database.attach_plan(REF, "final")
    record(app, ASSESS, DraftServed(on=d("2026-06-15")), FinalIssued(on=d("2026-07-17")))

    outcome = advance_case(app, REF)

    assert outcome.reviews_started == ("draft", "final")
    assert reviews_started(orchestrator) == [(REF, "draft", d("2026-06-15")), (REF, "final", d("2026-07-17"))]


def test_a_voided_draft_served_again_on_another_date_starts_that_dates_review(app, orchestrator, database):
    intake(app)
    database.attach_plan(REF, "draft")
    steps = [
        # what happens                                                             reviews the pass starts
        (lambda: record(app, ASSESS, DraftServed(on=d("2026-06-15"))),             [(REF, "draft", d("2026-06-15"))]),
        (lambda: casework.void_event(app, REF, 3, "served on the wrong date", ACTOR), []),
        (lambda: record(app, DraftServed(on=d("2026-06-22"))),                     [(REF, "draft", d("2026-06-22"))]),
    ]
    for happens, started in steps:
        before = len(reviews_started(orchestrator))
        happens()
        advance_case(app, REF)
        assert reviews_started(orchestrator)[before:] == started


def test_a_pass_that_cannot_start_a_review_leaves_the_case_behind_for_the_next_pass(app, orchestrator, database):
    intake(app)
    database.attach_plan(REF, "draft")
    record(app, ASSESS)
    advance_case(app, REF)
    record(app, DraftServed(on=d("2026-06-15")))
    orchestrator.error = ConnectionError("connection refused")

    with pytest.raises(ConnectionError):
        advance_case(app, REF)
    assert level_of(app).as_dict() == {"events_stored": 3, "events_acted_on": 2}

    orchestrator.error = None
    assert advance_case(app, REF).reviews_started == ("draft",)
    assert level_of(app).level
    assert reviews_started(orchestrator) == [(REF, "draft", d("2026-06-15"))] * 2  # Prefect's key keeps it one


def test_a_pass_over_a_case_not_stored_is_refused(app):
    with pytest.raises(CaseNotFound):
        advance_case(app, "EHC/2026/999")


def test_the_passes_run_for_what_was_handed_over_bring_every_case_level(app, orchestrator):
    intake(app, "EHC-A")
    intake(app, "EHC-B")
    record(app, NOT_ASSESSED, reference="EHC-B")

    outcomes = orchestrator.run_passes(app)

    assert [(o.reference, o.acted_before, o.events_acted_on) for o in outcomes] == [
        ("EHC-A", 0, 1), ("EHC-B", 0, 2), ("EHC-B", 2, 2)]  # B's second hand-over finds nothing new
    assert [level_of(app, reference).level for reference in ("EHC-A", "EHC-B")] == [True, True]


# -- the catch-up ---------------------------------------------------------------------------------


def test_catch_up_hands_over_exactly_the_cases_behind(app, orchestrator, clock, database):
    given_cases(app, {
        # reference  events after receipt
        "EHC-A":     (),                          # never passed
        "EHC-B":     (ASSESS,),                   # passed, level
        "EHC-C":     (ASSESS,),                   # passed, then a draft recorded with no hand-over
        "EHC-D":     (NOT_ASSESSED,),             # passed and closed
        "EHC-E":     (ASSESS,),                   # passed, then a reminder noted: not casework
    })
    for reference in ("EHC-B", "EHC-C", "EHC-D", "EHC-E"):
        advance_case(app, reference)
    database.attach_plan("EHC-C", "draft")
    with app.unit_of_work() as work:
        work.cases.record("EHC-C", DraftServed(on=d("2026-06-15")), ACTOR, clock.now())
        work.cases.record("EHC-E", NotificationSent(on=d("2026-04-14"), outbox_key="k1", purpose="advice_due",
                                                    recipient_role="contributor:DCO-N", attempt=1),
                          "system", clock.now())

    assert catch_up(app) == {"behind": 2}
    assert orchestrator.calls == [("hand_over", ["EHC-A", "EHC-C"])]

    orchestrator.run_passes(app)
    assert catch_up(app) == {"behind": 0}
    assert orchestrator.calls[-1] == ("start_quality_review", "EHC-C", "draft", d("2026-06-15"))  # no hand-over


def test_catch_up_with_prefect_unreachable_raises_for_its_flow_run_to_fail(app, orchestrator):
    given_cases(app, {"EHC-A": ()})
    orchestrator.error = ConnectionError("connection refused")

    with pytest.raises(ConnectionError):
        catch_up(app)


# -- the hand-over --------------------------------------------------------------------------------


HAND_OVER_REPLIES = [
    # orchestrator                                       reply
    ({},                                                 "2 case(s) handed to orchestration (fake)"),
    ({"unavailable": True},                              f"not handed to orchestration: {NoOrchestration.reason}"),
    ({"error": OSError("connection refused")},           "not handed to orchestration (OSError: connection refused); "
                                                         "the change is stored, and `ehc case resync` or the catch-up "
                                                         "every 10 minutes will bring the case level"),
]


@pytest.mark.parametrize("state, reply", HAND_OVER_REPLIES, ids=["handed over", "no server", "unreachable"])
def test_a_hand_over_never_raises_and_says_what_happened(app, orchestrator, state, reply):
    for name, value in state.items():
        setattr(orchestrator, name, value)

    handed = hand_over(app, ["EHC-A", "EHC-B"])
    assert handed.note == reply and handed.handed == (0 if "not handed" in reply else 2)
    assert orchestrator.calls == [("hand_over", ["EHC-A", "EHC-B"])]


def test_an_event_recorded_while_prefect_is_unreachable_is_stored_and_the_catch_up_brings_it_level(
        app, orchestrator):
    intake(app)
    orchestrator.run_passes(app)
    orchestrator.error = OSError("connection refused")

    recorded = casework.record_event(app, REF, ASSESS, ACTOR)

    assert "the catch-up every 10 minutes will bring the case level" in recorded.orchestration
    assert recorded.record.events[-1] == ASSESS
    assert (orchestrator.pending, level_of(app).level) == ([], False)
    orchestrator.error = None
    assert catch_up(app) == {"behind": 1}
    orchestrator.run_passes(app)
    assert level_of(app).level


def test_with_no_orchestration_configured_no_level_is_shown(app):
    intake(app)
    app.orchestrator = NoOrchestration()

    assert level_of(app) is None


@pytest.mark.parametrize("born, year_group", [
    # date of birth     year group in 2026/27 (today Mon 30 Nov 2026)
    (d("2015-01-01"),   "7"),   # started Reception in September 2019
    (d("2014-08-31"),   "8"),   # the youngest of the year above
    (d("2014-09-01"),   "7"),   # the oldest of the year
    (d("2023-09-01"),   "N1"),  # three in the September, a year before N2 and two before Reception
])
def test_a_final_plan_issued_becomes_a_plan_in_force_in_the_childs_year_group(app, orchestrator, database,
                                                                              born, year_group):
    casework.add_request(app, NewRequest(reference=REF, received=RECEIVED, child_date_of_birth=born,
                                         setting="URN-100101", caseworker="A Okafor", team="North"), ACTOR)
    record(app, ASSESS, DraftServed(on=d("2026-06-15")), FinalIssued(on=d("2026-07-17")))

    outcome = advance_case(app, REF)

    assert outcome.plan_added == REF
    plan = database.plans_in_force[REF]
    assert (plan.issued, plan.last_review, plan.year_group, plan.year_group_year, plan.setting, plan.case_ref,
            plan.caseworker, plan.team) == (d("2026-07-17"), None, year_group, 2026, "URN-100101", REF,
                                            "A Okafor", "North")
    assert orchestrator.calls[-1] == ("hand_over_plans", [REF])
    assert advance_case(app, REF).plan_added is None  # once


def test_a_final_plan_for_a_child_with_no_date_of_birth_adds_no_plan_in_force(app, orchestrator, database):
    """Its year group is unknown: `ehc import plans` adds it with one."""
    intake(app)
    record(app, ASSESS, DraftServed(on=d("2026-06-15")), FinalIssued(on=d("2026-07-17")))

    assert advance_case(app, REF).plan_added is None
    assert database.plans_in_force == {}
    assert not [call for call in orchestrator.calls if call[0] == "hand_over_plans"]

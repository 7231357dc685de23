"""Orchestration's progress with each case, kept in the case store (store/orchestration.py): how many casework
events a pass has acted on, and which cases are behind. On SQLite and on PostgreSQL.

A case is behind while it has casework events no pass has acted on; audit notes (a reminder sent) are not
casework. A pass records the count it read, and a late pass that read fewer never moves it back.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from domain.events import AdviceRequested, Agency, Decision, DraftServed, NotificationSent, Received
from domain.intake import NewRequest
from store.cases import CaseNotFound
from store.models import Case, as_utc

RECORDED_AT = datetime(2026, 4, 14, 9, 0, tzinfo=timezone.utc)
PASSED_AT = datetime(2026, 4, 14, 9, 5, tzinfo=timezone.utc)
ASSESS = Decision(on=date(2026, 4, 10), outcome="assess")
CASES = {
    # reference  events after receipt (Mon 2 Mar 2026)                                          casework events
    "EHC-A": (),                                                                                # 1
    "EHC-B": (ASSESS, AdviceRequested(on=date(2026, 4, 13), agency=Agency.HEALTH)),             # 3
    "EHC-C": (Decision(on=date(2026, 4, 10), outcome="not_assess"),),                           # 2
    "EHC-D": (ASSESS, NotificationSent(on=date(2026, 4, 14), outbox_key="k1", purpose="advice_due",
                                       recipient_role="contributor:DCO-N", attempt=1)),         # 2, and a note
}


@pytest.fixture
def stored(case_database):
    with case_database.unit_of_work() as work:
        for reference, events in CASES.items():
            work.cases.add_request(NewRequest(reference=reference, received=date(2026, 3, 2)), "test", RECORDED_AT)
            for event in events:
                work.cases.record(reference, event, "test", RECORDED_AT)
    return case_database


PASSES = [
    # a pass over the case, having read this many   acted on afterwards  behind afterwards
    # casework events                               (A, B, C, D)
    (None,                                          (0, 0, 0, 0),        ["EHC-A", "EHC-B", "EHC-C", "EHC-D"]),
    (("EHC-B", 2),                                  (0, 2, 0, 0),        ["EHC-A", "EHC-B", "EHC-C", "EHC-D"]),
    (("EHC-B", 3),                                  (0, 3, 0, 0),        ["EHC-A", "EHC-C", "EHC-D"]),
    (("EHC-B", 2),                                  (0, 3, 0, 0),        ["EHC-A", "EHC-C", "EHC-D"]),  # late pass
    (("EHC-D", 2),                                  (0, 3, 0, 2),        ["EHC-A", "EHC-C"]),  # the note: no casework
    (("EHC-A", 1),                                  (1, 3, 0, 2),        ["EHC-C"]),
    (("EHC-C", 2),                                  (1, 3, 2, 2),        []),
]


def test_each_pass_moves_its_case_on_and_the_cases_behind_are_those_with_events_not_acted_on(stored):
    for acted, acted_on, behind in PASSES:
        if acted:
            with stored.unit_of_work() as work:
                work.orchestration.acted_on(*acted, PASSED_AT)
        with stored.unit_of_work() as work:
            assert tuple(work.orchestration.events_acted_on(reference) for reference in CASES) == acted_on, acted
            assert work.orchestration.cases_behind() == behind, acted


def test_a_new_event_puts_a_level_case_behind_again(stored):
    with stored.unit_of_work() as work:
        work.orchestration.acted_on("EHC-B", 3, PASSED_AT)
        work.cases.record("EHC-B", DraftServed(on=date(2026, 6, 15)), "test", RECORDED_AT)
    with stored.unit_of_work() as work:
        assert "EHC-B" in work.orchestration.cases_behind()


def test_the_cases_behind_can_be_asked_of_some_cases_only(stored):
    with stored.unit_of_work() as work:
        work.orchestration.acted_on("EHC-B", 3, PASSED_AT)
    with stored.unit_of_work() as work:
        assert work.orchestration.cases_behind(["EHC-A", "EHC-B", "EHC-Z"]) == ["EHC-A"]
        assert work.orchestration.cases_behind([]) == []


def test_when_a_case_was_last_acted_on_moves_with_each_pass_but_not_with_a_late_one(stored, engine):
    def acted_at():
        with engine.connect() as connection:
            value = connection.execute(select(Case.acted_at).where(Case.reference == "EHC-B")).scalar_one()
        return value and as_utc(value)

    assert acted_at() is None
    for count, at, expected in [(3, PASSED_AT, PASSED_AT),
                                (3, PASSED_AT + timedelta(minutes=10), PASSED_AT + timedelta(minutes=10)),
                                (2, PASSED_AT + timedelta(minutes=20), PASSED_AT + timedelta(minutes=10))]:
        with stored.unit_of_work() as work:
            work.orchestration.acted_on("EHC-B", count, at)
        assert acted_at() == expected, (count, at)


def test_the_progress_of_a_case_not_stored_is_refused(stored):
    with stored.unit_of_work() as work:
        with pytest.raises(CaseNotFound):
            work.orchestration.events_acted_on("EHC-Z")


def test_imported_cases_that_had_ended_start_level_and_open_ones_behind(case_database):
    imported = [
        # request                                                  events
        (NewRequest(reference="IMP-OPEN", received=date(2026, 3, 2)),  [Received(on=date(2026, 3, 2)), ASSESS]),
        (NewRequest(reference="IMP-ENDED", received=date(2026, 3, 2)), [
            Received(on=date(2026, 3, 2)), Decision(on=date(2026, 4, 10), outcome="not_assess")]),
    ]
    with case_database.unit_of_work() as work:
        work.cases.import_caseload(imported, "test", RECORDED_AT)
    with case_database.unit_of_work() as work:
        assert [work.orchestration.events_acted_on(ref) for ref in ("IMP-OPEN", "IMP-ENDED")] == [0, 2]
        assert work.orchestration.cases_behind() == ["IMP-OPEN"]

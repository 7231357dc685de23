"""The scheduled flows are thin: each runs its job once, as a Prefect flow run (the watch and the report for the
day they are given; the catch-up for whatever the store shows behind)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.events import parse_event
from domain.intake import NewRequest
from flows import _app
from flows.catch_up import catch_up
from flows.deadline_watch import deadline_watch
from tests.fakes import RecordingOrchestrator


@pytest.mark.parametrize("day, why", [
    (date(2026, 11, 21), "Sat 2026-11-21, a weekend"),
    (date(2026, 12, 25), "Fri 2026-12-25, Christmas Day"),
    (date(2027, 3, 29), "Mon 2027-03-29, Easter Monday"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_the_deadline_watch_does_nothing_on_a_day_that_is_not_a_working_day(flow_app, day, why):
    assert deadline_watch(as_of=day) == {"as_of": day.isoformat(), "skipped": "not a working day in England"}


def test_the_deadline_watch_checks_every_open_case_in_one_run(flow_app):
    with flow_app.unit_of_work() as work:
        work.cases.add_contributor("DCO-NORTH", "Health (DCO-NORTH)", "health", email="dco.north@example.nhs.uk",
                                   escalation_email="dco.north.manager@example.nhs.uk")
        for number in range(1, 4):
            reference = f"EHC-W-{number:04d}"
            work.cases.add_request(NewRequest(reference=reference, received=date(2026, 9, 1)), "test",
                                   recorded_at=_moment())
            work.cases.record(reference, parse_event("decision", date(2026, 9, 28), {"outcome": "assess"}), "test",
                              _moment())
            advice = parse_event("advice_requested", date(2026, 10, 1), {"agency": "health", "contributor": "DCO-NORTH"})
            work.cases.record(reference, advice, "test", _moment())

    first = deadline_watch(as_of=date(2026, 11, 13))  # Fri: health advice due Thu 12 Nov, one working day late
    again = deadline_watch(as_of=date(2026, 11, 13))

    assert first["cases_checked"] == 3 and first["messages_queued"] >= 3
    assert again["messages_queued"] == 0 and again["already_queued"] == first["messages_queued"]


def _moment():
    from ehc.clock import now_utc
    return now_utc()


def test_the_weekly_report_flow_writes_the_report_and_emails_it_once_per_day(flow_app):
    from flows.weekly_timeliness_report import weekly_timeliness_report

    with flow_app.unit_of_work() as work:
        work.cases.add_request(NewRequest(reference="EHC-R-0001", received=date(2026, 6, 1)), "test", _moment())

    first = weekly_timeliness_report(as_of=date(2026, 11, 23))
    again = weekly_timeliness_report(as_of=date(2026, 11, 23))

    report_dir = flow_app.settings.state_dir / "reports" / "2026-11-23"
    assert first["html"].startswith(str(report_dir)) and (report_dir / first["html"].split("/")[-1]).exists()
    assert first["open_requests"] == 1
    assert first["emails_queued"] == 2 and again["emails_queued"] == 0  # the SEND manager and the head of SEND


def test_the_catch_up_hands_over_only_the_cases_with_events_no_pass_has_acted_on(flow_app):
    with flow_app.unit_of_work() as work:
        for reference in ("EHC-C-0001", "EHC-C-0002", "EHC-C-0003"):
            work.cases.add_request(NewRequest(reference=reference, received=date(2026, 9, 1)), "test", _moment())
        work.orchestration.acted_on("EHC-C-0001", 1, _moment())
        work.cases.record("EHC-C-0001", parse_event("decision", date(2026, 9, 28), {"outcome": "assess"}), "test",
                          _moment())  # recorded, then its hand-over lost
        work.orchestration.acted_on("EHC-C-0003", 1, _moment())  # level
    orchestrator = RecordingOrchestrator()
    _app.app().orchestrator = orchestrator  # the app the flow builds from the environment

    state = catch_up(return_state=True)

    assert state.is_completed() and state.result() == {"behind": 2, "plans_behind": 0}
    assert orchestrator.calls == [("hand_over", ["EHC-C-0001", "EHC-C-0002"])]

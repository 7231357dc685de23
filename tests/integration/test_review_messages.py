"""The review watch and the outbox on SQLite and PostgreSQL: plans in force, their messages, and dispatch.

Mon 21 Dec 2026 is the notice day for the spring term 2027 (Mon 4 Jan 2027, packaged LA file; 14 days). The plans:

- P-1: from request EHC-0001 (Amelia Zebedee-Jones), at URN-140001, issued Sun 15 Feb 2026: reviewed by Sun 14 Feb
  2027, in the spring term; nothing else is due.
- P-3: at Riverside Primary (no contact: the casework team), issued Tue 1 Dec 2025: its review was due Mon 30 Nov
  2026 with nothing recorded, so its notice was needed by Mon 16 Nov (+1 to the caseworker) and the review date's
  +5 rung (the SEND manager) is the highest reached; overdue in the spring term's notice.
- P-4: in no school or setting, in year 6: the transfer's meeting target Sun 22 Nov passed with no meeting (both
  told), the 8-week countdown of Fri 18 Dec is within the catch-up, and a meeting by its review date Mon 11 Jan 2027
  needs notice by Mon 28 Dec (a bank holiday; last working day Thu 24 Dec), so -3 is today, to the caseworker.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import text

from config.settings import Settings
from domain.events import Decision, DraftServed, FinalIssued
from domain.intake import NewRequest
from domain.plan_events import parse_plan_event
from domain.plan_review import PlanInForce
from ehc.bootstrap import App
from ehc.services.messages import deadline_watch, dispatch_outbox, preview_reminders
from ehc.services.review_messages import queue_plan_messages, review_watch
from notifications.sink import SmtpSink, free_port

AS_OF = date(2026, 12, 21)
SENDING = datetime(2026, 12, 21, 9, 30, tzinfo=timezone.utc)  # Mon 09:30 GMT
RECORDED = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
PLAN_KINDS = ("review_reminder", "review_escalation", "phase_transfer_alert", "term_notice")
EXPECTED = [
    # (outbox case_reference, purpose, recipient)
    (None, "term-notice", "setting:Riverside Primary"),
    (None, "term-notice", "setting:URN-140001"),
    ("P-3", "review-escalation/arrange_meeting/+1", "caseworker:B Singh"),
    ("P-3", "review-escalation/review_by/+5", "role:send_manager"),
    ("P-4", "phase-transfer/countdown/8w", "caseworker:A Okafor"),
    ("P-4", "phase-transfer/countdown/8w", "role:send_manager"),
    ("P-4", "phase-transfer/meeting-target-missed", "caseworker:A Okafor"),
    ("P-4", "phase-transfer/meeting-target-missed", "role:send_manager"),
    ("P-4", "review-reminder/arrange_meeting/-3", "caseworker:A Okafor"),
]


def make_app(database_url: str, tmp_path: Path, smtp_port: int | None = None) -> App:
    return App(Settings(database_url=database_url, state_dir=tmp_path, smtp_port=smtp_port or free_port()))


def load_plans(app: App) -> None:
    with app.unit_of_work() as work:
        work.cases.add_request(NewRequest(reference="EHC-0001", received=date(2025, 9, 1), child_given_name="Amelia",
                                          child_family_name="Zebedee-Jones", caseworker="A Okafor"), "test", RECORDED)
        for event in (Decision(on=date(2025, 10, 6), outcome="assess"), DraftServed(on=date(2026, 1, 5)),
                      FinalIssued(on=date(2026, 2, 15))):
            work.cases.record("EHC-0001", event, "test", RECORDED)
        for plan in (
            PlanInForce(plan_ref="P-1", issued=date(2026, 2, 15), last_review=None, year_group="3",
                        year_group_year=2026, setting="URN-140001", case_ref="EHC-0001", caseworker="A Okafor"),
            PlanInForce(plan_ref="P-3", issued=date(2025, 12, 1), last_review=None, year_group="4",
                        year_group_year=2026, setting="Riverside Primary", caseworker="B Singh"),
            PlanInForce(plan_ref="P-4", issued=date(2026, 1, 12), last_review=None, year_group="6",
                        year_group_year=2026, setting=None, caseworker="A Okafor"),
        ):
            work.plans.add(plan, "test", RECORDED, AS_OF)


def plan_rows(engine) -> list:
    with engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT * FROM outbox WHERE kind IN ('review_reminder', 'review_escalation', 'phase_transfer_alert', "
            "'term_notice')")))


def test_the_watch_twice_queues_each_plan_message_once(database_url, tmp_path, engine):
    app = make_app(database_url, tmp_path)
    load_plans(app)
    first = review_watch(app, AS_OF)
    again = review_watch(app, AS_OF)
    assert (first.plans_checked, first.messages_queued, first.already_queued) == (3, len(EXPECTED), 0)
    assert (again.plans_checked, again.messages_queued, again.already_queued) == (3, 0, len(EXPECTED))
    rows = plan_rows(engine)
    assert len(rows) == len(EXPECTED)
    assert {(row.case_reference, row.purpose, row.recipient) for row in rows} == set(EXPECTED)
    assert {row.case_id for row in rows} == {None}  # about plans and settings: no case, so no case audit
    assert "Amelia" not in first.model_dump_json()
    assert queue_plan_messages(app, "P-4", AS_OF) == 0  # a review pass for one plan finds its keys queued

    morning = deadline_watch(app, AS_OF)  # the morning watch runs the review watch too
    assert (morning.plans_checked, morning.messages_queued) == (3, 0)
    preview = [item for item in preview_reminders(app, AS_OF) if item.kind in PLAN_KINDS]
    assert len(preview) == len(EXPECTED) and all(item.already_queued for item in preview)


def test_the_termly_notice_lists_plan_refs_and_never_the_childs_name(database_url, tmp_path, engine):
    app = make_app(database_url, tmp_path)
    load_plans(app)
    review_watch(app, AS_OF)
    notices = {row.recipient: row for row in plan_rows(engine) if row.kind == "term_notice"}
    school = notices["setting:URN-140001"]
    assert (school.to_address, str(school.due_on), str(school.send_on)) == (
        "senco@oakfield-academy.example.sch.uk", "2027-01-04", "2026-12-21")
    assert "EHC plan P-1: meeting by Sunday 14 February 2027 (review date)" in school.body_text
    assert "P-3" not in school.body_text and "AZ" not in school.body_text and "Amelia" not in school.body_html
    riverside = notices["setting:Riverside Primary"]
    assert riverside.to_address == "send.casework@example.gov.uk"
    assert "EHC plan P-3: meeting by Monday 30 November 2026 (review date), OVERDUE" in riverside.body_text


def test_a_ceased_plans_queued_messages_are_skipped_at_dispatch_with_the_reason(database_url, tmp_path, engine):
    with SmtpSink(tmp_path / "mail") as sink:
        app = make_app(database_url, tmp_path, smtp_port=sink.port)
        load_plans(app)
        review_watch(app, AS_OF)
        with app.unit_of_work() as work:
            work.plans.record("P-4", parse_plan_event("plan_ceased", AS_OF, {}), "test", RECORDED, AS_OF)
        summary = dispatch_outbox(app, SENDING)
        received = sink.messages()
    assert (summary.sent, summary.skipped, summary.failed) == (len(EXPECTED) - 5, 5, 0)
    rows = plan_rows(engine)
    assert {(row.case_reference, row.status, row.last_error) for row in rows if row.case_reference == "P-4"} == {
        ("P-4", "skipped", "plan ceased on 2026-12-21")}
    assert {row.status for row in rows if row.case_reference != "P-4"} == {"sent"}
    subjects = [" ".join(message["Subject"].split()) for message in received]
    assert "Escalation: annual review of EHC plan P-3: the review meeting 21 days overdue" in subjects
    assert "Annual reviews in Spring 2027 at URN-140001: 1 EHC plan" in subjects
    with engine.connect() as connection:
        audit = connection.execute(text("SELECT count(*) FROM case_events WHERE type LIKE 'notification_%'"))
        assert audit.scalar_one() == 0  # plan messages keep their outcome on their own rows

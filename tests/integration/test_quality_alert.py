"""The caseworker's quality alert on SQLite and PostgreSQL, delivered through a real SMTP server on loopback.

The case (A Okafor's, child Amelia Zebedee-Jones, initials AZ): received Mon
2 Mar 2026; decision to assess Fri 10 Apr; the school's advice asked Mon 13 Apr
and received Fri 1 May; draft plan served Mon 15 Jun 2026, which is the
corpus's poor plan (no health section G, unquantified provision: Inadequate).
The final plan, issued Mon 20 Jul 2026 (20 weeks from the request), is the
corpus's typical plan (Requires improvement). Mail goes out from 08:00
London time on working days.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import text

from config.settings import Settings
from domain.events import AdviceReceived, AdviceRequested, Agency, Decision, DecisionOutcome, DraftServed, FinalIssued
from domain.intake import NewRequest
from ehc.bootstrap import App
from ehc.services.messages import dispatch_outbox, queue_quality_alert
from ehc.services.plan_quality import attach_plan, automatic_review
from notifications.sink import SmtpSink, free_port

PLANS = Path(__file__).parents[1] / "fixtures" / "plans"
REF = "EHC-2026-QA7"
RECORDED = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)
DRAFT_SERVED = date(2026, 6, 15)      # Mon
FINAL_ISSUED = date(2026, 7, 20)      # Mon
TUESDAY_MORNING = datetime(2026, 6, 16, 8, 30, tzinfo=timezone.utc)   # Tue 16 Jun, 09:30 BST
AFTER_FINAL = datetime(2026, 7, 21, 8, 30, tzinfo=timezone.utc)       # Tue 21 Jul, 09:30 BST


def make_app(database_url: str, tmp_path: Path, smtp_port: int | None = None) -> App:
    return App(Settings(database_url=database_url, state_dir=tmp_path / "state", smtp_port=smtp_port or free_port(),
                        actor="qa.tester"))


def a_case_with_a_draft(app: App) -> None:
    with app.unit_of_work() as work:
        work.cases.add_request(NewRequest(reference=REF, received=date(2026, 3, 2), child_given_name="Amelia",
                                          child_family_name="Zebedee-Jones", caseworker="A Okafor"), "intake", RECORDED)
        for event in (Decision(on=date(2026, 4, 10), outcome=DecisionOutcome.ASSESS),
                      AdviceRequested(on=date(2026, 4, 13), agency=Agency.EDUCATION, setting="URN-1"),
                      AdviceReceived(on=date(2026, 5, 1), agency=Agency.EDUCATION),
                      DraftServed(on=DRAFT_SERVED)):
            work.cases.record(REF, event, "caseworker", RECORDED)


def review_and_alert(app: App, plan: str, stage: str, on: date) -> tuple[int, int]:
    """What `ehc qa attach` and the quality-review flow do: attach, review, alert below Good; (document, queued)."""
    document = attach_plan(app, REF, stage, PLANS / plan, on)
    summary = automatic_review(app, REF, on)
    return document, queue_quality_alert(app, summary, on)


def outbox(engine) -> list:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT * FROM outbox ORDER BY id")))


def test_a_poor_draft_queues_one_alert_for_the_caseworker_however_often_it_is_reviewed(database_url, tmp_path,
                                                                                       engine):
    app = make_app(database_url, tmp_path)
    a_case_with_a_draft(app)

    _, first = review_and_alert(app, "poor.json", "draft", DRAFT_SERVED)
    _, again = review_and_alert(app, "poor.json", "draft", DRAFT_SERVED)
    _, next_week = review_and_alert(app, "poor.json", "draft", date(2026, 6, 22))  # a late re-run of the flow

    assert (first, again, next_week) == (1, 0, 0)
    [row] = outbox(engine)
    assert (row.kind, row.recipient, row.to_address, row.status) == (
        "quality_alert", "caseworker:A Okafor", "a.okafor@example.gov.uk", "queued")
    assert row.key.startswith(f"{REF}/quality-alert/draft-review-") and row.key.endswith("/caseworker/2026-06-15")
    assert row.subject == f"EHC plan quality below Good: draft EHC plan for {REF} (AZ) graded Inadequate"
    assert "section G (health provision) is missing" in row.body_text
    assert "scored 1 of 4: Provision in F is specific and quantified" in row.body_text  # the rubric's words


def test_a_good_plan_queues_nothing(database_url, tmp_path, engine):
    app = make_app(database_url, tmp_path)
    a_case_with_a_draft(app)
    attach_plan(app, REF, "draft", PLANS / "strong.json", DRAFT_SERVED)
    summary = automatic_review(app, REF, DRAFT_SERVED)

    assert summary.below_good is False
    assert queue_quality_alert(app, summary, DRAFT_SERVED) == 0
    assert outbox(engine) == []


def test_dispatch_delivers_the_alert_with_initials_and_never_the_name_or_plan_text(database_url, tmp_path, engine):
    with SmtpSink(tmp_path / "mail") as sink:
        app = make_app(database_url, tmp_path, smtp_port=sink.port)
        a_case_with_a_draft(app)
        review_and_alert(app, "poor.json", "draft", DRAFT_SERVED)

        summary = dispatch_outbox(app, TUESDAY_MORNING)
        assert (summary.sent, summary.skipped, summary.failed, summary.still_queued) == (1, 0, 0, 0)
        assert dispatch_outbox(app, TUESDAY_MORNING).sent == 0
        [message] = sink.messages()

    [row] = outbox(engine)
    raw = message.as_string()
    body = message.get_body(("plain",)).get_content() + message.get_body(("html",)).get_content()
    assert (message["To"], message["Message-ID"], row.status) == ("a.okafor@example.gov.uk", row.message_id, "sent")
    assert message["Subject"] == f"EHC plan quality below Good: draft EHC plan for {REF} (AZ) graded Inadequate"
    assert f"{REF} (AZ)" in body and "graded it Inadequate" in body and "at least Good" in body
    assert f"http://localhost:8000/cases/{REF}" in body
    assert "Amelia" not in raw and "Zebedee" not in raw
    plan_text = [paragraph for section in json.loads((PLANS / "poor.json").read_text())["sections"].values()
                 for paragraph in section if len(paragraph) > 12]
    assert not [paragraph for paragraph in plan_text if paragraph in body]
    with engine.connect() as connection:
        audit = connection.execute(text(
            "SELECT type FROM case_events WHERE type LIKE 'notification_%'")).scalars().all()
    assert audit == ["notification_sent"]


def test_once_the_final_is_issued_the_drafts_alert_is_dropped_and_the_finals_goes_out(database_url, tmp_path,
                                                                                      engine):
    with SmtpSink(tmp_path / "mail") as sink:
        app = make_app(database_url, tmp_path, smtp_port=sink.port)
        a_case_with_a_draft(app)
        review_and_alert(app, "poor.json", "draft", DRAFT_SERVED)   # queued, never dispatched in time
        with app.unit_of_work() as work:
            work.cases.record(REF, FinalIssued(on=FINAL_ISSUED), "caseworker", RECORDED)
        final_document, queued = review_and_alert(app, "typical.json", "final", FINAL_ISSUED)

        summary = dispatch_outbox(app, AFTER_FINAL)
        [message] = sink.messages()

    assert queued == 1
    assert (summary.sent, summary.skipped) == (1, 1)
    assert message["Subject"] == (f"EHC plan quality below Good: final EHC plan for {REF} (AZ) graded "
                                  "Requires improvement")
    by_plan = {row.subject_ref: (row.status, row.last_error) for row in outbox(engine)}
    assert by_plan[f"final-plan:{final_document}"] == ("sent", None)
    [draft] = [ref for ref in by_plan if ref.startswith("draft-plan:")]
    assert by_plan[draft] == ("skipped", "final plan issued: the draft's review is moot")


def test_a_caseworker_without_an_address_in_the_policy_falls_back_to_the_casework_team(database_url, tmp_path,
                                                                                       engine):
    app = make_app(database_url, tmp_path)
    with app.unit_of_work() as work:
        work.cases.add_request(NewRequest(reference=REF, received=date(2026, 3, 2), caseworker="Z Newcomer"), "intake",
                               RECORDED)
        work.cases.record(REF, Decision(on=date(2026, 4, 10), outcome=DecisionOutcome.ASSESS), "caseworker", RECORDED)

    _, queued = review_and_alert(app, "poor.json", "draft", DRAFT_SERVED)

    [row] = outbox(engine)
    assert (queued, row.recipient, row.to_address) == (1, "caseworker:Z Newcomer", "send.casework@example.gov.uk")
    assert f"for {REF} (-)" in row.subject  # no name on record: no initials either

"""The weekly report: its quality section from the store's reviews, and its email to the distribution list.

On SQLite and PostgreSQL. The packaged policy's distribution list is the
SEND manager and the head of SEND. The report is as of Fri 20 Nov 2026;
the email goes out through a real SMTP server on loopback at 10:00 that
morning (GMT), after quiet hours end at 08:00.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from config.settings import Settings
from domain.events import Decision
from domain.intake import NewRequest
from ehc.services import plan_quality
from ehc.bootstrap import App
from ehc.services.messages import dispatch_outbox, queue_weekly_report_email
from ehc.services.reporting import weekly_report
from notifications.sink import SmtpSink, free_port

AS_OF = date(2026, 11, 20)
SENDING = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
RECORDED = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
DISTRIBUTION = {"send.manager@example.gov.uk", "head.of.send@example.gov.uk"}


def make_app(database_url: str, tmp_path: Path, smtp_port: int | None = None) -> App:
    return App(Settings(database_url=database_url, state_dir=tmp_path, smtp_port=smtp_port or free_port()))


def load_cases(app: App) -> None:
    """Three open requests, each decided to assess; children named so that a leak would show."""
    with app.unit_of_work() as work:
        for reference, received in (("EHC-0001", date(2026, 6, 1)), ("EHC-0002", date(2026, 7, 6)),
                                    ("EHC-0003", date(2026, 9, 7))):
            request = NewRequest(reference=reference, received=received, child_given_name="Amelia",
                                 child_family_name="Zebedee-Jones", caseworker="A Okafor")
            work.cases.add_request(request, "test", RECORDED)
            work.cases.record(reference, Decision(on=received.replace(day=20), outcome="assess"), "test", RECORDED)


def review(app: App, reference: str, plan: str, received_on: date) -> plan_quality.ReviewSummary:
    plan_quality.attach_plan(app, reference, "draft", PLANS / f"{plan}.json", received_on)
    return plan_quality.automatic_review(app, reference, received_on)


def outbox_rows(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT key, case_id, case_reference, kind, recipient, to_address, status FROM outbox ORDER BY key"))]


# -- the email ---------------------------------------------------------------------------------------------

def test_the_report_is_queued_once_per_day_and_recipient_however_often_it_runs(database_url, tmp_path, engine):
    app = make_app(database_url, tmp_path)
    load_cases(app)

    first = queue_weekly_report_email(app, weekly_report(app, AS_OF, tmp_path / "report"), AS_OF)
    again = queue_weekly_report_email(app, weekly_report(app, AS_OF, tmp_path / "report"), AS_OF)
    next_week = queue_weekly_report_email(app, weekly_report(app, date(2026, 11, 27), tmp_path / "next"),
                                          date(2026, 11, 27))

    assert (first, again, next_week) == (2, 0, 2)
    assert outbox_rows(engine) == [
        ("service/weekly-report/role:head_of_send/2026-11-20", None, None, "weekly_report", "role:head_of_send",
         "head.of.send@example.gov.uk", "queued"),
        ("service/weekly-report/role:head_of_send/2026-11-27", None, None, "weekly_report", "role:head_of_send",
         "head.of.send@example.gov.uk", "queued"),
        ("service/weekly-report/role:send_manager/2026-11-20", None, None, "weekly_report", "role:send_manager",
         "send.manager@example.gov.uk", "queued"),
        ("service/weekly-report/role:send_manager/2026-11-27", None, None, "weekly_report", "role:send_manager",
         "send.manager@example.gov.uk", "queued"),
    ]


def test_dispatch_delivers_the_report_to_the_distribution_list_with_its_files_attached(
        database_url, tmp_path, engine, count_rows):
    with SmtpSink(tmp_path / "mail") as sink:
        app = make_app(database_url, tmp_path, smtp_port=sink.port)
        load_cases(app)
        files = weekly_report(app, AS_OF, tmp_path / "report")
        queue_weekly_report_email(app, files, AS_OF)
        events_before = count_rows("case_events")

        summary = dispatch_outbox(app, SENDING)
        assert (summary.sent, summary.failed, summary.skipped) == (2, 0, 0)
        assert dispatch_outbox(app, SENDING).sent == 0  # nothing is sent twice
        received = sink.messages()
        raw = b"".join(path.read_bytes() for path in sink.files())

    assert {message["To"] for message in received} == DISTRIBUTION
    assert count_rows("case_events") == events_before  # about the service, not a case: no case audit entry
    assert {row[-1] for row in outbox_rows(engine)} == {"sent"}
    for message in received:
        assert message["Subject"] == "Example Borough Council: weekly EHC timeliness report to Friday 20 November 2026"
        body = message.get_body(("plain",)).get_content()
        # Overdue: EHC-0001 only (received 1 Jun + 140 days = 19 Oct; the others reach 20 weeks on 23 Nov and 25 Jan).
        assert "Open requests: 3, of which overdue: 1." in body
        assert str(files.html.parent.resolve()) in body
        attached = {part.get_filename(): part for part in message.iter_attachments()}
        assert set(attached) == {"timeliness-2026-11-20.html", "timeliness-2026-11-20-open-cases.csv",
                                 "timeliness-2026-11-20.xlsx"}
        assert attached["timeliness-2026-11-20-open-cases.csv"].get_content_type() == "text/csv"
        assert attached["timeliness-2026-11-20.html"].get_content_type() == "text/html"
        assert attached["timeliness-2026-11-20.xlsx"].get_payload(decode=True) == files.xlsx.read_bytes()
        csv_bytes = attached["timeliness-2026-11-20-open-cases.csv"].get_payload(decode=True)
        assert csv_bytes == files.csv.read_bytes()  # the file as written, byte for byte
        csv_text = csv_bytes.decode("utf-8")
        assert "EHC-0003" in csv_text and ",AO," in csv_text  # references and the caseworker's initials
    assert b"Amelia" not in raw and b"Zebedee" not in raw  # never the child's name, in the body or the files


def test_a_report_file_deleted_before_sending_fails_the_message_naming_the_file(database_url, tmp_path, engine):
    with SmtpSink(tmp_path / "mail") as sink:
        app = make_app(database_url, tmp_path, smtp_port=sink.port)
        load_cases(app)
        files = weekly_report(app, AS_OF, tmp_path / "report")
        queue_weekly_report_email(app, files, AS_OF)
        files.xlsx.unlink()

        summary = dispatch_outbox(app, SENDING)
        assert sink.messages() == []

    assert (summary.sent, summary.failed) == (0, 2)
    with engine.connect() as connection:
        errors = connection.execute(text("SELECT status, last_error FROM outbox")).all()
    assert {status for status, _ in errors} == {"failed"}
    assert all("attachment timeliness-2026-11-20.xlsx cannot be read" in error for _, error in errors)


# -- the quality section -------------------------------------------------------------------------------------

def test_without_any_graded_plan_the_report_has_no_quality_section(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    load_cases(app)

    files = weekly_report(app, AS_OF, tmp_path / "report")

    html = files.html.read_text(encoding="utf-8")
    assert files.quality_review is False
    assert 'id="quality-review"' not in html and "Quality of EHC plans" not in html
    assert "Quality" not in load_workbook(files.xlsx, read_only=True).sheetnames


def test_once_plans_are_reviewed_the_report_shows_grades_by_month_and_the_most_common_failings(
        database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    load_cases(app)
    poor = review(app, "EHC-0001", "poor", date(2026, 10, 5))
    strong = review(app, "EHC-0002", "strong", date(2026, 11, 2))
    typical = review(app, "EHC-0003", "typical", date(2026, 11, 16))
    # The strong plan scores Outstanding, but an automatic grade is Good at most (Outstanding needs a reviewer).
    assert (poor.grade, strong.grade, typical.grade) == ("Inadequate", "Good", "Requires improvement")

    files = weekly_report(app, AS_OF, tmp_path / "report")

    html = files.html.read_text(encoding="utf-8")
    section = html[html.index('id="quality-review"'):html.index("</section>", html.index('id="quality-review"'))]
    assert files.quality_review is True
    assert "3 plans came in for review from 1 June 2026 to 20 November 2026; 1 (33.3%) graded Good or better." \
        in section
    # Month plans came in | Outstanding | Good | Requires improvement | Inadequate | Plans | Good or better
    assert '<th scope="row">September 2026</th><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>–</td>' \
        in section
    assert '<th scope="row">October 2026</th><td>0</td><td>0</td><td>0</td><td>1</td><td>1</td><td>0.0%</td>' \
        in section
    assert ('<th scope="row">November 2026 (to 20 November)</th><td>0</td><td>1</td><td>1</td><td>0</td><td>2</td>'
            '<td>50.0%</td>') in section
    # Both the poor and the typical plan fail these (by the fixtures' expected findings); strong fails none.
    assert ('<th scope="row">Outcomes in E are SMART: a time frame and a measurable change</th><td>2</td>'
            '<td>66.7%</td>') in section
    assert ('<th scope="row">Provision in F is specific and quantified: what, who, how often, for how long</th>'
            '<td>2</td><td>66.7%</td>') in section
    assert "EHC-000" not in section and "Jo " not in section  # counts only: no references, no plan text
    quality = load_workbook(files.xlsx, read_only=True)["Quality"]
    cells = [[cell for cell in row if cell is not None] for row in quality.iter_rows(values_only=True)]
    assert ["October 2026", 0, 0, 0, 1, 1, "0.0%"] in cells
    assert ["Outcomes in E are SMART: a time frame and a measurable change", 2, "66.7%"] in cells


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_email_says_when_the_report_has_a_quality_section(database_url, tmp_path, engine):
    app = make_app(database_url, tmp_path)
    load_cases(app)
    review(app, "EHC-0001", "poor", date(2026, 10, 5))

    queue_weekly_report_email(app, weekly_report(app, AS_OF, tmp_path / "report"), AS_OF)

    with engine.connect() as connection:
        bodies = connection.execute(text("SELECT body_text, body_html FROM outbox")).all()
    assert len(bodies) == 2
    assert all("grades by month and the most common failings" in body for pair in bodies for body in pair)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_email_gives_the_plans_in_force_figures_once_plans_are_stored(database_url, tmp_path, engine):
    from domain.plan_events import MeetingHeld, ReviewDecision
    from domain.plan_review import PlanInForce

    app = make_app(database_url, tmp_path)
    load_cases(app)
    queue_weekly_report_email(app, weekly_report(app, AS_OF, tmp_path / "before"), date(2026, 11, 19))
    with app.unit_of_work() as work:
        # Due for review by Sun 28 Jun 2026: held Fri 26 Jun, decided Mon 27 Jul (31 days: late).
        work.plans.add(PlanInForce(plan_ref="PLAN-1", issued=date(2025, 6, 29), last_review=None, year_group="3",
                                   year_group_year=2026, setting="URN-1"), "test", RECORDED, AS_OF)
        work.plans.record("PLAN-1", MeetingHeld(on=date(2026, 6, 26)), "test", RECORDED, AS_OF)
        work.plans.record("PLAN-1", ReviewDecision(on=date(2026, 7, 27), outcome="maintain"), "test", RECORDED, AS_OF)

    queue_weekly_report_email(app, weekly_report(app, AS_OF, tmp_path / "report"), AS_OF)

    with engine.connect() as connection:
        bodies = {str(day): body for day, body in connection.execute(text("SELECT send_on, body_text FROM outbox"))}
    assert "Plans in force" not in bodies["2026-11-19"]  # none stored: nothing said of them
    assert ("Plans in force: 1. Rolling 12 months: 100.0% of reviews held within the 12 months, 0.0% of review "
            "decisions within 4 weeks of the meeting.") in bodies["2026-11-20"]

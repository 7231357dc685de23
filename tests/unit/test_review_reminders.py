"""Review reminders, escalations and phase-transfer alerts as tables of dates (domain/reminders/review_planner.py
with the packaged policy's ``[reviews]``).

The policy (config/policy/default.toml): to the school or setting, reminders to arrange the meeting at -20, -10
and -3 working days from the last working day on or before the day its notice is needed by (the review date less
14 days), and for the advice (-3, 0) and the report (-3, 0, +1); to the caseworker for the decision and the
amended plan (-10, -3, 0). Escalations once a date has passed with nothing recorded: the caseworker, then the
SEND manager, then the head of SEND. The phase-transfer countdown at 12, 8, 4 and 2 weeks before the deadline's
last working day, to the caseworker and the SEND manager. Every row was worked out by hand from the England bank
holidays.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from config.policy import PACKAGED_POLICY, load_policy
from domain.plan_events import parse_plan_event
from domain.plan_review import PlanInForce, ReviewSettings, plan_timeline
from domain.reminders.messages import MessageKind, message_key
from domain.reminders.review_planner import PlanForReminders, plan_review_messages, review_message_relevance
from domain.year_groups import DEFAULT_TRANSFER_POINTS
from notifications.render import Branding, Renderer

D = date.fromisoformat
POLICY = load_policy(PACKAGED_POLICY)
SETTINGS = ReviewSettings(DEFAULT_TRANSFER_POINTS, transfer_meeting_weeks_before=12)
SCHOOL = "URN-140001"  # [setting_contacts] gives its SENCO's address


def plan(issued: str, year_group: str = "3", recorded_in: int = 2026, setting: str | None = SCHOOL,
         last_review: str | None = None) -> PlanInForce:
    return PlanInForce(plan_ref="P-1", issued=D(issued), last_review=D(last_review) if last_review else None,
                       year_group=year_group, year_group_year=recorded_in, setting=setting, caseworker="A Okafor")


def event(kind: str, on: str, **payload):
    return parse_plan_event(kind, D(on), payload)


def planned(calendar, the_plan: PlanInForce, events, as_of: date):
    timeline = plan_timeline(the_plan, events, calendar, as_of, SETTINGS)
    facts = PlanForReminders(plan_ref=the_plan.plan_ref, caseworker=the_plan.caseworker, setting=the_plan.setting,
                             timeline=timeline)
    return plan_review_messages(facts, POLICY, calendar, as_of)


def first_planned(calendar, the_plan: PlanInForce, events, start: str, end: str, prefix: str = "") -> dict[str, str]:
    """Run the planner every day from start to end: each "purpose recipient" with the first day it was planned."""
    found: dict[str, str] = {}
    day = D(start)
    while day <= D(end):
        for message in planned(calendar, the_plan, events, day):
            if message.purpose.startswith(prefix):
                found.setdefault(f"{message.purpose} {message.recipient}", day.isoformat())
        day += timedelta(days=1)
    return found


def ids(rows):
    return [row[-1] for row in rows]


def test_a_review_date_on_a_sunday_counts_from_the_friday_before(calendar):
    """Issued Sun 1 Mar 2026: reviewed by Sun 28 Feb 2027 (last working day Fri 26 Feb); a meeting that day needs
    notice by Sun 14 Feb (Fri 12 Feb). Nothing recorded: the school is reminded to arrange it, then the caseworker,
    the SEND manager and the head of SEND are told, each on their own day; +20 steps over Easter 2027."""
    assert first_planned(calendar, plan("2026-03-01"), [], "2027-01-01", "2027-04-09") == {
        "review-reminder/arrange_meeting/-20 setting:URN-140001": "2027-01-15",  # Fri: 20 working days before 12 Feb
        "review-reminder/arrange_meeting/-10 setting:URN-140001": "2027-01-29",
        "review-reminder/arrange_meeting/-3 setting:URN-140001": "2027-02-09",   # Tue
        "review-escalation/arrange_meeting/+1 caseworker:A Okafor": "2027-02-15",  # Mon, the day after the date
        "review-escalation/review_by/+1 caseworker:A Okafor": "2027-03-01",
        "review-escalation/review_by/+5 role:send_manager": "2027-03-05",
        "review-escalation/review_by/+20 role:head_of_send": "2027-03-30",  # Good Friday, Easter Monday skipped
    }
    [reminder] = [m for m in planned(calendar, plan("2026-03-01"), [], D("2027-02-09"))]
    assert reminder.reason == (
        "3 working days before notice of the review meeting, for a meeting by the review date Sun 2027-02-28 "
        "(Reg 20(3)) due (statutory date Sun 2027-02-14, last working day Fri 2027-02-12)")
    assert (reminder.to_address, reminder.due_on, reminder.last_working_day) == (
        "senco@oakfield-academy.example.sch.uk", D("2027-02-14"), D("2027-02-12"))


# Met Fri 27 Nov 2026 (notice Mon 2 Nov, advice Tue 10 Nov): the report is due Fri 11 Dec and the decision Fri 25 Dec,
# Christmas Day, so its last working day is Thu 24 Dec; Mon 28 Dec is the Boxing Day substitute, Fri 1 Jan New Year.
CHRISTMAS = [event("meeting_notice_sent", "2026-11-02", meeting="2026-11-27"),
             event("advice_circulated", "2026-11-10"), event("meeting_held", "2026-11-27")]


def test_reminders_and_escalations_across_the_christmas_bank_holidays(calendar):
    assert first_planned(calendar, plan("2025-12-01"), CHRISTMAS, "2026-11-27", "2027-01-20", "review-") == {
        "review-reminder/report_by/-3 setting:URN-140001": "2026-12-08",
        "review-reminder/report_by/+0 setting:URN-140001": "2026-12-11",
        "review-reminder/report_by/+1 setting:URN-140001": "2026-12-14",
        "review-escalation/report_by/+2 caseworker:A Okafor": "2026-12-15",
        "review-escalation/report_by/+10 role:send_manager": "2026-12-29",   # 21-24 Dec, then Tue 29 Dec
        "review-reminder/decision_by/-10 caseworker:A Okafor": "2026-12-10",
        "review-reminder/decision_by/-3 caseworker:A Okafor": "2026-12-21",
        "review-reminder/decision_by/+0 caseworker:A Okafor": "2026-12-24",  # Thu: the last working day
        "review-escalation/decision_by/+1 role:send_manager": "2026-12-29",  # Fri 25 and Mon 28 Dec are holidays
        "review-escalation/decision_by/+10 role:head_of_send": "2027-01-12",  # Fri 1 Jan is New Year's Day
    }


def test_a_meeting_just_before_the_summer_closure_runs_its_dates_through_the_holiday(calendar):
    """Notice given Mon 29 Jun 2026 of a meeting on Tue 21 Jul, the last day of the summer term: advice due by
    Tue 7 Jul, not recorded; the report due Tue 4 Aug and the decision Tue 18 Aug, in the school holiday (Reg 20
    does not stop for it); +10 from the decision steps over the summer bank holiday, Mon 31 Aug."""
    events = [event("meeting_notice_sent", "2026-06-29", meeting="2026-07-21"), event("meeting_held", "2026-07-21")]
    assert first_planned(calendar, plan("2025-09-01"), events, "2026-06-29", "2026-09-10", "review-") == {
        "review-reminder/advice_circulated_by/-3 setting:URN-140001": "2026-07-02",
        "review-reminder/advice_circulated_by/+0 setting:URN-140001": "2026-07-07",
        "review-escalation/advice_circulated_by/+1 caseworker:A Okafor": "2026-07-08",
        "review-reminder/report_by/-3 setting:URN-140001": "2026-07-30",
        "review-reminder/report_by/+0 setting:URN-140001": "2026-08-04",
        "review-reminder/report_by/+1 setting:URN-140001": "2026-08-05",
        "review-escalation/report_by/+2 caseworker:A Okafor": "2026-08-06",
        "review-escalation/report_by/+10 role:send_manager": "2026-08-18",
        "review-reminder/decision_by/-10 caseworker:A Okafor": "2026-08-04",
        "review-reminder/decision_by/-3 caseworker:A Okafor": "2026-08-13",
        "review-reminder/decision_by/+0 caseworker:A Okafor": "2026-08-18",
        "review-escalation/decision_by/+1 role:send_manager": "2026-08-19",
        "review-escalation/decision_by/+10 role:head_of_send": "2026-09-02",  # Mon 31 Aug skipped
    }


COUNTDOWNS = [
    # (year group, recorded in, watched from, to, the caseworker's alerts and their first days, why)
    ("6", 2026, "2026-09-01", "2027-02-20", {
        "countdown/12w": "2026-11-20", "meeting-target-missed": "2026-11-23", "countdown/8w": "2026-12-18",
        "countdown/4w": "2027-01-15", "countdown/2w": "2027-01-29", "deadline-missed": "2027-02-15"},
     "15 Feb 2027 is a Monday: last day Sun 14 Feb, last working day Fri 12 Feb; target Sun 22 Nov"),
    ("6", 2025, "2025-09-01", "2026-02-20", {
        "countdown/12w": "2025-11-21", "meeting-target-missed": "2025-11-24", "countdown/8w": "2025-12-19",
        "countdown/4w": "2026-01-16", "countdown/2w": "2026-01-30", "deadline-missed": "2026-02-16"},
     "15 Feb 2026 is a Sunday: last day Sat 14 Feb, last working day Fri 13 Feb; target Sat 22 Nov"),
    ("11", 2026, "2026-09-01", "2027-04-09", {
        "countdown/12w": "2027-01-05", "meeting-target-missed": "2027-01-06", "countdown/8w": "2027-02-02",
        "countdown/4w": "2027-03-02", "countdown/2w": "2027-03-16", "deadline-missed": "2027-03-31"},
     "secondary to post-16, before Wed 31 Mar 2027: last day Tue 30 Mar, after Easter Monday"),
]


@pytest.mark.parametrize("group, recorded_in, start, end, expected, why", COUNTDOWNS, ids=ids(COUNTDOWNS))
def test_the_phase_transfer_countdown_counts_weeks_from_the_deadlines_last_working_day(calendar, group, recorded_in,
                                                                                      start, end, expected, why):
    the_plan = plan(f"{recorded_in}-10-01", year_group=group, recorded_in=recorded_in)
    found = first_planned(calendar, the_plan, [], start, end, "phase-transfer/")
    assert {purpose.split(" ")[0].removeprefix("phase-transfer/"): day for purpose, day in found.items()
            if purpose.endswith("caseworker:A Okafor")} == expected
    assert {purpose.replace("role:send_manager", "caseworker:A Okafor"): day for purpose, day in found.items()} == {
        purpose: day for purpose, day in found.items() if purpose.endswith("caseworker:A Okafor")}  # and the manager


def test_a_review_meeting_held_by_the_target_means_no_target_alert_and_the_countdown_names_it(calendar):
    events = [event("meeting_notice_sent", "2026-10-05", meeting="2026-10-20"), event("meeting_held", "2026-10-20")]
    the_plan = plan("2026-03-01", year_group="6", recorded_in=2026)
    found = first_planned(calendar, the_plan, events, "2026-11-01", "2026-12-31", "phase-transfer/")
    assert sorted({purpose.split(" ")[0] for purpose in found}) == [
        "phase-transfer/countdown/12w", "phase-transfer/countdown/8w"]
    [alert] = [m for m in planned(calendar, the_plan, events, D("2026-11-20")) if m.recipient == "caseworker:A Okafor"
               and m.kind is MessageKind.PHASE_TRANSFER_ALERT]
    assert alert.reason.endswith("review meeting held Tue 2026-10-20")
    assert alert.what == ("the plan reviewed and amended for the primary to secondary transfer "
                          "(Reg 18(1)(b): before Mon 2027-02-15)")


def test_a_first_watch_long_after_the_review_date_tells_only_the_highest_rung_due(calendar):
    """Imported last reviewed Tue 1 Apr 2025: the review was due Tue 31 Mar 2026; the first watch is on Tue 1 Sep."""
    messages = planned(calendar, plan("2023-04-01", last_review="2025-04-01"), [], D("2026-09-01"))
    assert sorted((m.purpose, m.recipient) for m in messages) == [
        ("review-escalation/arrange_meeting/+1", "caseworker:A Okafor"),
        ("review-escalation/review_by/+20", "role:head_of_send")]
    escalation = next(m for m in messages if m.purpose.endswith("+20"))
    assert escalation.reason == (
        "the review meeting (CFA s44(1)) due (statutory date Tue 2026-03-31, last working day Tue "
        "2026-03-31) not recorded 20 working days after it was due (154 days overdue): escalation to the head of "
        "SEND; the highest rung due, so the caseworker and the SEND manager are not told now")
    assert (escalation.recipient_title, escalation.to_address) == ("head of SEND", "head.of.send@example.gov.uk")


RECIPIENTS = [
    # (setting, the arrange reminder's recipient, title, address, regulation in what, why)
    (SCHOOL, "setting:URN-140001", "colleagues at URN-140001", "senco@oakfield-academy.example.sch.uk", "Reg 20(3)",
     "a setting with a contact in [setting_contacts]"),
    ("Riverside Primary", "setting:Riverside Primary", "casework team (for Riverside Primary)",
     "send.casework@example.gov.uk", "Reg 20(3)", "a setting with none: the casework team, to pass it on"),
    (None, "caseworker:A Okafor", "A Okafor", "a.okafor@example.gov.uk", "Reg 21(3)",
     "no school or setting: the LA arranges the review itself (Reg 21)"),
]


@pytest.mark.parametrize("setting, recipient, title, address, regulation, why", RECIPIENTS, ids=ids(RECIPIENTS))
def test_who_a_school_message_goes_to(calendar, setting, recipient, title, address, regulation, why):
    [reminder] = planned(calendar, plan("2026-03-01", setting=setting), [], D("2027-02-09"))
    assert (reminder.recipient, reminder.recipient_title, reminder.to_address) == (recipient, title, address)
    assert f"({regulation})" in reminder.what
    assert reminder.key == message_key("P-1", "review-reminder/arrange_meeting/-3", recipient, D("2027-02-14"))


@pytest.mark.parametrize("day, why", [
    ("2027-02-13", "Saturday"), ("2027-03-26", "Good Friday"), ("2026-12-28", "Boxing Day substitute"),
], ids=lambda value: value)
def test_nothing_is_planned_on_a_weekend_or_bank_holiday(calendar, day, why):
    overdue_everything = plan("2023-04-01", year_group="6", recorded_in=2026, last_review="2025-04-01")
    assert planned(calendar, overdue_everything, CHRISTMAS[:1], D(day)) == []
    assert planned(calendar, overdue_everything, CHRISTMAS[:1], calendar.shift_working_days(D(day), 1))


def test_nothing_is_planned_for_a_ceased_plan(calendar):
    overdue_everything = plan("2023-04-01", year_group="6", recorded_in=2026, last_review="2025-04-01")
    assert planned(calendar, overdue_everything, [], D("2026-11-23"))  # the review and the transfer both overdue
    assert planned(calendar, overdue_everything, [event("plan_ceased", "2026-09-01")], D("2026-11-23")) == []


def test_each_key_names_plan_purpose_recipient_and_due_date(calendar):
    the_plan = plan("2025-12-01", year_group="6", recorded_in=2026)
    messages = planned(calendar, the_plan, CHRISTMAS, D("2026-12-18"))
    assert {m.key for m in messages} == {
        "P-1/review-escalation/report_by/+2/caseworker:A Okafor/2026-12-11",  # the highest rung reached so far
        "P-1/phase-transfer/countdown/8w/caseworker:A Okafor/2027-02-14",
        "P-1/phase-transfer/countdown/8w/role:send_manager/2027-02-14",
    }  # the report's +1 (Mon 14 Dec) and the decision's -10 (Thu 10 Dec) are past the 3 days' catch-up
    assert all(m.case_reference == "P-1" and m.kind in (MessageKind.REVIEW_ESCALATION,
                                                        MessageKind.PHASE_TRANSFER_ALERT) for m in messages)


RELEVANCE = [
    # (the message's purpose, recipient and due date, planned on, then recorded, checked on, why it is not sent)
    ("review-reminder/arrange_meeting/-3", "2027-02-14", "2027-02-09",
     [event("meeting_notice_sent", "2027-02-10", meeting="2027-02-26")], "2027-02-10",
     "review meeting arranged or held"),
    ("review-reminder/report_by/-3", "2026-12-11", "2026-12-08", [event("report_received", "2026-12-08")],
     "2026-12-08", "report_by done_on_time"),
    ("review-escalation/decision_by/+1", "2026-12-25", "2026-12-29",
     [event("decision", "2026-12-29", outcome="maintain")], "2026-12-30", "decision_by done_late"),
    ("review-reminder/report_by/+0", "2026-12-11", "2026-12-11",
     [event("event_voided", "2026-12-11", sequence=3, voided_type="meeting_held", voided_on="2026-11-27",
            reason="the meeting was put back a week"), event("meeting_held", "2026-12-04")], "2026-12-11",
     "no review has report_by due on 2026-12-11 any more"),
    ("phase-transfer/meeting-target-missed", "2027-02-14", "2026-11-23", [event("meeting_held", "2026-11-24")],
     "2026-11-24", "review meeting held on 2026-11-24"),
    ("phase-transfer/countdown/4w", "2027-02-14", "2027-01-15", [event("plan_ceased", "2027-01-15")], "2027-01-18",
     "plan ceased on 2027-01-15"),
]


@pytest.mark.parametrize("purpose, due, on, later, checked, reason", RELEVANCE, ids=[row[-1] for row in RELEVANCE])
def test_a_queued_message_is_not_sent_once_the_plan_has_moved_on(calendar, purpose, due, on, later, checked, reason):
    base = CHRISTMAS if "report" in purpose or "decision" in purpose else []
    the_plan = plan("2026-03-01" if not base else "2025-12-01", year_group="6", recorded_in=2026)
    message = next(m for m in planned(calendar, the_plan, base, D(on)) if m.purpose == purpose)
    assert message.due_on == D(due)
    still = plan_timeline(the_plan, base, calendar, D(checked), SETTINGS)
    assert review_message_relevance(message.kind, message.subject_ref, message.due_on, still, calendar) is None
    moved_on = plan_timeline(the_plan, [*base, *later], calendar, D(checked), SETTINGS)
    assert review_message_relevance(message.kind, message.subject_ref, message.due_on, moved_on, calendar) == reason


RENDERER = Renderer(Branding(authority="Example Council", base_url="https://ehc.example.gov.uk/",
                             mail_from="send@example.gov.uk"))


@pytest.mark.parametrize("initials, named", [("AZ", "EHC plan P-1 (AZ)"), ("", "EHC plan P-1")],
                         ids=["from a request the product carried", "a plan made before the product"])
def test_a_review_message_names_the_plan_both_dates_the_regulation_and_the_review_page(calendar, initials, named):
    [message] = [m for m in planned(calendar, plan("2025-12-01"), CHRISTMAS, D("2026-12-24"))
                 if m.purpose == "review-reminder/decision_by/+0"]
    out = RENDERER.render(message, initials, D("2026-12-24"))
    assert out.subject == (f"Reminder: annual review of {named}: the decision to maintain, amend or cease the plan, "
                           f"notified due Friday 25 December 2026")
    for body in (out.text, out.html.replace("<strong>", "").replace("</strong>", "")):
        body = " ".join(body.split())
        assert f"for the annual review of {named}:" in body
        assert "(Reg 20(10))" in body
        assert ("Statutory date: Friday 25 December 2026. Last working day on or before it: Thursday 24 December "
                "2026.") in body
        assert "https://ehc.example.gov.uk/reviews/P-1" in body and "/cases/" not in body
